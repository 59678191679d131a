"""Workers die with their parent: SIGKILL a process that runs a toolkit pool, its workers go.

Linux only (the workers are found through /proc); both the kernel's PR_SET_PDEATHSIG and the
parent-watching thread used where prctl is missing are tested.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import toolkit
from conftest import children, is_alive

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

PARENT = textwrap.dedent(
    """\
    import sys, time
    from toolkit import parallel, workers
    from toolkit.audio import pipeline

    if sys.argv[2] == "watch":  # as where prctl is missing: the watching thread
        workers._pdeathsig = lambda: False
    if sys.argv[1] == "audio":  # the audio stage's warm pool
        pool = pipeline._get_pool(2)
        futures = [pool.submit(time.sleep, 120) for _ in range(2)]
        time.sleep(120)
    else:  # the pool every other stage spreads its work over
        parallel.in_parallel(time.sleep, [120] * parallel.MIN_PARALLEL_JOBS)
    """
)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pools need two cores")
@pytest.mark.parametrize("pool", ["audio", "stages"])
@pytest.mark.parametrize("how", ["prctl", "watch"])
def test_workers_are_gone_within_seconds_of_their_parent_being_killed(
    tmp_path: Path, pool: str, how: str
) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(toolkit.__file__).parents[1])}
    parent = subprocess.Popen([sys.executable, str(script), pool, how], env=env)
    try:
        deadline = time.monotonic() + 60
        while len(workers := children(parent.pid)) < 2:
            assert parent.poll() is None, "the parent ended by itself"
            assert time.monotonic() < deadline, "no workers started"
            time.sleep(0.1)
        time.sleep(0.5)  # past the initializer
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(is_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = [w for w in workers if is_alive(w)]
    finally:
        if parent.poll() is None:
            parent.kill()
    for worker in alive:  # clean up after a failure
        os.kill(worker, signal.SIGKILL)
    assert alive == [], f"workers {alive} outlived their parent by 5 s"
