"""A stage's work as tasks, run by one scheduler on an executor (Bazel's and Sphinx's model).

A `Task` names its input and output files and a pure function from one picklable argument to
the bytes of each output. The scheduler skips a task whose inputs and outputs are as its
state remembers them (size, times, inode; content hashes when those differ), runs the others
on an executor, and writes every output only after every task succeeded (one bad input
writes nothing), then remembers them. Outputs are written by the scheduler, never by the
task, so whichever executor ran a task, the same bytes land on disk.

Executors: `InProcess` (one process, in order), `LocalProcesses` (a pool of worker
processes that die with their parent) and `DaskExecutor` (a Dask distributed cluster: a local
one, or a running scheduler at `tcp://HOST:PORT`; `toolkit.dask_executor`). A task whose key
is in the shared task cache (`toolkit.task_cache`) takes its outputs from there. Used by
`extract` and `compile`; `check`, `render` and `build` key their per-pair work the same way
(content digests of the inputs, tool version and settings in the state, outputs recorded with
their hashes) in their own modules, and `build` stamps every file it read or wrote so that a
build with nothing to do only stats them (`site._nothing_to_do`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .files import write_if_changed
from .state import StageState

if TYPE_CHECKING:
    from .task_cache import TaskCache


@dataclass(frozen=True)
class Task:
    """One unit of work: `run(arg)` -> {output path: bytes}, for `outputs` exactly."""

    key: str
    inputs: tuple[Path, ...]
    run: Callable[[Any], dict[Path, bytes]]
    arg: Any
    outputs: tuple[Path, ...]


class Executor(Protocol):
    """Runs `function` over jobs. `map` returns the results in the jobs' order;
    `as_completed` yields `(index, result)` as each job finishes (for progress, or to
    assemble one output while others are still being made). Both raise the first job's
    exception, as raised."""

    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]: ...

    def as_completed(
        self, function: Callable[[Any], Any], jobs: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]: ...


def in_order(completed: Iterator[tuple[int, Any]], count: int) -> list[Any]:
    """The `count` results of an `as_completed` stream, in the jobs' order: `map` for an
    executor whose jobs finish in any order."""
    results: list[Any] = [None] * count
    for index, result in completed:
        results[index] = result
    return results


class InProcess:
    """Every task in this process, in order."""

    name = "inprocess"

    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        return [function(job) for job in jobs]

    def as_completed(
        self, function: Callable[[Any], Any], jobs: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        for index, job in enumerate(jobs):
            yield index, function(job)


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

    def as_completed(
        self, function: Callable[[Any], Any], jobs: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        if len(jobs) < self.minimum or self.workers < 2:
            yield from InProcess().as_completed(function, jobs)
            return
        import concurrent.futures

        from .workers import process_pool

        with process_pool(self.workers) as pool:
            futures = {pool.submit(function, job): index for index, job in enumerate(jobs)}
            try:
                for future in concurrent.futures.as_completed(futures):
                    yield futures[future], future.result()
            finally:  # a failure (or a consumer that stops early) cancels the rest
                for future in futures:
                    future.cancel()


def _dask() -> Executor:
    from .dask_executor import DaskExecutor  # imports distributed only when it runs a task

    return DaskExecutor()


EXECUTORS: dict[str, Callable[[], Executor]] = {
    "inprocess": InProcess,
    "local": LocalProcesses,
    "dask": _dask,
}
#: schemes of a running Dask scheduler's address (`tcp://HOST:8786`)
SCHEDULER_SCHEMES = ("tcp://", "tls://")


def executor_problem(name: str) -> str | None:
    """Why `name` names no executor, or None: a registered name or a scheduler address."""
    if name in EXECUTORS:
        return None
    if name.startswith(SCHEDULER_SCHEMES):
        from .dask_executor import address_problem

        return address_problem(name)
    known = ", ".join([*sorted(EXECUTORS), "tcp://HOST:PORT"])
    return f"unknown executor {name!r} (known: {known})"


def executor(name: str | None) -> Executor:
    """The executor called `name` (default: local processes), or the Dask scheduler at the
    address `name` (`tcp://HOST:PORT`)."""
    from .errors import ConfigError

    if name is None:
        return LocalProcesses()
    problem = executor_problem(name)
    if problem is not None:
        raise ConfigError(problem)
    if name.startswith(SCHEDULER_SCHEMES):
        from .dask_executor import DaskExecutor

        return DaskExecutor(address=name)
    return EXECUTORS[name]()


@dataclass
class Outcome:
    """What the scheduler did: tasks run and skipped, outputs written and left as they were."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    #: tasks whose outputs came from the shared task cache instead of running
    cached: list[str] = field(default_factory=list)


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
    cache: TaskCache | None = None,
) -> Outcome:
    """Run the tasks that are not up to date on `runner`, write their outputs, remember them.

    `write(path, data)` writes one output and says whether it changed (default: unless the
    file already holds `data`). `prepare()` runs first when any task will run (load what the
    tasks need, so forked workers inherit it). A task found in `cache` (the shared task
    cache) is not run: its outputs come from there; the outputs of those that ran go there.
    The state is not saved here: the stage saves it once.
    """
    outcome = Outcome()
    todo = []
    for task in tasks:
        if state.unchanged(task.key, [*task.inputs, *task.outputs]):
            outcome.skipped.append(task.key)
        else:
            todo.append(task)
    found = cache.fetch(todo, state.settings) if cache is not None and todo else {}
    torun = [task for index, task in enumerate(todo) if index not in found]
    if torun and prepare is not None:
        prepare()
    results = iter((runner or LocalProcesses()).map(_run_task, torun))
    made = []
    for index, task in enumerate(todo):
        produced = found[index] if index in found else next(results)
        for path in task.outputs:
            (outcome.written if write(path, produced[path]) else outcome.unchanged).append(path)
        state.remember(task.key, [*task.inputs, *task.outputs])
        (outcome.cached if index in found else outcome.ran).append(task.key)
        if index not in found:
            made.append((task, produced))
    if cache is not None and made:
        cache.store(made, state.settings)
    return outcome
