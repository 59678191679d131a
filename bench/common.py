"""What every benchmark shares: where scratch files go, timing a command, printing a table."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"  # git-ignored scratch space: corpora, peers' virtualenvs, project copies
# This run's own corner of it: two benches running at once must not delete each other's files.
SCRATCH = WORK / f"run-{os.getpid()}"
# Our console script sits next to the interpreter running the bench (the project's .venv).
TOOLKIT = Path(sys.executable).with_name("toolkit")


def checkout_env(checkout: Path) -> dict[str, str]:
    """The timed commands' environment: `checkout` first on the path, bytecode written.

    With PYTHONDONTWRITEBYTECODE set (this machine's shells set it) and a checkout whose
    `__pycache__` is missing or older than its sources, every timed command compiled the
    toolkit modules it imports again (`status`: 30 modules, about 0.1 CPU s; `build` and
    Piper's `audio` more), which an installed toolkit never does: part of why the bench's
    `status` took 1.16 s where the same command by hand took 0.6 s. `compile_checkout`
    writes them once before timing."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_checkout(checkout: Path) -> None:
    """The checkout's bytecode, written (git-ignored `__pycache__`) before any step is timed,
    as `pip install` does for an installed toolkit."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(checkout / "toolkit")],
        env=checkout_env(checkout),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def toolkit(*args: str) -> list[str]:
    if TOOLKIT.exists():
        return [str(TOOLKIT), *args]
    return [sys.executable, "-m", "toolkit", *args]


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    peak_mb: float  # peak resident set size of the process (and the children it waited for)
    cpu: float = 0.0  # user + system CPU seconds: steadier than wall time on a busy machine


class CommandFailed(RuntimeError):
    pass


def _group_pss(group: int) -> int:
    """Bytes of memory used by every process of a process group (a command and its workers).

    PSS, not RSS: forked workers share their parent's pages, and summing RSS would count
    those once per worker.
    """
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != group:  # fields after "(comm)": state, ppid, pgrp, ...
                continue
            with open(f"/proc/{entry.name}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return total


class _GroupPeak(threading.Thread):
    """Samples the summed PSS of a process group every 20 ms: parallel workers add up."""

    def __init__(self, group: int) -> None:
        super().__init__(daemon=True)
        self.group, self.peak, self.done = group, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, _group_pss(self.group))


GNU_TIME = Path("/usr/bin/time")


def measure(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to completion; wall-clock seconds, CPU seconds and peak memory.

    Peak memory is the larger of the command's own peak RSS and the sampled PSS sum over its
    process group, which counts worker processes running at the same time. The peak RSS comes
    from GNU time, which starts the command from its own small process: Linux carries the
    high-water RSS of a forking parent over into the child's ru_maxrss, so a command forked
    straight from this (large) Python process would report this process's size.
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss:
        wrapped = [str(GNU_TIME), "-q", "-o", rss.name, "-f", "%M", *cmd]
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped if GNU_TIME.exists() else list(cmd),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        sampler = _GroupPeak(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            tail = out.read().decode(errors="replace")[-2000:]
            raise CommandFailed(f"{' '.join(cmd)} (in {cwd}) exited {proc.returncode}:\n{tail}")
        own_kib = usage.ru_maxrss
        if GNU_TIME.exists():
            own_kib = int(rss.read().split()[-1])
    cpu = usage.ru_utime + usage.ru_stime  # children's CPU included once they were waited for
    peak = max(own_kib * 1024, sampler.peak)
    return Run(seconds, peak / 2**20, cpu)


def measure_all(cmds: Sequence[Sequence[str]], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Several commands run one after the other: total time, highest peak."""
    runs = [measure(cmd, cwd, env) for cmd in cmds]
    return Run(sum(r.seconds for r in runs), max(r.peak_mb for r in runs), sum(r.cpu for r in runs))


def median_run(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        statistics.median(r.cpu for r in runs),
    )


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def copy_project(dest: Path, source: Path = REPO) -> Path:
    """A copy of a project (sources, catalogs, config) without build/, .venv/ or .git/."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "source_articles", "locales", "glossary", "lexicon"):
        item = source / name
        if item.is_dir():
            shutil.copytree(item, dest / name)
        elif item.is_file():
            shutil.copy2(item, dest / name)
    return dest


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table, first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        return "  ".join([first] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)])

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def load() -> str:
    """The 1-minute load average: other work on the machine makes wall times noisy."""
    return f"load average {os.getloadavg()[0]:.1f}"


def machine() -> str:
    import platform

    python = platform.python_version()
    return f"{platform.node() or 'host'}: {os.cpu_count()} cores, Python {python}"
