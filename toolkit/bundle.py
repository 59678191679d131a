"""Per-locale bundles: a reproducible zip of the locale's pages and files plus `manifest.json`.

The same inputs give byte-identical zips: entries are sorted, timestamps fixed at
1980-01-01 (the earliest a zip can hold), permissions fixed, compression deterministic (zlib
level 9). `verify` recomputes every file's size and sha256 against the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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
    # by its parts as written (a PurePosixPath folds "a//b" and "./a"), without building a
    # path: a bundle checks every name, 7,000 at 1,000 articles
    parts = name.split("/")
    if ":" in parts[0]:
        return False
    return all(part not in ("", ".", "..") for part in parts)


#: a bundle file: its bytes, the path of a file on disk (read in pieces, never whole), or a
#: function that makes its bytes (called only when the file has to be read)
Source = bytes | Path | Callable[[], bytes]
#: how much of a file is read (and held) at a time
CHUNK = 1 << 20


def _chunks(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        yield bytes(source)
        return
    if callable(source):
        yield source()
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


def _manifest_bytes(
    locale: str, digests: Mapping[str, _Digest], articles: Sequence[Mapping[str, Any]]
) -> bytes:
    """`json.dumps(_manifest(...), ensure_ascii=False, indent=2, sort_keys=True)` and a
    newline, as bytes. With an indent, json encodes in Python, not C: the list of files (one
    a file, 7,000 at 1,000 articles) is written here line by line, the rest by json."""
    head = _manifest(locale, {}, articles)
    text = json.dumps(head, ensure_ascii=False, indent=2, sort_keys=True)
    empty = '\n  "files": [],\n'
    if not digests or text.count(empty) != 1:
        text = json.dumps(
            _manifest(locale, digests, articles), ensure_ascii=False, indent=2, sort_keys=True
        )
        return (text + "\n").encode()
    quote = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) quotes with
    items = ",\n".join(
        f'    {{\n      "bytes": {d.bytes},\n      "path": {quote(path)},\n'
        f'      "sha256": {quote(d.sha256)}\n    }}'
        for path, d in sorted(digests.items())
    )
    listed = f'\n  "files": [\n{items}\n  ],\n'
    return (text.replace(empty, listed) + "\n").encode()


def manifest(
    locale: str, files: Mapping[str, Source], articles: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The manifest of a bundle holding `files` (path -> bytes or file path)."""
    return _manifest(locale, {path: _digest(src) for path, src in files.items()}, articles)


def _info(path: str) -> zipfile.ZipInfo:
    if not is_safe_member(path):
        raise ToolkitError(f"refusing to put unsafe path {path!r} into a bundle")
    return _fixed_info(path)


def _compress_type(path: str) -> int:
    return zipfile.ZIP_STORED if path.endswith(_STORED) else zipfile.ZIP_DEFLATED


def _fixed_info(path: str) -> zipfile.ZipInfo:
    """The entry every bundle gives `path` (a name already checked by `_info`)."""
    info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
    info.create_system = 3  # unix, so the permissions below mean the same everywhere
    info.external_attr = 0o644 << 16
    info.compress_type = _compress_type(path)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        info._compresslevel = 9  # type: ignore[attr-defined]  # what writestr(compresslevel=) sets
    return info


@dataclass(frozen=True)
class _Kept:
    """An entry of the previous bundle that goes into the new one as it is: its local header
    (the one a fresh entry gets, checked) and compressed bytes lie at [start, end)."""

    digest: _Digest
    compress_size: int
    start: int
    end: int


#: below this, no entry needs zip64 headers: an entry kept raw has the headers a fresh one has
_SMALL = zipfile.ZIP64_LIMIT // 2


@dataclass(frozen=True)
class _Previous:
    """The bundle already at the path: its directory and its manifest's bytes."""

    infos: dict[str, zipfile.ZipInfo]
    manifest: bytes


def _previous(path: Path) -> _Previous | None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            if MANIFEST not in infos or infos[MANIFEST].file_size > _SMALL:
                return None
            return _Previous(infos, archive.read(MANIFEST))
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        return None


