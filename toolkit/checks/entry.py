"""Per-entry translation QA: pure functions from one catalog entry to its findings.

Each check has a stable name and a severity (see docs/checks.md). Errors keep a pair from
being published; warnings are advice for the translator.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Literal

from ..config import ChecksConfig
from ..glossary import EMPTY, Glossary
from ..locales import language
from ..models import Entry, Finding
from . import meaning, numbers
from .numbers import Quantity
from .shape import INLINE_KINDS, Shape, shape_in
from .vocab import DOSE_UNITS, WORD_UNITS, Vocabulary, extended, load_vocabulary

Severity = Literal["error", "warning"]

#: every QA check, by stable name, with its severity
CHECKS: dict[str, Severity] = {
    "numbers": "error",
    "units": "error",
    "negation": "error",
    "frequency": "error",
    "comparison": "error",
    "order": "error",
    "sentences": "error",
    "identical": "error",
    "urls": "error",
    "markup": "error",
    "no-translate": "error",
    "html": "error",
    "glossary-required": "error",
    "length-ratio": "warning",
    "glossary": "warning",
    "dose-format": "warning",
}
#: the mark (a translator comment `# toolkit-keep`, or a `#,` flag) on an entry that is right
#: although a check says otherwise: a copy that must stay a copy, or joined sentences
KEEP_FLAG = "toolkit-keep"
#: checks that KEEP_FLAG silences (never the ones about numbers, doses or meaning)
KEEP_SILENCES = frozenset({"identical", "sentences"})
#: an identical entry of fewer words than this is a name or a cognate, not a copy
MIN_IDENTICAL_WORDS = 3

#: how many characters a translation normally has per source (English) character, for
#: scripts that write a word in far fewer characters; the configured ratio range is scaled
#: by it (Chinese 0.4-2.5 becomes 0.12-0.75)
LENGTH_FACTOR = {"zh": 0.3, "yue": 0.3, "ja": 0.5, "ko": 0.5}
#: strings shorter than this (visible characters of the source) are not ratio-checked
MIN_RATIO_LENGTH = 20
#: kinds of block that must stay on one line in the rendered Markdown
SINGLE_LINE = {"title", "heading", "table cell"}

_DANGEROUS = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|form|svg|math|link|meta|base)\b"
    r"|(?<![\w-])on[a-z]+\s*=|(?:javascript|vbscript)\s*:|data\s*:\s*text/html",
    re.IGNORECASE,
)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>")
# raw HTML a string can hold: comments, processing instructions (<?php ?>), CDATA, tags
_HTML_ITEM = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<\s*/?\s*[A-Za-z][^<>]*>", re.DOTALL
)
# attributes whose values are text for people (or the page's language): translated, not changed
_TRANSLATED_ATTRIBUTE = re.compile(
    r"""\b(alt|title|aria-label|aria-description|placeholder|lang|xml:lang|xml-lang|dir)\s*=\s*"""
    r"""(?:"[^"]*"|'[^']*'|[^\s>]+)""",
    re.IGNORECASE,
)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_LETTER = re.compile(r"[^\W\d_]")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(eq=False)  # not frozen: one is made per entry, and a frozen __init__ is slower
class _Pair:
    """One entry's two sides with everything the checks need (read only)."""

    entry: Entry
    locale: str
    source: Shape
    target: Shape
    no_translate: tuple[str, ...]
    glossary: Glossary
    config: ChecksConfig
    source_locale: str
    source_vocab: Vocabulary
    vocab: Vocabulary

    @cached_property
    def quantities(self) -> tuple[list[Quantity], list[Quantity]]:
        return (
            numbers.quantities(self.source.text, self.source_locale, self.source_vocab),
            numbers.quantities(self.target.text, self.locale, self.vocab),
        )

    @cached_property
    def unit_changes(self) -> list[tuple[str, str]]:
        """(unit, message) of each changed unit: the numbers and units checks both ask."""
        return _compare_units(self)

    @cached_property
    def words(self) -> tuple[list[Quantity], list[Quantity]]:
        return (
            numbers.word_quantities(self.source.text, self.source_vocab),
            numbers.word_quantities(self.target.text, self.vocab),
        )


