"""Atomic, quiet file writes: a temp file in the same folder, then `os.replace`.

`mkstemp` creates its file 0600 whatever the umask, so the temp file is given the mode a
plain `open()` would give a new file (0666 minus the umask: 0644 under 022, as every
static-site tool writes), or the mode the replaced file had (a translator's `.po` keeps
its mode across `update`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import ToolkitError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half.

    The rename makes the write atomic for readers and for an interrupted or failing run;
    there is no fsync (it cost 10 ms a file): a power cut may lose the newest write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The replaced file's permission bits, or what a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask: from /proc on Linux (no race with other threads), else by setting
    it and setting it back (the only portable way to read it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds exactly `data`; True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, data)
    return True


def read_utf8(
    path: Path, shown: str, error: type[ToolkitError] = ToolkitError
) -> tuple[bytes, str]:
    """(bytes, text) of a file people edit; `error` names the line when it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{shown}: cannot read ({exc.strerror})") from None
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"{shown}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8"
        ) from None


@contextmanager
def open_atomic(path: Path) -> Iterator[BinaryIO]:
    """A file handle whose content replaces `path` when the block ends without an error.

    For outputs too large to hold in memory (bundles): written in pieces to a temp file in
    the same folder, then renamed, as `write_atomic` does; an error removes the temp file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w+b") as handle:
            yield handle
        os.chmod(tmp, _mode_for(path))  # the umask's mode, as write_atomic gives
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
