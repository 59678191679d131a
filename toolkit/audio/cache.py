"""The sentence audio cache: synthesized PCM per (engine, version, voice, rate, sentence).

One entry per sentence, written atomically as soon as the sentence is done, so an
interrupted run keeps what it finished and the next run resumes from it. An entry is the
sentence's samples rounded to a step that follows their loudness, in FLAC (`sentence_codec`):
about one byte per byte of the site's MP3s, where plain FLAC took 3.6. The rounding is lossy,
so `put` returns the rounded samples and the pipeline uses those, cached or not: a cold and a
warm run give the same bytes.

Entries live in a store (`store`): the project's `build/.cache/audio` by default, or the
folder or fsspec URL of `[tool.toolkit.cache] audio_url`, shared by several machines. The
`asked.sqlite` table and `pace.json` stay in the local folder.

The cache is bounded (`[tool.toolkit.cache] audio_max_mb`): a file's modification time is its
last use (a hit touches it), and `prune` removes the least recently used entries first. An
evicted sentence is synthesized again, to the same samples (the engines are reproducible per
sentence, and each sentence's asked rate is remembered in `asked.sqlite`), so eviction never
changes an output. `pace.json` (the voices' measured pace) and `asked.sqlite` (a few dozen
bytes per sentence) are not entries and are never evicted. A remote store is trimmed only
when asked (`toolkit cache prune`), oldest written first (see `store`).

Entries of the FLAC format that came before are read once, re-stored in the new format and
removed: the FLAC held exactly the samples a cold run now encodes, so the output is the same
as if the sentence had been spoken again.
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
from pathlib import Path, PurePosixPath
from typing import TypeVar

import numpy as np

from ..files import write_atomic
from .engines.base import Synthesis
from .sentence_codec import SUFFIX, CodecError, decode, roundtrip
from .sentence_codec import quantize as rounded
from .store import Entry, FsspecStore, LocalStore, open_store

#: the entries of the format before this one (16-bit FLAC): read once, then re-stored
LEGACY_SUFFIX = ".flac"
#: in the local folder, the store the entries are in when it is not the folder itself, so
#: worker processes that are given only the folder find the same store
BINDING = "store.url"


def cache_key(engine: str, version: str, voice: str, rate: int, sentence: str) -> str:
    """sha256 of everything that shapes a sentence's audio."""
    blob = json.dumps([engine, version, voice, rate, sentence], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def to_int16(pcm: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as the cache stores them (scale 32767)."""
    return np.clip(np.round(np.asarray(pcm, np.float32) * 32767), -32768, 32767).astype(np.int16)


def quantize(synthesis: Synthesis) -> Synthesis:
    """The synthesis as the cache gives it back: 16-bit, rounded per block (`put` returns
    this too)."""
    pcm = rounded(to_int16(synthesis.pcm))
    return Synthesis((pcm / 32767).astype(np.float32), int(synthesis.sample_rate))


#: keys per `IN (...)` query: below SQLite's smallest limit on bound variables (999)
_SQL_VARIABLES = 900
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
    """Sentences per key in a store; `folder` (`ProjectPaths.audio_cache_dir`) is local."""

    def __init__(self, folder: Path, url: str | None = None) -> None:
        self.folder = Path(folder)
        self.url = _bound_url(self.folder) if url is None else url
        self.store: LocalStore | FsspecStore = open_store(self.url, self.folder)
        self._db: sqlite3.Connection | None = None
        self._db_pid = 0
        #: rows of `asked.sqlite` read by `ask_all` (a row is written once, never changed)
        self._known: dict[str, int] = {}

    @classmethod
    def from_config(cls, folder: Path, config: object) -> AudioCache:
        """The cache of `folder` with the store `[tool.toolkit.cache] audio_url` names."""
        return cls(folder, store_url(config))

    @classmethod
    def of(cls, project: object) -> AudioCache:
        """The project's cache; its store is recorded in the folder for worker processes."""
        paths = project.paths  # type: ignore[attr-defined]
        cache = cls.from_config(paths.audio_cache_dir, project.config)  # type: ignore[attr-defined]
        if isinstance(cache.store, FsspecStore):
            cache.store.open()  # a URL fsspec cannot open is one clear error, before any work
        cache.bind()
        return cache

    def bind(self) -> None:
        """Record this cache's store in its folder (only when it changed)."""
        binding = self.folder / BINDING
        if _bound_url(self.folder) == self.url:
            return
        if self.url:
            write_atomic(binding, self.url.encode("utf-8") + b"\n")
        else:
            binding.unlink(missing_ok=True)

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
        known = self._known.get(key)
        if known is not None:  # a row never changes once written: `ask_all` read it
            return known
        db = self._asked_db()
        _retry(lambda: db.execute("INSERT OR IGNORE INTO asked VALUES (?, ?)", (key, int(wpm))))
        row = _retry(lambda: db.execute("SELECT wpm FROM asked WHERE key = ?", (key,)).fetchone())
        return int(row[0])

    def ask_all(self, wanted: dict[str, int]) -> None:
        """`asked` for many keys at once, in one transaction: the sentences a task is about
        to speak. One commit (one sync of the journal, one turn of the write lock) instead
        of one per sentence: two workers asking sentence by sentence waited on each other
        and on the disk for about a sixth of their time (issue 14)."""
        if not wanted:
            return
        db = self._asked_db()
        rows = [(key, int(wpm)) for key, wpm in wanted.items()]

        def transaction() -> list[tuple[str, int]]:
            try:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR IGNORE INTO asked VALUES (?, ?)", rows)
                found: list[tuple[str, int]] = []
                keys = [key for key, _ in rows]
                for start in range(0, len(keys), _SQL_VARIABLES):
                    part = keys[start : start + _SQL_VARIABLES]
                    marks = ",".join("?" * len(part))
                    query = f"SELECT key, wpm FROM asked WHERE key IN ({marks})"
                    found += db.execute(query, part).fetchall()
                db.execute("COMMIT")
                return found
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

        self._known.update((key, int(wpm)) for key, wpm in _retry(transaction))

    def __getstate__(self) -> dict[str, object]:
        return {
            "folder": self.folder,
            "url": self.url,
            "store": self.store,
            "_db": None,
            "_db_pid": 0,
            "_known": {},
        }

    @staticmethod
    def _name(key: str, suffix: str = SUFFIX) -> str:
        return f"{key[:2]}/{key}{suffix}"

    def path(self, key: str) -> Path | PurePosixPath:
        """Where `key`'s entry is (a local path, or the path inside the remote store)."""
        return self.store.location(self._name(key))

    def has(self, key: str) -> bool:
        if self.store.exists(self._name(key)):
            return True
        return self.store.local and self.store.exists(self._name(key, LEGACY_SUFFIX))

    def get_pcm(self, key: str) -> tuple[np.ndarray, int] | None:
        """The stored 16-bit samples and their rate (half the memory of float32)."""
        data = self.store.read(self._name(key))
        if data is None:
            return self._migrate(key) if self.store.local else None
        try:
            return decode(data)
        except CodecError:
            return None  # a damaged entry is just a miss: synthesize again

    def put_pcm(self, key: str, samples: np.ndarray, rate: int) -> np.ndarray:
        """Store 16-bit `samples`; the samples to use for them, as a later hit returns them
        (the store is lossy: use these, not `samples`, or a warm run would differ)."""
        data, decoded = roundtrip(samples, int(rate))
        self.store.write(self._name(key), data)
        return decoded

    def get(self, key: str) -> Synthesis | None:
        found = self.get_pcm(key)
        if found is None:
            return None
        return Synthesis(found[0].astype(np.float32) / 32767, found[1])

    def put(self, key: str, synthesis: Synthesis) -> Synthesis:
        """Store `synthesis` and return what `get` will return for it (use that)."""
        decoded = self.put_pcm(key, to_int16(synthesis.pcm), int(synthesis.sample_rate))
        return Synthesis(decoded.astype(np.float32) / 32767, int(synthesis.sample_rate))

    def _migrate(self, key: str) -> tuple[np.ndarray, int] | None:
        """An entry of the FLAC format: re-stored in the new one, the FLAC removed."""
        import soundfile

        legacy = self._name(key, LEGACY_SUFFIX)
        data = self.store.read(legacy)
        if data is None:
            return None
        try:
            pcm, rate = soundfile.read(io.BytesIO(data), dtype="int16")
        except (RuntimeError, soundfile.LibsndfileError):
            pcm = None  # damaged: a miss
        if pcm is not None and pcm.ndim != 1:
            pcm = None
        found = None if pcm is None else (self.put_pcm(key, pcm, int(rate)), int(rate))
        self.store.remove(legacy)
        return found

    def entries(self) -> list[Entry]:
        """(last use, bytes, path) of every entry, least recently used first; entries of the
        old format count as the least recently used (they are read at most once more)."""
        patterns = (
            (f"??/*{SUFFIX}", f"??/*{LEGACY_SUFFIX}") if self.store.local else (f"??/*{SUFFIX}",)
        )
        found = self.store.entries(patterns)
        return sorted(found, key=lambda e: (e.path.suffix != LEGACY_SUFFIX, e.time, str(e.path)))

    def info(self) -> CacheInfo:
        entries = self.entries()
        return CacheInfo(self.store.url, len(entries), sum(e.size for e in entries))

    def prune(self, max_bytes: int) -> CacheInfo:
        """Remove least recently used entries until the rest fit in `max_bytes`; what was
        removed (`max_bytes=0` empties the cache)."""
        entries = self.entries()
        total = sum(e.size for e in entries)
        removed = CacheInfo(self.store.url, 0, 0)
        for entry in entries:
            if total <= max_bytes:
                break
            self.store.remove(f"{entry.path.parent.name}/{entry.path.name}")
            total -= entry.size
            removed.entries += 1
            removed.bytes += entry.size
        return removed


def _bound_url(folder: Path) -> str:
    try:
        return (Path(folder) / BINDING).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""


def store_url(config: object) -> str:
    """`[tool.toolkit.cache] audio_url` of a `Config`, a relative path made absolute
    (against the project) so that every process finds the same folder."""
    url = str(getattr(getattr(config, "cache", None), "audio_url", "") or "")
    if url and "://" not in url:
        root = getattr(config, "root", None) or Path.cwd()
        url = "file://" + str((Path(root) / url).resolve())
    return url


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
    cache = AudioCache.from_config(folder, config)
    # a remote store is shared: one machine's run must not evict what the others use
    if limit is None or not cache.store.local or not Path(cache.store.url).is_dir():
        return None
    return cache.prune(limit)


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
    local: bool = True  #: False: a shared remote store (not trimmed after runs)

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
        if not self.local:
            limit += ", not applied after runs to a shared store: prune with --max-mb"
        return [
            *head,
            f"{self.folder}: {self.entries} sentences, {_mb(self.bytes)} (limit {limit}){ratio}",
        ]


def _mb(count: int) -> str:
    return f"{count / 2**20:.1f} MB"


def _site_mp3_bytes(project: object) -> int:
    site = project.paths.site_dir  # type: ignore[attr-defined]
    return sum(p.stat().st_size for p in Path(site).glob("*/*/audio.mp3"))


def _where(project: object, cache: AudioCache) -> str:
    if cache.store.local:
        return project.paths.relative(Path(cache.store.url))  # type: ignore[attr-defined]
    return cache.store.url


def cache_report(project: object) -> CacheReport:
    cache = AudioCache.from_config(
        project.paths.audio_cache_dir,  # type: ignore[attr-defined]
        project.config,  # type: ignore[attr-defined]
    )
    found = cache.info()
    return CacheReport(
        "info",
        _where(project, cache),
        found.entries,
        found.bytes,
        limit_bytes(project.config),  # type: ignore[attr-defined]
        _site_mp3_bytes(project),
        local=cache.store.local,
    )


def prune_report(project: object, max_mb: int | None) -> CacheReport:
    """`toolkit cache prune`: a local store to `max_mb` or its configured limit; a remote
    store only to an explicit `--max-mb` (its limit is not applied automatically)."""
    limit = limit_bytes(project.config) if max_mb is None else max_mb << 20  # type: ignore[attr-defined]
    cache = AudioCache.from_config(
        project.paths.audio_cache_dir,  # type: ignore[attr-defined]
        project.config,  # type: ignore[attr-defined]
    )
    prune = limit is not None and (cache.store.local or max_mb is not None)
    removed = cache.prune(limit) if prune and limit is not None else CacheInfo("", 0, 0)
    report = cache_report(project)
    report.action = "prune"
    report.limit_bytes = limit
    report.removed_entries, report.removed_bytes = removed.entries, removed.bytes
    return report
