"""The build's persistent caches (issue 13, one `.po` edited at 1000 x 5): built syllable
dictionaries (`toolkit.dictcache`, `readability.use_dictionary_cache`) and the report page's
rendered rows and charts (`pages.ReportFragments`). Each is held to what it replaces: pyphen's
own parse, the CMU table read afresh, the report rendered whole; a damaged, cut-short or
stale cache file is ignored and written again."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import site_bytes
from toolkit import dictcache, pages, readability

WORDS = ["Krankenhaus", "Schmerzmittel", "Nebenwirkungen", "Arzt", "Tabletten", "Ärztin"]


@pytest.fixture
def cache(tmp_path: Path):
    folder = tmp_path / "dictionaries"
    with readability.dictionary_cache(folder):
        yield folder


def _same_patterns(a, b) -> bool:
    """The same patterns, values and nonstandard-hyphenation data (pyphen's `DataInt`)."""
    if a.maxlen != b.maxlen or a.patterns.keys() != b.patterns.keys():
        return False
    for key, (start, values) in a.patterns.items():
        other_start, other = b.patterns[key]
        if start != other_start or [int(v) for v in values] != [int(v) for v in other]:
            return False
        if [getattr(v, "data", None) for v in values] != [getattr(v, "data", None) for v in other]:
            return False
    return True


@pytest.mark.parametrize("code", ["de", "fr", "hu"])  # hu: nonstandard hyphenation points
def test_a_cached_dictionary_is_pyphens_own(cache: Path, code: str) -> None:
    import pyphen

    path = readability._pyphen_path(code)
    first = readability._hyph_dict(path)  # parsed, and stored
    assert list(cache.glob(f"pyphen-{path.stem}-*.marshal"))
    again = readability._hyph_dict(path)  # read back from the cache
    reference = pyphen.HyphDict(path)
    assert _same_patterns(first, reference)
    assert _same_patterns(again, reference)
    for word in WORDS:
        assert again.positions(word) == reference.positions(word)


def _only(cache: Path, pattern: str) -> Path:
    files = list(cache.glob(pattern))
    assert len(files) == 1
    return files[0]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short (a kill, a full disk)
        lambda data: data[:-10] + bytes(10),  # payload damaged: the checksum fails
        lambda data: b"",
        lambda data: b"not ours at all" * 100,
    ],
)
def test_a_damaged_dictionary_cache_is_ignored_and_written_again(cache: Path, damage) -> None:
    import pyphen

    path = readability._pyphen_path("de")
    readability._hyph_dict(path)
    stored = _only(cache, "pyphen-hyph_de*.marshal")
    good = stored.read_bytes()
    stored.write_bytes(damage(good))
    built = readability._hyph_dict(path)
    assert _same_patterns(built, pyphen.HyphDict(path))
    assert stored.read_bytes() == good  # written again


def test_a_well_formed_file_of_another_shape_is_not_trusted(cache: Path) -> None:
    import pyphen

    path = readability._pyphen_path("fr")
    readability._hyph_dict(path)
    stored = _only(cache, "pyphen-hyph_fr*.marshal")
    dictcache.write(stored, {"maxlen": 3, "patterns": "no", "alternatives": []}, "other")
    assert _same_patterns(readability._hyph_dict(path), pyphen.HyphDict(path))


def test_a_stale_dictionary_is_never_read_and_goes(cache: Path) -> None:
    """Another source file (or library version) gives another key: the old file is not
    read, and goes when the new one is written."""
    path = readability._pyphen_path("fr")
    name = f"pyphen-{path.stem}"
    old = dictcache.cache_file(cache, name, dictcache.cache_key("older source"))
    dictcache.write(old, {"maxlen": 1, "patterns": {"x": (0, (1,))}, "alternatives": []}, name)
    import pyphen

    assert _same_patterns(readability._hyph_dict(path), pyphen.HyphDict(path))
    assert not old.exists()
    assert len(list(cache.glob(f"{name}-*.marshal"))) == 1


def test_an_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    import pyphen

    blocker = tmp_path / "file"
    blocker.write_text("")
    with readability.dictionary_cache(blocker / "below"):  # a folder that cannot be made
        path = readability._pyphen_path("fr")
        assert _same_patterns(readability._hyph_dict(path), pyphen.HyphDict(path))


def test_the_cached_english_table_is_the_cmu_dictionarys(cache: Path) -> None:
    reference = readability._read_english_syllables()
    assert readability._english_table() == reference  # read, stored
    assert _only(cache, "cmudict-*.marshal")
    assert readability._english_table() == reference  # from the cache


def test_without_a_cache_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert readability._dictionary_cache is None
    readability._hyph_dict(readability._pyphen_path("fr"))
    assert not any(tmp_path.iterdir())


# --- the report page from fragments ----------------------------------------------------------

TRICKY = ["Fièvre & <toux>", 'Le "rhume"', "O'Brien's cold", "Kopfschmerz", "صداع", "a" * 40]


def _record(slug: str, rng: random.Random) -> dict:
    value = rng.choice([rng.uniform(-5, 90), 12.0, 60, None])
    readability_ = (
        None
        if value is None
        else {
            "formula": rng.choice(["flesch_reading_ease", "szigriszt_pazos", "lix (proxy)"]),
            "value": value,
            "target": rng.choice([60, 8.5, 40.0]),
            "passes": rng.random() < 0.5,
        }
    )
    return {
        "slug": slug,
        "readability": readability_,
        "audio_seconds": rng.choice([None, 0.4, 61.25, 3600.0, 125.0]),
        "engine": rng.choice([None, "espeak", "piper"]),
        "voice": rng.choice(["es", "de-thorsten", "<v>"]),
    }


