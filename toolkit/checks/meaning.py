"""Meaning checks: changes a reader cannot see as a changed digit, but that change the advice.

Each check compares one concept between the source and the translation, each side read with
its own locale's vocabulary (`toolkit.checks.vocab`):

- negation: the number of sentences that carry a negation ("do not", "no", "không");
- frequency: counts of times ("once", "dos veces", "两次", "مرتين") and periods ("a day");
- comparison: comparators ("below", "más de", "以上") and before/after;
- order: ordered numbers (a reading 130/80, a range 2-3, a dose per time of day);
- sentences: a translation with fewer sentences than its source.

Each function returns messages for the findings of one entry; `entry.py` names and locates them.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache

from . import numbers
from .vocab import NUMBER_NEAR, TIMES, Vocabulary

COMPARATOR_NAMES = {
    "less": "less than / below / at most",
    "more": "more than / above / at least",
    "before": "before",
    "after": "after",
}
PERIOD_NAMES = {
    "day": "a day",
    "week": "a week",
    "month": "a month",
    "other-day": "every other day",
}
# a sentence end followed by more text: without one, a text is one sentence (no split needed)
_MAYBE_SEVERAL = re.compile(r"[.!?…][\"'”’»)\]]*\s+\S|[。．！？؟।]\s*\S")
_CLAUSE = re.compile(r"[,;:，；、：]")
_SLASH = re.compile(r"(?<![\d.,/])(\d+(?:[.,٫]\d+)?)\s?/\s?(\d+(?:[.,٫]\d+)?)(?![\d/]|[.,٫]\d)")
_RANGE = re.compile(
    r"(?<![\d.,\-–])(\d+(?:[.,٫]\d+)?)\s?[-–—]\s?(\d+(?:[.,٫]\d+)?)(?![\d\-–]|[.,٫]\d)"
)


@lru_cache(maxsize=4096)
def sentences(text: str, locale: str) -> tuple[str, ...]:
    """The sentences of one entry's text. Both sides are split by the same rules (after . ! ?
    … before a capital, not after an initial or a title; after 。 ！ ？ ؟ ।), so a count
    compares like with like; pysbd is not used: it keeps "bien. Así" together in Spanish."""
    from ..readability.segmenter import fallback_segment

    if not _MAYBE_SEVERAL.search(text):
        return (text,) if text.strip() else ()
    return tuple(s for line in text.splitlines() for s in fallback_segment(line))


@lru_cache(maxsize=4096)
def sentence_total(text: str, locale: str) -> int:
    """`len(sentences(text))`, without building them when there is only one."""
    if not _MAYBE_SEVERAL.search(text):
        return 1 if text.strip() else 0
    return len(sentences(text, locale))


@lru_cache(maxsize=4096)
def absent_concepts(source: str, locale: str, vocab: Vocabulary) -> frozenset[str]:
    """The meaning checks a source text gives nothing to compare for (decided once per
    source, for every locale): no count or period word, no comparator, no ordered numbers,
    a single sentence. (negation always runs: a translation may add one.)"""
    absent = set()
    if sentence_total(source, locale) < 2:
        absent.add("sentences")
    if not vocab.mentions_frequency(source):
        absent.add("frequency")
    if not vocab.tag(source, "comparison"):
        absent.add("comparison")
    if not _tuples(source, locale) and len({n for _, _, n in vocab.tag(source, "schedule")}) < 2:
        absent.add("order")
    return frozenset(absent)


# --- negation -----------------------------------------------------------------------------


def negation(
    source: str, target: str, source_vocab: Vocabulary, vocab: Vocabulary, src_loc: str, loc: str
) -> list[str]:
    if not vocab.known or vocab.negation is None or source_vocab.negation is None:
        return []
    src = _negations(source, src_loc, source_vocab)
    tgt = _negations(target, loc, vocab) if src else 0
    if src and not tgt:
        return [
            f"negation: the source says not / never / do not ({_count(src, 'sentence')}), the "
            "translation has no negation: the advice is turned around. Translate the negation "
            "(a missing 'no' changes 'do not stop' into 'stop')"
        ]
    if (
        not src
        and not source_vocab.implies_negation(source)
        and _negations(target, loc, vocab, strong=True)
    ):
        tgt = _negations(target, loc, vocab)
        return [
            f"negation: the translation negates ({_count(tgt, 'sentence')}) where the source "
            "has no negation: check that it does not forbid what the source advises"
        ]
    if tgt < src:
        return [
            f"negation: the source negates {_count(src, 'sentence')}, the translation only "
            f"{tgt}: a negation was dropped; translate every 'not', 'never' and 'do not'"
        ]
    return []


def _negations(text: str, locale: str, vocab: Vocabulary, strong: bool = False) -> int:
    """`negated_sentences` of `text` without the negations inside comparators: "do not drink
    more than 2 L" as "beba como máximo 2 L" is the comparison check's to compare."""
    if not negated_sentences(text, locale, vocab, strong):
        return 0
    return negated_sentences(without_comparators(text, vocab), locale, vocab, strong)


