"""Shared storage for caches through fsspec: a folder, `memory://`, `s3://…`, `gs://…`.

A small layer the caches build on (the task cache, `toolkit.task_cache`; the audio
sentence cache can use it too): named blobs read in one batch and written atomically, so a
reader on another machine sees a whole blob or none. A plain path (or `file://`) is written
to a temporary file beside the blob and renamed; object stores (S3, GCS, Azure…) and
`memory://` put an object whole by nature, so the blob is put directly.

fsspec is imported on the first read or write, never by a build with nothing to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError

log = logging.getLogger(__name__)

#: backends that are not part of fsspec itself: the package a user installs for each
BACKENDS = {
    "s3": "s3fs",
    "s3a": "s3fs",
    "gs": "gcsfs",
    "gcs": "gcsfs",
    "az": "adlfs",
    "abfs": "adlfs",
    "abfss": "adlfs",
}


class Storage:
    """Blobs under `url` (a path relative to `base`, or an fsspec URL); `key` names the
    setting it came from, for error messages."""

    def __init__(self, url: str, base: Path, key: str) -> None:
        self.key = key
        self.local = "://" not in url or url.startswith("file://")
        if self.local:
            folder = Path(url.removeprefix("file://")).expanduser()
            self.url = str(folder if folder.is_absolute() else (base / folder).resolve())
        else:
            self.url = url.rstrip("/")
        self._fs: Any = None
        self._root = ""

    def __repr__(self) -> str:
        return f"Storage({self.url!r})"

    def _filesystem(self) -> Any:
        if self._fs is None:
            self._fs, self._root = open_filesystem(self.url, self.key)
        return self._fs

    def _path(self, name: str) -> str:
        self._filesystem()
        return f"{self._root.rstrip('/')}/{name}"

    def read_many(self, names: Iterable[str]) -> dict[str, bytes]:
        """The blobs among `names` that exist (one batch: object stores fetch concurrently)."""
        names = list(names)
        if not names:
            return {}
        if self.local:
            found = {}
            for name in names:
                try:
                    found[name] = (Path(self.url) / name).read_bytes()
                except (FileNotFoundError, NotADirectoryError):
                    continue
            return found
        fs = self._filesystem()
        paths = {self._path(name): name for name in names}
        data = fs.cat(list(paths), on_error="omit")
        return {paths[path]: blob for path, blob in data.items() if isinstance(blob, bytes)}

    def write_many(self, blobs: Mapping[str, bytes]) -> None:
        """Write every blob, each atomically (a reader never sees half of one)."""
        if not blobs:
            return
        if self.local:
            from .files import write_atomic

            for name, data in blobs.items():
                target = Path(self.url) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data)
            return
        fs = self._filesystem()
        fs.pipe({self._path(name): data for name, data in blobs.items()})


def open_filesystem(url: str, key: str) -> tuple[Any, str]:
    """fsspec's file system and root path for `url`, or one ConfigError naming `key`."""
    try:
        import fsspec
    except ImportError:  # pragma: no cover - fsspec is a dependency
        raise ConfigError(f"{key}: {url!r} needs fsspec: pip install fsspec") from None
    scheme = url.split("://", 1)[0] if "://" in url else "file"
    try:
        fs, root = fsspec.core.url_to_fs(url)
    except ImportError as exc:
        package = BACKENDS.get(scheme, f"the fsspec backend for {scheme}://")
        raise ConfigError(
            f"{key}: {url!r} needs {package}, which is not installed ({exc}): "
            f"pip install {package}, or use a folder"
        ) from None
    except ValueError as exc:
        raise ConfigError(
            f"{key}: {url!r}: {exc}; use a folder, memory://, s3://BUCKET/PATH or gs://BUCKET/PATH"
        ) from None
    return fs, root