def _library(rng: random.Random, slugs: list[str]) -> tuple[dict, list, dict]:
    published: dict[str, list[dict]] = {}
    held = []
    for locale in ["ar", "de", "en", "es"]:
        for slug in slugs:
            if rng.random() < 0.85:
                published.setdefault(locale, []).append(_record(slug, rng))
            elif rng.random() < 0.5:
                held.append({"slug": slug, "locale": locale, "reasons": "1 error <b>&</b>"})
    titles = {slug: rng.choice(TRICKY) + f" {i}" for i, slug in enumerate(slugs)}
    return published, held, titles


def test_the_report_from_fragments_is_the_whole_render_after_adds_changes_and_removals() -> None:
    rng = random.Random(13)
    slugs = [f"article-{i:02d}" for i in range(12)]
    published, held, titles = _library(rng, slugs)
    fragments = pages.ReportFragments()
    reused = 0
    for step in range(9):
        locale = rng.choice(sorted(published))
        if step % 3 == 1:  # a row (and a chart) added
            slug = f"new-{step}"
            published[locale].append(_record(slug, rng))
            titles[slug] = f"New <{step}>"
        elif step % 3 == 2:  # a row removed: the charts after it are numbered anew
            published[locale].pop(rng.randrange(len(published[locale])))
        else:  # a row changed
            records = published[locale]
            index = rng.randrange(len(records))
            records[index] = _record(records[index]["slug"], rng)
        warnings = ["pt: no translation <of> the page text"] if step % 2 else []
        whole = pages.report_page(published, held, titles, warnings)
        spliced = pages.report_page(published, held, titles, warnings, fragments)
        assert spliced == whole
        if step:
            reused += len(fragments.used) - fragments.rendered
        fragments = pages.ReportFragments(fragments.used)  # what the build keeps
    assert reused > 0  # the spliced path was taken, not the whole render
    # and unchanged: every row and chart comes from the fragments
    again = pages.ReportFragments(fragments.known)
    assert pages.report_page(published, held, titles, warnings, again) == whole
    assert again.rendered == 0 and again.used


def test_a_changed_row_is_rendered_again_not_taken_from_the_fragments() -> None:
    rng = random.Random(5)
    slugs = [f"article-{i}" for i in range(5)]
    published, held, titles = _library(rng, slugs)
    fragments = pages.ReportFragments()
    pages.report_page(published, held, titles, [], fragments)
    locale = sorted(published)[0]
    published[locale][0] = {**published[locale][0], "audio_seconds": 4242.0}
    titles[slugs[0]] = "Changed <title>"
    kept = pages.ReportFragments(fragments.used)
    assert pages.report_page(published, held, titles, [], kept) == pages.report_page(
        published, held, titles, []
    )
    assert 0 < kept.rendered < len(kept.used)


def test_nothing_published_or_no_scores_renders_whole() -> None:
    fragments = pages.ReportFragments()
    held = [{"slug": "a", "locale": "es", "reasons": "untranslated"}]
    assert pages.report_page({}, held, {"a": "A"}, [], fragments) == pages.report_page(
        {}, held, {"a": "A"}, []
    )
    unscored = {"es": [{"slug": "a", "readability": None, "audio_seconds": 3.0}]}
    assert pages.report_page(unscored, [], {"a": "A"}, [], fragments) == pages.report_page(
        unscored, [], {"a": "A"}, []
    )


# --- in a build ------------------------------------------------------------------------------


def _fragment_file(root: Path) -> Path:
    files = list((root / "build" / ".cache" / "report").glob("fragments-*.marshal"))
    assert len(files) == 1
    return files[0]


def test_a_build_after_edits_and_a_damaged_cache_matches_a_clean_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyphen
    from test_scale_incremental import A, B, _build, _clean_twin, _edit_es
    from test_site_fixtures import copy_sample, install_fake_audio

    install_fake_audio(monkeypatch)
    # as in a fresh process: no dictionary loaded yet (other tests load them in this one)
    monkeypatch.setattr(pyphen, "hdcache", {})
    monkeypatch.setattr(readability, "_english", None)
    readability._hyphenator.cache_clear()
    root = copy_sample(tmp_path / "proj", slugs=(A, B))
    _build(root)
    assert list((root / "build" / ".cache" / "dictionaries").glob("*.marshal"))
    first = site_bytes(root)
    _edit_es(root, A)  # one row and one chart change
    _build(root)
    assert site_bytes(root) == _clean_twin(tmp_path, "twin", lambda r: _edit_es(r, A))
    # a fragment file cut short (a kill while it was written) is not trusted
    stored = _fragment_file(root)
    stored.write_bytes(stored.read_bytes()[:100])
    for folder in ("dictionaries",):
        for cached in (root / "build" / ".cache" / folder).glob("*.marshal"):
            cached.write_bytes(cached.read_bytes()[:-1] + b"\0")
    _edit_es(root, A, words="")
    po = root / "locales" / "es" / "LC_MESSAGES" / f"{A}.po"
    po.write_text(po.read_text(encoding="utf-8").replace(" Ahora.", "", 1), encoding="utf-8")
    _build(root)
    assert site_bytes(root) == first
    assert dictcache.read(_fragment_file(root))  # written again, whole