@lru_cache(maxsize=4096)
def negated_sentences(text: str, locale: str, vocab: Vocabulary, strong: bool = False) -> int:
    """How many sentences of `text` hold a negation (0 without a sentence split when none)."""
    if not vocab.negated(text, strong):
        return 0
    if sentence_total(text, locale) < 2:
        return 1
    return sum(vocab.negated(s, strong) for s in sentences(text, locale))


# --- frequency ----------------------------------------------------------------------------


def counts(text: str, locale: str, vocab: Vocabulary) -> list[Decimal]:
    """Values of every count of times: "3 times", "dos veces", "两次", "twice", "مرتين"."""
    for start, end, _ in reversed(vocab.frequency_ignore.find(text)):
        text = text[:start] + " " * (end - start) + text[end:]
    found = [
        q
        for q in [*numbers.quantities(text, locale, vocab), *numbers.word_quantities(text, vocab)]
        if q.unit == TIMES
    ]
    return [q.value for q in found]


def frequency(
    source: str, target: str, source_vocab: Vocabulary, vocab: Vocabulary, src_loc: str, loc: str
) -> list[str]:
    messages: list[str] = []
    if not vocab.known or not source_vocab.known:
        return messages  # no vocabulary for this language: nothing to compare with
    if not source_vocab.mentions_frequency(source):
        return messages  # no count of times and no period in the source
    if source_vocab.mentions_times(source):
        src = Counter(counts(source, src_loc, source_vocab))
        tgt = Counter(counts(target, loc, vocab)) if src else Counter()
    else:
        src = tgt = Counter()
    if src and not tgt:
        # no count word at all: only an error if the number itself is gone too (a language
        # whose count words the vocabulary lacks still writes "2")
        values = {q.value for q in numbers.quantities(target, loc, vocab)}
        values |= {q.value for q in numbers.word_quantities(target, vocab)}
        if set(src) <= values:
            src = Counter()
    if src and src != tgt:
        said = _times(src)
        other = _times(tgt) if tgt else "no count of times"
        messages.append(
            f"frequency: the source says {said}, the translation says {other}: keep how many "
            "times (once, twice, three times…) exactly as in the source"
        )
    if vocab.periods and source_vocab.periods:
        src_periods = {name for _, _, name in source_vocab.tag(source, "frequency.periods")}
        tgt_periods = (
            {name for _, _, name in vocab.tag(target, "frequency.periods")}
            if src_periods
            else set()
        )
        lost = sorted(src_periods - tgt_periods)
        # a swap (a day -> a week) is an error; a period the vocabulary does not find at all
        # may be worded another way, so it is not
        if lost and tgt_periods - src_periods:
            said = " and ".join(PERIOD_NAMES.get(p, p) for p in lost)
            other = " and ".join(PERIOD_NAMES.get(p, p) for p in sorted(tgt_periods)) or "neither"
            messages.append(
                f"frequency: the source says {said}, the translation says {other}: keep the "
                "period (a day, a week, every other day) as in the source"
            )
    return messages


# --- comparators and before/after -----------------------------------------------------------


def comparison(
    source: str, target: str, source_vocab: Vocabulary, vocab: Vocabulary, *_: str
) -> list[str]:
    if not vocab.known or not vocab.comparison or not source_vocab.comparison:
        return []
    src_classes = dict(comparators(source, source_vocab))
    if not src_classes:
        return []
    tgt_classes = dict(comparators(target, vocab))
    messages = []
    for name, written in src_classes.items():
        if name in tgt_classes:
            continue
        concept = "before/after" if name in ("before", "after") else "comparator"
        others = [f'{COMPARATOR_NAMES[n]} ("{w}")' for n, w in tgt_classes.items()]
        said = "; ".join(others) if others else "nothing of the kind"
        messages.append(
            f'{concept}: the source says {COMPARATOR_NAMES[name]} ("{written}"), the '
            f"translation says {said}: keep the direction of the comparison as in the source"
        )
    return messages


