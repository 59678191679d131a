"""The audio stage: rendered blocks -> sentences -> engine (through the cache) -> MP3 + captions.

Everything here is the same for every engine: sentence splitting, normalization, pace, pauses,
timing, loudness, MP3, tags, captions, caching, parallel synthesis and the per-pair
"nothing to do" check. An engine only ever sees one normalized sentence at a time.

Pace is measured on the result: words over the whole file, pauses included. Sentences are
asked for a little faster than the configured rate (`speech_rate`), and each article's pauses
are then fitted (between bounds that keep them clearly audible) so that words / (speech +
pauses) comes out at the rate. How fast an engine really speaks when asked for a rate is
measured once per voice, on the first sentences it speaks, and kept beside the audio cache
(`pace.json`): no sentence is ever synthesized twice to correct its pace.
"""

from __future__ import annotations

import atexit
import itertools
import json
import logging
import os
import pickle
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import AudioConfig
from ..errors import EngineError, ToolkitError
from ..files import write_atomic, write_if_changed
from ..locales import normalize_locale
from ..models import StageResult, TextBlock
from .cache import AudioCache, cache_key, to_int16
from .captions import Cue, webvtt
from .encode import (
    MP3_KBPS,
    MP3_RATES,
    PEAK_CEILING_DB,
    TARGET_LUFS,
    Chapter,
    encoder_delay,
    iso639_2,
    master,
    mp3_duration,
    resample,
    tag_mp3,
)
from .engines.base import Engine
from .normalize import Lexicon, load_lexicon, normalize_text
from .sentence_codec import FORMAT as STORE_FORMAT

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
OUTPUTS = ("audio.mp3", "captions.vtt", "chapters.vtt")
#: engines that must not run in parallel (gTTS: the throttle is per process, see registry)
_SERIAL_ENGINES = {"gtts"}
#: engines whose pace cannot be asked for (gTTS speaks at its own): never calibrated
_FIXED_PACE_ENGINES = {"gtts"}
#: samples quieter than this (dBFS) at a sentence's edges are the engine's own silence
_SILENCE_DB = -50.0
_EDGE_KEEP_SECONDS = 0.02

#: the share of an article's time that its pauses take: sentences are asked for at
#: rate / (1 - share), so that with the pauses the whole runs at the rate
PAUSE_SHARE = 0.14
#: a pause before a heading is this much longer than between paragraphs
HEADING_PAUSE_FACTOR = 1.5
#: pauses are fitted per article between these bounds (seconds; never above the configured
#: pause itself for the minimum): short enough to keep the pace, long enough to be heard
MIN_SENTENCE_PAUSE = 0.25
MIN_PARAGRAPH_PAUSE = 0.5
MAX_PAUSE_STRETCH = 2.0
#: words of a voice's first sentences its pace calibration is measured on
CALIBRATION_WORDS = 150
_FACTOR_BOUNDS = (0.5, 2.0)