def _kept_entries(
    path: Path, previous: _Previous, names: Collection[str]
) -> dict[str, _Kept] | None:
    """The entries `names` of the bundle at `path`, with their digests from its manifest and
    where their bytes lie; None when the bundle cannot give them all (damaged, an entry the
    manifest does not describe, a local header other than a fresh entry's, or an entry too
    large to copy simply)."""
    try:
        listed = json.loads(previous.manifest)
        described = {f["path"]: f for f in listed["files"]}
    except (ValueError, KeyError, TypeError):
        return None
    kept: dict[str, _Kept] = {}
    try:
        # unbuffered: each header is one small read, not a buffer's worth
        with open(path, "rb", buffering=0) as old:
            for name in names:
                info, entry = previous.infos.get(name), described.get(name)
                if info is None or not isinstance(entry, dict):
                    return None
                if (
                    info.compress_type != _compress_type(name)
                    or entry.get("bytes") != info.file_size
                    or not isinstance(entry.get("sha256"), str)
                    or max(info.file_size, info.compress_size, info.header_offset) > _SMALL
                ):
                    return None
                fresh = _fixed_info(name)
                fresh.file_size, fresh.CRC = info.file_size, info.CRC
                fresh.compress_size, fresh.flag_bits = info.compress_size, 0
                header = fresh.FileHeader(False)
                if os.pread(old.fileno(), len(header), info.header_offset) != header:
                    # encrypted, other flags, times or extra fields: not a bundle of ours
                    return None
                start = info.header_offset
                digest = _Digest(info.file_size, entry["sha256"], info.CRC)
                end = start + len(header) + info.compress_size
                kept[name] = _Kept(digest, info.compress_size, start, end)
    except OSError:
        return None
    return kept


def _copy_run(
    archive: zipfile.ZipFile, run: list[tuple[str, _Kept]], old: BinaryIO, out: BinaryIO
) -> None:
    """Entries that lie one after the other in the previous bundle, copied as one range of
    bytes (their local headers are a fresh entry's: `_kept_entries` checked them; deflate
    at one level is deterministic, so the data is what compressing the files again gives)."""
    out.seek(archive.start_dir)  # type: ignore[attr-defined]
    base, first, last = out.tell(), run[0][1].start, run[-1][1].end
    for name, kept in run:
        info = _fixed_info(name)
        info.file_size, info.CRC = kept.digest.bytes, kept.digest.crc
        info.compress_size, info.flag_bits = kept.compress_size, 0
        info.header_offset = base + kept.start - first
        info.FileHeader(False)  # sets the versions a fresh entry's directory record shows
        archive.filelist.append(info)
        archive.NameToInfo[name] = info
    _copy_range(old, first, last - first, out)
    out.seek(base + last - first)
    archive.start_dir = base + last - first  # type: ignore[attr-defined]
    archive._didModify = True  # type: ignore[attr-defined]


def _copy_range(old: BinaryIO, offset: int, length: int, out: BinaryIO) -> None:
    """`length` bytes of `old` from `offset` onto the end of `out` (in the kernel when it can)."""
    out.flush()
    position = out.tell()
    copied = 0
    try:
        while copied < length:
            done = os.copy_file_range(
                old.fileno(), out.fileno(), length - copied, offset + copied, position + copied
            )
            if done <= 0:
                break
            copied += done
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass  # not a plain file, or a file system that cannot: read and write it
    old.seek(offset + copied)
    out.seek(position + copied)
    while copied < length:
        chunk = old.read(min(CHUNK, length - copied))
        if not chunk:
            raise zipfile.BadZipFile("the previous bundle ends inside an entry it lists")
        out.write(chunk)
        copied += len(chunk)


def write_zip(
    out: BinaryIO,
    files: Mapping[str, Source],
    expected: Mapping[str, _Digest] | None = None,
    kept: Mapping[str, _Kept] | None = None,
    previous: Path | None = None,
) -> None:
    """A deterministic zip of `files` into `out`, entries sorted by path, written entry by
    entry in pieces (the bytes `ZipFile.writestr` gives, without holding a file whole).

    With `expected`, a file whose bytes differ from its digest (changed while the bundle
    was written) is an error rather than a bundle that does not match its manifest.
    The entries in `kept` are copied compressed from the zip at `previous`, not read.
    """
    if not kept or previous is None:
        _write_entries(out, files, expected, None, None)
        return
    with open(previous, "rb") as old:
        _write_entries(out, files, expected, kept, old)


