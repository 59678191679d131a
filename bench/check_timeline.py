"""Where `toolkit check --format json`'s wall time goes: a timeline of its processes.

Run in a project (e.g. the check bench's corpus, `bench_check.py --keep`):

    PYTHONPATH=/path/to/checkout python bench/check_timeline.py [--keep-state]

It runs the command in this process with the check's phases wrapped (nothing else
changes: the JSON goes to stdout as usual, so it can be compared with a saved report) and
prints, on stderr, each phase of the parent (start, reading the sources while the workers
build the syllable dictionaries, checking, the serial end) and, per check worker, its CPU
seconds, its idle time while the others were checking and how long it waited for the last
one. Idle and waiting times say how well the work is shared whatever the machine's load;
wall times do not. It wraps private functions of `toolkit.checks.report`: a checkout whose
names differ gets fewer lines, not an error.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

T0 = time.time()
LOG = Path(f"/tmp/check-timeline-{os.getpid()}.log")


def _log(what: str) -> None:
    # appended by every process (forked workers included); one line is one write
    with LOG.open("a") as handle:
        handle.write(f"{os.getpid()} {what} {time.time() - T0:.4f} {time.process_time():.4f}\n")


def _wrap(module: Any, name: str, tag: str) -> None:
    original = getattr(module, name, None)
    if original is None:
        return

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _log(f"{tag}-start")
        try:
            return original(*args, **kwargs)
        finally:
            _log(f"{tag}-end")

    # pickled by name into the workers: it must be found under the original's name
    wrapped.__qualname__ = original.__qualname__
    wrapped.__module__ = original.__module__
    wrapped.__name__ = original.__name__
    setattr(module, name, wrapped)


def _report() -> None:
    rows = [line.split() for line in LOG.read_text().splitlines()]
    parent = str(os.getpid())
    at = {what: float(t) for pid, what, t, _ in rows if pid == parent}
    cpu = {what: float(c) for pid, what, _, c in rows if pid == parent}
    events: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for pid, what, t, c in rows:
        if pid != parent:
            events[pid].append((what, float(t), float(c)))
    out = sys.stderr
    start = at.get("read-sources-start", 0.0)
    print(
        f"start (imports, stored results): {start:.2f} s "
        f"(CPU {cpu.get('read-sources-start', 0):.2f})",
        file=out,
    )
    if "read-sources-end" in at:
        print(
            f"reading sources, building dictionaries: {at['read-sources-end'] - start:.2f} s",
            file=out,
        )
    checkers = {p: e for p, e in events.items() if any(w == "task-start" for w, _, _ in e)}
    if checkers:
        first = min(t for e in checkers.values() for w, t, _ in e if w == "task-start")
        ends = {p: max(t for w, t, _ in e if w == "task-end") for p, e in checkers.items()}
        last = max(ends.values())
        print(f"checking: {first:.2f} to {last:.2f} s ({last - first:.2f} s)", file=out)
        for pid, found in checkers.items():
            busy, began = 0.0, 0.0
            for what, t, _ in found:
                if what == "task-start":
                    began = t
                elif what == "task-end":
                    busy += t - began
            tasks = sum(w == "task-start" for w, _, _ in found)
            print(
                f"  worker {pid}: {tasks} articles, CPU {found[-1][2]:.2f} s, idle "
                f"{last - first - busy:.2f} s, waited {last - ends[pid]:.3f} s for the last",
                file=out,
            )
        print(f"end (stores, JSON): {at['exit'] - last:.2f} s", file=out)
    print(f"parent: {at['exit']:.2f} s wall, {cpu['exit']:.2f} CPU s", file=out)


def main() -> None:
    keep = "--keep-state" in sys.argv
    sys.argv = ["toolkit", "check", "--format", "json"]
    if not keep:
        state = Path("build/.state/checks.sqlite")
        state.unlink(missing_ok=True)
    _log("start")
    import toolkit.checks.report as report
    import toolkit.cli as cli

    _wrap(report, "_check_article", "task")
    _wrap(report, "_read_articles", "read-sources")
    try:
        cli.main(standalone_mode=False)
    finally:
        sys.stdout.flush()
        _log("exit")
        _report()
        LOG.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
