"""Mastering without holding the article: the loudness meter against pyloudnorm, the MP3's
measured levels, the memory it takes, and the espeak path's imports.

pyloudnorm (scipy's IIR filters over the whole float64 signal) is the reference here; the
pipeline's own meter weights each 100 ms sub-block's spectrum instead.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile

from toolkit.audio import pipeline, synthesize_article
from toolkit.audio.cache import to_int16
from toolkit.audio.encode import CODEC_LOSS_DB, LoudnessMeter, loudness_lufs, master
from toolkit.audio.engines.espeak import EspeakEngine
from toolkit.config import AudioConfig
from toolkit.models import TextBlock

SENTENCES = [
    "Your nurse will check your blood pressure at every visit.",
    "Call 911 if you have chest pain or trouble breathing.",
    "Take two and a half milligrams of your tablet each morning.",
]


@pytest.fixture(scope="module")
def speech() -> list[np.ndarray]:
    engine = EspeakEngine(AudioConfig(), Path("."))
    return [engine.synthesize(s, "en-us", 160).pcm for s in SENTENCES]


def reference(pcm: np.ndarray, rate: int) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(pcm.astype(np.float64)))


def test_meter_agrees_with_pyloudnorm(speech: list[np.ndarray]) -> None:
    rng = np.random.default_rng(7)
    article = np.concatenate([np.concatenate([p, np.zeros(9000, np.float32)]) for p in speech * 8])
    t22, t24 = np.arange(22050 * 6) / 22050, np.arange(24000 * 6) / 24000
    signals = [
        (article, 22050),
        (article * 0.05, 22050),  # quiet: the gates are relative
        (rng.standard_normal(22050 * 8).astype(np.float32) * 0.1, 22050),
        ((0.3 * np.sin(2 * np.pi * 60 * t22)).astype(np.float32), 22050),  # under the high-pass
        ((0.3 * np.sin(2 * np.pi * 8000 * t24)).astype(np.float32), 24000),  # on the shelf
    ]
    for pcm, rate in signals:
        assert loudness_lufs(pcm, rate) == pytest.approx(reference(pcm, rate), abs=0.06)
    # fed in uneven pieces with silences in between, it reads the same as the joined signal
    meter = LoudnessMeter(22050)
    for pcm in speech * 8:
        meter.add(pcm[:777])
        meter.add(pcm[777:])
        meter.add_silence(9000)
    assert meter.integrated() == pytest.approx(loudness_lufs(article, 22050), abs=0.01)
    assert np.isneginf(loudness_lufs(np.zeros(22050, np.float32), 22050))


def test_master_hits_the_targets_as_decoded(speech: list[np.ndarray]) -> None:
    # far too loud, clipping-hot input: the limiter has real work to do
    segments = [
        (0 if i == 0 else 8000, to_int16(np.clip(p * 4, -1, 1))) for i, p in enumerate(speech * 10)
    ]
    mp3, levels = master(segments, 22050)
    decoded, rate = soundfile.read(io.BytesIO(mp3), dtype="float64")
    assert rate == 22050
    assert reference(decoded, rate) == pytest.approx(-19.0, abs=0.3)
    assert 20 * np.log10(np.abs(decoded).max()) <= -1.0
    assert levels.loudness == -19.0 and levels.peak <= -1.45
    assert 0.3 <= CODEC_LOSS_DB <= 0.6
    # quiet input is raised the same way
    quiet = [(pause, (pcm // 20).astype(np.int16)) for pause, pcm in segments]
    decoded, _ = soundfile.read(io.BytesIO(master(quiet, 22050)[0]), dtype="float64")
    assert reference(decoded, 22050) == pytest.approx(-19.0, abs=0.3)


def test_master_never_holds_the_whole_signal(speech: list[np.ndarray]) -> None:
    """Five minutes of speech: mastering allocates a small part of what one float32 copy
    of the article would take (the old pipeline held several float64 copies)."""
    segments = [(7000, to_int16(p)) for p in speech] * 40
    samples = sum(pause + len(pcm) for pause, pcm in segments)
    assert samples / 22050 > 290
    tracemalloc.start()
    try:
        mp3, _ = master(segments, 22050)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.2 * samples * 4, peak  # one float32 copy would be samples * 4 bytes
    assert len(mp3) < 0.1 * samples * 4


def test_espeak_audio_needs_neither_scipy_nor_pyloudnorm(tmp_path: Path) -> None:
    """scipy's import alone costs about a second of CPU and 90 MB in every process."""
    script = f"""
import sys
from pathlib import Path
from toolkit.audio import synthesize_article
from toolkit.audio.engines.espeak import EspeakEngine
from toolkit.config import AudioConfig
from toolkit.models import TextBlock
engine = EspeakEngine(AudioConfig(), Path("."))
blocks = [TextBlock("title", "Your tablets"), TextBlock("paragraph", {SENTENCES[0]!r})]
synthesize_article(blocks, "en", engine, "en-us", AudioConfig(), Path({str(tmp_path)!r}),
                   "Your tablets", cache_dir=Path({str(tmp_path / "cache")!r}), workers=1)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("scipy", "pyloudnorm"))
print(loaded)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "audio.mp3").stat().st_size > 1000


def test_worker_pool_stays_warm_across_articles(tmp_path: Path) -> None:
    engine = EspeakEngine(AudioConfig(), Path("."))
    pools = []
    for n in range(2):
        blocks = [
            TextBlock("paragraph", f"Part {n}, point {i}: {SENTENCES[i % 3]}") for i in range(10)
        ]
        result = synthesize_article(
            blocks,
            "en",
            engine,
            "en-us",
            AudioConfig(),
            tmp_path / str(n),
            "Warm",
            cache_dir=tmp_path / "cache",
            workers=2,
        )
        assert result.synthesized == 10
        pools.append(pipeline._pool)
    assert pools[0] is not None and pools[0] is pools[1]


def test_limiter_sliding_minimum_is_exact() -> None:
    from numpy.lib.stride_tricks import sliding_window_view

    from toolkit.audio.encode import _sliding

    rng = np.random.default_rng(1)
    for length in (1, 2, 50, 111, 112, 333):
        for width in (3, 5, 111):
            values = rng.random(length).astype(np.float32)
            padded = np.pad(values, (width // 2, width // 2), mode="edge")
            expected = sliding_window_view(padded, width).min(axis=1)
            assert np.array_equal(_sliding(values, width, "min"), expected)
