"""Audio bench (issue 4): espeak audio of the sample project, cold and again; a long article.

- cold: `toolkit audio --engine espeak` in a fresh copy of the sample project (no cache,
  no outputs): every publishable pair synthesized, loudness-normalized, encoded, tagged,
  captioned. Figure: seconds of audio produced per wall-clock second.
- no-op: the same command again; figure: its time as a share of the cold run.
- long: one synthetic article of about 2,600 words (about 20 minutes of audio) in the
  source language; figure: peak memory of the command and its workers together.

On a busy machine the wall-clock figure depends on what else runs: CPU seconds (user +
system, workers included) are printed too, and audio seconds per CPU second.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import corpus
from common import (
    SCRATCH,
    Run,
    copy_project,
    fresh_dir,
    load,
    measure,
    median_run,
    table,
    toolkit,
    verdict,
)

#: written words of the corpus article: about 2,800 spoken (numbers and units spelled out),
#: 20 minutes at the 140 words a minute the audio now runs at, pauses included
LONG_WORDS = 2600


def audio_seconds(root: Path) -> float:
    """Total duration of every audio.mp3 under build/ (as mutagen reads the MP3 frames)."""
    from mutagen.mp3 import MP3

    return sum(MP3(path).info.length for path in sorted((root / "build").rglob("audio.mp3")))


def long_article_project() -> Path:
    root = fresh_dir(SCRATCH / "audio" / "long")
    (root / "source_articles").mkdir()
    _, text = corpus.article(0, seed=20, target_words=LONG_WORDS)
    (root / "source_articles" / "long-article.md").write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool.toolkit]\nlocales = []\n")
    return root


def run(repeat: int = 3) -> dict[str, float]:
    cmd = toolkit("audio", "--engine", "espeak")
    cold_runs: list[Run] = []
    again_runs: list[Run] = []
    produced = 0.0
    for i in range(repeat):
        root = copy_project(SCRATCH / "audio" / f"sample-{i}")
        cold_runs.append(measure(cmd, root))
        produced = audio_seconds(root)
        again_runs.append(measure(cmd, root))
        shutil.rmtree(root)
    cold, again = median_run(cold_runs), median_run(again_runs)
    long_root = long_article_project()
    long_run = measure(toolkit("audio", "--engine", "espeak", "--locale", "en"), long_root)
    long_seconds = audio_seconds(long_root)
    speed = produced / cold.seconds
    per_cpu = produced / cold.cpu if cold.cpu else float("nan")
    share = again.seconds / cold.seconds
    print(f"Audio (espeak): sample project, median of {repeat}; {load()}")
    rows = [
        ["cold", f"{cold.seconds:.2f}", f"{cold.cpu:.2f}", f"{cold.peak_mb:.0f}"],
        ["no-op re-run", f"{again.seconds:.2f}", f"{again.cpu:.2f}", f"{again.peak_mb:.0f}"],
        [
            f"long article ({long_seconds / 60:.1f} min of audio)",
            f"{long_run.seconds:.2f}",
            f"{long_run.cpu:.2f}",
            f"{long_run.peak_mb:.0f}",
        ],
    ]
    print(table(["", "seconds", "CPU s", "peak MB"], rows))
    print(f"\naudio produced by the cold run: {produced:.1f} s")
    print("targets:")
    print(f"  >= 100 s of audio per second: {speed:.1f}  {verdict(speed >= 100)}")
    print(f"  (audio seconds per CPU second: {per_cpu:.1f}; 2 cores can do twice that)")
    print(f"  no-op < 5 % of cold: {share:.1%}  {verdict(share < 0.05)}")
    print(
        f"  peak < 300 MB for a 20-minute article: {long_run.peak_mb:.0f} MB "
        f"({long_seconds / 60:.1f} min)  {verdict(long_run.peak_mb < 300)}"
    )
    return {
        "speed": speed,
        "per_cpu": per_cpu,
        "share": share,
        "long_peak_mb": long_run.peak_mb,
        "long_minutes": long_seconds / 60,
    }
