"""The audio stage: rendered blocks -> sentences -> engine (through the cache) -> MP3 + captions.

Everything here is the same for every engine: sentence splitting, normalization, pauses,
timing, loudness, MP3, tags, captions, caching, parallel synthesis and the per-pair
"nothing to do" check. An engine only ever sees one normalized sentence at a time.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import AudioConfig
from ..errors import EngineError, ToolkitError
from ..files import write_atomic
from ..locales import normalize_locale
from ..models import StageResult, TextBlock
from .cache import AudioCache, cache_key
from .captions import Cue, webvtt
from .encode import (
    MP3_KBPS,
    MP3_RATES,
    PEAK_CEILING_DB,
    TARGET_LUFS,
    Chapter,
    encode_mp3,
    encoder_delay,
    iso639_2,
    mp3_duration,
    normalize_loudness,
    resample,
    tag_mp3,
)
from .engines.base import Engine, Synthesis
from .normalize import Lexicon, load_lexicon, normalize

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
OUTPUTS = ("audio.mp3", "captions.vtt", "chapters.vtt")
#: engines that must not run in parallel (gTTS: the throttle is per process, see registry)
_SERIAL_ENGINES = {"gtts"}
#: a pause before a heading is this much longer than between paragraphs
HEADING_PAUSE_FACTOR = 1.5
#: samples quieter than this (dBFS) at a sentence's edges are the engine's own silence
_SILENCE_DB = -50.0
_EDGE_KEEP_SECONDS = 0.02


@dataclass(frozen=True)
class Sentence:
    """One sentence to speak: as the page shows it, and as the voice says it."""

    text: str  #: the caption: what the page says
    spoken: str  #: normalized for the voice
    locale: str
    voice: str
    block: int  #: index of its block
    kind: str  #: its block's kind (title, heading, paragraph…)
    key: str  #: audio cache key


@dataclass(frozen=True)
class AudioResult:
    """What `synthesize_article` produced (or found up to date)."""

    files: tuple[Path, ...]
    duration: float  #: seconds, as a decoder plays the MP3
    pace: float  #: spoken words per minute of speaking time (the pauses left out)
    overall_pace: float  #: spoken words per minute over the whole file, pauses included
    words: int
    loudness: float  #: LUFS, integrated
    peak: float  #: dBFS, true-peak estimate
    engine: str
    voice: str
    sentences: int
    synthesized: int  #: sentences the engine spoke this time (the rest came from the cache)
    up_to_date: bool = False  #: nothing was written: inputs and outputs were unchanged
    written: tuple[Path, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["files"] = [str(p) for p in self.files]
        data["written"] = [str(p) for p in self.written]
        return data


# -- planning ----------------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(text: str) -> int:
    """Spoken words: whitespace-separated words, and each CJK character as one (a syllable
    in Chinese; Vietnamese words are counted per written syllable too)."""
    cjk = len(_CJK.findall(text))
    return cjk + len(_WORD.findall(_CJK.sub(" ", text)))


def _split(text: str, locale: str) -> list[str]:
    from ..readability import split_sentences

    return [s.strip() for s in split_sentences(text, locale) if s.strip()]


def _speakable(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def plan(
    blocks: Sequence[TextBlock],
    locale: str,
    engine: Engine,
    voice: str,
    config: AudioConfig,
    lexicon_for: Callable[[str], Lexicon],
    voice_for: Callable[[str], str],
) -> list[Sentence]:
    """The sentences to speak, in order. Code blocks are not spoken (they are not translated
    prose); a block that fell back to the source language is read by that language's voice."""
    version = engine.version()
    sentences = []
    for index, block in enumerate(blocks):
        if block.kind == "code" or not block.text.strip():
            continue
        block_locale = normalize_locale(block.lang) if block.lang else locale
        block_voice = voice if block_locale == locale else voice_for(block_locale)
        lexicon = lexicon_for(block_locale)
        for text in _split(block.text, block_locale):
            spoken = normalize(text, block_locale, lexicon)
            if not _speakable(spoken):
                continue
            key = cache_key(engine.name, version, block_voice, config.rate, spoken)
            sentences.append(
                Sentence(text, spoken, block_locale, block_voice, index, block.kind, key)
            )
    return sentences


