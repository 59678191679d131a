"""Pace calibration: how fast each voice really speaks when asked for a rate.

Engines pace by syllables or phonemes (espeak-ng runs 15 % slow in English and 30 % fast in
Vietnamese syllables at the same setting), so the engine's own notion of a rate is corrected
once per voice rather than per sentence: a voice's first sentences are spoken at the rate as
asked, the factor `measured / asked` is learnt from them, and the rest are asked for the
corrected rate. No sentence is ever synthesized twice to correct its pace.

A calibration is an ordinary cached task: keyed by the engine, its version, the voice, the
rate, the settings it is measured with and the tool version; its one output (the factor) is
kept in `pace.json` beside the audio cache, replaced atomically once it is known, so a killed
run leaves either no factor or the right one. Its sample is drawn from every sentence of the
run, cached or not, and cached members are measured from the cache: a run killed while the
sample was being spoken measures the same sample again, and learns the same factor.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..files import write_atomic
from .engines.base import Engine
from .plan import PAUSE_SHARE, Sentence, count_words

#: engines whose pace cannot be asked for (gTTS speaks at its own): never calibrated
FIXED_PACE_ENGINES = {"gtts"}
#: words of a voice's first sentences its pace calibration is measured on
CALIBRATION_WORDS = 150
FACTOR_BOUNDS = (0.5, 2.0)


def _settings() -> list[object]:
    """What a factor is measured with, beside the engine and voice: a change measures again."""
    from .. import __version__

    return [__version__, CALIBRATION_WORDS, list(FACTOR_BOUNDS), PAUSE_SHARE]


class PaceTable:
    """Measured pace factors per (engine, version, voice, rate, settings), in `pace.json`."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "pace.json"

    @staticmethod
    def _key(engine: str, version: str, voice: str, rate: int) -> str:
        return json.dumps([engine, version, voice, rate, _settings()], ensure_ascii=False)

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


def calibration_sample(
    sentences: Sequence[Sentence], engine: Engine, rate: int, table: PaceTable
) -> tuple[list[Sentence], dict[str, float]]:
    """About CALIBRATION_WORDS words of every voice whose pace is not known yet, spread
    evenly over its sentences (one article's wording is not every article's), and the known
    factors of the other voices. A voice with little to say is sampled whole."""
    if engine.name in FIXED_PACE_ENGINES:
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


def learn(
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
        low, high = FACTOR_BOUNDS
        factors[voice] = min(high, max(low, words / time * 60 / rate))
        if words >= CALIBRATION_WORDS / 2:
            table.put(engine.name, engine.version(), voice, rate, factors[voice])
    return factors


def known_factors(
    table: PaceTable, engine: Engine, rate: int, voices: set[str], factors: dict[str, float]
) -> dict[str, float]:
    """`factors`, with the stored factor of every other voice of `voices` that has one."""
    out = dict(factors)
    version = engine.version()
    for voice in sorted(voices - set(out)):
        if (factor := table.get(engine.name, version, voice, rate)) is not None:
            out[voice] = factor
    return out


def asked_rate(rate: int, factor: float | None) -> int:
    """The rate to ask a voice for, so that it speaks at `rate` (its factor measured)."""
    return max(1, round(rate / factor)) if factor else rate
