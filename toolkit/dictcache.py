"""A persistent cache of built data: syllable dictionaries (pyphen's patterns, the CMU
table) and the report page's rendered rows.

Parsing pyphen's German hyphenation file takes about 0.7 s of CPU; a build that scores one
edited pair paid it whole. The parsed patterns are kept in the build cache
(`build/.cache/dictionaries/`) in `marshal` form, which loads in a tenth of the time and runs
no code when read (unlike pickle).

Each file's name holds a key of what the dictionary was built from: the format below, the
Python version (marshal's format is Python's), the library's version and the hash of the
source file's bytes. A changed source gets another name, so a stale file is never read. A
file is written to a temporary name and renamed into place, and holds the SHA-256 of its
payload: a file cut short by a kill, damaged or not ours fails the check and is ignored
(and written again); so is one whose payload does not have the expected shape.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

#: bump when the payload's layout changes
FORMAT = 1
_MAGIC = b"toolkit-dictionary\n"
_DIGEST = 32  # bytes of SHA-256


def cache_key(*parts: bytes | str) -> str:
    """A short hash of what a dictionary was built from (with the format's, Python's and the
    tool's versions)."""
    from . import __version__

    h = hashlib.sha256(f"{FORMAT}/{sys.version_info[:2]}/{__version__}".encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:24]


def cache_file(folder: Path, name: str, key: str) -> Path:
    return folder / f"{name}-{key}.marshal"


def read(path: Path) -> Any:
    """The payload stored at `path`, or None when it is absent, cut short or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST
    if len(data) < head or not data.startswith(_MAGIC):
        return None
    payload = memoryview(data)[head:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC) : head]:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def write(path: Path, value: Any, name: str) -> None:
    """Store `value` (marshallable) at `path` atomically, and remove the files of the same
    dictionary under other keys (built from an older source or library). Best effort: a
    cache that cannot be written (read-only build folder, full disk) is simply not kept."""
    try:
        payload = marshal.dumps(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        for other in path.parent.glob(f"{name}-*.marshal"):
            if other != path:
                other.unlink(missing_ok=True)
    except (OSError, ValueError):
        return