# -- synthesis (through the cache, over the CPU cores) -----------------------------------

#: engines whose pace cannot be asked for (gTTS speaks at its own): never asked twice
_FIXED_PACE_ENGINES = {"gtts"}
#: a sentence's pace may differ this much from the rate before it is spoken again
PACE_TOLERANCE = 0.05
#: sentences shorter than this (headings, "Call 911.") are too short to measure pace on
_MIN_PACE_WORDS = 4


def speak(engine: Engine, sentence: str, voice: str, rate: int) -> Synthesis:
    """One sentence at `rate` words a minute of speaking time, measured on the result.

    Engines pace by syllables or phonemes, so long words come out slower than the rate
    asked for (espeak-ng: about 110 instead of 140 on adult prose). When the measured pace
    is off by more than 5 %, the sentence is spoken once more at a corrected rate (bounded
    to 0.75-1.5 times the rate). espeak needs a millisecond for it.
    """
    first = engine.synthesize(sentence, voice, rate)
    words = count_words(sentence)
    if engine.name in _FIXED_PACE_ENGINES or words < _MIN_PACE_WORDS:
        return first
    seconds = len(_trim(first.pcm, first.sample_rate)) / first.sample_rate
    if not seconds:
        return first
    measured = words / seconds * 60
    if abs(measured / rate - 1) <= PACE_TOLERANCE:
        return first
    asked = round(min(1.5 * rate, max(0.75 * rate, rate * rate / measured)))
    return engine.synthesize(sentence, voice, asked)


_worker_engine: Engine | None = None


def _init_worker(engine: Engine) -> None:
    global _worker_engine
    _worker_engine = engine


def _synthesize_batch(
    items: list[tuple[str, str, str]], rate: int, cache_dir: str, keep: bool = True
) -> list[tuple[str, np.ndarray | None, int]]:
    """In a worker: speak each (key, sentence, voice), store it in the cache at once; send
    the PCM back only when `keep` (else the caller reads the cache when it needs it)."""
    assert _worker_engine is not None
    cache = AudioCache(Path(cache_dir))
    done = []
    for key, spoken, voice in items:
        stored = cache.put(key, speak(_worker_engine, spoken, voice, rate))
        done.append((key, stored.pcm if keep else None, stored.sample_rate))
    return done


