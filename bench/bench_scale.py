"""Scale bench (issue 14): build memory against bundle size, cache bytes per MP3 byte, cores.

- memory: `toolkit build` of N generated articles in the source language, with a stand-in
  for the audio stage that writes an MP3 as long as real speech would be (the article's words
  at 140 words a minute, 48 kbit/s, random bytes so nothing compresses): peak memory of the
  build against the size of `bundles/en.zip`. Real synthesis of 200 articles takes an hour.
- cache: `toolkit audio` of a few articles with real espeak-ng; the audio cache's bytes
  (sentence entries) per byte of the MP3s.
- cores: a cold `toolkit build` of a few articles with real espeak-ng: CPU seconds (workers
  included) per wall second, and seconds of audio per wall second.

`--toolkit DIR` runs another checkout (e.g. /work/main) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

from common import SCRATCH, Run, fresh_dir, load, measure, table, verdict
from corpus import write_corpus

BENCH = Path(__file__).resolve().parent

_STAND_IN = textwrap.dedent(
    """
    import os, re, sys
    from pathlib import Path
    from toolkit import site
    from toolkit.project import Project

    def fake_audio(project, article, pair, locale, engine, folder, force=False):
        words = len(re.findall(r"\\w+", pair.text))
        seconds = words * 60 / 140
        folder.mkdir(parents=True, exist_ok=True)
        mp3 = folder / "audio.mp3"
        with open(mp3, "wb") as out:  # 48 kbit/s, written in pieces: the bench measures build
            left = int(seconds * 6000)
            while left > 0:
                out.write(os.urandom(min(left, 1 << 20)))
                left -= 1 << 20
        (folder / "captions.vtt").write_text("WEBVTT\\n")
        (folder / "chapters.vtt").write_text("WEBVTT\\n")
        return {"audio_seconds": round(seconds, 2), "engine": "stand-in", "voice": "en",
                "audio_bytes": mp3.stat().st_size, "written": [str(mp3)]}

    site._make_audio = fake_audio
    site.build(Project.load(Path(sys.argv[1])), ["en"])
    """
)


def _project(root: Path, articles: int) -> Path:
    fresh_dir(root)
    write_corpus(root / "source_articles", articles)
    (root / "pyproject.toml").write_text('[tool.toolkit]\nsource_locale = "en"\n')
    return root


def _env(checkout: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(checkout)}


def memory(sizes: list[int], checkout: Path) -> list[tuple[int, float, Run]]:
    driver = SCRATCH / "stand_in.py"
    driver.parent.mkdir(parents=True, exist_ok=True)
    driver.write_text(_STAND_IN)
    out = []
    for count in sizes:
        root = _project(SCRATCH / f"mem-{count}", count)
        run = measure([sys.executable, str(driver), str(root)], root, _env(checkout))
        bundle = (root / "build" / "bundles" / "en.zip").stat().st_size / 2**20
        out.append((count, bundle, run))
        fresh_dir(root)
    return out


def _mp3_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "build" / "site").glob("*/*/audio.mp3"))


def _audio_seconds(root: Path) -> float:
    total = 0.0
    for state in (root / "build" / ".state" / "audio").glob("*/*.json"):
        total += json.loads(state.read_text())["result"]["duration"]
    return total


def espeak(articles: int, checkout: Path) -> tuple[Run, Run, int, int, float]:
    """(cold build, audio again from an empty site, cache bytes, MP3 bytes, audio seconds)."""
    root = _project(SCRATCH / "espeak", articles)
    build = measure([sys.executable, "-m", "toolkit", "build"], root, _env(checkout))
    cache = sum(
        p.stat().st_size for p in (root / "build" / ".cache" / "audio").glob("??/*") if p.is_file()
    )
    mp3 = _mp3_bytes(root)
    seconds = _audio_seconds(root)
    import shutil

    shutil.rmtree(root / "build" / ".state" / "audio")  # every pair again, from the cache
    audio = measure([sys.executable, "-m", "toolkit", "audio"], root, _env(checkout))
    return build, audio, cache, mp3, seconds


def run(sizes: list[int], articles: int, checkout: Path) -> None:
    print(f"Scale: toolkit from {checkout}, {load()} (busy-machine figures when others run)")
    if sizes:
        rows = []
        for count, bundle, r in memory(sizes, checkout):
            rows.append(
                (f"{count} articles", f"{bundle:.0f}", f"{r.peak_mb:.0f}", f"{r.seconds:.1f}")
            )
        print(table(("build, stand-in audio", "en.zip MB", "peak MB", "wall s"), rows))
        print("  target: peak < 300 MB whatever the bundle size")
    if articles <= 0:
        return
    build, audio, cache, mp3, seconds = espeak(articles, checkout)
    print(
        table(
            ("espeak, " + f"{articles} articles", "wall s", "CPU s", "cores", "audio s / wall s"),
            [
                (
                    "cold build",
                    f"{build.seconds:.1f}",
                    f"{build.cpu:.1f}",
                    f"{build.cpu / build.seconds:.2f}",
                    f"{seconds / build.seconds:.0f}",
                ),
                (
                    "audio, cache warm",
                    f"{audio.seconds:.1f}",
                    f"{audio.cpu:.1f}",
                    f"{audio.cpu / audio.seconds:.2f}",
                    f"{seconds / audio.seconds:.0f}",
                ),
            ],
        )
    )
    print(
        f"  audio cache {cache / 2**20:.1f} MB for {mp3 / 2**20:.1f} MB of MP3: "
        f"{cache / mp3:.2f} bytes per MP3 byte (target <= 1.2); {seconds:.0f} s of audio"
    )
    cores = build.cpu / build.seconds
    speed = seconds / build.seconds
    per_cpu = seconds / build.cpu if build.cpu else float("nan")
    print(f"  cold build, {load()} (targets are for a quiet 2-core machine):")
    print(f"    cores busy (CPU s / wall s): {cores:.2f}   target >= 1.8  {verdict(cores >= 1.8)}")
    print(
        f"    audio s per wall s: {speed:.0f}   target >= 350  {verdict(speed >= 350)}; "
        f"per CPU s: {per_cpu:.0f} (on 2 busy cores at most {2 * per_cpu:.0f} per wall s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,200", help="articles per bundle, comma-separated")
    parser.add_argument("--articles", type=int, default=6, help="articles spoken with espeak")
    parser.add_argument("--toolkit", type=Path, default=BENCH.parent, help="checkout to run")
    args = parser.parse_args()
    try:
        sizes = [int(n) for n in args.sizes.split(",") if n]
        run(sizes, args.articles, args.toolkit.resolve())
    finally:
        import shutil

        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
