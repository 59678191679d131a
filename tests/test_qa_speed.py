"""Session 20's fast paths of the QA checks give the answers of the code they replaced.

Each is compared with the straightforward code (written out here) on the bench corpus and its
pseudo-translations, the CommonMark examples, every code point where a table of characters is
involved, and random strings. No timing here: speed is in bench/.
"""

from __future__ import annotations

import json
import pickle
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.checks import entry_findings, shape
from toolkit.checks import numbers as numbers_module
from toolkit.checks.entry import catalog_checker
from toolkit.checks.shape import (
    _BARE_URL,
    _PARAGRAPH,
    _PROSE,
    _URL_ONLY,
    _addresses,
    _may_hold_address,
    _prose_shape,
    bare_urls,
    parse_shape,
)
from toolkit.models import Entry
from toolkit.readability.formulas import Counts, counts_of

REPO = Path(__file__).resolve().parent.parent
COMMONMARK = REPO / "tests" / "data" / "commonmark" / "spec-0.31.2.json"


def _corpus_strings() -> list[str]:
    """Lines and paragraphs of bench corpus articles and their pseudo-translations, and the
    CommonMark examples' lines: what catalogs hold."""
    from conftest import bench_corpus_texts

    texts = [text for text, _ in bench_corpus_texts(6, ("de", "es", "fr"))]
    texts += [example["markdown"] for example in json.loads(COMMONMARK.read_text("utf-8"))]
    strings = set()
    for text in texts:
        strings.update(text.split("\n\n"))
        strings.update(text.splitlines())
    return sorted(s for s in strings if s.strip())


CORPUS = _corpus_strings()
#: strings at the edges of the address patterns: case, the letters IGNORECASE matches
#: (ı, İ, ſ, K), e-mail, domains, schemes
EDGES = [
    "Call WWW.example.org now",
    "see wWw.x",
    "go to ww.example and w.w",
    "Visit HTTPS://example.com/a.",
    "httpſ://x.y is odd",
    "mail me at a.b@c.de today",
    "Read 988lifeline.org, or NIH.GOV",
    "A domain like example.ınfo or example.İnfo or ex.ıo",
    "text with a dot.org inside",
    "Plain words, nothing else at all.",
    "Ends with a dot.",
    "Tab\tseparated\u00a0words and\u202fspaces",
]


def _old_prose_shape(source: str) -> shape.Shape:
    """`shape` of a `_PROSE` string as session 19 made it."""
    plain = " ".join(source.split())
    text = " ".join(_addresses(source).sub(" ", source).split())
    return shape.Shape(
        text, _PARAGRAPH, Counter(), Counter(), Counter(bare_urls(source)), (), plain
    )


def _same_shape(source: str) -> None:
    if not _PROSE.fullmatch(source):
        return
    new, old = _prose_shape(source), _old_prose_shape(source)
    assert new == old, source
    assert repr(new) == repr(old)
    assert parse_shape(source).urls == new.urls  # and markdown-it agrees on the links


def _no_address_where_none_may_be(text: str) -> None:
    if not _may_hold_address(text):
        assert _URL_ONLY.search(text) is None, text
        assert _BARE_URL.search(text) is None, text


def test_prose_shapes_are_the_old_ones_on_the_corpus_and_commonmark() -> None:
    prose = [s for s in CORPUS + EDGES if _PROSE.fullmatch(s)]
    assert len(prose) > 200  # the corpus's plain paragraphs are prose
    assert any(_may_hold_address(s) for s in prose)  # both ways are compared
    assert any(not _may_hold_address(s) for s in prose)
    for source in CORPUS + EDGES:
        _same_shape(source)
        _no_address_where_none_may_be(source)


def test_addresses_are_still_found_in_prose() -> None:
    assert _prose_shape("Call WWW.example.org now").urls == Counter({"WWW.example.org": 1})
    assert _prose_shape("see the site example.ınfo").urls == Counter({"example.ınfo": 1})
    assert _prose_shape("Visit https://x.org/a.").text == "Visit"
    assert _prose_shape("Plain words.").urls == Counter()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aWwHhTtPpSsſ:/.@ıİKorgcmnetinfoh -_é1", max_size=40))
def test_prose_shapes_are_the_old_ones_on_random_text(text: str) -> None:
    _no_address_where_none_may_be(text)
    _same_shape("A" + text)


def test_the_digit_gate_holds_every_character_that_normalizes_to_a_digit() -> None:
    """Every code point whose compatibility decomposition holds a digit (so NFKC, which
    `normalized` applies before numbers are read, may make one) is in `_MAY_HOLD_DIGIT`."""
    gate = numbers_module._MAY_HOLD_DIGIT
    missed = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        holds = any(c.isdecimal() for c in unicodedata.normalize("NFKD", char))
        if holds and not gate.search(char):
            missed.append(hex(code))
    assert not missed


