"""The audio stage: every pair planned in the parent, spoken and encoded as per-pair tasks.

`toolkit audio` and the site build declare the same per-pair tasks: the voices' pace
calibration and the sentences several pairs share are spoken first (`pace`), then each pair is
one task, a function of one picklable argument (`PairJob`) run on any `toolkit.tasks.Executor`:
its missing sentences spoken (into the cache, and straight into its MP3), the rest read from
the cache, then assembled, metered, limited, LAME-encoded, tagged and captioned in the worker.
The bytes come back to the parent, which writes them atomically with the pair's state. So the
outputs are the same bytes whichever executor ran the tasks (in-process, local processes, a
Dask cluster). With few pairs (one long article), its sentences are spread instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..config import AudioConfig
from ..errors import ToolkitError
from ..files import write_if_changed
from ..models import StageResult, TextBlock
from ..tasks import Executor, InProcess, LocalProcesses
from .article import (
    OUTPUTS,
    AudioResult,
    Prepared,
    finish_article,
    outputs_match,
    prepare_article,
    read_state,
    render_prepared,
    up_to_date,
    write_article,
    write_state,
)
from .assemble import Rendered
from .cache import AudioCache
from .engines.base import Engine
from .pace import PaceTable, asked_rate, calibration_sample, known_factors
from .plan import Sentence, speech_rate
from .sentence_codec import FORMAT as STORE_FORMAT
from .synthesize import (
    SERIAL_ENGINES,
    Batch,
    Clip,
    Item,
    Progress,
    WarmProcesses,
    engine_blob,
    engine_from,
    load_clip,
    speak,
    synthesize_all,
    workers_for,
)
from .voices import check_voices

#: at least this many pairs are spoken one pair per task; fewer spread their sentences
PAIR_TASKS_FROM = 4
#: pairs handed to the executor at once (their MP3s come back together): bounded memory
CHUNK_PAIRS = 32
CHUNK_CHARACTERS = 200_000


def is_local(executor: str | Executor | None) -> bool:
    """Whether `executor` means this machine's worker processes (the default)."""
    return executor is None or executor == "local" or isinstance(executor, LocalProcesses)


def runner_for(executor: str | Executor | None, workers: int) -> Executor:
    """The executor called `executor` (an Executor is used as it is). Local processes (the
    default, by name or as `toolkit.tasks.LocalProcesses`) are the audio stage's warm pool,
    `workers` wide (a pair is a long task: no minimum number of jobs, one job at a time)."""
    if isinstance(executor, LocalProcesses):
        return WarmProcesses(min(workers, executor.workers))
    if is_local(executor):
        return WarmProcesses(workers)
    if executor == "inprocess":
        return InProcess()
    if isinstance(executor, str):
        if executor not in _NAMED:  # one per process: a cluster is started once, not per batch
            from ..tasks import executor as named

            _NAMED[executor] = named(executor)
        return _NAMED[executor]
    return executor


_NAMED: dict[str, Executor] = {}


class Turn:
    """Whose turn it is to calibrate, when the site builder speaks batches of pairs at once
    (one batch's pair tasks running while the next is planned): each batch calibrates after
    the one before it has, so the pace it reads is the one a batch-by-batch run would read.
    """

    def __init__(self, previous: Turn | None = None, handed: Any = None) -> None:
        import threading

        self.previous = previous
        self._done = threading.Event()
        #: set once the batch's work is under way (shared by the turns of one batch's engines)
        self._handed = handed or threading.Event()

    def wait(self) -> None:
        if self.previous is not None:
            self.previous._done.wait()

    def done(self) -> None:
        self._done.set()
        self._handed.set()

    def handed(self) -> None:
        """The batch's work is under way: its pair tasks handed out, or it speaks pair by pair."""
        self._handed.set()

    def wait_handed(self) -> None:
        """Until the batch's work is under way (`handed`, or its calibration `done`)."""
        self._handed.wait()