#: a comparator negated just before it reads as its opposite: "do not drink more than 2 L"
#: and "no beba más de 2 L" say "at most 2 L", as "como máximo 2 L" does
_OPPOSITE = {"less": "more", "more": "less"}
#: how close the negation must be: the verb between ("ne buvez pas plus de"), no further
_NEAR_WORDS = 4
_NEAR_CHARACTERS = 8  # scripts written without spaces
_NUMBER_AFTER = re.compile(NUMBER_NEAR)
_SENTENCE_END = re.compile(r".*[.!?…。．！？؟।\n]", re.DOTALL)


@lru_cache(maxsize=4096)
def comparators(text: str, vocab: Vocabulary) -> tuple[tuple[str, str], ...]:
    """(class, words as written) of the comparators of `text`, a negated one turned round
    (not when the comparator holds the negation itself: "ne prenez pas plus de" is at most)."""
    found = []
    for start, end, name, negation in _comparison_phrases(text, vocab):
        if negation is not None and not vocab.negated(text[start:end]):
            name = _OPPOSITE[name]
        found.append((name, text[start:end]))
    return tuple(found)


@lru_cache(maxsize=4096)
def without_comparators(text: str, vocab: Vocabulary) -> str:
    """`text` with its less/more comparators of a number blanked, and the negation that turns
    one round: the comparison check compares those ("nicht mehr als", "no beba más de"), the
    negation check the rest (a dropped "no deje" beside "no beba más de" is still one)."""
    spans = [
        (start if negation is None else negation, end)
        for start, end, name, negation in _comparison_phrases(text, vocab)
        if name in _OPPOSITE and _NUMBER_AFTER.match(text, end)
    ]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


@lru_cache(maxsize=4096)
def _comparison_phrases(
    text: str, vocab: Vocabulary
) -> tuple[tuple[int, int, str, int | None], ...]:
    """(start, end, class, where a negation just before it begins) of each comparison phrase;
    the negation is looked for only before a less/more comparator of a number (the 不到 of
    听不到, "cannot hear", compares nothing: its 不 stays a negation)."""
    if not vocab.comparison:
        return ()
    return tuple(
        (
            start,
            end,
            name,
            _negation_before(text, start, vocab)
            if name in _OPPOSITE and _NUMBER_AFTER.match(text, end)
            else None,
        )
        for start, end, name in vocab.tag(text, "comparison")
    )


def _negation_before(text: str, start: int, vocab: Vocabulary) -> int | None:
    """Where the words just before `start` begin when they hold a negation, else None."""
    begin = 0
    sentence_end = _SENTENCE_END.match(text, 0, start)
    if sentence_end:
        begin = sentence_end.end()
    if vocab.spaced:
        words = list(re.finditer(r"\S+", text[begin:start]))[-_NEAR_WORDS:]
        begin = begin + words[0].start() if words else start
    else:
        begin = max(begin, start - _NEAR_CHARACTERS)
    before = text[begin:start]
    return begin if before.strip() and vocab.negated(before) else None


# --- ordered numbers ----------------------------------------------------------------------


def order(
    source: str, target: str, source_vocab: Vocabulary, vocab: Vocabulary, src_loc: str, loc: str
) -> list[str]:
    messages = []
    src_tuples = _tuples(source, src_loc)
    tgt_tuples = _tuples(target, loc) if src_tuples else set()
    for pair in src_tuples:
        if pair[0] != pair[1] and pair not in tgt_tuples and pair[::-1] in tgt_tuples:
            messages.append(
                f"order: the source has {_num(pair[0])}/{_num(pair[1])} (in this order), the "
                f"translation {_num(pair[1])}/{_num(pair[0])}: keep the numbers of a reading or "
                "range in the source's order"
            )
    src_plan = schedule(source, src_loc, source_vocab) if vocab.known else {}
    if len(src_plan) >= 2:
        tgt_plan = schedule(target, loc, vocab)
        common = [k for k in src_plan if k in tgt_plan]
        changed = [k for k in common if src_plan[k] != tgt_plan[k]]
        if changed and sorted(src_plan[k] for k in common) == sorted(tgt_plan[k] for k in common):
            said = ", ".join(f"{_num(src_plan[k])} {_when(k)}" for k in common)
            other = ", ".join(f"{_num(tgt_plan[k])} {_when(k)}" for k in common)
            messages.append(
                f"order: the source gives {said}; the translation gives {other}: the doses "
                "are swapped between the times of day"
            )
    return messages


