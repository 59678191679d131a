"""What every benchmark shares: where scratch files go, timing a command, printing a table."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"  # git-ignored scratch space: corpora, peers' virtualenvs, project copies
# Our console script sits next to the interpreter running the bench (the project's .venv).
TOOLKIT = Path(sys.executable).with_name("toolkit")


def toolkit(*args: str) -> list[str]:
    if TOOLKIT.exists():
        return [str(TOOLKIT), *args]
    return [sys.executable, "-m", "toolkit", *args]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # peak resident set size of the process (and the children it waited for)


class CommandFailed(RuntimeError):
    pass


def measure(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to completion; wall-clock seconds and its own peak RSS (not the bench's).

    os.wait4 gives the rusage of exactly that child, so peaks of earlier commands and of this
    Python process never leak into the figure (RUSAGE_CHILDREN would keep the maximum of all).
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            tail = out.read().decode(errors="replace")[-2000:]
            raise CommandFailed(f"{' '.join(cmd)} (in {cwd}) exited {proc.returncode}:\n{tail}")
    return Run(seconds, usage.ru_maxrss / 1024)  # Linux reports KiB


def measure_all(cmds: Sequence[Sequence[str]], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Several commands run one after the other: total time, highest peak."""
    runs = [measure(cmd, cwd, env) for cmd in cmds]
    return Run(sum(r.seconds for r in runs), max(r.peak_mb for r in runs))


def median_run(runs: Sequence[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs))


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
    for name in ("pyproject.toml", "source_articles", "locales"):
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


def machine() -> str:
    import platform

    python = platform.python_version()
    return f"{platform.node() or 'host'}: {os.cpu_count()} cores, Python {python}"
