"""Recorded outputs: what a stage wrote, with its hash, so a stale output is found and rebuilt.

A build killed after it rewrote a page but before it saved its state leaves the old state
beside the new page; if the input is then changed back, the input key matches again and only
the page's own record can tell that it is not the page that state describes. So each output
is recorded with its sha256 and its stat signature (size, mtime, ctime, inode): an output
whose signature is unchanged is trusted without being read (a rewrite through `os.replace`
always gets a new inode and ctime, and restoring the mtime does not restore those); one whose
signature changed is hashed, and rebuilt when its hash differs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: bytes hashed at a time (an MP3 or a bundle is not read whole)
_CHUNK = 1 << 20


def signature(path: Path) -> list[int] | None:
    """[size, mtime_ns, ctime_ns, inode] of `path`, or None when it does not exist."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def record(files: Mapping[str, Path]) -> dict[str, Any]:
    """{label: {"stat": signature, "sha256": hash}} of `files` as they are now (absent: None)."""
    out: dict[str, Any] = {}
    for label, path in sorted(files.items()):
        stat = signature(path)
        out[label] = None if stat is None else {"stat": stat, "sha256": sha256(path)}
    return out


def matches(recorded: Any, files: Mapping[str, Path]) -> bool:
    """True when each of `files` is (or is still absent) as `recorded` says.

    Only files whose stat signature changed are read; when such a file's content is still the
    recorded one, its new signature is remembered in `recorded` (the caller saves it).
    """
    if not isinstance(recorded, dict) or set(recorded) != set(files):
        return False
    for label, path in files.items():
        entry = recorded[label]
        stat = signature(path)
        if entry is None or stat is None:
            if entry is not None or stat is not None:
                return False
            continue
        if not isinstance(entry, dict):
            return False
        if entry.get("stat") == stat:
            continue
        if entry.get("sha256") != sha256(path):
            return False
        entry["stat"] = stat
    return True


#: left in the build folder while a run writes; found at the start of the next run, it means
#: the last one was killed, and the temporary files of its unfinished writes are swept away
MARKER = ".running"


@contextmanager
def run_in(build_dir: Path) -> Iterator[None]:
    """Mark a run writing into `build_dir`; sweep a killed run's temporary files first."""
    marker = build_dir / MARKER
    if marker.exists():
        sweep_temporaries(build_dir)
    created = not build_dir.exists()
    build_dir.mkdir(parents=True, exist_ok=True)
    marker.write_bytes(b"")
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)
        if created and not any(build_dir.iterdir()):
            build_dir.rmdir()  # a run that wrote nothing leaves nothing, not even build/


def sweep_temporaries(folder: Path) -> int:
    """Remove the `.<name>.<random>.tmp` files `write_atomic` leaves when killed mid-write."""
    removed = 0
    for path in folder.rglob(".*.tmp"):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
