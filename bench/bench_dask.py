"""Dask bench (issue 13): espeak audio throughput on a two-worker Dask cluster against the
local-process executor. Target: the cluster within 15 % of local processes.

    python bench/bench_dask.py [--repeat N] [--mode auto|command|jobs]

Both executors get two workers and the same work, from a fresh copy of the sample project
each time (no sentence cache, no outputs). The cluster is the one `--executor dask` starts
(`toolkit.dask_executor.local_cluster`: worker processes of one thread each on 127.0.0.1,
no profiler), of two workers, started once before the timed runs and reached through its
`tcp://` address; its start-up is printed on its own line.

- `command` (when `toolkit audio` takes `--executor`, i.e. the audio stage runs on the task
  executors): `toolkit audio --engine espeak --executor local` against `--executor
  tcp://…` (the bench's cluster).
- `jobs` (before that): one job per (article, locale) pair of the sample project, mapped
  over the executors directly (`LocalProcesses(workers=2)` against `DaskExecutor` on the
  cluster). A job is the real audio stage for that one pair, in its own copy of the project,
  serially in the worker (`generate_audio(..., workers=1)`): espeak synthesis, assembly,
  loudness, MP3 encoding and captions. Each pair calibrates its own voice pace, so the
  absolute figures are below `toolkit audio`'s; the comparison between executors is the
  point. The MP3s of both executors are compared byte for byte.

CPU seconds are the bench process's, its reaped children's and every live descendant's
(the cluster's workers) user + system time, as deltas over the timed run; wall seconds are
noisy on a busy machine, so both are printed with the load average.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import SCRATCH, copy_project, fresh_dir, load, measure, table, toolkit, verdict

TARGET = 0.15  #: the cluster's throughput may be at most this much below local processes
WORKERS = 2


def _pair_audio(job: tuple[str, str, str]) -> tuple[float, str, float]:
    """In a worker: the audio of one (article, locale) pair, in its own project copy; its
    seconds of audio, the SHA-256 of its MP3 ("" when the pair is not publishable) and the
    CPU seconds of the thread that ran it."""
    import importlib.util
    import time
    from pathlib import Path

    from mutagen.mp3 import MP3

    from toolkit.audio.pipeline import generate_audio
    from toolkit.project import Project

    start = time.thread_time()
    root, locale, slug = job
    project = Project.load(root)
    # in this worker only: once the audio stage takes an executor, say so (a Dask worker
    # may not start processes of its own)
    split = importlib.util.find_spec("toolkit.audio.stage") is not None
    options = {"executor": "inprocess"} if split else {}
    generate_audio(project, [locale], [slug], "espeak", workers=1, **options)
    found = sorted(Path(root, "build").rglob("audio.mp3"))
    if not found:
        return 0.0, "", time.thread_time() - start
    seconds = MP3(found[0]).info.length
    return seconds, hashlib.sha256(found[0].read_bytes()).hexdigest(), time.thread_time() - start


def _tree_cpu() -> float:
    """CPU seconds of this process, its reaped children and its live descendants."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    me = os.getpid()
    for pid in times:
        ancestor = parents.get(pid)
        while ancestor is not None and ancestor not in (me, 0, 1):
            ancestor = parents.get(ancestor)
        if ancestor == me:
            total += times[pid]
    return total


def _pairs(root: Path) -> list[tuple[str, str]]:
    import tomllib

    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["toolkit"]
    slugs = sorted(p.stem for p in (root / "source_articles").iterdir())
    return [(locale, slug) for locale in ["en", *config["locales"]] for slug in slugs]


def _copies(name: str) -> list[tuple[str, str, str]]:
    base = fresh_dir(SCRATCH / "dask" / name)
    jobs = []
    for locale, slug in _pairs(copy_project(base / "template")):
        root = base / f"{locale}-{slug}"
        shutil.copytree(base / "template", root)
        jobs.append((str(root), locale, slug))
    return jobs


def _timed(runner: Any, jobs: list[tuple[str, str, str]]) -> tuple[float, float, list[Any]]:
    cpu, start = _tree_cpu(), time.perf_counter()
    results = runner.map(_pair_audio, jobs)
    return time.perf_counter() - start, _tree_cpu() - cpu, results


def _audio_help_has_executor() -> bool:
    done = subprocess.run(toolkit("audio", "--help"), capture_output=True, text=True)
    return "--executor" in done.stdout


def _cluster() -> tuple[Any, float, float]:
    """The cluster `--executor dask` starts (`toolkit.dask_executor.local_cluster`), of two
    workers, timed."""
    from toolkit.dask_executor import local_cluster

    cpu, start = _tree_cpu(), time.perf_counter()
    cluster = local_cluster(WORKERS)
    return cluster, time.perf_counter() - start, _tree_cpu() - cpu


