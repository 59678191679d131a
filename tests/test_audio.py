"""The audio pipeline around the engines, with a fake engine whose calls are counted.

The fake speaks a tone burst whose length follows the word count at the requested rate, so
timings, pace and cache behaviour have exact expected values. Real speech (espeak) is in
tests/test_audio_espeak.py.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile

from toolkit.audio import synthesize_article
from toolkit.audio.cache import AudioCache
from toolkit.audio.captions import timestamp
from toolkit.audio.encode import encoder_delay
from toolkit.audio.engines.base import Synthesis
from toolkit.audio.pipeline import count_words, fit_pauses, speech_rate
from toolkit.config import AudioConfig
from toolkit.errors import EngineError, ToolkitError
from toolkit.models import TextBlock

RATE = 22050


class FakeEngine:
    """Speaks `words * 60 / rate` seconds of tone per sentence; can fail after N calls."""

    name = "fake"

    def __init__(self, fail_after: int | None = None, interrupt: bool = False) -> None:
        self.calls: list[str] = []
        self.fail_after = fail_after
        self.interrupt = interrupt

    def available(self) -> tuple[bool, str]:
        return True, ""

    def version(self) -> str:
        return "fake 1.0"

    def default_voices(self) -> dict[str, str]:
        return {"en": "fake-en", "es": "fake-es"}

    def resolve_voice(self, locale: str, configured: str | None = None) -> str:
        voices = self.default_voices()
        if configured and configured not in voices.values():
            raise EngineError(f"fake has no voice {configured!r}")
        if locale not in voices:
            raise EngineError(f"fake cannot speak {locale}")
        return configured or voices[locale]

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            if self.interrupt:
                raise KeyboardInterrupt
            raise EngineError("fake engine: service unavailable (503) after retries")
        self.calls.append(sentence)
        samples = round(count_words(sentence) * 60 / rate * RATE)
        t = np.arange(samples) / RATE
        pcm = 0.4 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
        return Synthesis(pcm.astype(np.float32), RATE)


ARTICLE = [
    TextBlock("title", "Taking your tablets"),
    TextBlock("paragraph", "Take two tablets every morning. Drink a full glass of water."),
    TextBlock("heading", "When to call", level=2),
    TextBlock("paragraph", "Call your nurse if you feel dizzy. Keep this sheet near you."),
    TextBlock("code", "SYS 120 DIA 80"),
]


def run(tmp_path: Path, engine: FakeEngine, blocks: list[TextBlock] = ARTICLE, **kw):
    return synthesize_article(
        blocks,
        "en",
        engine,
        "fake-en",
        kw.pop("config", AudioConfig()),
        tmp_path / "site",
        "Taking your tablets",
        cache_dir=tmp_path / "cache",
        state_path=kw.pop("state_path", tmp_path / "state.json"),
        workers=1,
        **kw,
    )


def cues(vtt: str) -> list[tuple[float, float, str]]:
    found = re.findall(r"(\d+):(\d+):([\d.]+) --> (\d+):(\d+):([\d.]+)\n(.+)", vtt)
    return [
        (int(a) * 3600 + int(b) * 60 + float(c), int(d) * 3600 + int(e) * 60 + float(f), text)
        for a, b, c, d, e, f, text in found
    ]


def test_outputs_timings_and_pace(tmp_path: Path) -> None:
    engine = FakeEngine()
    result = run(tmp_path, engine)
    site = tmp_path / "site"
    assert sorted(p.name for p in site.iterdir()) == ["audio.mp3", "captions.vtt", "chapters.vtt"]
    # The code block is not spoken; every other sentence is, once.
    assert engine.calls == [
        "Taking your tablets",
        "Take two tablets every morning.",
        "Drink a full glass of water.",
        "When to call",
        "Call your nurse if you feel dizzy.",
        "Keep this sheet near you.",
    ]
    assert (result.sentences, result.synthesized, result.words) == (6, 6, 29)
    # Exact timeline: speech lengths from the word counts at the speech rate; this short
    # article has too little speech to pay for its pauses, so they sit at their minimums.
    assert speech_rate(140) == 163
    delay = encoder_delay(RATE) / RATE
    words = [3, 5, 6, 3, 7, 5]
    speech = [round(w * 60 / 163 * RATE) / RATE for w in words]
    pauses = [0, 0.5, 0.25, 0.75, 0.5, 0.25]  # title->para, sentence, heading (1.5x), para...
    starts = []
    clock = delay
    for length, pause in zip(speech, pauses, strict=True):
        clock += pause
        starts.append(clock)
        clock += length
    found = cues((site / "captions.vtt").read_text(encoding="utf-8"))
    assert [c[2] for c in found] == engine.calls
    for (start, _, _), expected in zip(found, starts, strict=True):
        assert start == pytest.approx(expected, abs=0.0015)
    assert found[0][1] == pytest.approx(starts[0] + speech[0], abs=0.0015)
    # The last cue ends where the decoded audio ends.
    pcm, rate = soundfile.read(site / "audio.mp3", dtype="float32")
    assert rate == RATE and pcm.ndim == 1
    assert found[-1][1] == pytest.approx(len(pcm) / rate, abs=0.002)
    assert result.duration == pytest.approx(len(pcm) / rate, abs=0.002)
    assert result.pace == pytest.approx(163, abs=0.5)
    assert result.overall_pace == pytest.approx(29 / ((clock - delay) / 60), abs=0.5)
    assert 130 < result.overall_pace < 140
    chapters = cues((site / "chapters.vtt").read_text(encoding="utf-8"))
    assert [(c[0], c[2]) for c in chapters] == [
        (pytest.approx(starts[3], abs=0.0015), "When to call")
    ]
    assert chapters[0][1] == pytest.approx(len(pcm) / rate, abs=0.002)


LONG = [
    TextBlock("title", "Looking after your blood pressure at home"),
    *[
        TextBlock(
            "paragraph",
            " ".join(
                f"Sentence {n} of part {p} tells you one more useful thing to do today."
                for n in range(1, 6)
            ),
        )
        for p in range(1, 5)
    ],
    TextBlock("heading", "When to call", level=2),
    *[TextBlock("list item", f"Call if item {n} happens to you at home.") for n in range(1, 4)],
]


def gaps(found: list[tuple[float, float, str]]) -> list[float]:
    return [b[0] - a[1] for a, b in itertools.pairwise(found)]


def test_pace_over_the_whole_file_is_the_rate_with_pauses_fitted(tmp_path: Path) -> None:
    """Words over the whole file (pauses included) come out at the configured rate: speech
    at speech_rate, and one scale for every pause, within its bounds."""
    for rate in (140, 120):
        engine = FakeEngine()
        result = run(tmp_path / str(rate), engine, LONG, config=AudioConfig(rate=rate))
        assert result.overall_pace == pytest.approx(rate, abs=0.3)
        assert result.words == sum(count_words(c) for c in engine.calls)
        # measured on the result: words over the decoded file (less the encoder's delay)
        pcm, sample_rate = soundfile.read(tmp_path / str(rate) / "site" / "audio.mp3")
        played = len(pcm) / sample_rate - encoder_delay(RATE) / RATE
        assert result.words / played * 60 == pytest.approx(rate, abs=1.5)
        found = cues((tmp_path / str(rate) / "site" / "captions.vtt").read_text(encoding="utf-8"))
        pauses = gaps(found)
        # title->para, 4 sentences, para, ..., heading, para (the first item), items
        sentence = [g for i, g in enumerate(pauses) if i % 5 != 0 and i < 20]
        paragraph = [pauses[i] for i in (0, 5, 10, 15, 21)]
        heading, items = pauses[20], pauses[22:]
        scale = sentence[0] / 0.35
        assert sentence[0] > 0.25 and paragraph[0] >= 0.5  # clearly audible
        assert sentence == pytest.approx([0.35 * scale] * 16, abs=0.002)
        assert paragraph == pytest.approx([0.8 * scale] * 5, abs=0.002)
        assert heading == pytest.approx(1.2 * scale, abs=0.002)
        assert items == pytest.approx([0.575 * scale] * 2, abs=0.002)


def test_fit_pauses_bounds() -> None:
    nominal, minimum = [0.35, 0.8, 1.2], [0.25, 0.5, 0.75]
    assert fit_pauses(nominal, minimum, 1.0) == minimum  # not enough time: the minimums
    assert fit_pauses(nominal, minimum, 10.0) == pytest.approx([0.7, 1.6, 2.4])  # at most 2x
    fitted = fit_pauses(nominal, minimum, 2.35 * 1.2)
    assert fitted == pytest.approx([0.42, 0.96, 1.44], abs=1e-6)
    # the shortest one held at its minimum, the others scaled to fill the budget
    assert fit_pauses(nominal, minimum, 1.6) == pytest.approx([0.25, 0.54, 0.81], abs=1e-6)


class SlowEngine(FakeEngine):
    """Speaks at 80 % of the rate it is asked for, like espeak-ng in a wordy language."""

    asked: list[int]

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        self.asked = [*getattr(self, "asked", []), rate]
        return super().synthesize(sentence, voice, round(rate * 0.8))


def test_pace_calibration_is_measured_once_per_voice_without_resynthesis(tmp_path: Path) -> None:
    engine = SlowEngine()
    result = run(tmp_path, engine, LONG)
    # every sentence spoken exactly once: no second synthesis to correct its pace
    assert len(engine.calls) == len(set(engine.calls)) == result.sentences == 25
    # the sample (every other sentence here) at the speech rate, the rest corrected by 1/0.8
    assert sorted(set(engine.asked)) == [163, 204]
    assert engine.asked.count(163) == 13
    table = json.loads((tmp_path / "cache" / "pace.json").read_text(encoding="utf-8"))
    assert list(table.values()) == [pytest.approx(0.8, abs=0.01)]
    assert 130 <= result.overall_pace <= 150
    # another article in the same voice: the stored factor, from its first sentence on
    again = SlowEngine()
    other = [TextBlock("paragraph", "A new sentence about your next visit to the clinic.")]
    run(tmp_path, again, other, state_path=tmp_path / "other.json")
    assert again.asked == [204]


def test_webvtt_format(tmp_path: Path) -> None:
    run(tmp_path, FakeEngine(), [TextBlock("paragraph", "Less <than> & more.")])
    vtt = (tmp_path / "site" / "captions.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.050 --> ")
    assert "Less &lt;than&gt; &amp; more." in vtt
    assert timestamp(3725.5) == "01:02:05.500"


def test_second_run_synthesizes_nothing_and_writes_nothing(tmp_path: Path) -> None:
    run(tmp_path, FakeEngine())
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "site").iterdir()}
    engine = FakeEngine()
    again = run(tmp_path, engine)
    assert engine.calls == [] and again.up_to_date and again.written == ()
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "site").iterdir()} == before
    # Without the pair state (e.g. the site builder's own call) the cache still serves all.
    engine = FakeEngine()
    third = run(tmp_path, engine, state_path=None)
    assert engine.calls == [] and third.synthesized == 0 and not third.up_to_date


def test_one_changed_sentence_is_the_only_one_synthesized(tmp_path: Path) -> None:
    run(tmp_path, FakeEngine())
    changed = list(ARTICLE)
    changed[3] = TextBlock(
        "paragraph", "Call your doctor if you feel dizzy. Keep this sheet near you."
    )
    engine = FakeEngine()
    result = run(tmp_path, engine, changed)
    assert engine.calls == ["Call your doctor if you feel dizzy."]
    assert result.synthesized == 1 and not result.up_to_date
    assert "Call your doctor" in (tmp_path / "site" / "captions.vtt").read_text(encoding="utf-8")


def test_changing_the_rate_resynthesizes(tmp_path: Path) -> None:
    run(tmp_path, FakeEngine())
    engine = FakeEngine()
    run(tmp_path, engine, config=AudioConfig(rate=120))
    assert len(engine.calls) == 6


@pytest.mark.parametrize("interrupt", [False, True], ids=["engine-fails", "ctrl-c"])
def test_interrupted_run_keeps_finished_sentences_and_resumes(
    tmp_path: Path, interrupt: bool
) -> None:
    expected = pytest.raises(KeyboardInterrupt) if interrupt else pytest.raises(EngineError)
    with expected:
        run(tmp_path, FakeEngine(fail_after=4, interrupt=interrupt))
    assert not (tmp_path / "site").exists()  # nothing half-written
    assert not (tmp_path / "state.json").exists()
    assert len(list((tmp_path / "cache").rglob("*.tka"))) == 4
    assert not list((tmp_path / "cache").rglob("*.tmp"))
    engine = FakeEngine()
    result = run(tmp_path, engine)
    assert engine.calls == ["Call your nurse if you feel dizzy.", "Keep this sheet near you."]
    assert result.synthesized == 2


def test_failed_run_leaves_previous_outputs_intact(tmp_path: Path) -> None:
    run(tmp_path, FakeEngine())
    before = {p.name: p.read_bytes() for p in (tmp_path / "site").iterdir()}
    changed = [*ARTICLE, TextBlock("paragraph", "A brand new closing sentence.")]
    with pytest.raises(EngineError):
        run(tmp_path, FakeEngine(fail_after=0), changed)
    assert {p.name: p.read_bytes() for p in (tmp_path / "site").iterdir()} == before


def test_cache_roundtrip_is_what_a_fresh_run_uses(tmp_path: Path) -> None:
    cold = run(tmp_path, FakeEngine(), state_path=None)
    cold_bytes = (tmp_path / "site" / "audio.mp3").read_bytes()
    warm = run(tmp_path, FakeEngine(), state_path=None)
    assert warm.synthesized == 0 and cold.synthesized == 6
    assert (tmp_path / "site" / "audio.mp3").read_bytes() == cold_bytes  # reproducible bytes
    cache = AudioCache(tmp_path / "cache")
    key = next((tmp_path / "cache").rglob("*.tka")).stem
    stored = cache.get(key)
    assert stored is not None and stored.sample_rate == RATE


def test_empty_article_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    blocks = [TextBlock("title", "  "), TextBlock("code", "x = 1"), TextBlock("paragraph", "—")]
    with pytest.raises(ToolkitError, match="the article has no text to speak"):
        run(tmp_path, FakeEngine(), blocks)
    assert not (tmp_path / "site").exists()


def test_fallback_block_is_read_by_its_own_language_voice(tmp_path: Path) -> None:
    blocks = [
        TextBlock("title", "Tome sus pastillas"),
        TextBlock("paragraph", "Take two tablets every morning.", lang="en"),
    ]
    engine = FakeEngine()
    voices: list[str] = []
    original = engine.synthesize

    def spy(sentence: str, voice: str, rate: int) -> Synthesis:
        voices.append(voice)
        return original(sentence, voice, rate)

    engine.synthesize = spy  # type: ignore[method-assign]
    synthesize_article(
        blocks,
        "es",
        engine,
        "fake-es",
        AudioConfig(),
        tmp_path / "site",
        "Tome",
        cache_dir=tmp_path / "cache",
        workers=1,
    )
    assert voices == ["fake-es", "fake-en"]


def test_state_records_the_figures(tmp_path: Path) -> None:
    result = run(tmp_path, FakeEngine())
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert state["result"]["duration"] == result.duration
    assert state["result"]["voice"] == "fake-en"
    again = run(tmp_path, FakeEngine())
    assert (again.duration, again.pace, again.loudness) == (
        result.duration,
        result.pace,
        result.loudness,
    )


def test_mp3_is_decodable_from_memory(tmp_path: Path) -> None:
    run(tmp_path, FakeEngine())
    data = (tmp_path / "site" / "audio.mp3").read_bytes()
    pcm, rate = soundfile.read(io.BytesIO(data), dtype="float32")
    assert rate == RATE and len(pcm) > RATE
