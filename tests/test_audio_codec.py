"""The sentence store's rounding (`sentence_codec.quantize`) gives exactly the samples of
the per-sample, 64-bit rounding it replaced (issue 14: the same samples, a sixth of the CPU).

The reference below is that earlier implementation, kept verbatim: every cache entry and
every MP3 made before depends on those samples, so any difference is a changed output.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from toolkit.audio.sentence_codec import BLOCK, SNR_DB, encode, quantize, roundtrip

_MAX_SHIFT = 10


def reference_quantize(samples: np.ndarray, snr_db: int = SNR_DB) -> np.ndarray:
    """The rounding as first written: a step per sample, 64-bit integers throughout."""
    pcm = np.asarray(samples, np.int16).astype(np.int64)
    count = len(pcm)
    if not count:
        return np.zeros(0, np.int16)
    blocks = -(-count // BLOCK)
    padded = np.zeros(blocks * BLOCK, np.int64)
    padded[:count] = pcm
    squares = padded.reshape(blocks, BLOCK) ** 2
    sizes = np.full(blocks, BLOCK, np.int64)
    sizes[-1] = count - (blocks - 1) * BLOCK
    allowed = squares.sum(axis=1) * 12 // (sizes * round(10 ** (snr_db / 10)))
    shifts = np.zeros(blocks, np.int64)
    for shift in range(1, _MAX_SHIFT + 1):
        shifts[allowed >= (1 << (2 * shift))] = shift
    shift = np.repeat(shifts, BLOCK)[:count]
    half = np.where(shift > 0, 1 << np.maximum(shift - 1, 0), 0)
    rounded = ((pcm + half) >> shift) << shift
    top = 32768 - (1 << shift)
    return np.clip(rounded, -32768, top).astype(np.int16)


def _speech(seed: int, count: int) -> np.ndarray:
    """Loud and quiet stretches (every step from 0 to the largest), clipped at full scale."""
    rng = np.random.default_rng(seed)
    level = np.repeat(10 ** rng.uniform(0, 5.2, -(-count // 700)), 700)[:count]
    return np.clip(rng.standard_normal(count) * level, -32768, 32767).astype(np.int16)


def test_the_same_samples_as_the_reference_on_speech_like_signals() -> None:
    for seed, count in enumerate([1, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK, 22050 * 3 + 17]):
        samples = _speech(seed, count)
        ours = quantize(samples)
        assert ours.dtype == np.int16
        assert np.array_equal(ours, reference_quantize(samples)), (seed, count)
    # the signal reaches every step, so the comparison covers the whole range of shifts
    loud = _speech(7, 22050 * 3)
    steps = {int(np.gcd.reduce(b[b != 0])) for b in quantize(loud).reshape(-1, 63) if b.any()}
    assert 1024 in steps and 1 in steps


def test_full_scale_silent_and_empty_blocks() -> None:
    for value in (-32768, 32767, 0, 1, -1):
        samples = np.full(3 * BLOCK + 5, value, np.int16)
        assert np.array_equal(quantize(samples), reference_quantize(samples)), value
    assert quantize(np.zeros(0, np.int16)).shape == (0,)


@given(arrays(np.int16, st.integers(0, 4 * BLOCK + 3)), st.sampled_from([10, 25, 30]))
def test_any_samples_round_as_the_reference(samples: np.ndarray, snr: int) -> None:
    assert np.array_equal(quantize(samples, snr), reference_quantize(samples, snr))


def test_stored_bytes_are_those_of_the_reference_samples() -> None:
    samples = _speech(3, 22050)
    data, rounded = roundtrip(samples, 22050)
    assert data == encode(reference_quantize(samples), 22050)
    assert np.array_equal(rounded, reference_quantize(samples))
