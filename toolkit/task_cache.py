"""The shared task cache: a task's outputs under the content hash of what made them.

`[tool.toolkit.cache] tasks_url` (a folder, `memory://`, `s3://BUCKET/PATH`, `gs://…`)
lets every machine that builds the same sources (CI jobs, a cluster's workers, colleagues)
reuse each other's task outputs. An entry's address is the hash of the toolkit version,
the stage's settings (those its state is keyed by), the task's function and name, each
input's path in the project and its content, and each output's path in the project: the
same things that let the scheduler skip a task it ran before, so an entry found is exactly
what running the task would make, on any machine and from any checkout folder.

An entry is one blob (written atomically, see `toolkit.storage`): a header line, then every
output's bytes. Its header records each output's path, size and SHA-256; an entry that does
not match them (damaged, truncated, tampered) is not used and the task runs. The cache is
an optimisation: a store that cannot be read or written is a warning, never a failed build.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .state import digest, file_digest

if TYPE_CHECKING:
    from .config import Config
    from .storage import Storage
    from .tasks import Task

log = logging.getLogger(__name__)

MAGIC = b"toolkit-task-cache 1\n"
SETTING = "tool.toolkit.cache.tasks_url"


class TaskCache:
    """Task outputs in `storage`; paths are recorded relative to the project `root`."""

    def __init__(self, storage: Storage, root: Path) -> None:
        self.storage = storage
        self.root = root
        self._keys: dict[int, str] = {}  #: id(task) -> address, from `fetch` to `store`

    def __repr__(self) -> str:
        return f"TaskCache({self.storage.url!r})"

    def _relative(self, path: Path) -> str:
        path = Path(path)
        return (
            path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        )

    def address(self, task: Task, settings: dict[str, Any]) -> str | None:
        """The entry's name for `task` as its inputs are now (None: an input is missing)."""
        import toolkit

        parts = [
            "toolkit task",
            toolkit.__version__,
            json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str),
            f"{getattr(task.run, '__module__', '')}.{getattr(task.run, '__qualname__', '')}",
            task.key,
        ]
        for path in task.inputs:
            content = file_digest(Path(path))
            if content is None:
                return None
            parts += [self._relative(path), content]
        parts += [self._relative(path) for path in task.outputs]
        key = digest(*parts)
        return f"{key[:2]}/{key}"

    def fetch(
        self, tasks: Sequence[Task], settings: dict[str, Any]
    ) -> dict[int, dict[Path, bytes]]:
        """{index in `tasks`: outputs} of the tasks found in the cache, each entry checked."""
        names: dict[int, str] = {}
        for index, task in enumerate(tasks):
            name = self.address(task, settings)
            if name is not None:
                names[index] = self._keys[id(task)] = name
        try:
            blobs = self.storage.read_many(set(names.values()))
        except ConfigError:
            raise
        except Exception as exc:  # noqa: BLE001 - a store that cannot be read is a miss
            log.warning("task cache %s cannot be read (%s): every task runs", self.storage.url, exc)
            return {}
        found = {}
        for index, name in names.items():
            if name in blobs:
                outputs = self._unpack(blobs[name], tasks[index])
                if outputs is not None:
                    found[index] = outputs
                else:
                    log.warning(
                        "task cache entry %s is damaged: task %s runs", name, tasks[index].key
                    )
        if found:
            log.info("%d task(s) from the task cache %s", len(found), self.storage.url)
        return found

    def store(
        self, made: Sequence[tuple[Task, dict[Path, bytes]]], settings: dict[str, Any]
    ) -> None:
        """Put the outputs of the tasks that ran into the cache."""
        blobs = {}
        for task, outputs in made:
            name = self._keys.pop(id(task), None) or self.address(task, settings)
            if name is not None:
                blobs[name] = self._pack(task, outputs)
        try:
            self.storage.write_many(blobs)
        except ConfigError:
            raise
        except Exception as exc:  # noqa: BLE001 - the build itself succeeded
            log.warning("task cache %s cannot be written (%s)", self.storage.url, exc)

    def _pack(self, task: Task, outputs: dict[Path, bytes]) -> bytes:
        header = [
            {
                "path": self._relative(path),
                "bytes": len(outputs[path]),
                "sha256": hashlib.sha256(outputs[path]).hexdigest(),
            }
            for path in task.outputs
        ]
        line = json.dumps({"outputs": header}, sort_keys=True, ensure_ascii=False)
        return b"".join([MAGIC, line.encode("utf-8"), b"\n", *(outputs[p] for p in task.outputs)])

    def _unpack(self, blob: bytes, task: Task) -> dict[Path, bytes] | None:
        if not blob.startswith(MAGIC):
            return None
        line, _, body = blob[len(MAGIC) :].partition(b"\n")
        try:
            header = json.loads(line)["outputs"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(header, list) or len(header) != len(task.outputs):
            return None
        outputs, offset = {}, 0
        for entry, path in zip(header, task.outputs, strict=True):
            if not isinstance(entry, dict) or entry.get("path") != self._relative(path):
                return None
            size = entry.get("bytes")
            if not isinstance(size, int) or size < 0:
                return None
            data = body[offset : offset + size]
            offset += size
            if len(data) != size or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                return None
            outputs[path] = data
        return outputs if offset == len(body) else None


def task_cache(config: Config) -> TaskCache | None:
    """The project's shared task cache, or None when `tasks_url` is not set."""
    url = getattr(config.cache, "tasks_url", "")
    if not url:
        return None
    from .storage import Storage

    return TaskCache(Storage(url, config.root, SETTING), config.root)