def check_executor(executor: str | Executor | None) -> None:
    """A ConfigError for an executor name nobody registered, before any work is done (a
    scheduler's address, `tcp://HOST:8786`, is checked when it is connected to)."""
    from ..tasks import EXECUTORS

    if not isinstance(executor, str) or "://" in executor:
        return
    if executor not in {"local", "inprocess", *EXECUTORS}:
        from ..errors import ConfigError

        known = ", ".join(sorted({"local", "inprocess", *EXECUTORS}))
        raise ConfigError(f"unknown executor {executor!r} (known: {known})")


@dataclass(frozen=True)
class PairJob:
    """One pair's task: everything a worker needs, picklable."""

    prepared: Prepared
    engine: bytes  #: the pickled engine (unpickled once per worker)
    cache_dir: str
    factors: dict[str, float]  #: the voices' measured pace
    config: AudioConfig
    #: the sentence store (a folder or fsspec URL): given, not looked up in `cache_dir`, so
    #: a worker on another machine, where that folder is not, uses the shared store too
    cache_url: str | None = None


@dataclass(frozen=True)
class PairMade:
    """What a pair's task gives back: its three files' bytes and how many sentences it spoke."""

    label: str
    rendered: Rendered
    spoken: int
    #: the keys of the sentences it spoke (a sentence spoken ahead at the same time by
    #: another worker is counted once, `_speak_jobs`)
    keys: tuple[str, ...] = ()


def clips_for(
    prepared: Prepared,
    cache: AudioCache,
    speak_one: Callable[[Sentence], Clip] | None,
    asked: Callable[[Sentence], int] | None = None,
) -> tuple[dict[str, Clip], list[str]]:
    """Every sentence of a pair from the cache, a missing one from `speak_one` (or an
    error); and the keys of those it spoke. `asked(sentence)`: the rate a missing sentence
    is asked for; given, the missing ones' rates are remembered (`AudioCache.ask_all`) in
    one transaction before the first is spoken."""
    audio: dict[str, Clip] = {}
    missing: dict[str, Sentence] = {}
    for sentence in prepared.sentences:
        if sentence.key in audio or sentence.key in missing:
            continue
        clip = load_clip(cache, sentence.key)
        if clip is None:
            missing[sentence.key] = sentence
        else:
            audio[sentence.key] = clip
    if missing and speak_one is None:  # the cache was cleared under us: say so, not guess
        raise ToolkitError(f"{prepared.label}: audio cache entry vanished; run again")
    if missing and asked is not None:
        cache.ask_all({key: asked(sentence) for key, sentence in missing.items()})
    spoken = []
    # from the last sentence back: the workers speaking this pair's sentences ahead (`_ahead`)
    # go from the first on, and what they have spoken meanwhile is read, not spoken again
    for key, sentence in reversed(missing.items()):
        assert speak_one is not None
        clip = load_clip(cache, key)
        if clip is None:
            clip = speak_one(sentence)
            spoken.append(key)
        audio[key] = clip
    return audio, spoken


def pair_task(job: PairJob) -> PairMade:
    """In a worker, one pair from start to end but the writing: its missing sentences spoken
    (no other pair needs them), the rest read from the cache, then assembled, mastered and
    encoded. The new speech goes straight into the MP3 (as the cache gave it back), never
    written and read back."""
    engine = engine_from(job.engine)
    cache = AudioCache(Path(job.cache_dir), job.cache_url)
    rate = speech_rate(job.config.rate)

    def asked(sentence: Sentence) -> int:
        return asked_rate(rate, job.factors.get(sentence.voice))

    def speak_one(sentence: Sentence) -> Clip:
        clip = speak(
            engine, (sentence.key, sentence.spoken, sentence.voice, asked(sentence)), cache, True
        )[1]
        assert clip is not None
        return clip

    audio, spoken = clips_for(job.prepared, cache, speak_one, asked)
    rendered = render_prepared(job.prepared, audio, job.config)
    return PairMade(job.prepared.label, rendered, len(spoken), tuple(spoken))


def _chunks(jobs: Sequence[Prepared]) -> Iterator[list[Prepared]]:
    """The pairs in groups small enough that their MP3s fit in memory together."""
    chunk: list[Prepared] = []
    size = 0
    for job in jobs:
        length = sum(len(s.spoken) for s in job.sentences)
        if chunk and (len(chunk) >= CHUNK_PAIRS or size + length > CHUNK_CHARACTERS):
            yield chunk
            chunk, size = [], 0
        chunk.append(job)
        size += length
    if chunk:
        yield chunk


