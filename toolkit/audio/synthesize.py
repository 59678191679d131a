"""Sentence synthesis: one sentence through the engine into the cache, and many over an executor.

A sentence is spoken, trimmed of the engine's own silence, stored in the audio cache at once
(an interrupted run keeps what it finished), and used as the cache gives it back (`put`'s
result), so a cold and a warm run give the same bytes whatever the cache stores. Many sentences
go in batches through any `toolkit.tasks.Executor`; the default one, `WarmProcesses`, keeps one
pool of workers (which die with their parent) warm across calls: the site builder asks for one
batch of pairs at a time, and forking and importing once is cheaper than once per batch.
"""

from __future__ import annotations

import atexit
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..tasks import Executor, InProcess, in_order
from .cache import AudioCache, to_int16
from .engines.base import Engine, Synthesis
from .pace import PaceTable, asked_rate, calibration_sample, learn
from .plan import Sentence

Progress = Callable[[int, int, str], None]
#: engines that must not run in parallel (gTTS: the throttle is per process, see registry)
SERIAL_ENGINES = {"gtts"}
#: samples quieter than this (dBFS) at a sentence's edges are the engine's own silence
_SILENCE_DB = -50.0
_EDGE_KEEP_SECONDS = 0.02


@dataclass(frozen=True)
class Clip:
    """One sentence's speech, its own leading and trailing silence cut: 16-bit samples."""

    pcm: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / self.sample_rate


def trim(pcm: np.ndarray, rate: int) -> np.ndarray:
    """Cut the engine's own leading/trailing silence: the pipeline owns the pauses."""
    threshold = 10 ** (_SILENCE_DB / 20) * (32767 if pcm.dtype == np.int16 else 1)
    first = _first_loud(pcm, threshold)
    if first is None:
        return pcm[:0]
    last = len(pcm) - 1 - cast(int, _first_loud(pcm[::-1], threshold))
    keep = int(rate * _EDGE_KEEP_SECONDS)
    return pcm[max(0, first - keep) : last + 1 + keep]


def _first_loud(pcm: np.ndarray, threshold: float) -> int | None:
    """Index of the first sample louder than `threshold`, looked for in growing windows from
    the start: speech starts near the edge, so the middle of a clip is never scanned (a
    clip is trimmed each time it is stored or read)."""
    start, size = 0, 1024
    while start < len(pcm):
        window = pcm[start : start + size]
        loud = np.flatnonzero(np.abs(window) > threshold)
        if len(loud):
            return start + int(loud[0])
        start, size = start + size, size * 4
    return None


def clip_of(synthesis: Synthesis) -> Clip:
    """A clip from what the cache gives (or gave back on `put`): 16-bit, trimmed."""
    rate = int(synthesis.sample_rate)
    return Clip(np.ascontiguousarray(trim(to_int16(synthesis.pcm), rate)), rate)


def load_clip(cache: AudioCache, key: str) -> Clip | None:
    found = cache.get(key)
    return None if found is None else clip_of(found)


#: (cache key, normalized sentence, voice, words a minute to ask the engine for)
Item = tuple[str, str, str, int]
#: (cache key, the clip or None when not kept, its sample rate, its seconds of speech)
Done = tuple[str, "Clip | None", int, float]


def speak(engine: Engine, item: Item, cache: AudioCache, keep: bool) -> Done:
    """Synthesize one sentence, store it (trimmed) in the cache at once; the clip is what
    the cache gave back, so it is the same as a later cache hit."""
    key, spoken, voice, asked = item
    # a sentence spoken before (then evicted) is asked for what it was asked then: the pace
    # calibration's sample was spoken at the plain rate, the rest at the corrected one
    asked = cache.asked(key, asked)
    synthesis = engine.synthesize(spoken, voice, asked)
    rate = int(synthesis.sample_rate)
    pcm = trim(to_int16(synthesis.pcm), rate)
    # float32 throughout: the cache's own quantization gives these 16-bit samples back exactly
    samples = pcm.astype(np.float32) / np.float32(32767)
    stored = clip_of(cache.put(key, Synthesis(samples, rate)))
    return key, stored if keep else None, stored.sample_rate, stored.seconds


_worker_engines: dict[bytes, Engine] = {}
# a forked worker unpickles its own engine rather than use its parent's
os.register_at_fork(after_in_child=_worker_engines.clear)


def engine_from(blob: bytes) -> Engine:
    """In a worker: the engine, unpickled once per process (a Piper model loads once)."""
    if blob not in _worker_engines:
        _worker_engines[blob] = pickle.loads(blob)
    return _worker_engines[blob]


def engine_blob(engine: Engine) -> bytes:
    """The pickled engine tasks carry; run in this process, they use `engine` itself."""
    blob = pickle.dumps(engine)
    _worker_engines.setdefault(blob, engine)
    return blob


@dataclass(frozen=True)
class Batch:
    """Sentences for one worker: the pickled engine, the items, where the cache is."""

    engine: bytes
    items: tuple[Item, ...]
    cache_dir: str
    keep: bool
    cache_url: str | None = None  #: the sentence store, as `PairJob.cache_url`


