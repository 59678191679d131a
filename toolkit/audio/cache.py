"""The sentence audio cache: synthesized PCM per (engine, version, voice, rate, sentence).

One FLAC file (16-bit) per sentence, written atomically as soon as the sentence is done, so an
interrupted run keeps what it finished and the next run resumes from it. PCM is quantized to
16 bits before it is used, cached or not, so a cold and a warm run give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from ..files import write_atomic
from .engines.base import Synthesis


def cache_key(engine: str, version: str, voice: str, rate: int, sentence: str) -> str:
    """sha256 of everything that shapes a sentence's audio."""
    blob = json.dumps([engine, version, voice, rate, sentence], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def to_int16(pcm: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as the cache stores them (scale 32767)."""
    return np.clip(np.round(np.asarray(pcm, np.float32) * 32767), -32768, 32767).astype(np.int16)


def quantize(synthesis: Synthesis) -> Synthesis:
    """The synthesis as 16-bit samples would give it back (what the cache stores)."""
    pcm = to_int16(synthesis.pcm)
    return Synthesis((pcm / 32767).astype(np.float32), int(synthesis.sample_rate))


class AudioCache:
    """PCM per key under `folder` (`ProjectPaths.audio_cache_dir`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.flac"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def get_pcm(self, key: str) -> tuple[np.ndarray, int] | None:
        """The stored 16-bit samples and their rate (half the memory of float32)."""
        import soundfile

        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            return None
        try:
            pcm, rate = soundfile.read(io.BytesIO(data), dtype="int16")
        except (RuntimeError, soundfile.LibsndfileError):
            return None  # a damaged entry is just a miss: synthesize again
        return pcm, int(rate)

    def put_pcm(self, key: str, samples: np.ndarray, rate: int) -> None:
        import soundfile

        buffer = io.BytesIO()
        # FLAC's fastest level: 1.6x faster both ways than the default, 7 % larger
        soundfile.write(
            buffer, samples, rate, format="FLAC", subtype="PCM_16", compression_level=0.0
        )
        write_atomic(self.path(key), buffer.getvalue())

    def get(self, key: str) -> Synthesis | None:
        found = self.get_pcm(key)
        if found is None:
            return None
        return Synthesis(found[0].astype(np.float32) / 32767, found[1])

    def put(self, key: str, synthesis: Synthesis) -> Synthesis:
        """Store `synthesis` (quantized) and return what `get` will return for it."""
        self.put_pcm(key, to_int16(synthesis.pcm), int(synthesis.sample_rate))
        return quantize(synthesis)