def _audio_seconds(root: Path) -> float:
    from mutagen.mp3 import MP3

    return sum(MP3(p).info.length for p in sorted((root / "build").rglob("audio.mp3")))


def run_jobs(cluster: Any, repeat: int) -> list[list[Any]]:
    from toolkit.dask_executor import DaskExecutor
    from toolkit.tasks import LocalProcesses

    rows: dict[str, list[tuple[float, float, float]]] = {"local": [], "dask": []}
    digests: dict[str, list[str]] = {}
    in_jobs: dict[str, float] = {}
    for i in range(repeat):
        # alternately first: the load of a busy machine drifts between the two runs
        for name in ("local", "dask") if i % 2 == 0 else ("dask", "local"):
            jobs = _copies(f"{name}-{i}")
            if name == "local":
                runner: Any = LocalProcesses(workers=WORKERS, minimum=1)
            else:
                runner = DaskExecutor(address=cluster.scheduler_address)
            try:
                wall, cpu, results = _timed(runner, jobs)
            finally:
                getattr(runner, "close", lambda: None)()
            rows[name].append((wall, cpu, sum(r[0] for r in results)))
            digests[name] = [r[1] for r in results]
            in_jobs[name] = sum(r[2] for r in results)
    same = digests["local"] == digests["dask"]
    print(f"MP3s of every pair byte-identical on both executors: {'yes' if same else 'NO'}")
    print(
        "CPU s inside the jobs (the threads that ran them, last run): "
        + ", ".join(f"{name} {seconds:.2f}" for name, seconds in in_jobs.items())
    )
    return _rows(rows)


def run_command(cluster: Any, repeat: int) -> list[list[Any]]:
    rows: dict[str, list[tuple[float, float, float]]] = {"local": [], "dask": []}
    order = [("local", "local"), ("dask", cluster.scheduler_address)]
    for i in range(repeat):
        for name, executor in order if i % 2 == 0 else order[::-1]:
            root = copy_project(SCRATCH / "dask" / f"command-{name}-{i}")
            # the command (a reaped child, its pool included) and the cluster's workers (live
            # children) and scheduler (this process): all in the tree's CPU
            cpu = _tree_cpu()
            run = measure(toolkit("audio", "--engine", "espeak", "--executor", executor), root)
            rows[name].append((run.seconds, _tree_cpu() - cpu, _audio_seconds(root)))
    return _rows(rows)


def _rows(rows: dict[str, list[tuple[float, float, float]]]) -> list[list[Any]]:
    out = []
    for name, runs in rows.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        audio = runs[-1][2]
        out.append([name, wall, cpu, audio])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--mode", choices=["auto", "command", "jobs"], default="auto")
    args = parser.parse_args()
    mode = args.mode
    if mode == "auto":
        mode = "command" if _audio_help_has_executor() else "jobs"
    cluster, start_wall, start_cpu = _cluster()
    try:
        print(f"Dask bench ({mode}): espeak audio of the sample project; {load()}")
        print(f"two-worker LocalCluster start-up: {start_wall:.2f} s wall, {start_cpu:.2f} s CPU")
        rows = (
            run_command(cluster, args.repeat)
            if mode == "command"
            else run_jobs(cluster, args.repeat)
        )
    finally:
        cluster.close()
        shutil.rmtree(SCRATCH / "dask", ignore_errors=True)
    printed = []
    speeds = {}
    for name, wall, cpu, audio in rows:
        speeds[name] = (audio / wall, audio / cpu if cpu else float("nan"))
        printed.append(
            [
                f"{name} ({WORKERS} workers)",
                f"{wall:.2f}",
                f"{cpu:.2f}",
                f"{audio:.1f}",
                f"{speeds[name][0]:.1f}",
                f"{speeds[name][1]:.1f}",
            ]
        )
    header = ["executor", "wall s", "CPU s", "audio s", "audio s / wall s", "audio s / CPU s"]
    print(table(header, printed))
    wall_ratio = speeds["dask"][0] / speeds["local"][0]
    cpu_ratio = speeds["dask"][1] / speeds["local"][1]
    print(
        f"dask / local throughput: {wall_ratio:.1%} by wall time, {cpu_ratio:.1%} by CPU time; "
        f"target >= {1 - TARGET:.0%}: {verdict(wall_ratio >= 1 - TARGET)} (wall), "
        f"{verdict(cpu_ratio >= 1 - TARGET)} (CPU); {load()}"
    )


if __name__ == "__main__":  # the cluster's workers are spawned and import this file
    sys.exit(main())