def _calibrate(
    jobs: Sequence[Prepared],
    speaker: Engine,
    rate: int,
    cache: AudioCache,
    runner: Executor,
    progress: Progress | None,
) -> tuple[dict[str, float], int]:
    """The pace task: every voice's factor (measured now, or as stored), with the sentences
    several pairs share spoken into the cache on the way (so no two tasks speak one)."""
    everything = [s for job in jobs for s in job.sentences]
    table = PaceTable(cache.folder)
    unique = list({s.key: s for s in everything if not cache.has(s.key)}.values())
    # drawn from every sentence, cached or not: the same sample after a killed run
    sample, _ = calibration_sample(
        list({s.key: s for s in everything}.values()), speaker, rate, table
    )
    sample = [s for s in sample if not cache.has(s.key)]
    owners: dict[str, set[str]] = {}
    for job in jobs:
        for s in job.sentences:
            owners.setdefault(s.key, set()).add(job.label)
    sampled = {s.key for s in sample}
    shared = [s for s in unique if len(owners[s.key]) > 1 and s.key not in sampled]
    factors: dict[str, float] = {}
    _, synthesized = synthesize_all(
        sample + shared,
        speaker,
        rate,
        cache,
        runner=runner,
        progress=progress,
        label="calibrating",
        load=False,
        calibrate_on=everything,
        factors_out=factors,
    )
    return known_factors(table, speaker, rate, {s.voice for s in unique}, factors), synthesized


def _speak_jobs(
    project: Any,
    jobs: list[Prepared],
    speaker: Engine,
    config: AudioConfig,
    done: dict[str, AudioResult],
    progress: Progress | None,
    workers: int | None,
    executor: str | Executor | None = None,
    per_pair: bool | None = None,
    turn: Turn | None = None,
) -> int:
    """Synthesize, assemble and write the planned pairs of one engine; how many sentences
    were spoken now. `per_pair` forces (or forbids) one task per pair whatever their number;
    `turn` orders the calibration after an earlier batch's."""
    turn = turn or Turn()
    cache = AudioCache.of(project)  # its store recorded for the workers (audio_url)
    rate = speech_rate(config.rate)
    # the longest pairs first: the last worker to finish is not left with a long one
    jobs.sort(key=lambda job: -sum(len(s.spoken) for s in job.sentences))
    serial = speaker.name in SERIAL_ENGINES or workers == 1
    if serial or not (len(jobs) >= PAIR_TASKS_FROM if per_pair is None else per_pair):
        turn.wait()  # each pair calibrates on its own sentences: one batch after the other
        turn.handed()
        # One pair at a time, its sentences over the cores and kept in memory: what is
        # spoken goes straight into the MP3, never written and read back (issue 14).
        sentence_runner = None if is_local(executor) else runner_for(executor, 1)
        synthesized = 0
        for index, job in enumerate(jobs, 1):
            audio, spoken = synthesize_all(
                job.sentences,
                speaker,
                rate,
                cache,
                workers=workers,
                runner=InProcess() if serial else sentence_runner,
                progress=progress,
                label=job.label,
            )
            done[job.label] = finish_article(job, audio, spoken, speaker.name, config)
            synthesized += spoken
            if progress:
                progress(index, len(jobs), f"encoding {job.label}")
        return synthesized
    # a batch of a build: one worker per pair; else a worker is worth two pairs or more
    count = workers_for(speaker, workers, len(jobs), per_worker=1 if per_pair else 2)
    runner = runner_for(executor, count)
    turn.wait()
    try:
        factors, synthesized = _calibrate(jobs, speaker, rate, cache, runner, progress)
    finally:
        turn.done()
    blob = engine_blob(speaker)
    folder = str(cache.folder)
    finished = 0

    def tick(made: PairMade) -> None:
        nonlocal finished
        finished += 1
        if progress:
            progress(finished, len(jobs), f"speaking and encoding {made.label}")

    # each pair written as it comes where the executor can say (`as_completed`), else in order
    as_completed = getattr(runner, "as_completed", None)
    # the warm pool's last pairs are spoken ahead in sentence batches (`_ahead`)
    ahead = runner.workers if isinstance(runner, WarmProcesses) else 0
    spoken: set[str] = set()
    for chunk in _chunks(jobs):
        tasks: list[PairJob | Batch] = [
            PairJob(job, blob, folder, factors, config, cache.url) for job in chunk
        ]
        if ahead >= 2:
            tasks[-ahead:-ahead] = _ahead(chunk[-ahead:], blob, cache, factors, rate)
        made = as_completed(_task, tasks) if as_completed else enumerate(runner.map(_task, tasks))
        for index, pair in made:
            if not isinstance(pair, PairMade):  # the keys of sentences spoken ahead
                spoken.update(pair)
                continue
            job = chunk[index if index < len(chunk) - ahead else index - len(tasks) + len(chunk)]
            done[job.label] = write_article(job, pair.rendered, pair.spoken, speaker.name)
            spoken.update(pair.keys)
            tick(pair)
    return synthesized + len(spoken)


