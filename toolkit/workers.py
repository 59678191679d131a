"""Worker processes that die with their parent.

A killed `build` (SIGKILL, an OOM kill, a closed CI job) cannot run its clean-up, so its
pool's workers used to live on: found running 50 minutes later at about 1 GB each, still
writing into the build folder the next build was using. Every pool the toolkit starts runs
`die_with_parent` in each worker first: on Linux the kernel delivers SIGKILL to the worker
when its parent goes (prctl PR_SET_PDEATHSIG); elsewhere a daemon thread watches the parent.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: linux/prctl.h
PR_SET_PDEATHSIG = 1
#: seconds between two looks at the parent where prctl is not available
WATCH_INTERVAL = 0.5


def die_with_parent(parent: int) -> None:
    """Pool initializer: end this process when `parent` (the pid that started it) ends."""
    if sys.platform.startswith("linux") and _pdeathsig():
        # the parent may have died between the fork and the prctl: then nobody signals us
        if os.getppid() != parent:
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()


def _pdeathsig() -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


def process_pool(workers: int, context: Any = None) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers die with this process."""
    return ProcessPoolExecutor(
        workers, context, initializer=die_with_parent, initargs=(os.getpid(),)
    )
