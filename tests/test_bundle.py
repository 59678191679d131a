"""Bundles: reproducible zips, safe paths, and `verify` naming the file that differs."""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import __version__
from toolkit.bundle import MANIFEST, is_safe_member, verify, write_bundle, zip_bytes
from toolkit.errors import ToolkitError

FILES = {
    "index.html": b"<!doctype html><title>x</title>",
    "blood-pressure/index.html": "<p>ضغط الدم</p>".encode(),
    "blood-pressure/audio.mp3": bytes(range(256)) * 40,
    "blood-pressure/article.txt": b"Take 2.5 mg.\n",
}
ARTICLES = [
    {
        "slug": "blood-pressure",
        "title": "ضغط الدم",
        "readability": None,
        "translated": 1.0,
        "audio_seconds": 12.5,
        "engine": "espeak",
        "voice": "ar",
    }
]


def _bundle(tmp_path: Path, name: str = "ar.zip") -> Path:
    path = tmp_path / name
    assert write_bundle(path, "ar", FILES, ARTICLES) is True
    return path


def test_bundle_holds_files_and_a_manifest_with_sizes_and_hashes(tmp_path: Path) -> None:
    path = _bundle(tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read(MANIFEST))
        infos = archive.infolist()
    assert names == sorted([*FILES, MANIFEST])
    assert manifest["locale"] == "ar" and manifest["toolkit_version"] == __version__
    assert manifest["articles"] == ARTICLES
    assert manifest["files"] == [
        {"path": p, "bytes": len(FILES[p]), "sha256": hashlib.sha256(FILES[p]).hexdigest()}
        for p in sorted(FILES)
    ]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}
    mp3 = next(i for i in infos if i.filename.endswith(".mp3"))
    assert mp3.compress_type == zipfile.ZIP_STORED


def test_same_inputs_give_identical_bytes_and_a_second_write_is_skipped(tmp_path: Path) -> None:
    first = _bundle(tmp_path, "a.zip").read_bytes()
    second = _bundle(tmp_path, "b.zip").read_bytes()
    assert first == second
    assert write_bundle(tmp_path / "a.zip", "ar", dict(reversed(FILES.items())), ARTICLES) is False


def test_verify_accepts_a_good_bundle(tmp_path: Path) -> None:
    report = verify(_bundle(tmp_path))
    assert report.as_dict()["files"] == 4
    assert report.lines()[0].startswith("ok ") and "4 files" in report.lines()[0]


def _data_offset(path: Path, member: str) -> tuple[int, int]:
    """Offset and size of `member`'s data in the zip (after its local header)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    raw = path.read_bytes()
    name_len, extra_len = struct.unpack(
        "<HH", raw[info.header_offset + 26 : info.header_offset + 30]
    )
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


@pytest.mark.parametrize("member", ["blood-pressure/audio.mp3", "blood-pressure/index.html"])
def test_verify_names_the_file_with_one_changed_byte(tmp_path: Path, member: str) -> None:
    path = _bundle(tmp_path)
    start, size = _data_offset(path, member)
    raw = bytearray(path.read_bytes())
    raw[start + size // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(ToolkitError, match=member.replace(".", r"\.")):
        verify(path)


def _rezip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_verify_names_missing_extra_and_changed_files(tmp_path: Path) -> None:
    with zipfile.ZipFile(_bundle(tmp_path)) as archive:
        good = {n: archive.read(n) for n in archive.namelist()}
    cases = {
        "missing": ({k: v for k, v in good.items() if k != "index.html"}, "index.html is listed"),
        "extra": ({**good, "extra.html": b"x"}, "extra.html is in the bundle but not"),
        "changed": ({**good, "index.html": good["index.html"].upper()}, "index.html has a differ"),
        "resized": ({**good, "index.html": good["index.html"] + b" "}, "index.html has 32 bytes"),
        "unsafe": ({**good, "../evil.txt": b"x"}, "unsafe path '../evil.txt'"),
        "no manifest": ({k: v for k, v in good.items() if k != MANIFEST}, "no manifest.json"),
    }
    for name, (files, message) in cases.items():
        path = tmp_path / f"{name}.zip"
        _rezip(path, files)
        with pytest.raises(ToolkitError, match=message.replace(".", r"\.")):
            verify(path)


def test_verify_rejects_what_is_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ToolkitError, match="not a readable zip"):
        verify(bad)
    with pytest.raises(ToolkitError, match="no such bundle"):
        verify(tmp_path / "missing.zip")


@pytest.mark.parametrize(
    "name", ["../x", "/etc/passwd", "a/../../x", "a//b", "./a", "C:/x", "a\\b", "", ".", "a/."]
)
def test_unsafe_member_names_are_refused(name: str) -> None:
    assert not is_safe_member(name)
    with pytest.raises(ToolkitError, match="unsafe path"):
        zip_bytes({name: b"x"})


def test_ordinary_member_names_are_safe() -> None:
    assert all(is_safe_member(n) for n in ["index.html", "a-b/index.html", "x/y/z.vtt"])


_NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    files=st.dictionaries(_NAMES, st.integers(0, 2**40), max_size=6),
    titles=st.lists(st.text(max_size=10), max_size=3),
    locale=st.sampled_from(["es", "zh_Hans", 'a"b']),
)
def test_the_manifest_is_the_bytes_json_dumps_writes(files, titles, locale) -> None:
    """The manifest's file list is written line by line (json's indented encoder runs in
    Python): the bytes are still `json.dumps(..., ensure_ascii=False, indent=2,
    sort_keys=True)`'s, for any names (quotes, backslashes, control characters, any script),
    an empty list and articles whose text holds what the list is spliced at."""
    from toolkit.bundle import _Digest, _manifest, _manifest_bytes

    digests = {
        name: _Digest(size, hashlib.sha256(name.encode()).hexdigest(), 0)
        for name, size in files.items()
    }
    articles = [
        {"slug": f"s{i}", "title": title + '\n  "files": [],\n', "readability": {"value": 1.5}}
        for i, title in enumerate(titles)
    ]
    expected = json.dumps(
        _manifest(locale, digests, articles), ensure_ascii=False, indent=2, sort_keys=True
    )
    assert _manifest_bytes(locale, digests, articles) == (expected + "\n").encode()
