"""Work spread over the CPU cores, for stages that handle many independent items."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many jobs, starting worker processes costs more than it saves
MIN_PARALLEL_JOBS = 16


def in_parallel(function: Callable[[T], R], jobs: list[T], chunksize: int | None = None) -> list[R]:
    """`[function(job) for job in jobs]`, in order, spread over the CPU cores when there are
    many jobs. `function` must be a module-level function and jobs picklable; modules the
    jobs need should be imported (and data loaded) before the call, so forked workers
    inherit them instead of loading them once each. `chunksize`: jobs sent to a worker at
    a time (default a quarter of each worker's share); small chunks end together.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < MIN_PARALLEL_JOBS or workers < 2:
        return [function(job) for job in jobs]
    from .workers import process_pool

    with process_pool(workers) as pool:
        chunksize = chunksize or max(1, len(jobs) // (workers * 4))
        return list(pool.map(function, jobs, chunksize=chunksize))