def speech_rate(rate: int) -> int:
    """Words a minute the sentences themselves are spoken at, for a result at `rate`."""
    return round(rate / (1 - PAUSE_SHARE))


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
class Clip:
    """One sentence's speech, its own leading and trailing silence cut: 16-bit samples."""

    pcm: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / self.sample_rate


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
    in Chinese; Vietnamese words are counted per written syllable too). A number left in
    digits for the voice (Arabic) counts as the words it is read as: one per non-zero digit,
    the "and"s between them, and the decimal mark (120 is three, 2.5 is three)."""
    cjk = len(_CJK.findall(text))
    text = _CJK.sub(" ", text)
    spoken_digits = 0
    for number in _DIGITS.findall(text):
        for run in re.split(r"[.,]", number):
            nonzero = sum(ch != "0" for ch in run)
            spoken_digits += max(1, 2 * nonzero - 1)
        spoken_digits += len(re.findall(r"[.,]", number))
    words = len(_WORD.findall(_DIGITS.sub(" ", text)))
    return cjk + words + spoken_digits


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def _split(text: str, locale: str) -> list[str]:
    from ..readability import split_sentences

    return [s.strip() for s in split_sentences(text, locale) if s.strip()]


def _speakable(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


_warned: set[tuple[str, str]] = set()


def _warn_once(locale: str, warning: str) -> None:
    """What a locale cannot say, once per process (an article repeats its tokens)."""
    if (locale, warning) not in _warned:
        _warned.add((locale, warning))
        log.warning("%s: %s", locale, warning)


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
            normalized = normalize_text(text, block_locale, lexicon)
            spoken = normalized.text
            for warning in normalized.warnings:
                _warn_once(block_locale, warning)
            if not _speakable(spoken):
                continue
            key = cache_key(engine.name, version, block_voice, speech_rate(config.rate), spoken)
            sentences.append(
                Sentence(text, spoken, block_locale, block_voice, index, block.kind, key)
            )
    return sentences


# -- pace calibration ----------------------------------------------------------------------


class PaceTable:
    """How fast each voice really speaks when asked for a rate: `measured / asked`, measured
    once per (engine, version, voice, rate) on the first sentences it speaks, then kept in
    `pace.json` beside the audio cache.

    Engines pace by syllables or phonemes (espeak-ng runs 15 % slow in English and 30 % fast
    in Vietnamese syllables at the same setting), so the engine's own notion of a rate is
    corrected once per voice rather than per sentence.
    """

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "pace.json"

    @staticmethod
    def _key(engine: str, version: str, voice: str, rate: int) -> str:
        return json.dumps([engine, version, voice, rate], ensure_ascii=False)

    def _load(self) -> dict[str, float]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {k: float(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, engine: str, version: str, voice: str, rate: int) -> float | None:
        return self._load().get(self._key(engine, version, voice, rate))

    def put(self, engine: str, version: str, voice: str, rate: int, factor: float) -> None:
        data = self._load()
        data[self._key(engine, version, voice, rate)] = round(factor, 4)
        write_atomic(self.path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


def _calibration_sample(
    sentences: Sequence[Sentence], engine: Engine, rate: int, table: PaceTable
) -> tuple[list[Sentence], dict[str, float]]:
    """About CALIBRATION_WORDS words of every voice whose pace is not known yet, spread
    evenly over its sentences (one article's wording is not every article's), and the known
    factors of the other voices. A voice with little to say is sampled whole."""
    if engine.name in _FIXED_PACE_ENGINES:
        return [], {}
    version = engine.version()
    known: dict[str, float] = {}
    by_voice: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        voice = sentence.voice
        if voice in known:
            continue
        if voice not in by_voice:
            factor = table.get(engine.name, version, voice, rate)
            if factor is not None:
                known[voice] = factor
                continue
            by_voice[voice] = []
        by_voice[voice].append(sentence)
    chosen: set[str] = set()
    for group in by_voice.values():
        # every k-th sentence, for about CALIBRATION_WORDS words in all
        words = sum(count_words(s.spoken) for s in group)
        step = max(1, round(words / CALIBRATION_WORDS))
        chosen.update(s.key for s in group[::step])
    return [s for s in sentences if s.key in chosen], known


def _learn(
    sample: Sequence[Sentence],
    seconds: dict[str, float],
    engine: Engine,
    rate: int,
    table: PaceTable,
) -> dict[str, float]:
    """Each sampled voice's factor (measured / asked words a minute); kept when the sample
    was long enough to trust (a short article is spoken whole at the engine's own pace)."""
    spoken: dict[str, list[float]] = {}
    for sentence in sample:
        if sentence.key in seconds:
            totals = spoken.setdefault(sentence.voice, [0.0, 0.0])
            totals[0] += count_words(sentence.spoken)
            totals[1] += seconds[sentence.key]
    factors = {}
    for voice, (words, time) in spoken.items():
        if not time or not words:
            continue
        low, high = _FACTOR_BOUNDS
        factors[voice] = min(high, max(low, words / time * 60 / rate))
        if words >= CALIBRATION_WORDS / 2:
            table.put(engine.name, engine.version(), voice, rate, factors[voice])
    return factors


# -- synthesis (through the cache, over the CPU cores) -----------------------------------


def _trim(pcm: np.ndarray, rate: int) -> np.ndarray:
    """Cut the engine's own leading/trailing silence: the pipeline owns the pauses."""
    threshold = 10 ** (_SILENCE_DB / 20) * (32767 if pcm.dtype == np.int16 else 1)
    loud = np.flatnonzero(np.abs(pcm) > threshold)
    if not len(loud):
        return pcm[:0]
    keep = int(rate * _EDGE_KEEP_SECONDS)
    return pcm[max(0, loud[0] - keep) : loud[-1] + 1 + keep]


#: (cache key, normalized sentence, voice, words a minute to ask the engine for)
Item = tuple[str, str, str, int]
#: (cache key, the clip or None when not kept, its sample rate, its seconds of speech)
Done = tuple[str, "Clip | None", int, float]


def _speak(engine: Engine, item: Item, cache: AudioCache, keep: bool) -> Done:
    """Synthesize one sentence, store it (trimmed, 16-bit) in the cache at once."""
    key, spoken, voice, asked = item
    # a sentence spoken before (then evicted) is asked for what it was asked then: the pace
    # calibration's sample was spoken at the plain rate, the rest at the corrected one
    asked = cache.asked(key, asked)
    synthesis = engine.synthesize(spoken, voice, asked)
    rate = int(synthesis.sample_rate)
    pcm = _trim(to_int16(synthesis.pcm), rate).copy()
    pcm = cache.put_pcm(key, pcm, rate)  # as a later hit reads it back: the store rounds
    return key, Clip(_trim(pcm, rate), rate) if keep else None, rate, len(pcm) / rate


_worker_engines: dict[bytes, Engine] = {}


def _engine_from(blob: bytes) -> Engine:
    """In a worker: the engine, unpickled once per process (a Piper model loads once)."""
    if blob not in _worker_engines:
        _worker_engines[blob] = pickle.loads(blob)
    return _worker_engines[blob]


def _speak_batch(blob: bytes, items: list[Item], cache_dir: str, keep: bool) -> list[Done]:
    engine = _engine_from(blob)
    cache = AudioCache(Path(cache_dir))
    return [_speak(engine, item, cache, keep) for item in items]


_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _get_pool(count: int) -> ProcessPoolExecutor:
    """A pool of `count` workers kept warm across articles (the site builder asks for one
    article at a time): forking and importing once, not once per pair."""
    global _pool, _pool_size
    if _pool is None or _pool_size < count:
        _drop_pool()
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        from ..workers import process_pool

        _pool = process_pool(count, multiprocessing.get_context(method))
        _pool_size = count
    return _pool


def _drop_pool() -> None:
    global _pool
    if _pool is not None:
        pool, _pool = _pool, None
        # running batches finish (and cache what they spoke); queued ones are dropped
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(_drop_pool)


def _as_completed(futures: set[Future[Any]]) -> Iterator[Any]:
    """Results as they come; on any error the warm pool is dropped (its queue cancelled)."""
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    except BaseException:
        for future in pending:
            future.cancel()
        _drop_pool()
        raise


def _workers(engine: Engine | None, wanted: int | None, jobs: int, per_worker: int = 4) -> int:
    if engine is not None and engine.name in _SERIAL_ENGINES:
        return 1
    limit = getattr(engine, "max_workers", None)
    count = wanted if wanted is not None else (os.cpu_count() or 1)
    if isinstance(limit, int) and limit > 0:
        count = min(count, limit)
    # starting a process costs more than espeak needs for a few sentences
    return max(1, min(count, jobs // per_worker))


class _Run:
    """Synthesis of a list of items, serially or over the warm pool, with progress."""

    def __init__(
        self,
        engine: Engine,
        cache: AudioCache,
        count: int,
        keep: bool,
        total: int,
        progress: Progress | None,
        label: str,
    ) -> None:
        self.engine, self.cache, self.count, self.keep = engine, cache, count, keep
        self.total, self.progress, self.label = total, progress, label
        self.done = 0

    def __call__(self, items: list[Item]) -> list[Done]:
        out: list[Done] = []
        if self.count == 1 or len(items) < 2:
            for item in items:
                out.append(_speak(self.engine, item, self.cache, self.keep))
                self._tick(1)
            return out
        size = max(1, min(32, len(items) // (self.count * 4)))
        blob = pickle.dumps(self.engine)
        pool = _get_pool(self.count)
        futures = {
            pool.submit(_speak_batch, blob, items[i : i + size], str(self.cache.folder), self.keep)
            for i in range(0, len(items), size)
        }
        for batch in _as_completed(futures):
            out += batch
            self._tick(len(batch))
        return out

    def _tick(self, count: int) -> None:
        self.done += count
        if self.progress:
            self.progress(self.done, self.total, self.label)


def _load_clip(cache: AudioCache, key: str) -> Clip | None:
    found = cache.get_pcm(key)
    if found is None:
        return None
    return Clip(_trim(found[0], found[1]), found[1])


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
    calibrate_on: Sequence[Sentence] | None = None,
    factors_out: dict[str, float] | None = None,
) -> tuple[dict[str, Clip], int]:
    """Speech per cache key (cached or new) and how many sentences were synthesized now.

    `rate` is the speech rate (`speech_rate`). A voice whose pace is not known yet speaks its
    first sentences first, at the rate as asked; the rest then at the rate corrected by what
    was measured. With `load=False` only the missing sentences are synthesized (and cached);
    nothing is read or kept in memory (a whole project's PCM would not fit comfortably).

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
        hit = _load_clip(cache, sentence.key) if load else None
        if hit is not None:
            results[sentence.key] = hit
        elif load or not cache.has(sentence.key):
            missing[sentence.key] = sentence
    total = len(missing)
    if not total and calibrate_on is None:
        return results, 0
    table = PaceTable(cache.folder)
    population = {s.key: s for s in (sentences if calibrate_on is None else calibrate_on)}
    sample, factors = _calibration_sample(list(population.values()), engine, rate, table)
    measured = _cached_seconds(cache, [s for s in sample if s.key not in missing])
    sample_missing = [s for s in sample if s.key in missing]
    run = _Run(engine, cache, _workers(engine, workers, total), load, total, progress, label)
    if progress:
        progress(0, total, label)
    done = run([(s.key, s.spoken, s.voice, rate) for s in sample_missing])
    measured.update({d[0]: d[3] for d in done})
    factors.update(_learn(sample, measured, engine, rate, table))
    if factors_out is not None:
        factors_out.update(factors)
    sampled = {s.key for s in sample}
    rest = [s for s in missing.values() if s.key not in sampled]
    done += run([(s.key, s.spoken, s.voice, _asked(rate, factors.get(s.voice))) for s in rest])
    for key, clip, _, _ in done:
        if clip is not None:
            results[key] = clip
    return results, total


def _cached_seconds(cache: AudioCache, sentences: Sequence[Sentence]) -> dict[str, float]:
    """Seconds of speech of each cached sentence (as `_speak` measured it when it was made)."""
    seconds = {}
    for sentence in sentences:
        found = cache.get_pcm(sentence.key)
        if found is not None:
            seconds[sentence.key] = len(found[0]) / found[1]
    return seconds


def _asked(rate: int, factor: float | None) -> int:
    return max(1, round(rate / factor)) if factor else rate


# -- assembly ----------------------------------------------------------------------------


def output_rate(rates: Sequence[int]) -> int:
    """One rate for the whole file: the engines' own when it is an MP3-friendly one."""
    distinct = set(rates)
    if len(distinct) == 1 and (only := distinct.pop()) in MP3_RATES:
        return only
    return max(MP3_RATES)


def _pause_bounds(
    previous: Sentence, sentence: Sentence, config: AudioConfig
) -> tuple[float, float]:
    """(nominal, minimum) seconds of silence between two sentences."""
    between = config.sentence_pause_ms / 1000
    paragraph = config.paragraph_pause_ms / 1000
    if previous.block == sentence.block:
        nominal, least = between, MIN_SENTENCE_PAUSE
    elif sentence.kind == "heading":
        nominal = paragraph * HEADING_PAUSE_FACTOR
        least = MIN_PARAGRAPH_PAUSE * HEADING_PAUSE_FACTOR
    elif previous.kind == sentence.kind == "list item":  # items of a list: half-way
        nominal, least = (between + paragraph) / 2, MIN_SENTENCE_PAUSE
    else:
        nominal, least = paragraph, MIN_PARAGRAPH_PAUSE
    return nominal, min(least, nominal)


def fit_pauses(nominal: Sequence[float], minimum: Sequence[float], budget: float) -> list[float]:
    """Pauses that add up to `budget` seconds: every nominal pause scaled by one factor, each
    kept between its minimum and MAX_PAUSE_STRETCH times its nominal length (so the budget
    is met only when the bounds allow: short articles full of headings end at the minimums).
    """
    high = [n * MAX_PAUSE_STRETCH for n in nominal]

    def fitted(scale: float) -> list[float]:
        return [min(h, max(lo, n * scale)) for n, lo, h in zip(nominal, minimum, high, strict=True)]

    if budget <= sum(minimum):
        return list(minimum)
    if budget >= sum(high):
        return high
    low_scale, high_scale = 0.0, MAX_PAUSE_STRETCH
    for _ in range(50):  # the sum is monotonic in the scale: bisect to well under a sample
        middle = (low_scale + high_scale) / 2
        if sum(fitted(middle)) < budget:
            low_scale = middle
        else:
            high_scale = middle
    return fitted((low_scale + high_scale) / 2)


def assemble(
    sentences: Sequence[Sentence], audio: dict[str, Clip], config: AudioConfig
) -> tuple[list[tuple[int, np.ndarray]], int, list[tuple[int, int]]]:
    """The article as (pause samples, 16-bit speech) segments at one rate, and each
    sentence's (start, end) in samples. The pauses are fitted so that the whole file runs
    at `config.rate` words a minute."""
    rate = output_rate([audio[s.key].sample_rate for s in sentences])
    clips = []
    for sentence in sentences:
        clip = audio[sentence.key]
        pcm = clip.pcm
        if clip.sample_rate != rate:
            pcm = _trim(to_int16(resample(pcm / 32767, clip.sample_rate, rate)), rate)
        clips.append(pcm)
    bounds = [_pause_bounds(a, b, config) for a, b in itertools.pairwise(sentences)]
    speech = sum(len(pcm) for pcm in clips) / rate
    words = sum(count_words(s.spoken) for s in sentences)
    budget = words * 60 / config.rate - speech if config.rate > 0 else 0.0
    pauses = [0.0] + fit_pauses([b[0] for b in bounds], [b[1] for b in bounds], budget)
    segments = []
    spans: list[tuple[int, int]] = []
    position = 0
    for pause, pcm in zip(pauses, clips, strict=True):
        gap = int(round(pause * rate))
        spans.append((position + gap, position + gap + len(pcm)))
        segments.append((gap, pcm))
        position += gap + len(pcm)
    return segments, rate, spans


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
        # how pauses and pace are made: a change re-encodes every pair
        "pace": [PAUSE_SHARE, MIN_SENTENCE_PAUSE, MIN_PARAGRAPH_PAUSE, MAX_PAUSE_STRETCH],
        "sentence_store": STORE_FORMAT,  # the samples the cache gives back (sentence_codec)
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
    #: digest of the raw input files and settings (see `_quick_key`), kept in the state
    quick: str = ""


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
    quick: str = "",
) -> Prepared:
    """Split, normalize and key every sentence; compare with the remembered inputs."""
    from ..state import digest

    locale = normalize_locale(locale)
    lexicons: dict[str, Lexicon] = {}
    voices: dict[str, str] = {locale: voice}

    def lexicon_for(code: str) -> Lexicon:
        if code not in lexicons:
            lexicon = load_lexicon(code, project_lexicon)
            lexicons[code] = lexicon.with_phone_numbers(tuple(config.phone_numbers))
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
        # the files must be the ones recorded: a run killed after it rewrote them is stale
        if state.get("inputs") == inputs and _outputs_match(state, files):
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
        quick,
    )


def finish_article(
    prepared: Prepared,
    audio: dict[str, Clip],
    synthesized: int,
    engine_name: str,
    config: AudioConfig,
) -> AudioResult:
    """Assemble, level, encode, tag, caption and write one article."""
    sentences = prepared.sentences
    segments, rate, spans = assemble(sentences, audio, config)
    mp3, levels = master(segments, rate)
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
    minutes = spans[-1][1] / rate / 60
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
        state = {
            "inputs": prepared.inputs,
            "quick": prepared.quick,
            "result": {**result, "synthesized": 0},
            "outputs": _record_outputs(prepared.files),
        }
        data = json.dumps(state, indent=1, sort_keys=True).encode() + b"\n"
        write_atomic(prepared.state_path, data)
    log.info(
        "%s: %.1f s, %.0f wpm, %.1f LUFS",
        prepared.label,
        duration,
        result["overall_pace"],
        levels.loudness,
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
        speech_rate(config.rate),
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


def _outputs_match(state: dict[str, Any], files: Sequence[Path]) -> bool:
    from .. import outputs

    return outputs.matches(state.get("outputs"), {Path(f).name: Path(f) for f in files})


def _record_outputs(files: Sequence[Path]) -> dict[str, Any]:
    from .. import outputs

    return outputs.record({Path(f).name: Path(f) for f in files})


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


#: language codes that name the same language as another code (espeak's cmn and yue are
#: Chinese; gTTS keeps the old iw, jw, tl)
_SAME_LANGUAGE = {"cmn": "zh", "yue": "zh", "iw": "he", "jw": "jv", "tl": "fil", "no": "nb"}


def _language(tag: str) -> str:
    # gettext's modifier too: sr@latin is Serbian
    first = tag.replace("_", "-").replace("@", "-").split("-")[0].lower()
    return _SAME_LANGUAGE.get(first, first)


def engine_for(config: AudioConfig, locale: str, override: str | None = None) -> str:
    """The engine that speaks `locale`: --engine, else `[tool.toolkit.audio.engines]`'s
    entry for the locale (or its language), else `engine`."""
    if override:
        return override
    wanted = normalize_locale(locale)
    for key, name in config.engines.items():
        if normalize_locale(key) == wanted:
            return name
    for key, name in config.engines.items():
        if normalize_locale(key) == wanted.split("_")[0]:
            return name
    return config.engine


def check_voice(engine: Engine, locale: str, voice: str) -> str | None:
    """Why `voice` of `engine` must not speak `locale` (None when it may): a voice declares
    its languages (espeak's voice list, Piper's model config, gTTS's language codes)."""
    languages = getattr(engine, "voice_languages", None)
    if languages is None:
        return None  # a plugin that does not say: its resolve_voice is all we have
    try:
        tags = tuple(languages(voice))
    except EngineError as exc:
        return str(exc)
    wanted = _language(locale)
    if any(_language(tag) == wanted for tag in tags):
        return None
    return (
        f"{engine.name} voice {voice!r} speaks {', '.join(tags) or 'an unknown language'}, "
        f"not {locale}: set a {locale} voice in [tool.toolkit.audio.voices.{engine.name}] "
        f"(`toolkit engines --locale {locale}` lists them)"
    )


def check_voices(
    project: Any, locales: Sequence[str], engine: str | None = None
) -> dict[str, tuple[Engine, str]]:
    """(engine, voice) for every locale, all checked before any work: an unknown or
    unavailable engine, a voice that does not exist and a voice of another language are
    one EngineError listing every problem."""
    from .engines.registry import get_engine

    config: AudioConfig = project.config.audio
    engines: dict[str, Engine] = {}
    chosen: dict[str, tuple[Engine, str]] = {}
    problems: list[str] = []
    broken: set[str] = set()
    for locale in locales:
        name = engine_for(config, locale, engine)
        if name in broken:
            continue
        try:
            if name not in engines:
                speaker = get_engine(name, config, project.root)
                ok, why = speaker.available()
                if not ok:
                    raise EngineError(f"engine {name!r} is not available: {why}")
                engines[name] = speaker
        except EngineError as exc:
            broken.add(name)
            problems.append(str(exc))  # the engine's, not one locale's
            continue
        speaker = engines[name]
        try:
            voice = resolve_voice(speaker, locale, config, project.root)
        except EngineError as exc:
            problems.append(f"{locale}: {exc}; nothing was synthesized")
            continue
        problem = check_voice(speaker, locale, voice)
        if problem:
            problems.append(f"{locale}: {problem}; nothing was synthesized")
        else:
            chosen[locale] = (speaker, voice)
    if problems:
        unique = [p.removesuffix("; nothing was synthesized") for p in problems]
        if len(problems) == 1:
            raise EngineError(problems[0])
        raise EngineError(
            f"{len(unique)} engine and voice problems, nothing was synthesized:\n"
            + "\n".join(f"  - {p}" for p in unique)
        )
    return chosen


# -- the stage -----------------------------------------------------------------------------


def _clips(prepared: Prepared, cache: AudioCache, speak: Callable[[Sentence], Clip] | None):
    """Every sentence of a pair from the cache; a missing one from `speak`, or an error."""
    audio: dict[str, Clip] = {}
    spoken = 0
    for sentence in prepared.sentences:
        if sentence.key in audio:
            continue
        clip = _load_clip(cache, sentence.key)
        if clip is None:
            if speak is None:  # the cache was cleared under us: say so rather than guess
                raise ToolkitError(f"{prepared.label}: audio cache entry vanished; run again")
            clip = speak(sentence)
            spoken += 1
        audio[sentence.key] = clip
    return audio, spoken


def _pair_job(
    prepared: Prepared, blob: bytes, cache_dir: str, factors: dict[str, float], config: AudioConfig
) -> tuple[str, AudioResult]:
    """In a worker, one pair from start to end: its missing sentences spoken (no other pair
    needs them), the rest read from the cache, then assembled, encoded and written. The new
    speech goes straight into the MP3, never read back from the cache."""
    engine = _engine_from(blob)
    cache = AudioCache(Path(cache_dir))
    rate = speech_rate(config.rate)

    def speak(sentence: Sentence) -> Clip:
        item = (
            sentence.key,
            sentence.spoken,
            sentence.voice,
            _asked(rate, factors.get(sentence.voice)),
        )
        clip = _speak(engine, item, cache, True)[1]
        assert clip is not None
        return clip

    audio, spoken = _clips(prepared, cache, speak)
    return prepared.label, finish_article(prepared, audio, spoken, engine.name, config)


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


def _speak_jobs(
    project: Any,
    jobs: list[Prepared],
    speaker: Engine,
    config: AudioConfig,
    done: dict[str, AudioResult],
    progress: Progress | None,
    workers: int | None,
) -> int:
    """Synthesize, assemble and write the planned pairs of one engine; how many sentences
    were spoken now."""
    cache = AudioCache.of(project)
    rate = speech_rate(config.rate)
    everything = [s for job in jobs for s in job.sentences]
    count = _workers(speaker, workers, len(jobs), per_worker=2)
    # the longest pairs first: the last worker to finish is not left with a long one
    jobs.sort(key=lambda job: -sum(len(s.spoken) for s in job.sentences))
    if count > 1:
        table = PaceTable(cache.folder)
        unique = list({s.key: s for s in everything if not cache.has(s.key)}.values())
        # drawn from every sentence, cached or not: the same sample after a killed run
        sample, _ = _calibration_sample(
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
            workers=count,
            progress=progress,
            label="calibrating",
            load=False,
            calibrate_on=everything,
            factors_out=factors,
        )
        version = speaker.version()
        for voice in {s.voice for s in unique} - set(factors):
            if (factor := table.get(speaker.name, version, voice, rate)) is not None:
                factors[voice] = factor
        blob = pickle.dumps(speaker)
        pool = _get_pool(count)
        futures = {
            pool.submit(_pair_job, job, blob, str(cache.folder), factors, config) for job in jobs
        }
        for index, (label, audio) in enumerate(_as_completed(futures), 1):
            done[label] = audio
            synthesized += audio.synthesized
            if progress:
                progress(index, len(jobs), f"speaking and encoding {label}")
    else:
        # One pair at a time, its sentences over the cores and kept in memory: what is
        # spoken goes straight into the MP3, never written and read back (issue 14).
        synthesized = 0
        for index, job in enumerate(jobs, 1):
            audio, spoken = synthesize_all(
                job.sentences,
                speaker,
                rate,
                cache,
                workers=workers,
                progress=progress,
                label=job.label,
            )
            done[job.label] = finish_article(job, audio, spoken, speaker.name, config)
            synthesized += spoken
            if progress:
                progress(index, len(jobs), f"encoding {job.label}")
    return synthesized


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
) -> StageResult:
    """Audio for every publishable (article, locale) pair of `project` (the source language
    included when no locale is asked for, as in the site).

    Pairs that are not publishable are skipped with the reason. The engine is checked before
    any work: unknown, unavailable, or unable to speak a requested locale is an EngineError.
    Every pair is planned first. With many pairs, the voices' pace calibration and sentences
    shared by several pairs are synthesized first; then each pair is spoken, assembled and
    encoded by one worker. With few pairs (a long article), sentences are spread over the
    cores first, then the pairs are encoded.
    """
    from ..publishing import assess, join_reasons
    from ..render import render_assessed, source_pair

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
                and (stored_state := _read_state(state_path)).get("quick") == quick
                and _outputs_match(stored_state, [site / name for name in OUTPUTS])
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
                state = {
                    "inputs": prepared.inputs,
                    "quick": quick,
                    "result": prepared.stored,
                    "outputs": _record_outputs(prepared.files),
                }
                data = json.dumps(state, indent=1, sort_keys=True).encode() + b"\n"
                write_atomic(state_path, data)
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
        synthesized += _speak_jobs(project, jobs, speaker, config, done, progress, workers)
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
) -> dict[str, AudioResult]:
    """The audio of many pairs at once, as `toolkit audio` makes it: each pair spoken,
    assembled and encoded by one worker (the voices' calibration and shared sentences
    first), or, with few pairs, sentences spread over the cores. Pairs whose inputs are
    unchanged are up to date without work. The bytes are those `synthesize_article` writes.
    `speakers` is what `check_voices` gave (checked once per build, not once per call)."""
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
            done[request.label] = _up_to_date(prepared)
        else:
            by_engine.setdefault(speaker.name, []).append(prepared)
    for name, jobs in by_engine.items():
        speaker = next(e for e, _ in speakers.values() if e.name == name)
        _speak_jobs(project, jobs, speaker, config, done, progress, workers)
    return done