def speak_batch(batch: Batch) -> list[Done]:
    engine = engine_from(batch.engine)
    cache = AudioCache(Path(batch.cache_dir), batch.cache_url)
    cache.ask_all({key: asked for key, _, _, asked in batch.items})  # one transaction
    return [speak(engine, item, cache, batch.keep) for item in batch.items]


# -- the warm pool ---------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
#: the pool forks (all its workers at its first submit), rather than spawns them one by one
_pool_forks = False


_pool_lock = threading.Lock()


def get_pool(count: int) -> ProcessPoolExecutor:
    """A pool of `count` workers kept warm across calls: forking and importing once (one
    pool, whichever thread of the parent asks first)."""
    with _pool_lock:
        return _get_pool(count)


def _get_pool(count: int) -> ProcessPoolExecutor:
    global _pool, _pool_size, _pool_forks
    if _pool is None or _pool_size < count:
        drop_pool()
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        from ..workers import process_pool

        _pool = process_pool(count, multiprocessing.get_context(method))
        _pool_size = count
        _pool_forks = method == "fork"
    return _pool


def start_workers(count: int) -> None:
    """Fork the warm pool's `count` workers now, from the calling thread: a worker's
    parent-death signal follows the thread that forked it, so workers a short-lived thread
    started would be killed with it."""
    import time

    if _pool is not None and _pool_size >= count:
        return  # started before (its workers may be busy: do not queue behind them)
    pool = get_pool(count)
    if _pool_forks:
        # a forking pool forks all its workers at its first submit, in the caller: no need
        # to wait (the sleeps below cost the build 50 ms before the first sentence)
        for _ in range(count):
            pool.submit(_warm_up)
        return
    # each submit starts a worker while none is idle: `count` sleeps start `count` workers
    for future in [pool.submit(time.sleep, 0.05) for _ in range(count)]:
        future.result()


def _warm_up() -> None:
    """In a new worker, while the parent still plans the first pairs: import what its first
    tasks need (the sentence store's FLAC, the MP3 encoder and tagger), about 70 ms that the
    first pair tasks paid before."""
    import lameenc  # noqa: F401
    import mutagen.id3  # noqa: F401
    import mutagen.mp3  # noqa: F401
    import soundfile  # noqa: F401


def drop_pool() -> None:
    global _pool
    if _pool is not None:
        pool, _pool = _pool, None
        # running jobs finish (and cache what they spoke); queued ones are dropped
        pool.shutdown(wait=True, cancel_futures=True)


