"""Per-locale bundles: a reproducible zip of the locale's pages and files plus `manifest.json`.

The same inputs give byte-identical zips: entries are sorted, timestamps fixed at
1980-01-01 (the earliest a zip can hold), permissions fixed, compression deterministic (zlib
level 9). `verify` recomputes every file's size and sha256 against the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from . import __version__
from .errors import ToolkitError
from .files import open_atomic

MANIFEST = "manifest.json"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
#: already compressed: storing them saves time and changes nothing in size
_STORED = (".mp3", ".png", ".jpg", ".jpeg", ".ogg", ".opus", ".zip")


def is_safe_member(name: str) -> bool:
    """True for a plain relative POSIX path that stays inside the zip's root."""
    if not name or "\\" in name or "\0" in name or name.startswith("/"):
        return False
    path = PurePosixPath(name)
    if path.is_absolute() or ":" in path.parts[0]:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


#: a bundle file: its bytes, or the path of a file on disk (read in pieces, never whole)
Source = bytes | Path
#: how much of a file is read (and held) at a time
CHUNK = 1 << 20


def _chunks(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        yield bytes(source)
        return
    with open(source, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


@dataclass(frozen=True)
class _Digest:
    bytes: int
    sha256: str
    crc: int  #: the zip's CRC-32, so an existing bundle's entries can be compared cheaply


def _digest(source: Source) -> _Digest:
    sha, crc, size = hashlib.sha256(), 0, 0
    for chunk in _chunks(source):
        sha.update(chunk)
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    return _Digest(size, sha.hexdigest(), crc)


def _manifest(
    locale: str, digests: Mapping[str, _Digest], articles: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    return {
        "locale": locale,
        "toolkit_version": __version__,
        "files": [
            {"path": path, "bytes": d.bytes, "sha256": d.sha256}
            for path, d in sorted(digests.items())
        ],
        "articles": [dict(a) for a in sorted(articles, key=lambda a: a["slug"])],
    }


def manifest(
    locale: str, files: Mapping[str, Source], articles: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The manifest of a bundle holding `files` (path -> bytes or file path)."""
    return _manifest(locale, {path: _digest(src) for path, src in files.items()}, articles)


def _info(path: str) -> zipfile.ZipInfo:
    if not is_safe_member(path):
        raise ToolkitError(f"refusing to put unsafe path {path!r} into a bundle")
    info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
    info.create_system = 3  # unix, so the permissions below mean the same everywhere
    info.external_attr = 0o644 << 16
    if path.endswith(_STORED):
        info.compress_type = zipfile.ZIP_STORED
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 9  # type: ignore[attr-defined]  # what writestr(compresslevel=) sets
    return info


def write_zip(
    out: BinaryIO, files: Mapping[str, Source], expected: Mapping[str, _Digest] | None = None
) -> None:
    """A deterministic zip of `files` into `out`, entries sorted by path, written entry by
    entry in pieces (the bytes `ZipFile.writestr` gives, without holding a file whole).

    With `expected`, a file whose bytes differ from its digest (changed while the bundle
    was written) is an error rather than a bundle that does not match its manifest.
    """
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(files):
            info = _info(path)
            source = files[path]
            want = expected.get(path) if expected else None
            # the size decides zip64 headers, as writestr decides it from len(data)
            info.file_size = want.bytes if want else _size(source)
            sha = hashlib.sha256()
            with archive.open(info, "w") as entry:
                for chunk in _chunks(source):
                    sha.update(chunk)
                    entry.write(chunk)
            if want is not None and (info.file_size, sha.hexdigest()) != (want.bytes, want.sha256):
                raise ToolkitError(f"{path} changed while its bundle was written: build again")


def _size(source: Source) -> int:
    return source.stat().st_size if isinstance(source, Path) else len(source)


def zip_bytes(files: Mapping[str, Source]) -> bytes:
    """A deterministic zip of `files` (path -> bytes), entries sorted by path."""
    buffer = io.BytesIO()
    write_zip(buffer, files)
    return buffer.getvalue()


def _unchanged(path: Path, manifest_data: bytes, digests: Mapping[str, _Digest]) -> bool:
    """True when the bundle at `path` already holds this manifest and these files: its
    manifest equal byte for byte and every entry's name, size and CRC as computed now
    (read from the zip's directory: nothing is decompressed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            if MANIFEST not in infos or archive.read(MANIFEST) != manifest_data:
                return False
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError):
        return False
    if set(infos) != {*digests, MANIFEST}:
        return False
    return all(
        (infos[name].file_size, infos[name].CRC, infos[name].compress_type)
        == (d.bytes, d.crc, _info(name).compress_type)
        for name, d in digests.items()
    )


def write_bundle(
    path: Path,
    locale: str,
    files: Mapping[str, Source],
    articles: Sequence[Mapping[str, Any]],
) -> bool:
    """Write the bundle of `files` plus its manifest to `path`; True when the bytes changed.

    A value of `files` is the file's bytes or the path of a file to read. Memory stays flat
    whatever the bundle's size: files are hashed in pieces, the zip is written entry by entry
    to a temp file beside `path` and renamed. A bundle that already holds the same manifest
    and entries is left alone: it is not built again to find that out.
    """
    if MANIFEST in files:
        raise ToolkitError(f"a bundle file may not be called {MANIFEST}")
    for name in files:
        _info(name)  # an unsafe path fails before anything is read
    digests = {name: _digest(source) for name, source in files.items()}
    data = json.dumps(
        _manifest(locale, digests, articles), ensure_ascii=False, indent=2, sort_keys=True
    )
    manifest_data = (data + "\n").encode()
    if _unchanged(path, manifest_data, digests):
        return False
    with open_atomic(path) as out:
        write_zip(out, {**files, MANIFEST: manifest_data}, digests)
    return True


@dataclass
class Verification:
    """What `verify` found: a bundle whose every file matches its manifest."""

    bundle: str
    locale: str
    files: int
    bytes: int
    articles: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"ok {self.bundle}: {self.files} files ({self.bytes} bytes) match {MANIFEST} "
            f"(locale {self.locale}, {len(self.articles)} articles)"
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "ok": True,
            "locale": self.locale,
            "files": self.files,
            "bytes": self.bytes,
            "articles": list(self.articles),
        }


def verify(path: Path | str) -> Verification:
    """Check a bundle against its manifest (see `toolkit.verify`, which treats it as hostile)."""
    from .verify import verify as run

    return run(path)
