"""How the audio cache stores one sentence: FLAC of its samples rounded to a coarser step.

FLAC of the 16-bit samples kept about 3.6 bytes per byte of the site's MP3s (issue 14). Here
each block of 1,152 samples (one FLAC frame at FLAC's fastest level) is first rounded to a
multiple of a power of two chosen from the block's loudness, so that the rounding noise sits
about 25 dB below the block's level; FLAC stores the unused low bits of a frame for free
("wasted bits"), so a sentence costs about 1.3 bytes per MP3 byte of the same speech, and
the site's MP3s, which also hold the pauses, about 1.05.

Why this and not Opus, Vorbis or MP3 (measured on espeak speech, bench/README.md): it is
as fast as the FLAC it replaces (MP3 cost 2 ms of CPU per audio second to encode and decode,
Opus 16 ms, this 0.3 ms); its noise is lower in every band (27 dB segmental SNR against 22 dB
for a 48 kbit/s MP3); and decoding is exact integer arithmetic, so every machine sharing a
store reads the same samples (a lossy decoder's float code may differ between CPUs).

The rounding is lossy, so the samples an article is built from are always the rounded ones,
whether the sentence was spoken now or read back (`quantize` is what both use): a cache hit
and a cold run give the same output bytes. An evicted sentence spoken again rounds to the same
samples.

Layout: b"TKA1", codec (1 byte: 3, step-rounded FLAC), samples (uint32), rate (uint32), the
target SNR in dB (uint16), then the FLAC bytes.
"""

from __future__ import annotations

import io
import struct

import numpy as np

MAGIC = b"TKA1"
SUFFIX = ".tka"
#: names how stored samples are made: part of every pair's audio state, so a change of it
#: re-encodes the pairs (their MP3s were made from other samples)
FORMAT = "rounded-flac-1152-25dB"
ROUNDED_FLAC = 3
#: the rounding noise is this far below each block's level (dB); 30 dB costs 1.2 x the bytes
SNR_DB = 25
#: FLAC's block at compression level 0: the rounding step is chosen per FLAC frame
BLOCK = 1152
_MAX_SHIFT = 10  # a step of 1,024: even a full-scale block keeps 6 bits
_HEADER = struct.Struct("<4sBIIH")


class CodecError(ValueError):
    """Bytes that are not a stored sentence (damaged, truncated, another format)."""


def quantize(samples: np.ndarray, snr_db: int = SNR_DB) -> np.ndarray:
    """`samples` (int16) with each block rounded to the step its loudness allows.

    Integer arithmetic only (the step is found from the block's energy, an exact integer
    sum), so every machine rounds the same way. The samples are rounded block by block as
    one (blocks x BLOCK) array of 32-bit integers, each row by its own step: a sixth of
    the time a per-sample step in 64 bits took, the same samples (tests/test_audio_codec.py).
    """
    pcm = np.asarray(samples, np.int16)
    count = len(pcm)
    if not count:
        return np.zeros(0, np.int16)
    blocks = -(-count // BLOCK)
    padded = np.zeros((blocks, BLOCK), np.int32)
    padded.reshape(-1)[:count] = pcm
    wide = padded.astype(np.int64)
    energy = np.einsum("ij,ij->i", wide, wide)  # exact: at most 1,152 x 2^30 < 2^63
    sizes = np.full(blocks, BLOCK, np.int64)
    sizes[-1] = count - (blocks - 1) * BLOCK
    # noise of rounding to step s is s^2 / 12: the largest power of two with
    # s^2 / 12 <= mean square / 10^(snr/10)
    allowed = energy * 12 // (sizes * round(10 ** (snr_db / 10)))
    shifts = np.zeros(blocks, np.int32)
    for shift in range(1, _MAX_SHIFT + 1):
        shifts[allowed >= (1 << (2 * shift))] = shift
    step = shifts[:, None]
    half = np.where(step > 0, np.left_shift(1, np.maximum(step - 1, 0)), 0).astype(np.int32)
    rounded = ((padded + half) >> step) << step
    # the top of the range as a multiple of the step, so the block keeps its wasted bits
    top = (32768 - np.left_shift(1, step)).astype(np.int32)
    np.minimum(rounded, top, out=rounded)
    np.maximum(rounded, -32768, out=rounded)
    return rounded.reshape(-1)[:count].astype(np.int16)


def encode(samples: np.ndarray, rate: int) -> bytes:
    """Already rounded 16-bit mono samples (`quantize`) as stored."""
    import soundfile

    samples = np.ascontiguousarray(samples, dtype=np.int16)
    buffer = io.BytesIO()
    if len(samples):
        # FLAC's fastest level: its 1,152-sample frames are the blocks `quantize` rounds
        soundfile.write(
            buffer, samples, int(rate), format="FLAC", subtype="PCM_16", compression_level=0.0
        )
    header = _HEADER.pack(MAGIC, ROUNDED_FLAC, len(samples), int(rate), SNR_DB)
    return header + buffer.getvalue()


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """The 16-bit samples and rate of stored bytes; CodecError when they are not valid."""
    import soundfile

    if len(data) < _HEADER.size:
        raise CodecError("too short for a stored sentence")
    magic, codec, count, rate, _ = _HEADER.unpack_from(data)
    if magic != MAGIC or codec != ROUNDED_FLAC or not rate:
        raise CodecError("not a stored sentence")
    if count == 0:
        return np.zeros(0, np.int16), rate
    try:
        pcm, _ = soundfile.read(io.BytesIO(data[_HEADER.size :]), dtype="int16")
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise CodecError(f"cannot decode: {exc}") from None
    if pcm.ndim != 1 or len(pcm) != count:  # a truncated or foreign body
        raise CodecError(f"{len(pcm)} of {count} samples")
    return np.ascontiguousarray(pcm), rate


def roundtrip(samples: np.ndarray, rate: int) -> tuple[bytes, np.ndarray]:
    """The stored bytes of `samples` and the samples a later read returns (the rounded
    ones, exactly: FLAC is lossless): what the cold run must use too."""
    rounded = quantize(samples)
    return encode(rounded, rate), rounded