@lru_cache(maxsize=4096)
def _tuples(text: str, locale: str) -> frozenset[tuple[Decimal, Decimal]]:
    if "/" not in text and "-" not in text and "–" not in text and "—" not in text:
        return frozenset()
    text = numbers.normalized(text)
    decimal, group = numbers.separators(locale)
    out = set()
    for regex in (_SLASH, _RANGE):
        for match in regex.finditer(text):
            a = numbers.read_number(match.group(1), decimal, group)
            b = numbers.read_number(match.group(2), decimal, group)
            if len(a) == 1 and len(b) == 1:
                out.add((a[0], b[0]))
    return frozenset(out)


def schedule(text: str, locale: str, vocab: Vocabulary) -> dict[str, Decimal]:
    """Time of day -> the number given for it ("1 in the morning and 2 at night")."""
    return dict(_schedule(text, locale, vocab))


@lru_cache(maxsize=4096)
def _schedule(text: str, locale: str, vocab: Vocabulary) -> tuple[tuple[str, Decimal], ...]:
    if not vocab.schedule:
        return ()
    return tuple(_plan(text, locale, vocab).items())


def _plan(text: str, locale: str, vocab: Vocabulary) -> dict[str, Decimal]:
    tags = vocab.tag(text, "schedule")
    if len({name for _, _, name in tags}) < 2:
        return {}
    text_n = numbers.normalized(text)
    found = [
        q
        for q in [*numbers.quantities(text, locale, vocab), *numbers.word_quantities(text, vocab)]
        if q.unit != TIMES
    ]
    events = sorted(
        [(q.position, "n", q.value) for q in found] + [(a, "t", name) for a, _, name in tags],
        key=lambda e: e[0],
    )
    kinds = [kind for _, kind, _ in events]
    if (
        len(events) >= 4
        and len(events) % 2 == 0
        and all(kinds[i] != kinds[i + 1] for i in range(len(kinds) - 1))
    ):
        # "1 … morning … 2 … night" or "morning … 1 … night … 2": pair them in turn
        plan = {}
        for first, second in zip(events[0::2], events[1::2], strict=True):
            number, when = (first, second) if first[1] == "n" else (second, first)
            plan.setdefault(str(when[2]), Decimal(number[2]))
        return plan
    time_first = bool(vocab.data.get("script", {}).get("time_first", False))
    plan: dict[str, Decimal] = {}
    bounds = [0, *(m.end() for m in _CLAUSE.finditer(text_n)), len(text_n) + 1]
    for start, _end, name in tags:
        if name in plan:
            continue
        clause_start = max(b for b in bounds if b <= start)
        clause_end = min(b for b in bounds if b > start)
        before = [q for q in found if clause_start <= q.position < start]
        after = [q for q in found if start < q.position < clause_end]
        later = [q for q in found if q.position > start]
        order_ = [after[:1], before[-1:]] if time_first else [before[-1:], after[:1]]
        for candidates in [*order_, later[:1]]:
            if candidates:
                plan[name] = candidates[0].value
                break
    return plan


# --- sentences ----------------------------------------------------------------------------


def sentence_count(source: str, target: str, src_loc: str, loc: str) -> tuple[int, int] | None:
    """(source, translation) sentence counts when the translation has fewer, else None."""
    src = _sentence_units(source, src_loc)
    if src < 2:
        return None
    tgt = _sentence_units(target, loc)
    return (src, tgt) if tgt < src else None


#: languages written with a space where English ends a sentence (or puts a comma) and no full
#: stop: Thai (the Royal Institute of Thailand's spacing rules)
_SPACE_ENDS_SENTENCES = frozenset({"th"})


def _sentence_units(text: str, locale: str) -> int:
    """Sentences; in Thai, space-separated phrases (a sentence there ends at a space,
    so "นั่งลง วางแขนบนโต๊ะ" is two; a phrase may also be a clause: a dropped sentence is
    caught when fewer phrases than the source's sentences are left)."""
    if locale.split("_")[0] in _SPACE_ENDS_SENTENCES:
        from ..readability.thai import phrases

        return sum(phrases(line) for line in text.splitlines() if line.strip())
    return sentence_total(text, locale)


# --- helpers ------------------------------------------------------------------------------


def _times(values: Counter[Decimal]) -> str:
    parts = []
    for value in sorted(values.elements()):
        parts.append(f"{_num(value)} time{'s' if value != 1 else ''}")
    return " and ".join(parts)


def _num(value: Decimal) -> str:
    return format(value, "f")


def _when(kind: str) -> str:
    return {"morning": "in the morning", "noon": "at noon", "evening": "in the evening/night"}.get(
        kind, kind
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"
