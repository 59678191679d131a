"""`verify` against hostile and broken bundles: one exact message each, exit 1, no traceback.

Each bundle below is built by hand (zipfile plus byte patches of the headers, offsets from
PKWARE's APPNOTE 4.3.7/4.3.12), not by the code under test.
"""

from __future__ import annotations

import hashlib
import json
import random
import stat
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import ToolkitError
from toolkit.verify import verify

INDEX = b"<!doctype html><title>x</title>"


def _manifest(files: dict[str, bytes], **extra: object) -> bytes:
    listed = [
        {"path": p, "bytes": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for p, d in sorted(files.items())
    ]
    return json.dumps({"locale": "es", "files": listed, "articles": [], **extra}).encode()


def _zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def _good(path: Path) -> Path:
    return _zip(path, [("index.html", INDEX), ("manifest.json", _manifest({"index.html": INDEX}))])


def _message(path: Path) -> str:
    with pytest.raises(ToolkitError) as caught:
        verify(path)
    return str(caught.value)


def _patch_entry(path: Path, flags: int | None = None, method: int | None = None) -> None:
    """Set the flags or method of the first entry in its local and central headers."""
    raw = bytearray(path.read_bytes())
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    for offset, value in ((6, flags), (8, method)):
        if value is not None:
            raw[local + offset : local + offset + 2] = value.to_bytes(2, "little")
            raw[central + offset + 2 : central + offset + 4] = value.to_bytes(2, "little")
    path.write_bytes(bytes(raw))


def test_a_good_hand_made_bundle_passes(tmp_path: Path) -> None:
    report = verify(_good(tmp_path / "es.zip"))
    assert (report.files, report.bytes, report.locale) == (1, len(INDEX), "es")


def test_symlink_entry_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("index.html")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    target = b"../../../../etc/passwd"
    path = _zip(
        tmp_path / "es.zip", [(link, target), ("manifest.json", _manifest({"index.html": target}))]
    )
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: index.html is a symbolic link; "
        "bundles hold only files"
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("../../dir/", "folder"),
        ("a/../../x/", "folder"),
        ("/etc/", "folder"),
        ("../evil.txt", "file"),
        ("a/../../evil.txt", "file"),
        ("docs/index.html:stream", "file"),
        ("a\x1b[2Jb.html", "file"),
    ],
)
def test_traversal_of_any_entry_type_is_refused(tmp_path: Path, name: str, kind: str) -> None:
    path = _zip(
        tmp_path / "es.zip",
        [(name, b""), ("index.html", INDEX), ("manifest.json", _manifest({"index.html": INDEX}))],
    )
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: unsafe path {name!r} "
        f"({kind} entry: absolute, '..', ':' or a control character)"
    )


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "es.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        _zip(
            path,
            [
                ("index.html", INDEX),
                ("index.html", b"other"),
                ("manifest.json", _manifest({"index.html": INDEX})),
            ],
        )
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: 'index.html' is in the zip twice"
    )


def test_names_that_differ_only_in_case_are_refused(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "es.zip",
        [
            ("Index.html", INDEX),
            ("index.html", INDEX),
            ("manifest.json", _manifest({"index.html": INDEX, "Index.html": INDEX})),
        ],
    )
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: 'index.html' is in the zip and as "
        "'Index.html' (names differ only in case)"
    )


def test_entry_larger_than_its_manifest_says_is_refused_before_reading(tmp_path: Path) -> None:
    big = b"x" * 5000
    manifest = _manifest({"index.html": INDEX})
    path = _zip(tmp_path / "es.zip", [("index.html", big), ("manifest.json", manifest)])
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: index.html has 5000 bytes, "
        "the manifest says 31"
    )


