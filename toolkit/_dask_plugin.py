"""The worker plugin of the local Dask cluster (imported only where distributed is)."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from .workers import die_with_parent


class DieWithParent(WorkerPlugin):
    """Ends a local cluster's worker when the process that started the cluster ends.

    distributed's own guard (a pipe whose end closes with the parent) runs in a Python
    thread, which a job holding the GIL in C code can delay; the kernel's PR_SET_PDEATHSIG
    (toolkit.workers) cannot be delayed.
    """

    name = "toolkit-die-with-parent"

    def __init__(self, parent: int) -> None:
        self.parent = parent

    def setup(self, worker: Any) -> None:
        die_with_parent(self.parent)