#: sentences in a batch spoken ahead for a pair at the end of a chunk (about 50 ms of espeak)
AHEAD_BATCH = 8


def _ahead(
    jobs: Sequence[Prepared],
    blob: bytes,
    cache: AudioCache,
    factors: dict[str, float],
    rate: int,
) -> list[Batch]:
    """The sentences of the last pairs of a chunk (one per worker), as small batches handed
    out before those pairs' own tasks. A whole pair is a long task: given last, one worker
    spoke and encoded it while the other had nothing left to do (a third of a second in a
    build of six articles). Spoken ahead by whichever workers are free, each of those pair
    tasks is left with its encoding (and the sentences nobody reached yet): the workers end
    together. The same sentences at the same rates, so the same bytes (`speak_ahead`)."""
    items: dict[str, Item] = {}
    for job in jobs:
        for s in job.sentences:
            items.setdefault(
                s.key, (s.key, s.spoken, s.voice, asked_rate(rate, factors.get(s.voice)))
            )
    found = list(items.values())
    return [
        Batch(blob, tuple(found[i : i + AHEAD_BATCH]), str(cache.folder), False, cache.url)
        for i in range(0, len(found), AHEAD_BATCH)
    ]


def speak_ahead(batch: Batch) -> list[str]:
    """In a worker: the batch's sentences that are not in the cache yet, spoken into it (a
    pair task finds them there); the keys of those it spoke."""
    engine = engine_from(batch.engine)
    cache = AudioCache(Path(batch.cache_dir), batch.cache_url)
    todo = [item for item in batch.items if not cache.has(item[0])]
    cache.ask_all({key: asked for key, _, _, asked in todo})
    spoken = []
    for item in todo:
        if not cache.has(item[0]):  # its pair's task may have reached it meanwhile
            speak(engine, item, cache, False)
            spoken.append(item[0])
    return spoken


def _task(job: PairJob | Batch) -> PairMade | list[str]:
    """A pair's task, or a batch of sentences spoken ahead for one."""
    return pair_task(job) if isinstance(job, PairJob) else speak_ahead(job)


def _quick_key(project: Any, article: Any, locale: str, engine: Engine, voice: str) -> str:
    """Digest of the files and settings a pair's audio is made from, read without rendering
    or planning anything: the source, the catalog and glossary (they decide what is said
    and whether the pair is published), both lexicons (fallback blocks are read in the
    source language), the whole configuration, the engine and voice. When it matches the
    state, the pair is up to date at the cost of reading a few files (the no-op re-run)."""
    from .. import __version__
    from ..state import digest, file_digest

    paths = project.paths
    source = project.source_locale
    settings = json.dumps(
        [__version__, _shaping(project.config), engine.name, engine.version(), voice, STORE_FORMAT],
        sort_keys=True,
        default=str,
    )
    return digest(
        settings,
        article.path.read_bytes(),
        "" if locale == source else (file_digest(paths.catalog(locale, article.slug)) or "-"),
        "" if locale == source else (file_digest(paths.glossary(locale)) or "-"),
        *lexicon_digests(paths, locale),
        *lexicon_digests(paths, source),
    )


