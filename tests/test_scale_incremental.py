"""Scale (issue 13): a bundle updated in place of one rebuilt gives a clean build's bytes.

`write_bundle(..., unchanged=...)` copies the compressed bytes of the files the caller says
are unchanged from the bundle already at the path; these tests compare what it writes with a
bundle written from scratch, byte for byte (`zip_bytes` and a fresh `write_bundle` into another
folder are the references: neither copies anything).
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from conftest import site_bytes
from toolkit.bundle import MANIFEST, verify, write_bundle

ARTICLES = [{"slug": f"a{n:02d}", "title": f"Article {n}"} for n in range(12)]


def _files(folder: Path, edited: dict[str, bytes] | None = None) -> dict[str, bytes | Path]:
    """A bundle's files: pages as bytes, audio and text as files on disk (both kinds of
    source, both compression methods: .mp3 is stored, the rest deflated)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes | Path] = {"index.html": b"<html>the index</html>\n"}
    for article in ARTICLES:
        slug = article["slug"]
        noise = hashlib.sha256(slug.encode()).digest() * 2000  # does not compress
        (folder / f"{slug}.mp3").write_bytes(noise)
        (folder / f"{slug}.txt").write_bytes(f"The text of {slug}. ".encode() * 500)
        files[f"{slug}/index.html"] = f"<html>{slug}</html>\n".encode()
        files[f"{slug}/audio.mp3"] = folder / f"{slug}.mp3"
        files[f"{slug}/article.txt"] = folder / f"{slug}.txt"
    for name, data in (edited or {}).items():
        files[name] = data
    return files


def _clean(tmp_path: Path, files: dict[str, bytes | Path], articles: list[dict]) -> bytes:
    clean = tmp_path / "clean" / "es.zip"
    assert write_bundle(clean, "es", files, articles) is True
    return clean.read_bytes()


def test_one_file_changed_copies_the_others_and_gives_a_clean_builds_bytes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bundles" / "es.zip"
    files = _files(tmp_path / "src")
    assert write_bundle(path, "es", files, ARTICLES) is True
    first = path.read_bytes()
    # one article's page and text edited (the text grows: every later entry moves)
    (tmp_path / "src" / "a03.txt").write_bytes(b"Edited and much longer. " * 900)
    edited = _files(tmp_path / "src", {"a03/index.html": b"<html>a03, edited</html>\n"})
    articles = [dict(a, title="Edited") if a["slug"] == "a03" else a for a in ARTICLES]
    unchanged = [name for name in edited if not name.startswith("a03/") and name != "index.html"]
    assert write_bundle(path, "es", edited, articles, unchanged) is True
    assert path.read_bytes() != first
    assert path.read_bytes() == _clean(tmp_path, edited, articles)
    verify(path)
    # and edited back: the first bundle's bytes again
    (tmp_path / "src" / "a03.txt").write_bytes(b"The text of a03. " * 500)
    assert write_bundle(path, "es", _files(tmp_path / "src"), ARTICLES, unchanged) is True
    assert path.read_bytes() == first


def test_unchanged_files_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "es.zip"
    files = _files(tmp_path / "src")
    write_bundle(path, "es", files, ARTICLES)
    reference = path.read_bytes()
    # the files on disk vanish: only the previous bundle can give their bytes
    for name in os.listdir(tmp_path / "src"):
        if name != "a05.txt":
            os.remove(tmp_path / "src" / name)
    unchanged = [n for n, s in files.items() if isinstance(s, Path) and n != "a05/article.txt"]
    (tmp_path / "src" / "a05.txt").write_bytes(b"new text")
    assert write_bundle(path, "es", files, ARTICLES, unchanged) is True
    with zipfile.ZipFile(path) as archive:
        assert archive.read("a05/article.txt") == b"new text"
        assert archive.read("a00/audio.mp3") == hashlib.sha256(b"a00").digest() * 2000
        listed = json.loads(archive.read(MANIFEST))
    assert len(listed["files"]) == len(files)
    assert path.read_bytes() != reference
    verify(path)


def test_without_a_previous_bundle_every_file_is_read(tmp_path: Path) -> None:
    files = _files(tmp_path / "src")
    path = tmp_path / "es.zip"
    assert write_bundle(path, "es", files, ARTICLES, list(files)) is True
    assert path.read_bytes() == _clean(tmp_path, files, ARTICLES)


@pytest.mark.parametrize("damage", ["truncated", "not a zip", "entry missing"])
def test_a_previous_bundle_that_cannot_give_its_entries_is_rebuilt_whole(
    tmp_path: Path, damage: str
) -> None:
    files = _files(tmp_path / "src")
    path = tmp_path / "es.zip"
    write_bundle(path, "es", files, ARTICLES)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "not a zip":
        path.write_bytes(b"not a zip at all")
    else:
        smaller = {k: v for k, v in files.items() if not k.startswith("a07/")}
        write_bundle(path, "es", smaller, [a for a in ARTICLES if a["slug"] != "a07"])
    assert write_bundle(path, "es", files, ARTICLES, list(files)) is True
    assert path.read_bytes() == data