def _bomb(path: Path, size: int) -> Path:
    """A deflated entry of `size` zero bytes (about 1000:1), honestly sized in its headers,
    listed in the manifest with that size and a wrong hash."""
    chunk = bytes(1 << 20)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = b"".join(squeeze.compress(chunk) for _ in range(size >> 20)) + squeeze.flush()
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    manifest = json.dumps(
        {"locale": "es", "files": [{"path": "bomb.bin", "bytes": size, "sha256": "0" * 64}]}
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", manifest)
    # append the bomb by hand: zipfile would compress it itself (slowly, and whole in memory)
    raw = bytearray(path.read_bytes())
    end = raw.index(b"PK\x01\x02")
    central, tail = raw[end : raw.index(b"PK\x05\x06")], raw[raw.index(b"PK\x05\x06") :]
    name = b"bomb.bin"
    local = (
        b"PK\x03\x04"
        + (20).to_bytes(2, "little")
        + bytes(2)
        + (8).to_bytes(2, "little")
        + bytes(4)
        + crc.to_bytes(4, "little")
        + len(body).to_bytes(4, "little")
        + size.to_bytes(4, "little")
        + len(name).to_bytes(2, "little")
        + bytes(2)
        + name
    )
    entry = (
        b"PK\x01\x02"
        + (20).to_bytes(2, "little") * 2
        + bytes(2)
        + (8).to_bytes(2, "little")
        + bytes(4)
        + crc.to_bytes(4, "little")
        + len(body).to_bytes(4, "little")
        + size.to_bytes(4, "little")
        + len(name).to_bytes(2, "little")
        + bytes(8)
        + bytes(4)
        + end.to_bytes(4, "little")
        + name
    )
    start = end + len(local) + len(body)
    directory = central + entry
    count = (2).to_bytes(2, "little")
    tail = (
        tail[:8]
        + count
        + count
        + len(directory).to_bytes(4, "little")
        + start.to_bytes(4, "little")
        + tail[20:]
    )
    path.write_bytes(bytes(raw[:end]) + local + body + directory + tail)
    return path


def test_a_zip_bomb_is_read_in_bounded_chunks(tmp_path: Path) -> None:
    size = 256 << 20  # 256 MB of zeros in about 250 KB
    path = _bomb(tmp_path / "es.zip", size)
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        message = _message(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == (
        f"{path}: bundle does not match its manifest: bomb.bin has a different sha256 "
        "than the manifest says"
    )
    assert peak < 8 << 20, f"verify held {peak} bytes at once"


def test_a_manifest_nested_too_deeply_is_one_message(tmp_path: Path) -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    path = _zip(tmp_path / "es.zip", [("index.html", INDEX), ("manifest.json", deep)])
    assert _message(path) == (
        f"{path}: manifest.json is nested too deeply to be a manifest: rebuild the bundle"
    )


@pytest.mark.parametrize(
    ("manifest", "why"),
    [
        (
            b"{not json",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (b"[]", "no list of files"),
        (
            b'{"files": [{"path": "index.html", "bytes": "31"}]}',
            "files[0] needs path, bytes and sha256",
        ),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_an_invalid_manifest_is_one_message(tmp_path: Path, manifest: bytes, why: str) -> None:
    path = _zip(tmp_path / "es.zip", [("index.html", INDEX), ("manifest.json", manifest)])
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: manifest.json is not a valid manifest ({why})"
    )


@pytest.mark.parametrize("method", [12, 99])  # bzip2 (zipfile reads it; bundles never use it)
def test_an_unknown_compression_method_is_refused(tmp_path: Path, method: int) -> None:
    path = _good(tmp_path / "es.zip")
    _patch_entry(path, method=method)
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: index.html uses compression method "
        f"{method}, not one a bundle uses (stored, deflate)"
    )


def test_an_encrypted_entry_is_refused(tmp_path: Path) -> None:
    path = _good(tmp_path / "es.zip")
    _patch_entry(path, flags=0x1)
    assert _message(path) == (
        f"{path}: bundle does not match its manifest: index.html is encrypted; "
        "bundles are never encrypted"
    )


def test_a_truncated_bundle_and_a_non_zip_are_one_message(tmp_path: Path) -> None:
    path = _good(tmp_path / "es.zip")
    path.write_bytes(path.read_bytes()[:100])
    assert _message(path) == (
        f"{path}: not a readable zip file (File is not a zip file): rebuild the bundle"
    )
    path.write_bytes(b"not a zip")
    assert _message(path) == (
        f"{path}: not a readable zip file (File is not a zip file): rebuild the bundle"
    )
    assert _message(tmp_path) == f"{tmp_path}: is a folder, not a bundle: pass a .zip file"


def test_every_truncation_and_random_damage_is_a_toolkit_error(tmp_path: Path) -> None:
    good = _good(tmp_path / "good.zip").read_bytes()
    path = tmp_path / "es.zip"
    cases = [good[:cut] for cut in range(0, len(good), 3)]
    rng = random.Random(13)
    for _ in range(300):
        raw = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        cases.append(bytes(raw))
    outcomes = {"ok": 0, "error": 0}
    for data in cases:
        path.write_bytes(data)
        try:
            verify(path)
        except ToolkitError:
            outcomes["error"] += 1
        else:
            outcomes["ok"] += 1
    assert outcomes["error"] > len(cases) // 2


def test_cli_verify_exits_1_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = _good(tmp_path / "es.zip")
    _patch_entry(path, flags=0x1)
    result = CliRunner().invoke(main, ["--project", str(tmp_path), "verify", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: bundle does not match its manifest: index.html is encrypted; "
        "bundles are never encrypted\n"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