def release_workers() -> None:
    """Let the warm pool's workers exit now, without waiting for them: a build's pages and
    bundles need no workers, and the workers' exit then overlaps them instead of following
    them (the next call that needs workers forks a new pool)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            pool, _pool = _pool, None
            pool.shutdown(wait=False, cancel_futures=True)


atexit.register(drop_pool)


def _as_completed(futures: set[Future[Any]]) -> Iterator[Future[Any]]:
    """Futures as they finish; on any error the warm pool is dropped (its queue cancelled)."""
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
                yield future
    except BaseException:
        for future in pending:
            future.cancel()
        drop_pool()
        raise


class WarmProcesses:
    """The `Executor` protocol over the warm pool: one job per worker at a time (jobs are
    whole pairs or sentence batches, long enough that handing them out one by one costs
    nothing), results in the order of `jobs`. `on_done(result)` is told of each result as it
    comes (progress). With one worker or one job, in this process."""

    name = "local"

    def __init__(self, workers: int, on_done: Callable[[Any], None] | None = None) -> None:
        self.workers = max(1, workers)
        self.on_done = on_done

    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        return in_order(self.as_completed(function, jobs), len(jobs))

    def as_completed(
        self, function: Callable[[Any], Any], jobs: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        """(index, result) of each job as it finishes."""
        if self.workers < 2 or len(jobs) < 2:
            for index, job in enumerate(jobs):
                result = function(job)
                if self.on_done:
                    self.on_done(result)
                yield index, result
            return
        pool = get_pool(self.workers)
        futures = {pool.submit(function, job): index for index, job in enumerate(jobs)}
        for future in _as_completed(set(futures)):
            if self.on_done:
                self.on_done(future.result())
            yield futures[future], future.result()


def workers_for(engine: Engine | None, wanted: int | None, jobs: int, per_worker: int = 4) -> int:
    """How many local workers `jobs` jobs are worth (an engine may limit them)."""
    if engine is not None and engine.name in SERIAL_ENGINES:
        return 1
    limit = getattr(engine, "max_workers", None)
    count = wanted if wanted is not None else (os.cpu_count() or 1)
    if isinstance(limit, int) and limit > 0:
        count = min(count, limit)
    # starting a process costs more than espeak needs for a few sentences
    return max(1, min(count, jobs // per_worker))


# -- many sentences --------------------------------------------------------------------------


class _Run:
    """Synthesis of a list of items, in this process or in batches on an executor, with
    progress."""

    def __init__(
        self,
        engine: Engine,
        cache: AudioCache,
        runner: Executor | None,
        count: int,
        keep: bool,
        total: int,
        progress: Progress | None,
        label: str,
    ) -> None:
        self.engine, self.cache, self.runner, self.count = engine, cache, runner, count
        self.keep, self.total, self.progress, self.label = keep, total, progress, label
        self.done = 0

    def __call__(self, items: list[Item]) -> list[Done]:
        out: list[Done] = []
        serial = isinstance(self.runner, InProcess) or (self.runner is None and self.count < 2)
        if serial or len(items) < 2:
            self.cache.ask_all({key: asked for key, _, _, asked in items})  # one transaction
            for item in items:
                out.append(speak(self.engine, item, self.cache, self.keep))
                self._tick(1)
            return out
        size = max(1, min(32, len(items) // (self.count * 4)))
        blob = engine_blob(self.engine)
        folder = str(self.cache.folder)
        batches = [
            Batch(blob, tuple(items[i : i + size]), folder, self.keep, self.cache.url)
            for i in range(0, len(items), size)
        ]
        runner = self.runner or WarmProcesses(self.count)
        if isinstance(runner, WarmProcesses):
            runner = WarmProcesses(runner.workers, on_done=lambda done: self._tick(len(done)))
            for batch in runner.map(speak_batch, batches):
                out += batch
        else:
            for batch in runner.map(speak_batch, batches):
                out += batch
                self._tick(len(batch))
        return out

    def _tick(self, count: int) -> None:
        self.done += count
        if self.progress:
            self.progress(self.done, self.total, self.label)


def synthesize_all(
    sentences: Sequence[Sentence],
    engine: Engine,
    rate: int,
    cache: AudioCache,
    *,
    workers: int | None = None,
    runner: Executor | None = None,
    progress: Progress | None = None,
    label: str = "",
    load: bool = True,
    calibrate_on: Sequence[Sentence] | None = None,
    factors_out: dict[str, float] | None = None,
) -> tuple[dict[str, Clip], int]:
    """Speech per cache key (cached or new) and how many sentences were synthesized now.

    `rate` is the speech rate (`speech_rate`). A voice whose pace is not known yet speaks its
    first sentences first, at the rate as asked; the rest then at the rate corrected by what
    was measured. With `load=False` only the missing sentences are synthesized (and cached);
    nothing is read or kept in memory (a whole project's PCM would not fit comfortably).
    `runner` is the executor the batches go to (default: the warm pool, `workers` wide).

    The calibration sample is drawn from every sentence of `calibrate_on` (default:
    `sentences`), cached or not, and its cached members are measured from the cache: so a run
    killed after it cached part of the sample measures the same sample again, and learns the
    same pace as a run that was never killed. The factors used go into `factors_out`.
    """
    results: dict[str, Clip] = {}
    missing: dict[str, Sentence] = {}
    for sentence in sentences:
        if sentence.key in results or sentence.key in missing:
            continue
        hit = load_clip(cache, sentence.key) if load else None
        if hit is not None:
            results[sentence.key] = hit
        elif load or not cache.has(sentence.key):
            missing[sentence.key] = sentence
    total = len(missing)
    if not total and calibrate_on is None:
        return results, 0
    table = PaceTable(cache.folder)
    population = {s.key: s for s in (sentences if calibrate_on is None else calibrate_on)}
    sample, factors = calibration_sample(list(population.values()), engine, rate, table)
    measured = cached_seconds(cache, [s for s in sample if s.key not in missing])
    sample_missing = [s for s in sample if s.key in missing]
    if engine.name in SERIAL_ENGINES:
        runner = InProcess()
    if runner is None or isinstance(runner, WarmProcesses):  # as many as the work is worth
        count = workers_for(engine, runner.workers if runner else workers, total)
        runner = None
    else:
        count = getattr(runner, "workers", None) or os.cpu_count() or 1
    run = _Run(engine, cache, runner, count, load, total, progress, label)
    if progress:
        progress(0, total, label)
    done = run([(s.key, s.spoken, s.voice, rate) for s in sample_missing])
    measured.update({d[0]: d[3] for d in done})
    factors.update(learn(sample, measured, engine, rate, table))
    if factors_out is not None:
        factors_out.update(factors)
    sampled = {s.key for s in sample}
    rest = [s for s in missing.values() if s.key not in sampled]
    done += run([(s.key, s.spoken, s.voice, asked_rate(rate, factors.get(s.voice))) for s in rest])
    for key, clip, _, _ in done:
        if clip is not None:
            results[key] = clip
    return results, total


def cached_seconds(cache: AudioCache, sentences: Sequence[Sentence]) -> dict[str, float]:
    """Seconds of speech of each cached sentence (as `speak` measured it when it was made)."""
    seconds = {}
    for sentence in sentences:
        clip = load_clip(cache, sentence.key)
        if clip is not None:
            seconds[sentence.key] = clip.seconds
    return seconds
