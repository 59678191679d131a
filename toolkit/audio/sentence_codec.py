"""How the audio cache stores one sentence: a small header and an MP3 (or FLAC) of its PCM.

FLAC kept about 3.6 bytes per byte of the site's MP3s (issue 14). A sentence is now stored as
a 48 kbit/s mono MP3 (LAME, the settings of the site's own encoder), about one byte per MP3
byte: the cached sentences are the site's speech without its pauses.

MP3 is lossy, so the samples used to build an article are always the ones decoded from the
stored bytes, whether the sentence was spoken now or read from the cache: `roundtrip`
encodes, then decodes what it encoded. A cache hit and a cold run therefore give the same
output bytes; a sentence evicted and spoken again encodes to the same bytes (LAME is
deterministic) and decodes to the same samples.

The header keeps what MP3 loses: the exact sample count (decoded MP3 starts after LAME's
encoder and decoder delay and ends with padding, both cut here) and the sample rate. Rates
LAME cannot encode are stored as FLAC (lossless) in the same container.

Layout: b"TKA1", codec (1 byte: 1 MP3, 2 FLAC), samples (uint32), rate (uint32), kbit/s
(uint16), then the encoded bytes.
"""

from __future__ import annotations

import io
import struct
from functools import cache

import numpy as np

MAGIC = b"TKA1"
SUFFIX = ".tka"
MP3, FLAC = 1, 2
#: the site's own bitrate: a cached sentence costs no more than the speech it becomes
KBPS = 48
#: rates MPEG-1/2/2.5 layer III can carry
MP3_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})
_HEADER = struct.Struct("<4sBIIH")


class CodecError(ValueError):
    """Bytes that are not a stored sentence (damaged, truncated, another format)."""


def _mp3(samples: np.ndarray, rate: int, kbps: int) -> bytes:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_channels(1)
    # LAME's fast mode, as the site's encoder: half the time of 5, and for speech no worse
    # (signal-to-noise ratio 23.5 dB against 20.2 dB at quality 5, bench/README.md)
    encoder.set_quality(7)
    return bytes(encoder.encode(samples.tobytes()) + encoder.flush())


@cache
def decoder_delay(rate: int, kbps: int = KBPS) -> int:
    """Samples a decoder puts before the audio of a header-less LAME stream, measured once
    by encoding a click (lameenc writes no Xing/LAME tag that would tell the decoder)."""
    import soundfile

    click = np.zeros(rate // 2, np.int16)
    click[rate // 10] = 30000
    decoded, _ = soundfile.read(io.BytesIO(_mp3(click, rate, kbps)), dtype="int16")
    return int(np.argmax(np.abs(decoded.astype(np.int32)))) - rate // 10


def encode(samples: np.ndarray, rate: int) -> bytes:
    """One sentence's 16-bit mono samples as stored."""
    samples = np.ascontiguousarray(samples, dtype="<i2")
    if rate in MP3_RATES:
        codec, kbps = MP3, KBPS
        body = _mp3(samples, rate, kbps) if len(samples) else b""
    else:
        import soundfile

        codec, kbps = FLAC, 0
        buffer = io.BytesIO()
        if len(samples):
            soundfile.write(buffer, samples, rate, format="FLAC", subtype="PCM_16")
        body = buffer.getvalue()
    return _HEADER.pack(MAGIC, codec, len(samples), int(rate), kbps) + body


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """The 16-bit samples and rate of stored bytes; CodecError when they are not valid."""
    import soundfile

    if len(data) < _HEADER.size:
        raise CodecError("too short for a stored sentence")
    magic, codec, count, rate, kbps = _HEADER.unpack_from(data)
    if magic != MAGIC or codec not in (MP3, FLAC) or not rate:
        raise CodecError("not a stored sentence")
    if count == 0:
        return np.zeros(0, np.int16), rate
    try:
        pcm, _ = soundfile.read(io.BytesIO(data[_HEADER.size :]), dtype="int16")
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise CodecError(f"cannot decode: {exc}") from None
    if pcm.ndim != 1:
        raise CodecError("not mono")
    start = decoder_delay(rate, kbps) if codec == MP3 else 0
    pcm = pcm[start : start + count]
    if len(pcm) != count:  # a truncated body
        raise CodecError(f"{len(pcm)} of {count} samples")
    return np.ascontiguousarray(pcm), rate


def roundtrip(samples: np.ndarray, rate: int) -> tuple[bytes, np.ndarray]:
    """The stored bytes of `samples` and the samples they decode to: what a later cache
    hit returns, so what the cold run must use too."""
    data = encode(samples, rate)
    return data, decode(data)[0]
