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
