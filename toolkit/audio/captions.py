"""WebVTT: one caption cue per spoken sentence, one chapter cue per heading."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    start: float  #: seconds
    end: float
    text: str


def timestamp(seconds: float) -> str:
    """WebVTT time: `HH:MM:SS.mmm`."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    # WebVTT cue text is markup: &, < and > must be escaped; a blank line would end the cue.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def webvtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file with numbered cues."""
    parts = ["WEBVTT", ""]
    for number, cue in enumerate(cues, 1):
        timing = f"{timestamp(cue.start)} --> {timestamp(cue.end)}"
        parts += [str(number), timing, _escape(cue.text), ""]
    return "\n".join(parts)
