"""Assembly: an article's clips -> pauses fitted to the pace -> mastered MP3, tags, captions.

Pure: every function here takes clips and settings and returns bytes, nothing is read or
written, so a worker can make a pair's three files and hand them to the parent to write.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import AudioConfig
from ..models import TextBlock
from .cache import to_int16
from .captions import Cue, webvtt
from .encode import (
    MP3_RATES,
    Chapter,
    encoder_delay,
    iso639_2,
    master,
    mp3_duration,
    resample,
    tag_mp3,
)
from .plan import Sentence, count_words
from .synthesize import Clip, trim

#: a pause before a heading is this much longer than between paragraphs
HEADING_PAUSE_FACTOR = 1.5
#: pauses are fitted per article between these bounds (seconds; never above the configured
#: pause itself for the minimum): short enough to keep the pace, long enough to be heard
MIN_SENTENCE_PAUSE = 0.25
MIN_PARAGRAPH_PAUSE = 0.5
MAX_PAUSE_STRETCH = 2.0


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
            pcm = trim(to_int16(resample(pcm / 32767, clip.sample_rate, rate)), rate)
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


def chapters_of(
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


@dataclass(frozen=True)
class Rendered:
    """One article's three files (audio.mp3, captions.vtt, chapters.vtt) and its figures."""

    contents: tuple[bytes, bytes, bytes]
    figures: dict[str, Any]  #: duration, pace, overall_pace, words, loudness, peak


def render(
    blocks: Sequence[TextBlock],
    sentences: Sequence[Sentence],
    audio: dict[str, Clip],
    config: AudioConfig,
    *,
    title: str,
    locale: str,
    transcript: str,
) -> Rendered:
    """Assemble, level (meter and limiter), encode, tag and caption one article."""
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
    chapters = chapters_of(blocks, sentences, cues, duration)
    tagged = tag_mp3(
        mp3,
        title=title,
        language=iso639_2(locale),
        publisher=config.publisher,
        transcript=transcript,
        chapters=chapters,
    )
    words = sum(count_words(s.spoken) for s in sentences)
    minutes = spans[-1][1] / rate / 60
    speaking = sum(end - start for start, end in spans) / rate / 60
    figures = {
        "duration": round(duration, 3),
        "pace": round(words / speaking, 1) if speaking else 0.0,
        "overall_pace": round(words / minutes, 1) if minutes else 0.0,
        "words": words,
        "loudness": round(levels.loudness, 2),
        "peak": round(levels.peak, 2),
    }
    chapter_cues = [Cue(c.start, c.end, c.title) for c in chapters]
    contents = (tagged, webvtt(cues).encode("utf-8"), webvtt(chapter_cues).encode("utf-8"))
    return Rendered(contents, figures)
