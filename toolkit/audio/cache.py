"""The sentence audio cache: synthesized PCM per (engine, version, voice, rate, sentence).

One FLAC file (16-bit) per sentence, written atomically as soon as the sentence is done, so an
interrupted run keeps what it finished and the next run resumes from it. PCM is quantized to
16 bits before it is used, cached or not, so a cold and a warm run give the same bytes.

The cache is bounded (`[tool.toolkit.cache] audio_max_mb`): a file's modification time is its
last use (a hit touches it), and `prune` removes the least recently used entries first. An
evicted sentence is synthesized again, to the same samples (the engines are reproducible per
sentence, and each sentence's asked rate is remembered in `asked.sqlite`), so eviction never
changes an output. `pace.json` (the voices' measured pace) and `asked.sqlite` (a few dozen
bytes per sentence) are not entries and are never evicted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from ..files import write_atomic
from .engines.base import Synthesis


def cache_key(engine: str, version: str, voice: str, rate: int, sentence: str) -> str:
    """sha256 of everything that shapes a sentence's audio."""
    blob = json.dumps([engine, version, voice, rate, sentence], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def to_int16(pcm: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as the cache stores them (scale 32767)."""
    return np.clip(np.round(np.asarray(pcm, np.float32) * 32767), -32768, 32767).astype(np.int16)


def quantize(synthesis: Synthesis) -> Synthesis:
    """The synthesis as 16-bit samples would give it back (what the cache stores)."""
    pcm = to_int16(synthesis.pcm)
    return Synthesis((pcm / 32767).astype(np.float32), int(synthesis.sample_rate))


_TABLE = "CREATE TABLE IF NOT EXISTS asked (key TEXT PRIMARY KEY, wpm INTEGER)"
T = TypeVar("T")


def _retry(step: Callable[[], T]) -> T:
    """`step`, tried again while another process holds the database (sqlite answers some
    concurrent starts, such as two connections switching to WAL, with "locked" at once)."""
    for attempt in range(200):
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(min(0.5, 0.01 * (attempt + 1)))
    return step()


class AudioCache:
    """PCM per key under `folder` (`ProjectPaths.audio_cache_dir`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._db: sqlite3.Connection | None = None
        self._db_pid = 0

    def _asked_db(self) -> sqlite3.Connection:
        """`asked.sqlite`, opened once per process (a forked worker opens its own)."""
        if self._db is None or self._db_pid != os.getpid():
            self.folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.folder / "asked.sqlite", timeout=60, isolation_level=None)
            _retry(lambda: db.execute("PRAGMA journal_mode=WAL"))  # workers write at once
            _retry(lambda: db.execute(_TABLE))
            self._db, self._db_pid = db, os.getpid()
        return self._db

    def asked(self, key: str, wpm: int) -> int:
        """The words a minute `key` was first asked for (remembered now if it is new)."""
        db = self._asked_db()
        _retry(lambda: db.execute("INSERT OR IGNORE INTO asked VALUES (?, ?)", (key, int(wpm))))
        row = _retry(lambda: db.execute("SELECT wpm FROM asked WHERE key = ?", (key,)).fetchone())
        return int(row[0])

    def __getstate__(self) -> dict[str, object]:
        return {"folder": self.folder, "_db": None, "_db_pid": 0}

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.flac"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def get_pcm(self, key: str) -> tuple[np.ndarray, int] | None:
        """The stored 16-bit samples and their rate (half the memory of float32)."""
        import soundfile

        path = self.path(key)
        try:
            data = path.read_bytes()
            os.utime(path)  # used now: the last to be evicted
        except FileNotFoundError:
            return None
        try:
            pcm, rate = soundfile.read(io.BytesIO(data), dtype="int16")
        except (RuntimeError, soundfile.LibsndfileError):
            return None  # a damaged entry is just a miss: synthesize again
        return pcm, int(rate)

    def put_pcm(self, key: str, samples: np.ndarray, rate: int) -> None:
        import soundfile

        buffer = io.BytesIO()
        # FLAC's fastest level: 1.6x faster both ways than the default, 7 % larger
        soundfile.write(
            buffer, samples, rate, format="FLAC", subtype="PCM_16", compression_level=0.0
        )
        write_atomic(self.path(key), buffer.getvalue())

    def get(self, key: str) -> Synthesis | None:
        found = self.get_pcm(key)
        if found is None:
            return None
        return Synthesis(found[0].astype(np.float32) / 32767, found[1])

    def put(self, key: str, synthesis: Synthesis) -> Synthesis:
        """Store `synthesis` (quantized) and return what `get` will return for it."""
        self.put_pcm(key, to_int16(synthesis.pcm), int(synthesis.sample_rate))
        return quantize(synthesis)

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, path) of every entry, least recently used first."""
        found = []
        for path in self.folder.glob("??/*.flac"):
            try:
                info = path.stat()
            except FileNotFoundError:
                continue  # evicted by another run meanwhile
            found.append((info.st_mtime, info.st_size, path))
        return sorted(found)

    def info(self) -> CacheInfo:
        entries = self.entries()
        return CacheInfo(str(self.folder), len(entries), sum(e[1] for e in entries))

    def prune(self, max_bytes: int) -> CacheInfo:
        """Remove least recently used entries until the rest fit in `max_bytes`; what was
        removed (`max_bytes=0` empties the cache)."""
        entries = self.entries()
        total = sum(e[1] for e in entries)
        removed = CacheInfo(str(self.folder), 0, 0)
        for _, size, path in entries:
            if total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed.entries += 1
            removed.bytes += size
        return removed


@dataclass
class CacheInfo:
    """How many entries and bytes (in the cache, or removed from it)."""

    folder: str
    entries: int
    bytes: int


def limit_bytes(config: object) -> int | None:
    """The audio cache limit of a `Config` in bytes; None when unlimited."""
    mb = getattr(getattr(config, "cache", None), "audio_max_mb", 0)
    return int(mb) << 20 if mb else None


def enforce_limit(folder: Path, config: object) -> CacheInfo | None:
    """After a run: trim the cache to its configured limit (least recently used first)."""
    limit = limit_bytes(config)
    if limit is None or not Path(folder).is_dir():
        return None
    return AudioCache(folder).prune(limit)


@dataclass
class CacheReport:
    """`toolkit cache info` and `toolkit cache prune`."""

    action: str
    folder: str
    entries: int
    bytes: int
    limit_bytes: int | None
    mp3_bytes: int = 0
    removed_entries: int = 0
    removed_bytes: int = 0

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.__dict__)
        out["per_mp3_byte"] = round(self.bytes / self.mp3_bytes, 3) if self.mp3_bytes else None
        return out

    def lines(self) -> list[str]:
        limit = f"{self.limit_bytes / 2**20:.0f} MB" if self.limit_bytes else "none"
        head = []
        if self.action == "prune":
            head.append(
                f"removed {self.removed_entries} sentences ({_mb(self.removed_bytes)}), "
                "least recently used first"
            )
        ratio = f", {self.bytes / self.mp3_bytes:.2f} x the site's MP3s" if self.mp3_bytes else ""
        return [
            *head,
            f"{self.folder}: {self.entries} sentences, {_mb(self.bytes)} (limit {limit}){ratio}",
        ]


def _mb(count: int) -> str:
    return f"{count / 2**20:.1f} MB"


def _site_mp3_bytes(project: object) -> int:
    site = project.paths.site_dir  # type: ignore[attr-defined]
    return sum(p.stat().st_size for p in Path(site).glob("*/*/audio.mp3"))


def cache_report(project: object) -> CacheReport:
    folder = project.paths.audio_cache_dir  # type: ignore[attr-defined]
    found = AudioCache(folder).info()
    return CacheReport(
        "info",
        project.paths.relative(folder),  # type: ignore[attr-defined]
        found.entries,
        found.bytes,
        limit_bytes(project.config),  # type: ignore[attr-defined]
        _site_mp3_bytes(project),
    )


def prune_report(project: object, max_mb: int | None) -> CacheReport:
    limit = limit_bytes(project.config) if max_mb is None else max_mb << 20  # type: ignore[attr-defined]
    folder = project.paths.audio_cache_dir  # type: ignore[attr-defined]
    removed = AudioCache(folder).prune(limit) if limit is not None else CacheInfo("", 0, 0)
    report = cache_report(project)
    report.action = "prune"
    report.limit_bytes = limit
    report.removed_entries, report.removed_bytes = removed.entries, removed.bytes
    return report