def _shaping(config: Any) -> dict[str, Any]:
    """The configuration but the cache limits: they change what is kept, never the audio."""
    return {k: v for k, v in asdict(config).items() if k != "cache"}


def lexicon_digests(paths: Any, locale: str) -> list[str]:
    """Digests of every project lexicon file `locale` reads (`pt.toml` and `pt_BR.toml`)."""
    from ..state import file_digest
    from .lexicon import candidates

    return [file_digest(paths.lexicon(code)) or "-" for code in candidates(locale)]


def generate_audio(project: Any, *args: Any, **kwargs: Any) -> StageResult:
    """`_generate_audio`, marked as running in the build folder (a killed run's temporary
    files are swept by the next one)."""
    from ..outputs import run_in

    with run_in(project.paths.build_dir):
        return _generate_audio(project, *args, **kwargs)


def _generate_audio(
    project: Any,
    locales: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    engine: str | None = None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    force: bool = False,
    script: bool = False,
    executor: str | Executor | None = None,
) -> StageResult:
    """Audio for every publishable (article, locale) pair of `project` (the source language
    included when no locale is asked for, as in the site).

    Pairs that are not publishable are skipped with the reason. The engine is checked before
    any work: unknown, unavailable, or unable to speak a requested locale is an EngineError.
    Every pair is planned first. With many pairs, the voices' pace calibration and sentences
    shared by several pairs are synthesized first; then each pair is spoken, assembled and
    encoded by one worker. With few pairs (a long article), sentences are spread over the
    cores first, then the pairs are encoded. `executor` runs the tasks ("inprocess",
    "local" (the default), another registered name, or an Executor).
    """
    from ..publishing import assess, join_reasons
    from ..render import render_assessed, source_pair

    check_executor(executor)
    config: AudioConfig = project.config.audio
    paths = project.paths
    chosen = project.select_locales(list(locales or []))
    if not locales:
        chosen = sorted({project.source_locale, *chosen})
    articles = project.articles(list(slugs or []) or None)
    speakers = check_voices(project, chosen, engine)
    voices = {locale: voice for locale, (_, voice) in speakers.items()}
    result = StageResult("audio")
    by_engine: dict[str, list[Prepared]] = {}
    for locale in chosen:
        speaker = speakers[locale][0]
        jobs = by_engine.setdefault(speaker.name, [])
        for article in articles:
            what = f"{locale}/{article.slug}"
            quick = _quick_key(project, article, locale, speaker, voices[locale])
            state_path = paths.audio_state(locale, article.slug)
            site = paths.article_site(locale, article.slug)
            if (
                not force
                and not script  # the script needs the plan: a pair is planned, not spoken
                and (stored_state := read_state(state_path)).get("quick") == quick
                and outputs_match(stored_state, [site / name for name in OUTPUTS])
            ):
                result.unchanged += 1
                continue
            if locale == project.source_locale:
                pair = source_pair(project, article)
            else:
                assessment = assess(project, article, locale)
                if not assessment.publishable:
                    reasons = join_reasons(assessment.reasons) or "not publishable"
                    result.skipped.append((what, reasons))
                    continue
                pair = render_assessed(project, article, assessment)
            prepared = prepare_article(
                pair.blocks,
                locale,
                speaker,
                voices[locale],
                config,
                site,
                pair.title,
                project_lexicon=paths.lexicon,
                state_path=state_path,
                force=force,
                label=what,
                quick=quick,
            )
            if script:
                lines = "".join(f"{s.spoken}\n" for s in prepared.sentences)
                spoken_txt = site / "spoken.txt"
                if write_if_changed(spoken_txt, lines.encode("utf-8")):
                    result.written.append(paths.relative(spoken_txt))
            if prepared.stored is not None:
                result.unchanged += 1
                # the files changed but not what is said: remember them, for the fast path
                write_state(prepared, prepared.stored)
            else:
                jobs.append(prepared)
    done: dict[str, AudioResult] = {}
    synthesized = 0
    total: set[str] = set()
    for name, jobs in by_engine.items():
        if not jobs:
            continue
        speaker = next(e for e, _ in speakers.values() if e.name == name)
        total.update(s.key for job in jobs for s in job.sentences)
        synthesized += _speak_jobs(
            project, jobs, speaker, config, done, progress, workers, executor
        )
    from .cache import enforce_limit

    enforce_limit(paths.audio_cache_dir, project.config)  # after the run: nothing it needs goes
    jobs = [job for group in by_engine.values() for job in group]
    if not jobs:
        return result
    for job in sorted(jobs, key=lambda j: j.label):
        audio = done[job.label]
        result.written += [paths.relative(p) for p in audio.written]
        result.notes.append(
            f"{job.label}: {audio.duration:.1f} s, {audio.overall_pace:.0f} words/min "
            f"({audio.pace:.0f} while speaking), "
            f"{audio.loudness:.1f} LUFS, peak {audio.peak:.1f} dBFS ({audio.engine} {audio.voice})"
        )
    result.notes.append(
        f"synthesized {synthesized} of {len(total)} sentences (the rest from the cache)"
    )
    return result


