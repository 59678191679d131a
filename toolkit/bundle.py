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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import __version__
from .errors import ToolkitError
from .files import write_if_changed

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


def manifest(
    locale: str, files: Mapping[str, bytes], articles: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The manifest of a bundle holding `files` (path -> bytes)."""
    return {
        "locale": locale,
        "toolkit_version": __version__,
        "files": [
            {"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in sorted(files.items())
        ],
        "articles": [dict(a) for a in sorted(articles, key=lambda a: a["slug"])],
    }


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A deterministic zip of `files` (path -> bytes), entries sorted by path."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files):
            if not is_safe_member(path):
                raise ToolkitError(f"refusing to put unsafe path {path!r} into a bundle")
            info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
            info.create_system = 3  # unix, so the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            if path.endswith(_STORED):
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, files[path])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[path], compresslevel=9)
    return buffer.getvalue()


def write_bundle(
    path: Path,
    locale: str,
    files: Mapping[str, bytes],
    articles: Sequence[Mapping[str, Any]],
) -> bool:
    """Write the bundle of `files` plus its manifest to `path`; True when the bytes changed."""
    if MANIFEST in files:
        raise ToolkitError(f"a bundle file may not be called {MANIFEST}")
    data = json.dumps(
        manifest(locale, files, articles), ensure_ascii=False, indent=2, sort_keys=True
    )
    return write_if_changed(path, zip_bytes({**files, MANIFEST: (data + "\n").encode()}))


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
