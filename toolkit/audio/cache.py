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


def quantize(synthesis: Synthesis) -> Synthesis:
    """The synthesis as 16-bit samples would give it back (what the cache stores)."""
    pcm = np.clip(np.round(np.asarray(synthesis.pcm, np.float32) * 32767), -32768, 32767)
    return Synthesis((pcm / 32767).astype(np.float32), int(synthesis.sample_rate))


class AudioCache:
    """PCM per key under `folder` (`ProjectPaths.audio_cache_dir`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.flac"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> Synthesis | None:
        import soundfile

        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            return None
        try:
            pcm, rate = soundfile.read(io.BytesIO(data), dtype="int16")
        except (RuntimeError, soundfile.LibsndfileError):
            return None  # a damaged entry is just a miss: synthesize again
        return Synthesis((pcm.astype(np.float32) / 32767), int(rate))

    def put(self, key: str, synthesis: Synthesis) -> Synthesis:
        """Store `synthesis` (quantized) and return what `get` will return for it."""
        import soundfile

        stored = quantize(synthesis)
        samples = np.round(stored.pcm * 32767).astype(np.int16)
        buffer = io.BytesIO()
        soundfile.write(buffer, samples, stored.sample_rate, format="FLAC", subtype="PCM_16")
        write_atomic(self.path(key), buffer.getvalue())
        return stored
