"""Where the audio cache keeps its entries: a local folder, or any fsspec URL.

`[tool.toolkit.cache] audio_url` names the store: empty (the default) is the project's
`build/.cache/audio`; `file:///shared/audio` (or a plain path) is a folder, for instance on a
network disk several machines mount; `s3://bucket/audio`, `gs://…`, `memory://…` (tests) are
fsspec file systems, so workers on several machines share what any of them synthesized.

Writes are atomic in both: a folder writes a temporary file and renames it; an object store
(S3, GCS, Azure, memory) makes an object visible only once it is whole, so a single put is
enough there, and other fsspec file systems write a temporary name and move it.

Eviction: a local store knows each entry's last use (a hit sets the file's modification time),
so it is trimmed least recently used first. An object store cannot change an object's time
without rewriting it, so a remote store's entries are ordered by when they were written, and
it is never trimmed automatically after a run (one machine would delete what the others are
using): trim it with `toolkit cache prune` or, better, the bucket's own lifecycle rules.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple, Protocol

from ..errors import ConfigError
from ..files import write_atomic

#: fsspec protocols whose single writes are atomic (the object appears whole or not at all)
_OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "memory"})


class Entry(NamedTuple):
    """One stored file: when it was last used (local) or written (remote), its size, where."""

    time: float
    size: int
    path: Path | PurePosixPath


class Store(Protocol):
    local: bool
    url: str

    def read(self, name: str) -> bytes | None: ...
    def write(self, name: str, data: bytes) -> None: ...
    def exists(self, name: str) -> bool: ...
    def remove(self, name: str) -> None: ...
    def entries(self, patterns: tuple[str, ...]) -> list[Entry]: ...
    def location(self, name: str) -> Path | PurePosixPath: ...


class LocalStore:
    """Entries as files under a folder; a read marks the entry used now."""

    local = True

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.url = str(self.folder)

    def location(self, name: str) -> Path:
        return self.folder / name

    def read(self, name: str) -> bytes | None:
        path = self.folder / name
        try:
            data = path.read_bytes()
            os.utime(path)  # used now: the last to be evicted
        except FileNotFoundError:
            return None
        return data

    def write(self, name: str, data: bytes) -> None:
        write_atomic(self.folder / name, data)

    def exists(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def remove(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)

    def entries(self, patterns: tuple[str, ...]) -> list[Entry]:
        found = []
        for pattern in patterns:
            for path in self.folder.glob(pattern):
                try:
                    info = path.stat()
                except FileNotFoundError:
                    continue  # evicted by another run meanwhile
                found.append(Entry(info.st_mtime, info.st_size, path))
        return found


class FsspecStore:
    """Entries as files of an fsspec file system (`s3://bucket/audio`, `memory://audio`)."""

    local = False

    def __init__(self, url: str) -> None:
        self.url = url
        self._fs: Any = None
        self._root = ""

    def open(self) -> tuple[Any, str]:
        if self._fs is None:
            try:
                import fsspec

                self._fs, self._root = fsspec.core.url_to_fs(self.url)
            except (ImportError, ValueError) as exc:
                raise ConfigError(
                    f"tool.toolkit.cache.audio_url: cannot open {self.url!r} ({exc}); install "
                    "the fsspec back end it needs (s3fs for s3://, gcsfs for gs://) or fix it"
                ) from None
            self._root = self._root.rstrip("/")
        return self._fs, self._root

    def __getstate__(self) -> dict[str, object]:
        return {"url": self.url, "_fs": None, "_root": ""}  # each process opens its own

    def location(self, name: str) -> PurePosixPath:
        return PurePosixPath(self.open()[1]) / name

    def read(self, name: str) -> bytes | None:
        fs, root = self.open()
        try:
            return bytes(fs.cat_file(f"{root}/{name}"))
        except FileNotFoundError:
            return None

    def write(self, name: str, data: bytes) -> None:
        fs, root = self.open()
        target = f"{root}/{name}"
        protocols = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
        if protocols & _OBJECT_STORES:
            fs.pipe_file(target, data)  # one put: visible whole or not at all
            return
        parent = target.rsplit("/", 1)[0]
        fs.makedirs(parent, exist_ok=True)
        temporary = f"{parent}/.{uuid.uuid4().hex}.tmp"
        try:
            fs.pipe_file(temporary, data)
            fs.mv(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                fs.rm_file(temporary)
            raise

    def exists(self, name: str) -> bool:
        fs, root = self.open()
        return bool(fs.isfile(f"{root}/{name}"))

    def remove(self, name: str) -> None:
        fs, root = self.open()
        with contextlib.suppress(FileNotFoundError):
            fs.rm_file(f"{root}/{name}")

    def entries(self, patterns: tuple[str, ...]) -> list[Entry]:
        fs, root = self.open()
        suffixes = tuple(p.rsplit("*", 1)[-1] for p in patterns)
        try:
            found = fs.find(root, detail=True)
        except FileNotFoundError:
            return []
        out = []
        for path, info in found.items():
            relative = path[len(root) :].lstrip("/")
            # entries are "ab/<key><suffix>": one folder level, no temporary files
            if relative.count("/") != 1 or relative.split("/")[-1].startswith("."):
                continue
            if relative.endswith(suffixes):
                out.append(Entry(_written(info), int(info.get("size") or 0), PurePosixPath(path)))
        return out


def _written(info: dict[str, Any]) -> float:
    """When an object was written, as seconds since the epoch (fsspec back ends differ)."""
    for field in ("mtime", "LastModified", "last_modified", "updated", "created"):
        value = info.get(field)
        if value is None:
            continue
        if hasattr(value, "timestamp"):
            return float(value.timestamp())
        try:
            return float(value)
        except (TypeError, ValueError):
            continue
    return 0.0


def open_store(url: str, default: Path, root: Path | None = None) -> LocalStore | FsspecStore:
    """The store `audio_url` names: `default` when empty, a folder for `file://` or a path
    (relative to `root`), else fsspec."""
    if not url:
        return LocalStore(default)
    if url.startswith("file://"):
        return LocalStore(Path(url.removeprefix("file://")))
    if "://" not in url:
        return LocalStore((Path(root) if root is not None else Path.cwd()) / url)
    return FsspecStore(url)
