"""The one interface every speech engine implements.

An engine turns one sentence into mono PCM. Everything else (normalization, pauses, timing,
loudness, MP3, tags, captions, caching, parallelism) happens once, in `toolkit.audio`, for
every engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Synthesis:
    """One sentence spoken: float32 mono samples in [-1, 1] at `sample_rate`."""

    pcm: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / self.sample_rate


@runtime_checkable
class Engine(Protocol):
    #: registry name: "espeak", "gtts", "piper"
    name: str

    def available(self) -> tuple[bool, str]:
        """(True, "") when usable here, else (False, why, e.g. "piper-tts is not installed")."""
        ...

    def version(self) -> str:
        """Engine and voice-data version: part of the audio cache key."""
        ...

    def default_voices(self) -> Mapping[str, str]:
        """Locale (gettext form, e.g. "es", "zh_Hans") -> the voice used by default."""
        ...

    def resolve_voice(self, locale: str, configured: str | None = None) -> str:
        """The voice for `locale` (the configured one if given, checked to exist).

        Raises EngineError when the voice does not exist or the engine cannot speak the
        locale: never falls back to another language's voice.
        """
        ...

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        """Speak one already-normalized sentence at about `rate` words per minute."""
        ...
