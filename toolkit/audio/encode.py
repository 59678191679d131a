"""From joined PCM to the published MP3: resampling, loudness, peak limiting, MP3, ID3 tags.

Targets for mono spoken word: integrated loudness -19 LUFS (ITU-R BS.1770 via pyloudnorm),
true peak at or below -1 dBFS. pyloudnorm has no true-peak meter, so peaks are estimated on
a 4x oversampled signal (scipy's polyphase resampler; scipy comes with pyloudnorm) and kept
under a ceiling with a little margin for the MP3 encoder's own overshoot.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from math import gcd

import numpy as np

#: LUFS for mono speech (AES TD1004 / podcast practice: -16 stereo, -19 mono)
TARGET_LUFS = -19.0
#: dBFS the limiter aims at: -1 dBTP, less a margin for what MP3 coding adds to peaks
PEAK_CEILING_DB = -1.5
MP3_KBPS = 48
MP3_RATES = (22050, 24000)

#: ISO 639-2/T codes of the languages we expect (ID3's TLAN and USLT want these)
_ISO639_2 = {
    "ar": "ara",
    "bn": "ben",
    "de": "deu",
    "el": "ell",
    "en": "eng",
    "es": "spa",
    "fa": "fas",
    "fr": "fra",
    "gu": "guj",
    "he": "heb",
    "hi": "hin",
    "ht": "hat",
    "hy": "hye",
    "id": "ind",
    "it": "ita",
    "ja": "jpn",
    "km": "khm",
    "ko": "kor",
    "lo": "lao",
    "ms": "msa",
    "my": "mya",
    "ne": "nep",
    "nl": "nld",
    "pa": "pan",
    "pl": "pol",
    "ps": "pus",
    "pt": "por",
    "ro": "ron",
    "ru": "rus",
    "so": "som",
    "sw": "swa",
    "ta": "tam",
    "te": "tel",
    "th": "tha",
    "tl": "tgl",
    "fil": "fil",
    "tr": "tur",
    "uk": "ukr",
    "ur": "urd",
    "vi": "vie",
    "yue": "yue",
    "zh": "zho",
    "am": "amh",
    "ti": "tir",
    "hmn": "hmn",
    "mh": "mah",
    "sm": "smo",
    "to": "ton",
    "yo": "yor",
}


def iso639_2(locale: str) -> str:
    """`es_MX` -> `spa`; `und` (undetermined, ISO 639-2's own code) when unknown."""
    language = locale.replace("-", "_").split("_")[0].lower()
    if len(language) == 3:
        return language
    return _ISO639_2.get(language, "und")


def resample(pcm: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Polyphase resampling (scipy.signal.resample_poly), float32 in and out."""
    if rate == target or len(pcm) == 0:
        return pcm.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    g = gcd(rate, target)
    return resample_poly(pcm, target // g, rate // g).astype(np.float32)


@cache
def _phase_filters(taps: int = 48) -> np.ndarray:
    """Interpolation filters for the 3 in-between phases of 4x oversampling (Kaiser sinc)."""
    k = np.arange(-taps // 2 + 1, taps // 2 + 1)
    window = np.kaiser(taps, 8.0)
    rows = []
    for phase in (0.25, 0.5, 0.75):
        h = np.sinc(k - phase) * window
        rows.append(h / h.sum())
    return np.array(rows, dtype=np.float32)  # shape (3, taps)


def _peaks(pcm: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """(sample indices, true-peak estimate around each) for samples above `floor`.

    Inter-sample peaks exceed sample peaks by a few dB at most, so only the neighbourhood of
    loud samples is oversampled: the same estimate as oversampling the whole signal, at a
    fraction of the cost on long speech.
    """
    magnitude = np.abs(pcm)
    # local maxima only: an inter-sample peak sits in the gap beside one
    interior = (magnitude[1:-1] >= magnitude[:-2]) & (magnitude[1:-1] >= magnitude[2:])
    loud = np.flatnonzero(interior & (magnitude[1:-1] > floor)) + 1
    edges = [i for i in (0, len(pcm) - 1) if len(pcm) and magnitude[i] > floor]
    if edges:
        loud = np.union1d(loud, edges)
    if not len(loud):
        return loud, np.zeros(0, np.float32)
    filters = _phase_filters()
    taps = filters.shape[1]
    half = taps // 2
    padded = np.pad(pcm.astype(np.float32), (half, half))
    # windows centred between sample i and i+1 (left tap at i - half + 1)
    index = loud[:, None] + np.arange(1, taps + 1)[None, :]
    windows = padded[index]
    between = np.abs(windows @ filters.T).max(axis=1)  # i+0.25, i+0.5, i+0.75
    before = np.abs(padded[index - 1] @ filters.T).max(axis=1)  # the gap before sample i
    return loud, np.maximum(np.abs(pcm[loud]), np.maximum(between, before))


def true_peak_db(pcm: np.ndarray) -> float:
    """Peak level in dBFS estimated with 4x oversampling (BS.1770 annex 2 style)."""
    if len(pcm) == 0:
        return float("-inf")
    top = float(np.max(np.abs(pcm)))
    if top == 0:
        return float("-inf")
    _, peaks = _peaks(pcm, top * 10 ** (-6 / 20))
    return float(20 * np.log10(max(top, float(peaks.max()))))


def loudness_lufs(pcm: np.ndarray, rate: int) -> float:
    """Integrated loudness (BS.1770-4, gated) of mono PCM."""
    import pyloudnorm

    if len(pcm) < int(0.4 * rate):  # one gating block: shorter has no defined loudness
        pcm = np.concatenate([pcm, np.zeros(int(0.4 * rate) - len(pcm), np.float32)])
    return float(pyloudnorm.Meter(rate).integrated_loudness(pcm.astype(np.float64)))


def limit(pcm: np.ndarray, rate: int, ceiling_db: float = PEAK_CEILING_DB) -> np.ndarray:
    """A look-ahead peak limiter: the gain dips smoothly (over 5 ms) wherever a true peak
    would pass the ceiling, and is 1 everywhere else.

    The gain is the sliding minimum of the needed gain, smoothed by a moving average of the
    same width, so each sample gets at most the gain it needs and nothing clicks.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    loud, peaks = _peaks(pcm, ceiling * 10 ** (-4 / 20))
    over = peaks > ceiling
    if not over.any():
        return pcm
    loud, peaks = loud[over], peaks[over]
    width = max(3, int(rate * 0.005)) | 1
    out = pcm.astype(np.float32, copy=True)
    # clusters of over-ceiling samples, each processed with a margin of two windows
    breaks = np.flatnonzero(np.diff(loud) > 4 * width) + 1
    for group, group_peaks in zip(np.split(loud, breaks), np.split(peaks, breaks), strict=True):
        start = max(0, int(group[0]) - 2 * width)
        stop = min(len(pcm), int(group[-1]) + 2 * width + 1)
        needed = np.ones(stop - start, np.float32)
        needed[group - start] = ceiling / group_peaks
        floor = minimum_filter1d(needed, width, mode="nearest")
        gain = uniform_filter1d(floor, width, mode="nearest")
        out[start:stop] *= np.minimum(gain, needed)
    return out


@dataclass(frozen=True)
class Levels:
    loudness: float  #: LUFS, integrated
    peak: float  #: dBFS, true-peak estimate


def normalize_loudness(
    pcm: np.ndarray, rate: int, target: float = TARGET_LUFS, ceiling_db: float = PEAK_CEILING_DB
) -> tuple[np.ndarray, Levels]:
    """Gain to `target` LUFS (measured once: pyloudnorm is the slow part on long audio)
    with true peaks limited to `ceiling_db`."""
    measured = loudness_lufs(pcm, rate)
    if not np.isfinite(measured):
        return pcm.astype(np.float32), Levels(measured, true_peak_db(pcm))  # silence
    gained = (pcm * 10 ** ((target - measured) / 20)).astype(np.float32)
    out = limit(gained, rate, ceiling_db)
    # The limiter only dips short peaks, so the energy it removes tells the loudness it
    # cost (to a few hundredths of a LU); a second BS.1770 pass would double the time.
    lost = 10 * np.log10(float(np.dot(out, out)) / max(float(np.dot(gained, gained)), 1e-20))
    if lost < -0.05:
        out = limit((out * 10 ** (-lost / 20)).astype(np.float32), rate, ceiling_db)
    return out, Levels(target, true_peak_db(out))


def encode_mp3(pcm: np.ndarray, rate: int, kbps: int = MP3_KBPS) -> bytes:
    """Mono CBR MP3 via lameenc (LAME) at the input's rate (22,050 or 24,000 Hz)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)  # LAME's fast mode: half the time of 5, same size, fine for speech
    samples = np.clip(np.round(pcm * 32767), -32768, 32767).astype("<i2")
    return bytes(encoder.encode(samples.tobytes()) + encoder.flush())


@cache
def encoder_delay(rate: int, kbps: int = MP3_KBPS) -> int:
    """Samples of silence a decoder puts before the audio (LAME's encoder + decoder delay).

    lameenc writes no Xing/LAME header, so decoders (libsndfile's mpg123) do not trim it:
    captions must start that much later. Measured once by encoding a click.
    """
    import soundfile

    click = np.zeros(rate // 2, np.float32)
    click[rate // 10] = 0.9
    decoded, _ = soundfile.read(io.BytesIO(encode_mp3(click, rate, kbps)), dtype="float32")
    return int(np.argmax(np.abs(decoded))) - rate // 10


def mp3_duration(data: bytes) -> float:
    """Seconds a decoder plays, from the MP3's frames (what mutagen and players report)."""
    from mutagen.mp3 import MP3

    return float(MP3(io.BytesIO(data)).info.length)


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float  #: seconds
    end: float


def tag_mp3(
    data: bytes,
    *,
    title: str,
    language: str,
    publisher: str,
    transcript: str,
    chapters: Sequence[Chapter] = (),
) -> bytes:
    """The MP3 with an ID3v2.4 tag: TIT2, TLAN, TPUB, USLT transcript, CHAP/CTOC chapters."""
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, TLAN, TPUB, USLT, CTOCFlags, Encoding

    tags = ID3()
    tags.add(TIT2(encoding=Encoding.UTF8, text=[title]))
    tags.add(TLAN(encoding=Encoding.UTF8, text=[language]))
    tags.add(TPUB(encoding=Encoding.UTF8, text=[publisher]))
    tags.add(USLT(encoding=Encoding.UTF8, lang=language, desc="", text=transcript))
    if chapters:
        ids = [f"chp{i}" for i in range(len(chapters))]
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=Encoding.UTF8, text=[title])],
            )
        )
        for element_id, chapter in zip(ids, chapters, strict=True):
            tags.add(
                CHAP(
                    element_id=element_id,
                    start_time=round(chapter.start * 1000),
                    end_time=round(chapter.end * 1000),
                    sub_frames=[TIT2(encoding=Encoding.UTF8, text=[chapter.title])],
                )
            )
    buffer = io.BytesIO(data)
    tags.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()
