"""Tasks on a Dask distributed cluster: `--executor dask` or `--executor tcp://HOST:8786`.

`DaskExecutor()` starts a LocalCluster on this machine (worker processes, one thread each,
as many as cores, on 127.0.0.1, no dashboard) whose workers die with this process;
`DaskExecutor(address="tcp://HOST:8786")` uses a running scheduler and its workers, which
must run the same toolkit version and see the project at the same path (a shared file
system: the tasks read their inputs there; outputs come back as bytes and the scheduler in
this process writes them, as with every executor).

Nothing is started or contacted until the first job: a build with nothing to do stays as
fast as with the other executors, and `distributed` (about a second to import) is imported
only then.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .errors import ExecutorError
from .tasks import in_order

log = logging.getLogger(__name__)

#: seconds to wait for a scheduler to answer (then: one error, exit 1)
CONNECT_TIMEOUT = 10.0
#: seconds to wait for a first worker to join a scheduler that has none
WORKER_TIMEOUT = 60.0
#: jobs per batch sent to a worker: about this many batches per worker (as LocalProcesses)
BATCHES_PER_WORKER = 4

#: the local cluster's settings. Its workers run jobs of seconds, not milliseconds, so
#: distributed's statistical profiler (each worker's stack sampled every 10 ms) and its
#: 20-100 ms health and memory polls only cost CPU: measured on the 2-core VM, an idle
#: two-worker cluster used 10 % of a core with them and under 2 % without.
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    # distributed's default also sets MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's
    # adaptive mmap threshold: every large numpy temporary (PCM) is then mapped and faulted
    # in anew. The workers run with the allocator's defaults, as the local processes do.
    "distributed.nanny.pre-spawn-environ": {
        "OMP_NUM_THREADS": 1,
        "MKL_NUM_THREADS": 1,
        "OPENBLAS_NUM_THREADS": 1,
    },
}

_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")


def address_problem(address: str) -> str | None:
    """Why `address` is not a scheduler address (`tcp://HOST:PORT`), or None."""
    match = _ADDRESS.match(address)
    if match is None or not 0 < int(match.group(3)) < 65536:
        return (
            f"executor {address!r} is not a Dask scheduler address: write tcp://HOST:PORT "
            "(such as tcp://10.0.0.5:8786)"
        )
    return None


class VersionMismatch(Exception):
    """Raised on a worker whose toolkit is not the version of the process that sent the job."""


def _checked(job: tuple[str, Callable[[Any], Any], list[Any]]) -> list[Any]:
    """On a worker: run one batch of jobs, after checking the toolkit version (a worker that
    joined after the check at connection time is checked here)."""
    import toolkit

    expected, function, batch = job
    if toolkit.__version__ != expected:
        raise VersionMismatch(f"runs toolkit {toolkit.__version__}, not {expected}")
    return [function(item) for item in batch]


def _worker_version() -> str:
    import toolkit

    return toolkit.__version__


class DaskExecutor:
    """Jobs on a Dask distributed cluster (a LocalCluster, or the scheduler at `address`).

    Close it (`close()`, or use it as a context manager) to stop the cluster it started.
    """

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.address = address
        self.workers = workers or os.cpu_count() or 1
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.address or f"a local cluster of {self.workers} workers"
        return f"DaskExecutor({where})"

    # -- the Executor protocol ---------------------------------------------------------

    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        return in_order(self.as_completed(function, jobs), len(jobs))

    def as_completed(
        self, function: Callable[[Any], Any], jobs: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        if not jobs:
            return
        client = self._connect()
        import distributed

        import toolkit

        batches = self._batches(len(jobs), client)
        futures = {
            client.submit(
                _checked, (toolkit.__version__, function, [jobs[i] for i in batch]), pure=False
            ): batch
            for batch in batches
        }
        try:
            for future in distributed.as_completed(futures, loop=client.loop):
                try:
                    results = future.result()
                except VersionMismatch as exc:
                    raise ExecutorError(self._mismatch(str(exc))) from None
                except distributed.KilledWorker as exc:
                    raise ExecutorError(
                        f"Dask workers died running a task ({_reason(exc)}): out of memory? "
                        "Give the workers more memory or fewer processes per machine"
                    ) from None
                except distributed.client.FutureCancelledError as exc:
                    raise ExecutorError(
                        f"the Dask scheduler {self.address or '(local)'} cancelled the work "
                        f"({_reason(exc)}): is it still running?"
                    ) from None
                yield from zip(futures[future], results, strict=True)
        finally:  # a failure (or a consumer that stops early) cancels the rest
            client.cancel(list(futures))

    def close(self) -> None:
        """Disconnect; stop the local cluster (and its workers) if this executor started it."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    # -- connecting --------------------------------------------------------------------

    def _batches(self, count: int, client: Any) -> list[range]:
        workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        size = max(1, count // (workers * BATCHES_PER_WORKER))
        return [range(start, min(start + size, count)) for start in range(0, count, size)]

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            import distributed
        except ImportError as exc:
            raise ExecutorError(
                f"the Dask executor needs dask and distributed ({exc}): "
                "pip install 'toolkit[dask]', or use --executor local"
            ) from None
        if self.address is None:
            self._client = self._start_local(distributed)
        else:
            self._client = self._join(distributed, self.address)
        try:
            self._check_versions(self._client)
        except BaseException:
            self.close()
            raise
        return self._client

    def _start_local(self, distributed: Any) -> Any:
        log.info("starting a local Dask cluster of %d workers", self.workers)
        self._cluster = local_cluster(self.workers)
        return distributed.Client(self._cluster, set_as_default=False)

    def _join(self, distributed: Any, address: str) -> Any:
        log.info("connecting to the Dask scheduler at %s", address)
        try:
            client = distributed.Client(
                address, timeout=CONNECT_TIMEOUT, set_as_default=False, direct_to_workers=False
            )
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT:g} s "
                f"({_reason(exc)}): start it (`dask scheduler`), check the address and "
                "firewall, or use --executor local"
            ) from None
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except (OSError, TimeoutError):
            client.close()
            raise ExecutorError(
                f"the Dask scheduler at {address} has no worker after {WORKER_TIMEOUT:g} s: "
                f"start some (`dask worker {address}`), or use --executor local"
            ) from None
        return client

    def _check_versions(self, client: Any) -> None:
        import toolkit

        found = client.run(_worker_version, on_error="return")
        wrong = {
            worker: (f"runs toolkit {value}" if isinstance(value, str) else _reason(value))
            for worker, value in sorted(found.items())
            if value != toolkit.__version__
        }
        if wrong:
            worker, what = next(iter(wrong.items()))
            more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
            raise ExecutorError(self._mismatch(f"{what}", worker, more))

    def _mismatch(self, what: str, worker: str = "a worker", more: str = "") -> str:
        import toolkit

        return (
            f"Dask worker {worker}{more} {what}; this is toolkit {toolkit.__version__}: "
            f"install toolkit=={toolkit.__version__} on every worker (the same version "
            "makes the same bytes)"
        )


def local_cluster(workers: int) -> Any:
    """A LocalCluster of `workers` processes (one thread each) on 127.0.0.1, no dashboard,
    whose workers die with this process (`--executor dask`; the benches use it too)."""
    import dask
    import distributed

    from ._dask_plugin import DieWithParent

    # the workers are spawned with the configuration of the moment: set it around the start
    with dask.config.set(LOCAL_CONFIG):
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard; the scheduler's small HTTP server (health checks) on a free
            # loopback port, not 8787 (another cluster may hold it)
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            # a killed build (SIGKILL, OOM, a closed CI job) takes its workers with it
            plugins={DieWithParent(os.getpid())},
            silence_logs=logging.ERROR,
        )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
