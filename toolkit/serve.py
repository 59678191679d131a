"""`toolkit serve`: the built site on this computer, as a browser sees it.

The standard library's threading HTTP server over `build/site/`, bound to localhost by
default. With a rebuild callback, a thread polls the project's inputs (sources, catalogs,
glossaries, lexicons, settings) and rebuilds when their names, sizes or times change:
polling needs no dependency and works on every file system.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import ToolkitError
from .project import Project

log = logging.getLogger(__name__)


class _Handler(SimpleHTTPRequestHandler):
    # a browser plays captions only when they come as text/vtt (not every system's
    # mimetypes knows .vtt); the text files are UTF-8
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".vtt": "text/vtt; charset=utf-8",
        ".mp3": "audio/mpeg",
        ".txt": "text/plain; charset=utf-8",
        ".md": "text/markdown; charset=utf-8",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        # a request is not a diagnostic: shown with -v only
        log.info("%s %s", self.address_string(), format % args)


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for `site_dir` (port 0: a free port, see `server.server_address`)."""
    handler = functools.partial(_Handler, directory=str(site_dir))
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise ToolkitError(
            f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port"
        ) from None
    server.daemon_threads = True
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def fingerprint(project: Project) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every input a build reads."""
    paths = project.paths
    config = project.config
    roots = [
        paths.source_dir,
        paths.locales_dir,
        paths.root / config.checks.glossary_dir,
        paths.root / config.audio.lexicon_dir,
    ]
    files = [paths.root / "pyproject.toml"]
    for root in roots:
        if root.is_dir():
            files += [p for p in root.rglob("*") if p.is_file()]
    out = []
    for path in sorted(files):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        out.append((path.as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def watch(
    project_of: Callable[[], Project],
    rebuild: Callable[[], None],
    stop: threading.Event,
    interval: float = 1.0,
) -> None:
    """Call `rebuild` whenever the inputs' fingerprint changes, until `stop` is set.

    A build that fails on bad input is reported and the server keeps serving the last good
    site: the author fixes the file and the next poll rebuilds."""
    seen = fingerprint(project_of())
    while not stop.wait(interval):
        try:
            now = fingerprint(project_of())
            if now == seen:
                continue
            seen = now
            rebuild()
        except ToolkitError as exc:
            log.error("%s", exc)


def serve_site(
    project_of: Callable[[], Project],
    host: str,
    port: int,
    on_ready: Callable[[str], None],
    rebuild: Callable[[], None] | None = None,
    interval: float = 1.0,
) -> None:
    """Serve the project's `build/site/` until interrupted (Ctrl-C)."""
    server = make_server(project_of().paths.site_dir, host, port)
    stop = threading.Event()
    watcher = None
    if rebuild is not None:
        watcher = threading.Thread(
            target=watch, args=(project_of, rebuild, stop, interval), daemon=True
        )
        watcher.start()
    on_ready(url_of(server))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        if watcher is not None:
            watcher.join(timeout=interval + 1)
