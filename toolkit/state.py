"""Incremental state: content hashes of each stage's inputs and outputs.

Stored as JSON under build/.state/. A state written by another tool version or with other
relevant settings is thrown away (Sphinx's rule), so a stale cache never hides work.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import __version__
from .files import write_if_changed


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def _stats(files: list[Path]) -> list[list[int] | None]:
    out: list[list[int] | None] = []
    for path in files:
        try:
            info = path.stat()
        except FileNotFoundError:
            out.append(None)
        else:
            # ctime and inode too: an edit that keeps the size and restores the mtime
            # (`touch -r`, `os.utime`, an unpacked archive) still changes those
            out.append([info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino])
    return out


class StageState:
    """One stage's remembered hashes, keyed by item (`slug`, `es/slug`…)."""

    def __init__(self, path: Path, settings: dict[str, Any]) -> None:
        self.path = path
        self.settings = {"toolkit": __version__, **settings}
        self.items: dict[str, Any] = {}
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return
        if stored.get("settings") == self.settings:
            self.items = stored.get("items", {})

    def unchanged(self, key: str, files: list[Path]) -> bool:
        """True when `files` are as remembered under `key`.

        Size and modification time decide first, so an unchanged project is not even read
        (Sphinx's rule); when they differ, the content hashes decide, so a file that was only
        touched still counts as unchanged (and its new times are remembered).
        """
        entry = self.items.get(key)
        if not isinstance(entry, dict):
            return False
        stats = _stats(files)
        if entry.get("stat") == stats:
            return True
        if entry.get("hash") == [file_digest(path) for path in files]:
            entry["stat"] = stats
            return True
        return False

    def remember(self, key: str, files: list[Path]) -> None:
        """Remember `files` as they are now under `key`."""
        self.items[key] = {"stat": _stats(files), "hash": [file_digest(p) for p in files]}

    def get(self, key: str) -> Any:
        return self.items.get(key)

    def set(self, key: str, value: Any) -> None:
        self.items[key] = value

    def discard(self, key: str) -> None:
        self.items.pop(key, None)

    def save(self) -> None:
        data = {"settings": self.settings, "items": dict(sorted(self.items.items()))}
        write_if_changed(self.path, json.dumps(data, indent=1, sort_keys=True).encode() + b"\n")

    def clear(self) -> None:
        self.items = {}
        self.path.unlink(missing_ok=True)
