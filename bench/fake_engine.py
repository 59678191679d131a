"""A fake instant speech engine for the benches: silence of the right length, no synthesis.

`python bench/fake_engine.py ARGS...` runs `toolkit ARGS...` with the build's one-pair audio
maker (`toolkit.site._make_audio`, the hook `bench_scale.py`'s stand-in and the tests' fake
use) replaced: each pair gets an `audio.mp3` of silent MPEG-2.5 Layer III frames (8 kbit/s,
8 kHz mono: 72 bytes per 72 ms frame, about 1 KB per second of audio) as long as the pair's
words would take at 140 words a minute, and one-cue captions and chapters. Audio then costs
almost nothing, so the bench measures everything else a build does.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

WORDS_PER_MINUTE = 140
#: MPEG-2.5 Layer III, 8 kbit/s, 8 kHz, mono, no CRC; an all-zero body decodes to silence
FRAME = bytes([0xFF, 0xE3, 0x18, 0xC4]) + bytes(68)
FRAME_SECONDS = 576 / 8000


def _timestamp(seconds: float) -> str:
    whole, millis = int(seconds), int(seconds * 1000) % 1000
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{millis:03d}"


def fake_audio(
    project: Any, article: Any, pair: Any, locale: str, engine: Any, folder: Path, force=False
) -> dict[str, Any]:
    seconds = len(re.findall(r"\w+", pair.text)) * 60 / WORDS_PER_MINUTE
    folder.mkdir(parents=True, exist_ok=True)
    mp3 = folder / "audio.mp3"
    mp3.write_bytes(FRAME * max(1, round(seconds / FRAME_SECONDS)))
    end = _timestamp(seconds)
    (folder / "captions.vtt").write_text(f"WEBVTT\n\n00:00:00.000 --> {end}\n{pair.title}\n")
    (folder / "chapters.vtt").write_text(f"WEBVTT\n\n00:00:00.000 --> {end}\n{pair.title}\n")
    written = [mp3, folder / "captions.vtt", folder / "chapters.vtt"]
    return {
        "audio_seconds": round(seconds, 2),
        "engine": "fake",
        "voice": locale,
        "audio_bytes": mp3.stat().st_size,
        "written": [str(p) for p in written],
    }


def install() -> None:
    from toolkit import site

    site._make_audio = fake_audio


if __name__ == "__main__":
    install()
    from toolkit.cli import main

    sys.argv = ["toolkit", *sys.argv[1:]]
    main()
