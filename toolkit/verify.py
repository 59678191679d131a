"""`toolkit verify`: check a bundle against its manifest, treating the zip as hostile input.

A bundle may come from anywhere (a download, a USB stick), so nothing in it is trusted until
checked: every entry's name (files and directories alike) must be a plain relative path, no
two names may collide once case is folded (they would overwrite each other on Windows and
macOS), no entry may be a symlink (unzip would create it), none may be encrypted or use a
compression this tool cannot read, and every file is read in bounded chunks that stop as soon
as it grows past the size its manifest gives (a zip bomb is never read whole). Whatever is
wrong is one ToolkitError naming the bundle and the entry, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import stat
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any

from .bundle import MANIFEST, Verification, is_safe_member
from .errors import ToolkitError

#: bytes read at a time from one entry
CHUNK = 1 << 16
#: a manifest larger than this is not one this tool wrote (about 200 bytes a file)
MAX_MANIFEST_BYTES = 64 << 20
#: compression methods a bundle may use (what `zip_bytes` writes)
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
#: what a damaged or hostile zip makes the zipfile module raise
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    OverflowError,
    NotImplementedError,
    RuntimeError,
    UnicodeDecodeError,
    KeyError,
)


class BundleError(ToolkitError):
    """A bundle that is not what its manifest says, or not a bundle at all."""


def verify(path: Path | str) -> Verification:
    """Check the bundle at `path`; raise BundleError naming the first problem found."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleError(f"{path}: no such bundle: build it with `toolkit build`") from None
    except IsADirectoryError:
        raise BundleError(f"{path}: is a folder, not a bundle: pass a .zip file") from None
    except _ZIP_ERRORS as exc:
        raise BundleError(
            f"{path}: not a readable zip file ({_why(exc)}): rebuild the bundle"
        ) from None
    with archive:
        try:
            return _verify(path, archive)
        except BundleError:
            raise
        except RecursionError:
            raise BundleError(
                f"{path}: {MANIFEST} is nested too deeply to be a manifest: rebuild the bundle"
            ) from None
        except _ZIP_ERRORS as exc:
            raise BundleError(
                f"{path}: not a readable zip file ({_why(exc)}): rebuild the bundle"
            ) from None


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _verify(path: Path, archive: zipfile.ZipFile) -> Verification:
    fail = f"{path}: bundle does not match its manifest"
    infos = archive.infolist()
    _check_entries(fail, infos)
    files = {info.filename: info for info in infos if not info.is_dir()}
    if MANIFEST not in files:
        raise BundleError(f"{path}: no {MANIFEST} in the bundle: rebuild it")
    record, listed = _manifest(fail, archive, files[MANIFEST])
    present = set(files) - {MANIFEST}
    for name in sorted(set(listed) - present):
        raise BundleError(f"{fail}: {name} is listed in {MANIFEST} but missing")
    for name in sorted(present - set(listed)):
        raise BundleError(f"{fail}: {name} is in the bundle but not in {MANIFEST}")
    total = 0
    for name in sorted(listed):
        expected = listed[name]
        size, sha = _read_bounded(fail, archive, files[name], expected["bytes"])
        if size != expected["bytes"]:
            raise BundleError(
                f"{fail}: {name} has {size} bytes, the manifest says {expected['bytes']}"
            )
        if sha != expected["sha256"]:
            raise BundleError(f"{fail}: {name} has a different sha256 than the manifest says")
        total += size
    return Verification(
        bundle=str(path),
        locale=str(record.get("locale", "")),
        files=len(listed),
        bytes=total,
        articles=[str(a.get("slug")) for a in record.get("articles", []) if isinstance(a, dict)],
    )


def _check_entries(fail: str, infos: list[zipfile.ZipInfo]) -> None:
    """Names, types, flags and methods of every entry, before any is read."""
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        plain = name[:-1] if info.is_dir() else name
        # ':' makes a drive or an NTFS stream on Windows; control characters fool terminals
        odd = ":" in plain or any(ord(c) < 0x20 or ord(c) == 0x7F for c in plain)
        if odd or not is_safe_member(plain):
            kind = "folder" if info.is_dir() else "file"
            raise BundleError(
                f"{fail}: unsafe path {name!r} ({kind} entry: absolute, '..', ':' or a control "
                "character)"
            )
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            raise BundleError(f"{fail}: {name} is a symbolic link; bundles hold only files")
        if info.flag_bits & 0x1:
            raise BundleError(f"{fail}: {name} is encrypted; bundles are never encrypted")
        if info.compress_type not in METHODS:
            raise BundleError(
                f"{fail}: {name} uses compression method {info.compress_type}, "
                f"not one a bundle uses ({', '.join(METHODS.values())})"
            )
        folded = unicodedata.normalize("NFC", plain).casefold()
        if folded in seen:
            other = seen[folded]
            what = "twice" if other == plain else f"and as {other!r} (names differ only in case)"
            raise BundleError(f"{fail}: {plain!r} is in the zip {what}")
        seen[folded] = plain


def _manifest(
    fail: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The manifest and its files by path, every field checked for its type."""
    data = _read_all(fail, archive, info, MAX_MANIFEST_BYTES)
    invalid = f"{fail}: {MANIFEST} is not a valid manifest"
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BundleError(f"{invalid} (not UTF-8)") from None
    except ValueError as exc:
        raise BundleError(f"{invalid} ({exc})") from None
    if not isinstance(record, dict) or not isinstance(record.get("files"), list):
        raise BundleError(f"{invalid} (no list of files)")
    listed: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(record["files"]):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and type(entry.get("bytes")) is int
            and entry["bytes"] >= 0
            and isinstance(entry.get("sha256"), str)
        ):
            raise BundleError(f"{invalid} (files[{index}] needs path, bytes and sha256)")
        name = entry["path"]
        if not is_safe_member(name):
            raise BundleError(f"{fail}: {MANIFEST} lists unsafe path {name!r}")
        if name in listed:
            raise BundleError(f"{invalid} ({name} is listed twice)")
        listed[name] = entry
    if not isinstance(record.get("articles", []), list):
        raise BundleError(f"{invalid} (articles is not a list)")
    return record, listed


def _chunks(fail: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Any:
    """The entry's bytes in chunks; stops with an error once more than `limit` came out."""
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise BundleError(
                        f"{fail}: {info.filename} holds more than the {limit} bytes the "
                        "manifest allows (stopped reading it)"
                    )
                yield chunk
    except BundleError:
        raise
    except _ZIP_ERRORS as exc:
        raise BundleError(f"{fail}: {info.filename} is damaged ({_why(exc)})") from None


def _read_all(fail: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    return b"".join(_chunks(fail, archive, info, limit))


def _read_bounded(
    fail: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, expected: int
) -> tuple[int, str]:
    """(size, sha256) of an entry, never reading more than one chunk past `expected`."""
    if info.file_size > expected:
        raise BundleError(
            f"{fail}: {info.filename} has {info.file_size} bytes, the manifest says {expected}"
        )
    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks(fail, archive, info, expected):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()