def entry_findings(
    entry: Entry,
    *,
    locale: str,
    file: str,
    no_translate: Iterable[str] = (),
    glossary: Glossary = EMPTY,
    config: ChecksConfig | None = None,
    source_locale: str = "en",
    vocabulary: Vocabulary | None = None,
    source_vocabulary: Vocabulary | None = None,
    references: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Every QA finding of one translated entry (untranslated and fuzzy entries have none:
    they are counted, not checked). `vocabulary` is the locale's meaning-check vocabulary
    (the shipped one when not given; `qa_findings` passes the project's extension)."""
    if not entry.translated:
        return []
    return catalog_checker(
        locale=locale,
        file=file,
        no_translate=no_translate,
        glossary=glossary,
        config=config,
        source_locale=source_locale,
        vocabulary=vocabulary,
        source_vocabulary=source_vocabulary,
        references=references,
    ).findings(entry)


@dataclass(frozen=True)
class CatalogChecker:
    """`entry_findings` for the entries of one catalog: what is the same for all of them
    (vocabularies, glossary, configuration) is looked up once, not once per entry."""

    locale: str
    file: str
    no_translate: tuple[str, ...]
    glossary: Glossary
    config: ChecksConfig
    source_locale: str
    source_vocab: Vocabulary
    vocab: Vocabulary  #: the locale's, extended by the source language's
    references: Mapping[str, Any] | None
    same_language: bool

    def findings(self, entry: Entry) -> list[Finding]:
        """`entry_findings(entry, ...)` with this catalog's arguments."""
        if not entry.translated:
            return []
        references = self.references
        pair = _Pair(
            entry,
            self.locale,
            shape_in(entry.msgid, references),
            shape_in(entry.msgstr, references),
            self.no_translate,
            self.glossary,
            self.config,
            self.source_locale,
            self.source_vocab,
            self.vocab,
        )
        source_locale = self.source_locale
        absent = meaning.absent_concepts(pair.source.text, source_locale, pair.source_vocab)
        findings = []
        file, line, msgid = self.file, entry.line, entry.msgid
        for name, check in _checks_to_run(self.same_language, KEEP_FLAG in entry.flags, absent):
            for message in check(pair, source_locale):
                severity, check_name = CHECKS[name], name
                if isinstance(message, tuple):  # (check name, message): glossary-required
                    check_name, message = message
                    severity = CHECKS[check_name]
                findings.append(Finding(severity, check_name, file, line, msgid, message))
        return findings


def catalog_checker(
    *,
    locale: str,
    file: str,
    no_translate: Iterable[str] = (),
    glossary: Glossary = EMPTY,
    config: ChecksConfig | None = None,
    source_locale: str = "en",
    vocabulary: Vocabulary | None = None,
    source_vocabulary: Vocabulary | None = None,
    references: Mapping[str, Any] | None = None,
) -> CatalogChecker:
    """The checker of one catalog's entries; the arguments are `entry_findings`'s."""
    source_vocab = source_vocabulary or load_vocabulary(source_locale)
    return CatalogChecker(
        locale,
        file,
        tuple(t for t in no_translate if t),
        glossary,
        config or ChecksConfig(),
        source_locale,
        source_vocab,
        extended(vocabulary or load_vocabulary(locale), source_vocab),
        references,
        _language(locale) == _language(source_locale),
    )


# --- errors -------------------------------------------------------------------------------


def check_numbers(pair: _Pair, source_locale: str) -> list[str]:
    src, tgt = pair.quantities
    missing, extra, _ = numbers.compare(src, tgt)
    if missing or extra:
        # numbers in words count only when the digits alone disagree (rare): read them then
        missing, extra, _ = numbers.compare(src, tgt, *pair.words)
    if missing or extra:
        decimal, _ = numbers.separators(pair.locale)
        if missing and extra:
            what = f"the source has {_list(missing)} where the translation has {_list(extra)}"
        elif missing:
            what = f"the source has {_list(missing)} and the translation does not"
        else:
            what = f"the translation has {_list(extra)} and the source does not"
        return [
            f"numbers differ: {what}. Copy every number and dose with the same value (in "
            f"{pair.locale} a decimal may be written with {decimal!r}, e.g. 2{decimal}5; a "
            "number may be written in words)"
        ]
    changes = [c for unit, c in _unit_changes(pair) if unit not in WORD_UNITS]
    if changes:
        return [
            f"units differ: {'; '.join(changes)}. Keep each unit (mg, mL, %, …) with its "
            "number, as in the source (as its symbol or your language's name for it)"
        ]
    return []


def check_units(pair: _Pair, _: str) -> list[str]:
    changes = [c for unit, c in _unit_changes(pair) if unit in WORD_UNITS]
    if not changes:
        return []
    return [
        f"units differ: {'; '.join(changes)}. Keep each time unit (seconds, minutes, hours, "
        "days, weeks, months) and dose form (tablets, drops, puffs) with its number, as in the "
        "source"
    ]


def _unit_changes(pair: _Pair) -> list[tuple[str, str]]:
    return pair.unit_changes


def _compare_units(pair: _Pair) -> list[tuple[str, str]]:
    src, tgt = pair.quantities
    unnamed = WORD_UNITS - pair.vocab.named_units
    if not numbers.unit_changes(src, tgt, unnamed=unnamed):
        return []
    words = pair.words
    return numbers.unit_changes(src, tgt + words[1], words[0], with_units=True, unnamed=unnamed)


def _concept_check(
    compare: Callable[[str, str, Vocabulary, Vocabulary, str, str], list[str]],
) -> Callable[[_Pair, str], list[str]]:
    """A meaning check whose comparison needs both texts, vocabularies and locales."""

    def check(pair: _Pair, source_locale: str) -> list[str]:
        return compare(
            pair.source.text,
            pair.target.text,
            pair.source_vocab,
            pair.vocab,
            source_locale,
            pair.locale,
        )

    return check


check_negation = _concept_check(meaning.negation)
check_frequency = _concept_check(meaning.frequency)
check_order = _concept_check(meaning.order)


def check_comparison(pair: _Pair, _: str) -> list[str]:
    return meaning.comparison(pair.source.text, pair.target.text, pair.source_vocab, pair.vocab)


def check_sentences(pair: _Pair, source_locale: str) -> list[str]:
    counted = meaning.sentence_count(pair.source.text, pair.target.text, source_locale, pair.locale)
    if counted is None:
        return []
    src, tgt = counted
    return [
        f"the source has {src} sentences, the translation {tgt}: a sentence may be missing. "
        f"Translate every sentence; if joining them is right, add the translator comment "
        f"'# {KEEP_FLAG}' to the entry"
    ]


def check_dose_format(pair: _Pair, _: str) -> list[str]:
    bad = []
    for q in pair.quantities[1]:
        if q.unit.split("/")[0] not in DOSE_UNITS:
            continue
        written = q.written
        if written[0] in ".,":
            bad.append(
                f'"{written} {q.unit}" has no zero before the decimal sign: write 0{written}'
            )
        elif re.search(r"[.,٫]\d*0$", written) and not re.fullmatch(
            r"\d{1,3}([.,]\d{3})+", written
        ):
            bad.append(
                f'"{written} {q.unit}" ends in a trailing zero: it can be read ten times '
                "too large; write it without the zero"
            )
    return bad and [
        "dose written in a style that causes ten-fold errors (ISMP's do-not-use list): "
        + "; ".join(bad)
    ]


def check_urls(pair: _Pair, _: str) -> list[str]:
    if pair.source.urls == pair.target.urls:
        return []
    missing = sorted((pair.source.urls - pair.target.urls).elements())
    extra = sorted((pair.target.urls - pair.source.urls).elements())
    parts = []
    if missing:
        parts.append(f"missing {_list(missing)}")
    if extra:
        parts.append(f"not in the source {_list(extra)}")
    return [
        f"links or URLs differ ({'; '.join(parts)}). Keep every link target exactly as in the "
        "source; translate only the link text inside [ ]"
    ]


def check_markup(pair: _Pair, _: str) -> list[str]:
    messages = []
    src, tgt = pair.source, pair.target
    diffs = (
        [
            f"{INLINE_KINDS[kind]}: {src.inline[kind]} in the source, {tgt.inline[kind]} here"
            for kind in INLINE_KINDS
            if src.inline[kind] != tgt.inline[kind]
        ]
        if src.inline or tgt.inline
        else []
    )  # most strings have no inline markup at all
    if diffs:
        messages.append(
            f"Markdown markup differs ({'; '.join(diffs)}). Keep the same markup as the source "
            "around the translated words: every ** or * closed, [text](link) complete"
        )
    elif src.code != tgt.code:
        changed = sorted((src.code - tgt.code).elements())
        messages.append(
            f"inline code changed: {_list(changed)} must stay exactly as written, including the "
            "backticks; do not translate text inside `…`"
        )
    if src.blocks != tgt.blocks and not (tgt.html and not src.html):
        messages.append(
            "the translation changes the block structure (it starts a list, heading, quote or "
            "table, or splits the text): do not start it with -, *, #, > or '1.' and keep it "
            "one block"
        )
    entry = pair.entry
    if entry.kind in SINGLE_LINE and "\n" not in entry.msgid and "\n" in entry.msgstr.strip():
        messages.append(f"a {entry.kind} must stay on one line: remove the line break")
    if entry.kind == "table cell":
        extra_pipes = len(_UNESCAPED_PIPE.findall(entry.msgstr)) - len(
            _UNESCAPED_PIPE.findall(entry.msgid)
        )
        if extra_pipes > 0:
            messages.append("a '|' in a table cell splits the table: write it as '\\|' or reword")
    return messages


def check_no_translate(pair: _Pair, _: str) -> list[str]:
    missing = [
        term
        for term in pair.no_translate
        if _term(term).search(pair.entry.msgid) and term not in pair.entry.msgstr
    ]
    if not missing:
        return []
    return [
        f"{_list(missing)} must appear exactly as written (the article's no_translate list): "
        "copy it unchanged, with the same capitals"
    ]


def check_html(pair: _Pair, _: str) -> list[str]:
    # issue 11: HTML of the source (tags, comments, <?php ?>, CDATA) kept unchanged in the
    # translation is the author's, never the translator's error; translated alt and title
    # texts are translations, not changed HTML. HTML the translation adds or drops is.
    msgid, msgstr = pair.entry.msgid, pair.entry.msgstr
    if "<" not in msgstr and ":" not in msgstr and "=" not in msgstr:
        return []  # no tag, comment, event attribute or script link: nothing to look at
    source_raw = _CODE_SPAN.sub(" ", msgid) if "`" in msgid else msgid
    target_raw = _CODE_SPAN.sub(" ", msgstr) if "`" in msgstr else msgstr
    source_active = {m.group().strip().lower() for m in _DANGEROUS.finditer(source_raw)}
    dangerous = sorted(
        {
            m.group().strip()
            for m in _DANGEROUS.finditer(target_raw)
            if m.group().strip().lower() not in source_active
        }
    )
    if dangerous:
        return [
            f"script or active content in the translation ({_list(dangerous)}): remove it; "
            "translations may contain only text and Markdown"
        ]
    if "<" not in target_raw and "<" not in source_raw:
        return []
    source_items = Counter(_norm_tag(t) for t in _HTML_ITEM.findall(source_raw))
    target_items = Counter(_norm_tag(t) for t in _HTML_ITEM.findall(target_raw))
    added = sorted((target_items - source_items).elements())
    lost = sorted((source_items - target_items).elements())
    if added:
        return [
            f"raw HTML in the translation that the source does not have ({_list(added)}): "
            "remove the tags and use Markdown (**bold**, *emphasis*, [text](link)) as the "
            "source does" + (f"; the source has {_list(lost)} here" if lost else "")
        ]
    if lost:
        return [
            f"HTML of the source is missing from the translation ({_list(lost)}): copy every "
            "tag, comment and closing tag exactly as in the source, around the translated words"
        ]
    return []


# --- warnings -----------------------------------------------------------------------------


def check_identical(pair: _Pair, _: str) -> list[str]:
    entry = pair.entry
    if entry.msgstr.strip() != entry.msgid.strip():
        return []
    words = pair.source.text
    for term in pair.no_translate:
        words = words.replace(term, " ")
    # names, brands, cognates, short labels and bare numbers, URLs or code are legitimately
    # copied: only text of three or more words with letters is a forgotten translation
    if sum(1 for w in words.split() if _LETTER.search(w)) < MIN_IDENTICAL_WORDS:
        return []
    return [
        "the translation is a copy of the source text, so readers (and the voice) get the "
        f"source language: translate it. If it must stay as is, add the translator comment "
        f"'# {KEEP_FLAG}' to the entry or ask the coordinator to add it to no_translate"
    ]


def check_length_ratio(pair: _Pair, _: str) -> list[str]:
    src, tgt = pair.source.text, pair.target.text
    if len(src) < MIN_RATIO_LENGTH or src == tgt:
        return []
    factor = LENGTH_FACTOR.get(_language(pair.locale), 1.0)
    low = pair.config.length_ratio_min * factor
    high = pair.config.length_ratio_max * factor
    ratio = len(tgt) / len(src)
    if low <= ratio <= high:
        return []
    hint = "part of the text may be missing" if ratio < low else "text may be repeated or added"
    return [
        f"the translation is {ratio:.2f} times the length of the source (normal for "
        f"{pair.locale}: {low:.2f}-{high:.2f}): {hint}; check it says all the source says, "
        "and no more"
    ]


def check_glossary(pair: _Pair, _: str) -> list[str | tuple[str, str]]:
    messages: list[str | tuple[str, str]] = []
    default = pair.config.glossary_severity
    for term in pair.glossary.terms:
        if term.found_in(pair.source.text) and not term.used_in(pair.target.text):
            wanted = " or ".join(f'"{t}"' for t in term.translations)
            note = f" ({term.note})" if term.note else ""
            message = (
                f'glossary term "{term.source}" should be translated as {wanted}{note}: use the '
                f"agreed term ({pair.glossary.file}:{term.line})"
            )
            required = (term.severity or default) in ("required", "error")
            messages.append(("glossary-required", message) if required else message)
    return messages


_CHECKS: list[tuple[str, Callable[[_Pair, str], list[Any]]]] = [
    ("numbers", check_numbers),
    ("units", check_units),
    ("negation", check_negation),
    ("frequency", check_frequency),
    ("comparison", check_comparison),
    ("order", check_order),
    ("sentences", check_sentences),
    ("identical", check_identical),
    ("urls", check_urls),
    ("markup", check_markup),
    ("no-translate", check_no_translate),
    ("html", check_html),
    ("length-ratio", check_length_ratio),
    ("glossary", check_glossary),
    ("dose-format", check_dose_format),
]
#: checks that compare two languages' words: meaningless between en and en_GB
_SAME_LANGUAGE_SKIPS = frozenset({"identical"})


@lru_cache(maxsize=256)
def _checks_to_run(
    same_language: bool, kept: bool, absent: frozenset[str]
) -> tuple[tuple[str, Callable[[_Pair, str], list[Any]]], ...]:
    """The `_CHECKS` an entry is checked with, in their order: decided once for each of the
    few combinations, not once per check of every entry."""
    return tuple(
        (name, check)
        for name, check in _CHECKS
        # en_GB from en: a copy is often right, the words are the same
        if not (same_language and name in _SAME_LANGUAGE_SKIPS)
        and not (kept and name in KEEP_SILENCES)
        and name not in absent
    )


#: `locales.language`, asked twice for every entry with the same few locales
_language = lru_cache(maxsize=64)(language)


@lru_cache(maxsize=1024)
def _term(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)")


def _norm_tag(tag: str) -> str:
    if tag.startswith(("<!--", "<?", "<![CDATA[")):
        return tag  # comments, PHP and CDATA must stay exactly as written
    tag = _TRANSLATED_ATTRIBUTE.sub(lambda m: m.group(1).lower() + '=""', tag)
    return " ".join(tag.lower().split())


def _list(items: Iterable[str]) -> str:
    return ", ".join(f'"{i}"' for i in items)