@dataclass(frozen=True)
class PairRequest:
    """One pair the site builder wants spoken (already rendered and found publishable)."""

    label: str  #: "es/slug"
    blocks: tuple[TextBlock, ...]
    locale: str
    title: str
    folder: Path  #: where audio.mp3, captions.vtt and chapters.vtt go
    state_path: Path


def speak_pairs(
    project: Any,
    requests: Sequence[PairRequest],
    engine: str | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
    speakers: dict[str, tuple[Engine, str]] | None = None,
    executor: str | Executor | None = None,
    per_pair: bool | None = None,
    turn: Turn | None = None,
) -> dict[str, AudioResult]:
    """The audio of many pairs at once, as `toolkit audio` makes it: each pair spoken,
    assembled and encoded by one worker (the voices' calibration and shared sentences
    first), or, with few pairs, sentences spread over the cores. Pairs whose inputs are
    unchanged are up to date without work. The bytes are those `synthesize_article` writes.
    `speakers` is what `check_voices` gave (checked once per build, not once per call);
    `per_pair` and `turn` as `_speak_jobs` takes them."""
    turn = turn or Turn()
    try:
        return _speak_requests(
            project, requests, engine, force, progress, workers, speakers, executor, per_pair, turn
        )
    finally:
        turn.done()  # nothing to calibrate, or failed: the next batch need not wait


def _speak_requests(
    project: Any,
    requests: Sequence[PairRequest],
    engine: str | None,
    force: bool,
    progress: Progress | None,
    workers: int | None,
    speakers: dict[str, tuple[Engine, str]] | None,
    executor: str | Executor | None,
    per_pair: bool | None,
    turn: Turn,
) -> dict[str, AudioResult]:
    config: AudioConfig = project.config.audio
    paths = project.paths
    wanted = sorted({r.locale for r in requests})
    if speakers is None or any(locale not in speakers for locale in wanted):
        speakers = check_voices(project, wanted, engine)
    done: dict[str, AudioResult] = {}
    by_engine: dict[str, list[Prepared]] = {}
    for request in requests:
        speaker, voice = speakers[request.locale]
        prepared = prepare_article(
            request.blocks,
            request.locale,
            speaker,
            voice,
            config,
            request.folder,
            request.title,
            project_lexicon=paths.lexicon,
            state_path=request.state_path,
            force=force,
            label=request.label,
        )
        if prepared.stored is not None:
            done[request.label] = up_to_date(prepared)
        else:
            by_engine.setdefault(speaker.name, []).append(prepared)
    groups = list(by_engine.items())
    for index, (name, jobs) in enumerate(groups, 1):
        speaker = next(e for e, _ in speakers.values() if e.name == name)
        # the next batch may calibrate once this batch's last engine has
        mine = turn if index == len(groups) else Turn(turn.previous, turn._handed)
        _speak_jobs(
            project, jobs, speaker, config, done, progress, workers, executor, per_pair, mine
        )
    return done