def _old_quantities(text: str, locale: str, vocab: object) -> tuple[object, ...]:
    """`_quantities` without the digit gate."""
    saved = numbers_module._MAY_HOLD_DIGIT
    numbers_module._MAY_HOLD_DIGIT = _ANY  # type: ignore[assignment]
    try:
        return numbers_module._quantities.__wrapped__(text, locale, vocab)  # type: ignore[attr-defined]
    finally:
        numbers_module._MAY_HOLD_DIGIT = saved


class _Any:
    @staticmethod
    def search(text: str) -> bool:
        return True


_ANY = _Any()


@pytest.mark.parametrize("locale", ["en", "de", "fr", "ar", "zh_Hans", "ja"])
def test_quantities_are_the_old_ones_on_the_corpus(locale: str) -> None:
    from toolkit.checks.vocab import load_vocabulary

    vocab = load_vocabulary(locale)
    extra = ["Take ½ tablet", "① first", "10\u202f000 units", "２ mg", "㎎ and ㎟", "٣ مرات"]
    for text in CORPUS + extra:
        new = numbers_module._quantities.__wrapped__(text, locale, vocab)  # type: ignore[attr-defined]
        assert new == _old_quantities(text, locale, vocab), text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab 1²½①２٣.,-\u00a0\u202f㎟mg%", max_size=30))
def test_quantities_are_the_old_ones_on_random_text(text: str) -> None:
    new = numbers_module._quantities.__wrapped__(text, "en", None)  # type: ignore[attr-defined]
    assert new == _old_quantities(text, "en", None)


def test_one_checker_for_a_catalog_finds_what_entry_findings_finds() -> None:
    """`qa_findings` checks a catalog's entries with one `catalog_checker`; each entry's
    findings are `entry_findings`' (which builds a checker per entry)."""
    pairs = [
        ("Take 2 tablets twice a day.", "Nehmen Sie 3 Tabletten zweimal täglich."),
        ("Do not stop.", "Hören Sie auf."),
        ("See [the guide](https://a.org).", "Siehe [den Leitfaden](https://b.org)."),
        ("Drink more than 2 L.", "Trinken Sie weniger als 2 L."),
        ("Keep the tablets cool and dry.", "Keep the tablets cool and dry."),
    ]
    entries = [
        Entry(msgid, msgstr, None, False, 3 + 2 * i, "paragraph", 1 + i)
        for i, (msgid, msgstr) in enumerate(pairs)
    ]
    kwargs = {"locale": "de", "file": "locales/de/a.po", "no_translate": ("tablets",)}
    checker = catalog_checker(**kwargs)  # type: ignore[arg-type]
    found = [checker.findings(e) for e in entries]
    assert found == [entry_findings(e, **kwargs) for e in entries]  # type: ignore[arg-type]
    assert {f.check for fs in found for f in fs} >= {"numbers", "negation", "urls", "comparison"}


@pytest.mark.parametrize("same_language", [False, True])
@pytest.mark.parametrize("kept", [False, True])
def test_the_checks_run_are_the_ones_the_loop_skipped_to(same_language: bool, kept: bool) -> None:
    from toolkit.checks import entry as entry_module

    for absent in [frozenset(), frozenset({"sentences", "order"}), frozenset(entry_module.CHECKS)]:
        old = [
            name
            for name, _ in entry_module._CHECKS
            if not (same_language and name in entry_module._SAME_LANGUAGE_SKIPS)
            and not ((kept and name in entry_module.KEEP_SILENCES) or name in absent)
        ]
        new = entry_module._checks_to_run(same_language, kept, absent)
        assert [name for name, _ in new] == old
        assert all(check is dict(entry_module._CHECKS)[name] for name, check in new)
    assert "identical" not in [n for n, _ in entry_module._checks_to_run(True, False, frozenset())]


_COUNT_FIELDS = [f.name for f in __import__("dataclasses").fields(Counts)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=len(_COUNT_FIELDS)))
def test_counts_of_is_the_counts_dataclass(values: list[int]) -> None:
    given_values = dict(zip(_COUNT_FIELDS, values, strict=False))
    fast, slow = counts_of(**given_values), Counts(**given_values)
    assert fast == slow
    assert repr(fast) == repr(slow)
    assert hash(fast) == hash(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert fast + slow == slow + slow
    with pytest.raises(__import__("dataclasses").FrozenInstanceError):
        fast.words = 1  # type: ignore[misc]