def _write_entries(
    out: BinaryIO,
    files: Mapping[str, Source],
    expected: Mapping[str, _Digest] | None,
    kept: Mapping[str, _Kept] | None,
    old: BinaryIO | None,
) -> None:
    names = sorted(files)
    with zipfile.ZipFile(out, "w") as archive:
        at = 0
        while at < len(names):
            path = names[at]
            if kept and old is not None and path in kept:
                run = [(path, kept[path])]
                at += 1
                while at < len(names) and names[at] in kept:
                    following = kept[names[at]]
                    if following.start != run[-1][1].end:
                        break
                    run.append((names[at], following))
                    at += 1
                _copy_run(archive, run, old, out)
                continue
            at += 1
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
    if isinstance(source, Path):
        return source.stat().st_size
    return len(source() if callable(source) else source)


def zip_bytes(files: Mapping[str, Source]) -> bytes:
    """A deterministic zip of `files` (path -> bytes), entries sorted by path."""
    buffer = io.BytesIO()
    write_zip(buffer, files)
    return buffer.getvalue()


def _unchanged(
    previous: _Previous | None, manifest_data: bytes, digests: Mapping[str, _Digest]
) -> bool:
    """True when the bundle already there holds this manifest and these files: its
    manifest equal byte for byte and every entry's name, size and CRC as computed now
    (read from the zip's directory: nothing is decompressed)."""
    if previous is None or previous.manifest != manifest_data:
        return False
    infos = previous.infos
    if set(infos) != {*digests, MANIFEST}:
        return False
    return all(
        (infos[name].file_size, infos[name].CRC, infos[name].compress_type)
        == (d.bytes, d.crc, _compress_type(name))
        for name, d in digests.items()
    )


def write_bundle(
    path: Path,
    locale: str,
    files: Mapping[str, Source],
    articles: Sequence[Mapping[str, Any]],
    unchanged: Collection[str] = (),
    trusted: bool = True,
) -> bool:
    """Write the bundle of `files` plus its manifest to `path`; True when the bytes changed.

    A value of `files` is the file's bytes, the path of a file to read, or a function that
    makes the bytes. Memory stays flat whatever the bundle's size: files are hashed in
    pieces, the zip is written entry by entry to a temp file beside `path` and renamed. A
    bundle that already holds the same manifest and entries is left alone: it is not built
    again to find that out, unless not `trusted`: the caller found the bundle is not the one
    it wrote (a tampered entry keeps the directory it is compared by), so it is written anew.

    `unchanged`: files the caller knows to hold the bytes they have in the bundle now at
    `path` (that bundle being as the caller wrote it). They are not read: their digests come
    from that bundle's manifest and their compressed bytes are copied from it, so updating
    one article of a large bundle costs that article and a copy, not compressing every file
    again. The result is the same bytes a bundle written from scratch has. When the bundle
    at `path` cannot give them, every file is read.
    """
    if MANIFEST in files:
        raise ToolkitError(f"a bundle file may not be called {MANIFEST}")
    for name in files:
        if not is_safe_member(name):  # an unsafe path fails before anything is read
            raise ToolkitError(f"refusing to put unsafe path {name!r} into a bundle")
    previous = _previous(path)
    names = [name for name in unchanged if name in files]
    kept = _kept_entries(path, previous, names) if names and previous is not None else None
    digests = {
        name: kept[name].digest if kept and name in kept else _digest(source)
        for name, source in files.items()
    }
    manifest_data = _manifest_bytes(locale, digests, articles)
    if trusted and _unchanged(previous, manifest_data, digests):
        return False
    if kept:
        try:
            with open_atomic(path) as out:
                write_zip(out, {**files, MANIFEST: manifest_data}, digests, kept, path)
            return True
        except (OSError, zipfile.BadZipFile):
            pass  # the previous bundle went wrong under us: every file is read instead
        return write_bundle(path, locale, files, articles, trusted=trusted)
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