def test_a_callable_source_is_made_only_when_read(tmp_path: Path) -> None:
    files = _files(tmp_path / "src")
    path = tmp_path / "es.zip"
    write_bundle(path, "es", files, ARTICLES)
    reference = path.read_bytes()
    calls: list[str] = []

    def page(name: str, data: bytes):
        def make() -> bytes:
            calls.append(name)
            return data

        return make

    lazy = {
        name: page(name, source) if isinstance(source, bytes) else source
        for name, source in files.items()
    }
    unchanged = [name for name in files if name != "a01/index.html"]
    assert write_bundle(path, "es", lazy, ARTICLES, unchanged) is False  # same bytes
    assert set(calls) == {"a01/index.html"}
    assert path.read_bytes() == reference


# --- the build's fast paths, against clean builds ----------------------------------------------

A, B = "ketamine-for-depression", "taking-antidepressants"


def _edit_es(root: Path, slug: str, words: str = " Ahora.") -> None:
    from test_site_fixtures import set_translations

    po = root / "locales" / "es" / "LC_MESSAGES" / f"{slug}.po"
    done: list[str] = []

    def change(entry) -> None:
        if entry.msgstr and not done and "\n" not in entry.msgstr:
            entry.msgstr += words
            done.append(entry.msgid)

    set_translations(po, change)
    assert done


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A two-article project built once (fake audio), and a spy on the bundles written:
    (locale, the files said to be unchanged)."""
    from test_site_fixtures import copy_sample, install_fake_audio

    from toolkit import site
    from toolkit.project import Project

    install_fake_audio(monkeypatch)
    root = copy_sample(tmp_path / "proj", slugs=(A, B))
    assert not site.build(Project.load(root)).nothing_to_do
    calls: list[tuple[str, list[str]]] = []
    real = site.write_bundle

    def spy(path, locale, files, articles, unchanged=(), trusted=True):
        calls.append((locale, sorted(unchanged)))
        return real(path, locale, files, articles, unchanged, trusted)

    monkeypatch.setattr(site, "write_bundle", spy)
    return root, calls


def _build(root: Path):
    from toolkit import site
    from toolkit.project import Project

    return site.build(Project.load(root))


def _clean_twin(tmp_path: Path, name: str, edit=None) -> dict[str, bytes]:
    from test_site_fixtures import copy_sample

    twin = copy_sample(tmp_path / name, slugs=(A, B))
    if edit is not None:
        edit(twin)
    _build(twin)
    return site_bytes(twin)


def test_one_po_edited_copies_the_other_articles_and_matches_a_clean_build(
    built, tmp_path: Path
) -> None:
    root, calls = built
    first = site_bytes(root)
    _edit_es(root, A)
    _build(root)
    # the Spanish bundle was updated from the last one: B's files copied, A's read again
    es = [unchanged for locale, unchanged in calls if locale == "es"]
    assert es and any(name.startswith(f"{B}/") for name in es[-1])
    assert not any(name.startswith(f"{A}/") for name in es[-1])
    assert site_bytes(root) == _clean_twin(tmp_path, "twin", lambda r: _edit_es(r, A))
    assert _build(root).nothing_to_do  # the stamps it kept are right
    # edited back: the first build's bytes, bundles included
    _edit_es(root, A, words="")
    po = root / "locales" / "es" / "LC_MESSAGES" / f"{A}.po"
    po.write_text(po.read_text(encoding="utf-8").replace(" Ahora.", "", 1), encoding="utf-8")
    _build(root)
    assert site_bytes(root) == first


def test_a_tampered_bundle_is_rebuilt_whole(built) -> None:
    root, calls = built
    first = site_bytes(root)
    bundle = root / "build" / "bundles" / "es.zip"
    data = bytearray(bundle.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = b"tampered"
    before = bundle.stat().st_mtime_ns
    bundle.write_bytes(bytes(data))
    # later than the build, as a tamper is (within one tick of the file system's clock, a
    # write leaves the times as they were: stat signatures cannot see it)
    os.utime(bundle, ns=(before + 10**9, before + 10**9))
    assert not _build(root).nothing_to_do
    assert ("es", []) in calls  # nothing copied from a bundle that is not as written
    assert site_bytes(root) == first


def test_a_tampered_file_of_another_article_goes_into_the_bundle_rebuilt(
    built, tmp_path: Path
) -> None:
    root, calls = built
    _edit_es(root, A)
    page = root / "build" / "site" / "es" / B / "article.txt"
    before = page.stat().st_mtime_ns
    page.write_text("tampered", encoding="utf-8")
    os.utime(page, ns=(before + 10**9, before + 10**9))  # later than the build
    _build(root)
    # B's text is made again; its bundle entries, copied, are those same bytes
    assert page.read_text(encoding="utf-8") != "tampered"
    assert site_bytes(root) == _clean_twin(tmp_path, "twin", lambda r: _edit_es(r, A))


def test_a_touched_page_of_another_article_still_matches_a_clean_build(
    built, tmp_path: Path
) -> None:
    root, _ = built
    page = root / "build" / "site" / "es" / B / "index.html"
    page.write_bytes(page.read_bytes())  # same bytes, new times
    os.utime(page, (1, 1))
    _edit_es(root, A)
    _build(root)
    assert site_bytes(root) == _clean_twin(tmp_path, "twin", lambda r: _edit_es(r, A))
