"""A stage's work as tasks, run by one scheduler on an executor (Bazel's and Sphinx's model).

A `Task` names its input and output files and a pure function from one picklable argument to
the bytes of each output. The scheduler skips a task whose inputs and outputs are as its
state remembers them (size, times, inode; content hashes when those differ), runs the others
on an executor, and writes every output only after every task succeeded (one bad input
writes nothing), then remembers them. Outputs are written by the scheduler, never by the
task, so whichever executor ran a task, the same bytes land on disk.

Executors: `InProcess` (one process, in order) and `LocalProcesses` (a pool of worker
processes that die with their parent). Used by `extract` and `compile`; `check`, `render`
and `build` key their per-pair work the same way (content digests of the inputs, tool
version and settings in the state, outputs recorded with their hashes) in their own modules,
and `build` stamps every file it read or wrote so that a build with nothing to do only stats
them (`site._nothing_to_do`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .files import write_if_changed
from .state import StageState


@dataclass(frozen=True)
class Task:
    """One unit of work: `run(arg)` -> {output path: bytes}, for `outputs` exactly."""

    key: str
    inputs: tuple[Path, ...]
    run: Callable[[Any], dict[Path, bytes]]
    arg: Any
    outputs: tuple[Path, ...]


class Executor(Protocol):
    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]: ...


class InProcess:
    """Every task in this process, in order."""

    name = "inprocess"

    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        return [function(job) for job in jobs]


class LocalProcesses:
    """Tasks spread over worker processes (default: every core); below `minimum` jobs, in
    this process (starting workers would cost more than it saves)."""

    name = "local"

    def __init__(self, workers: int | None = None, minimum: int = 16) -> None:
        self.workers = workers or min(os.cpu_count() or 1, 8)
        self.minimum = minimum

    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        if len(jobs) < self.minimum or self.workers < 2:
            return InProcess().map(function, jobs)
        from .workers import process_pool

        chunk = max(1, len(jobs) // (self.workers * 4))
        with process_pool(self.workers) as pool:
            return list(pool.map(function, jobs, chunksize=chunk))


EXECUTORS: dict[str, Callable[[], Executor]] = {"inprocess": InProcess, "local": LocalProcesses}


def executor(name: str | None) -> Executor:
    """The executor called `name` (default: local processes)."""
    from .errors import ConfigError

    if name is None:
        return LocalProcesses()
    if name not in EXECUTORS:
        raise ConfigError(f"unknown executor {name!r} (known: {', '.join(sorted(EXECUTORS))})")
    return EXECUTORS[name]()


@dataclass
class Outcome:
    """What the scheduler did: tasks run and skipped, outputs written and left as they were."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def _run_task(task: Task) -> dict[Path, bytes]:
    produced = task.run(task.arg)
    if set(produced) != set(task.outputs):
        raise RuntimeError(f"task {task.key} made {sorted(produced)}, not {task.outputs}")
    return produced


def run_tasks(
    tasks: Sequence[Task],
    state: StageState,
    runner: Executor | None = None,
    write: Callable[[Path, bytes], bool] = write_if_changed,
    prepare: Callable[[], None] | None = None,
) -> Outcome:
    """Run the tasks that are not up to date on `runner`, write their outputs, remember them.

    `write(path, data)` writes one output and says whether it changed (default: unless the
    file already holds `data`). `prepare()` runs first when any task will run (load what the
    tasks need, so forked workers inherit it). The state is not saved here: the stage saves
    it once.
    """
    outcome = Outcome()
    todo = []
    for task in tasks:
        if state.unchanged(task.key, [*task.inputs, *task.outputs]):
            outcome.skipped.append(task.key)
        else:
            todo.append(task)
    if todo and prepare is not None:
        prepare()
    results = (runner or LocalProcesses()).map(_run_task, todo)
    for task, produced in zip(todo, results, strict=True):
        for path in task.outputs:
            (outcome.written if write(path, produced[path]) else outcome.unchanged).append(path)
        state.remember(task.key, [*task.inputs, *task.outputs])
        outcome.ran.append(task.key)
    return outcome