def _workers(engine: Engine, wanted: int | None, jobs: int) -> int:
    if engine.name in _SERIAL_ENGINES:
        return 1
    limit = getattr(engine, "max_workers", None)
    count = wanted if wanted is not None else (os.cpu_count() or 1)
    if isinstance(limit, int) and limit > 0:
        count = min(count, limit)
    # starting a process costs more than espeak needs for a few sentences
    return max(1, min(count, jobs // 4))


def synthesize_all(
    sentences: Sequence[Sentence],
    engine: Engine,
    rate: int,
    cache: AudioCache,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    label: str = "",
    load: bool = True,
) -> tuple[dict[str, Synthesis], int]:
    """Synthesis per cache key (cached or new) and how many were synthesized now.

    With `load=False` only the missing sentences are synthesized (and cached); nothing is
    read or kept in memory (a whole project's PCM would not fit comfortably).
    """
    results: dict[str, Synthesis] = {}
    missing: dict[str, Sentence] = {}
    for sentence in sentences:
        if sentence.key in results or sentence.key in missing:
            continue
        hit = cache.get(sentence.key) if load else None
        if hit is not None:
            results[sentence.key] = hit
        elif load or not cache.has(sentence.key):
            missing[sentence.key] = sentence
    total = len(missing)
    if not total:
        return results, 0
    count = _workers(engine, workers, total)
    todo = list(missing.values())
    if progress:
        progress(0, total, label)
    if count == 1:
        for done, sentence in enumerate(todo, 1):
            synthesis = speak(engine, sentence.spoken, sentence.voice, rate)
            stored = cache.put(sentence.key, synthesis)
            if load:
                results[sentence.key] = stored
            if progress:
                progress(done, total, label)
        return results, total
    size = max(1, min(32, total // (count * 4)))
    batches = [
        [(s.key, s.spoken, s.voice) for s in todo[i : i + size]] for i in range(0, total, size)
    ]
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    done = 0
    with ProcessPoolExecutor(count, context, initializer=_init_worker, initargs=(engine,)) as pool:
        pending = {
            pool.submit(_synthesize_batch, b, rate, str(cache.folder), load) for b in batches
        }
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    for key, pcm, sample_rate in future.result():
                        if pcm is not None:
                            results[key] = Synthesis(pcm, sample_rate)
                        done += 1
                    if progress:
                        progress(done, total, label)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return results, total


# -- assembly ----------------------------------------------------------------------------


def _trim(pcm: np.ndarray, rate: int) -> np.ndarray:
    """Cut the engine's own leading/trailing silence: the pipeline owns the pauses."""
    loud = np.flatnonzero(np.abs(pcm) > 10 ** (_SILENCE_DB / 20))
    if not len(loud):
        return pcm[:0]
    keep = int(rate * _EDGE_KEEP_SECONDS)
    return pcm[max(0, loud[0] - keep) : loud[-1] + 1 + keep]


def output_rate(rates: Sequence[int]) -> int:
    """One rate for the whole file: the engines' own when it is an MP3-friendly one."""
    distinct = set(rates)
    if len(distinct) == 1 and (only := distinct.pop()) in MP3_RATES:
        return only
    return max(MP3_RATES)


def _pause_before(previous: Sentence | None, sentence: Sentence, config: AudioConfig) -> float:
    if previous is None:
        return 0.0
    if previous.block == sentence.block:
        return config.sentence_pause_ms / 1000
    if sentence.kind == "heading":
        return config.paragraph_pause_ms * HEADING_PAUSE_FACTOR / 1000
    return config.paragraph_pause_ms / 1000


def assemble(
    sentences: Sequence[Sentence], audio: dict[str, Synthesis], config: AudioConfig
) -> tuple[np.ndarray, int, list[tuple[int, int]]]:
    """The whole article's PCM at one rate, and each sentence's (start, end) in samples."""
    rate = output_rate([audio[s.key].sample_rate for s in sentences])
    parts: list[np.ndarray] = []
    spans: list[tuple[int, int]] = []
    position = 0
    previous = None
    for sentence in sentences:
        synthesis = audio[sentence.key]
        pcm = _trim(resample(synthesis.pcm, synthesis.sample_rate, rate), rate)
        gap = int(round(_pause_before(previous, sentence, config) * rate))
        if gap:
            parts.append(np.zeros(gap, np.float32))
            position += gap
        spans.append((position, position + len(pcm)))
        parts.append(pcm)
        position += len(pcm)
        previous = sentence
    pcm = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    return pcm, rate, spans


# -- one article ---------------------------------------------------------------------------


def _settings(engine: Engine, config: AudioConfig, locale: str, title: str) -> dict[str, Any]:
    from .. import __version__

    return {
        "toolkit": __version__,
        "engine": engine.name,
        "engine_version": engine.version(),
        "rate": config.rate,
        "sentence_pause_ms": config.sentence_pause_ms,
        "paragraph_pause_ms": config.paragraph_pause_ms,
        "publisher": config.publisher,
        "locale": locale,
        "title": title,
        "lufs": TARGET_LUFS,
        "ceiling": PEAK_CEILING_DB,
        "kbps": MP3_KBPS,
    }


@dataclass(frozen=True)
class Prepared:
    """One article planned: its sentences, and whether its outputs are already up to date."""

    blocks: tuple[TextBlock, ...]
    locale: str
    voice: str
    title: str
    label: str
    sentences: tuple[Sentence, ...]
    transcript: str
    inputs: str  #: digest of everything that shapes the outputs
    files: tuple[Path, ...]
    state_path: Path | None
    stored: dict[str, Any] | None  #: the remembered result when up to date, else None


def prepare_article(
    blocks: Sequence[TextBlock],
    locale: str,
    engine: Engine,
    voice: str,
    config: AudioConfig,
    out_dir: Path,
    title: str,
    *,
    project_lexicon: Callable[[str], Path] | None = None,
    state_path: Path | None = None,
    force: bool = False,
    label: str = "",
) -> Prepared:
    """Split, normalize and key every sentence; compare with the remembered inputs."""
    from ..state import digest

    locale = normalize_locale(locale)
    lexicons: dict[str, Lexicon] = {}
    voices: dict[str, str] = {locale: voice}

    def lexicon_for(code: str) -> Lexicon:
        if code not in lexicons:
            lexicons[code] = load_lexicon(code, project_lexicon)
        return lexicons[code]

    def voice_for(code: str) -> str:
        if code not in voices:
            voices[code] = resolve_voice(engine, code, config)
        return voices[code]

    label = label or str(out_dir)
    sentences = plan(blocks, locale, engine, voice, config, lexicon_for, voice_for)
    if not sentences:
        raise ToolkitError(
            f"{label}: the article has no text to speak: write its text (or leave it out)"
        )
    spoken_blocks = [b.text.strip() for b in blocks if b.kind != "code" and b.text.strip()]
    transcript = "\n\n".join(spoken_blocks)
    rows = [[s.text, s.spoken, s.voice, s.block, s.kind] for s in sentences]
    settings = _settings(engine, config, locale, title)
    inputs = digest(json.dumps([settings, rows, transcript], ensure_ascii=False, sort_keys=True))
    files = tuple(Path(out_dir) / name for name in OUTPUTS)
    stored = None
    if state_path is not None and not force:
        state = _read_state(state_path)
        if state.get("inputs") == inputs and all(f.is_file() for f in files):
            stored = state["result"]
    return Prepared(
        tuple(blocks),
        locale,
        voice,
        title,
        label,
        tuple(sentences),
        transcript,
        inputs,
        files,
        state_path,
        stored,
    )


def finish_article(
    prepared: Prepared,
    audio: dict[str, Synthesis],
    synthesized: int,
    engine_name: str,
    config: AudioConfig,
) -> AudioResult:
    """Assemble, normalize loudness, encode, tag, caption and write one article."""
    sentences = prepared.sentences
    pcm, rate, spans = assemble(sentences, audio, config)
    pcm, levels = normalize_loudness(pcm, rate)
    mp3 = encode_mp3(pcm, rate)
    # lameenc writes no gapless header: a decoder plays `delay` samples of silence first and
    # pads the last frame, so times are shifted by the delay and the end is the MP3's own.
    duration = mp3_duration(mp3)
    delay = encoder_delay(rate)

    def at(sample: int) -> float:
        return (sample + delay) / rate

    cues = [
        Cue(at(start), at(end), s.text) for s, (start, end) in zip(sentences, spans, strict=True)
    ]
    cues[-1] = Cue(cues[-1].start, duration, cues[-1].text)  # the last cue ends with the audio
    chapters = _chapters(prepared.blocks, sentences, cues, duration)
    tagged = tag_mp3(
        mp3,
        title=prepared.title,
        language=iso639_2(prepared.locale),
        publisher=config.publisher,
        transcript=prepared.transcript,
        chapters=chapters,
    )
    words = sum(count_words(s.spoken) for s in sentences)
    minutes = len(pcm) / rate / 60
    speaking = sum(end - start for start, end in spans) / rate / 60
    result = {
        "duration": round(duration, 3),
        "pace": round(words / speaking, 1) if speaking else 0.0,
        "overall_pace": round(words / minutes, 1) if minutes else 0.0,
        "words": words,
        "loudness": round(levels.loudness, 2),
        "peak": round(levels.peak, 2),
        "engine": engine_name,
        "voice": prepared.voice,
        "sentences": len(sentences),
        "synthesized": synthesized,
    }
    chapter_cues = [Cue(c.start, c.end, c.title) for c in chapters]
    contents = (tagged, webvtt(cues).encode("utf-8"), webvtt(chapter_cues).encode("utf-8"))
    # Every byte is ready before the first file is replaced: an error leaves the old set.
    for path, data in zip(prepared.files, contents, strict=True):
        write_atomic(path, data)
    if prepared.state_path is not None:
        state = {"inputs": prepared.inputs, "result": {**result, "synthesized": 0}}
        data = json.dumps(state, indent=1, sort_keys=True).encode() + b"\n"
        write_atomic(prepared.state_path, data)
    log.info(
        "%s: %.1f s, %.0f wpm, %.1f LUFS", prepared.label, duration, result["pace"], levels.loudness
    )
    return AudioResult(files=prepared.files, written=prepared.files, **result)


def _up_to_date(prepared: Prepared) -> AudioResult:
    assert prepared.stored is not None
    return AudioResult(files=prepared.files, up_to_date=True, **prepared.stored)


def synthesize_article(
    blocks: Sequence[TextBlock],
    locale: str,
    engine: Engine,
    voice: str,
    config: AudioConfig,
    out_dir: Path,
    title: str,
    *,
    cache_dir: Path,
    project_lexicon: Callable[[str], Path] | None = None,
    state_path: Path | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    force: bool = False,
    label: str = "",
) -> AudioResult:
    """Speak `blocks` with `engine`/`voice`; write audio.mp3, captions.vtt, chapters.vtt.

    `project_lexicon` is `ProjectPaths.lexicon` (the coordinator's lexicon files);
    `state_path` remembers this pair's inputs so that an unchanged pair is not re-encoded.
    Nothing is written when anything fails: every file is complete before it replaces one.
    """
    prepared = prepare_article(
        blocks,
        locale,
        engine,
        voice,
        config,
        out_dir,
        title,
        project_lexicon=project_lexicon,
        state_path=state_path,
        force=force,
        label=label,
    )
    if prepared.stored is not None:
        return _up_to_date(prepared)
    audio, synthesized = synthesize_all(
        prepared.sentences,
        engine,
        config.rate,
        AudioCache(cache_dir),
        workers=workers,
        progress=progress,
        label=prepared.label,
    )
    return finish_article(prepared, audio, synthesized, engine.name, config)


def _chapters(
    blocks: Sequence[TextBlock], sentences: Sequence[Sentence], cues: Sequence[Cue], end: float
) -> list[Chapter]:
    """One chapter per heading, from its first sentence to the next heading (or the end)."""
    starts: list[tuple[str, float]] = []
    seen: set[int] = set()
    for sentence, cue in zip(sentences, cues, strict=True):
        if sentence.kind == "heading" and sentence.block not in seen:
            seen.add(sentence.block)
            starts.append((blocks[sentence.block].text.strip(), cue.start))
    chapters = []
    for i, (heading, start) in enumerate(starts):
        stop = starts[i + 1][1] if i + 1 < len(starts) else end
        chapters.append(Chapter(heading, start, stop))
    return chapters


def _read_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("result"), dict) else {}


# -- voices and engines ------------------------------------------------------------------


def resolve_voice(
    engine: Engine, locale: str, config: AudioConfig, root: Path | None = None
) -> str:
    """The configured (or default) voice of `engine` for `locale`.

    When the engine cannot speak the locale, the error names the engines that could: never
    another language's voice.
    """
    from .engines.registry import configured_voice, engines_for_locale

    try:
        return engine.resolve_voice(locale, configured_voice(config, engine.name, locale))
    except EngineError as exc:
        if configured_voice(config, engine.name, locale):
            raise  # a configured voice that does not exist: the engine's message says which
        others = [
            f"{name} ({voice})"
            for name, voice in engines_for_locale(locale, config, root or Path("."))
            if name != engine.name
        ]
        could = (
            f"engines that can: {', '.join(others)} (use --engine)"
            if others
            else "no available engine can speak it"
        )
        raise EngineError(f"{exc}; {could}") from None


# -- the stage -----------------------------------------------------------------------------


def _encode_job(
    prepared: Prepared, cache_dir: str, engine_name: str, config: AudioConfig
) -> AudioResult:
    """In a worker: every sentence is in the cache by now; assemble and encode one pair."""
    cache = AudioCache(Path(cache_dir))
    audio: dict[str, Synthesis] = {}
    for sentence in prepared.sentences:
        hit = cache.get(sentence.key)
        if hit is None:  # the cache was cleared under us: say so rather than guess
            raise ToolkitError(f"{prepared.label}: audio cache entry vanished; run again")
        audio[sentence.key] = hit
    return finish_article(prepared, audio, 0, engine_name, config)


def generate_audio(
    project: Any,
    locales: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    engine: str | None = None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    force: bool = False,
) -> StageResult:
    """Audio for every publishable (article, locale) pair of `project`.

    Pairs that are not publishable are skipped with the reason. The engine is checked before
    any work: unknown, unavailable, or unable to speak a requested locale is an EngineError.
    Every pair is planned first; then all missing sentences are synthesized in one pool over
    the CPU cores; then the pairs are assembled and encoded, in parallel too.
    """
    from ..publishing import assess
    from ..render import render_pair, source_pair
    from .engines.registry import get_engine

    config: AudioConfig = project.config.audio
    paths = project.paths
    name = engine or config.engine
    speaker = get_engine(name, config, project.root)
    ok, why = speaker.available()
    if not ok:
        raise EngineError(f"engine {name!r} is not available: {why}")
    chosen = project.select_locales(list(locales or []))
    articles = project.articles(list(slugs or []) or None)
    voices = {locale: resolve_voice(speaker, locale, config, project.root) for locale in chosen}
    result = StageResult("audio")
    jobs: list[Prepared] = []
    for locale in chosen:
        for article in articles:
            what = f"{locale}/{article.slug}"
            if locale == project.source_locale:
                pair = source_pair(project, article)
            else:
                pair = render_pair(project, article, locale)
            if pair is None:
                reasons = assess(project, article, locale).reasons
                result.skipped.append((what, "; ".join(reasons) or "not publishable"))
                continue
            prepared = prepare_article(
                pair.blocks,
                locale,
                speaker,
                voices[locale],
                config,
                paths.article_site(locale, article.slug),
                pair.title,
                project_lexicon=paths.lexicon,
                state_path=paths.audio_state(locale, article.slug),
                force=force,
                label=what,
            )
            if prepared.stored is not None:
                result.unchanged += 1
            else:
                jobs.append(prepared)
    if not jobs:
        return result
    cache = AudioCache(paths.audio_cache_dir)
    everything = [s for job in jobs for s in job.sentences]
    _, synthesized = synthesize_all(
        everything,
        speaker,
        config.rate,
        cache,
        workers=workers,
        progress=progress,
        label="synthesizing",
        load=False,
    )
    count = min(len(jobs), workers if workers is not None else (os.cpu_count() or 1))
    done: list[AudioResult] = []
    if count > 1:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(count, multiprocessing.get_context(method)) as pool:
            futures = [
                pool.submit(_encode_job, job, str(cache.folder), speaker.name, config)
                for job in jobs
            ]
            for index, future in enumerate(futures, 1):
                done.append(future.result())
                if progress:
                    progress(index, len(jobs), f"encoding {jobs[index - 1].label}")
    else:
        for index, job in enumerate(jobs, 1):
            done.append(_encode_job(job, str(cache.folder), speaker.name, config))
            if progress:
                progress(index, len(jobs), f"encoding {job.label}")
    for job, audio in zip(jobs, done, strict=True):
        result.written += [paths.relative(p) for p in audio.written]
        result.notes.append(
            f"{job.label}: {audio.duration:.1f} s, {audio.pace:.0f} words/min "
            f"({audio.overall_pace:.0f} with pauses), "
            f"{audio.loudness:.1f} LUFS, peak {audio.peak:.1f} dBFS ({audio.engine} {audio.voice})"
        )
    result.notes.append(
        f"synthesized {synthesized} of {len({s.key for s in everything})} sentences "
        "(the rest from the cache)"
    )
    return result
