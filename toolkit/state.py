"""Incremental state: content hashes of each stage's inputs and outputs.

Stored in SQLite under build/.state/ (one row per item). A state written by another tool
version or with other relevant settings is thrown away (Sphinx's rule), so a stale cache
never hides work.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import __version__


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def _stats(files: list[Path]) -> list[list[int] | None]:
    out: list[list[int] | None] = []
    for path in files:
        try:
            info = path.stat()
        except FileNotFoundError:
            out.append(None)
        else:
            # ctime and inode too: an edit that keeps the size and restores the mtime
            # (`touch -r`, `os.utime`, an unpacked archive) still changes those
            out.append([info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino])
    return out


class _Gone:
    """Marks a key discarded since the state was read."""


_GONE = _Gone()


class StageState:
    """One stage's remembered hashes, keyed by item (`slug`, `es/slug`…).

    Stored in SQLite (`<name>.sqlite`, one row per item): a build reads the rows it asks for
    and writes only the rows it changed, in one transaction at `save`, so its cost does not
    grow with the library; a build that changes nothing writes nothing.
    """

    def __init__(self, path: Path, settings: dict[str, Any]) -> None:
        self.path = path.with_suffix(".sqlite")
        self.settings = {"toolkit": __version__, **settings}
        self._read: dict[str, Any] = {}  #: rows read so far
        self._changed: dict[str, Any] = {}  #: rows to write (or _GONE to delete) at save
        self._empty = True  #: nothing stored applies: no file, or other settings
        self._db: sqlite3.Connection | None = None
        self._reset = False  #: the stored rows must go at save (forced, damaged, stale)
        self._meta: dict[str, Any] = {}  #: meta rows to write (None: delete) at save
        self._files: dict[str, str] | None = None  #: the file stamps to store at save
        self._stored_stamps: dict[str, str] | None = None  #: the stored ones, once read
        if not self.path.is_file():
            return
        try:
            db = sqlite3.connect(self.path, isolation_level=None)
            row = db.execute("SELECT value FROM meta WHERE name = 'settings'").fetchone()
        except sqlite3.DatabaseError:
            self._reset = True  # damaged or not ours: start clean (save replaces it)
            return
        self._db = db
        self._empty = row is None or json.loads(row[0]) != _plain(self.settings)
        self._reset = self._empty

    def _row(self, key: str) -> Any:
        if key in self._changed:
            value = self._changed[key]
            return None if value is _GONE else value
        if key not in self._read:
            self._read[key] = None
            if not self._empty and self._db is not None:
                row = self._db.execute("SELECT value FROM items WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    self._read[key] = json.loads(row[0])
        return self._read[key]

    def unchanged(self, key: str, files: list[Path]) -> bool:
        """True when `files` are as remembered under `key`.

        Size and modification time decide first, so an unchanged project is not even read
        (Sphinx's rule); when they differ, the content hashes decide, so a file that was only
        touched still counts as unchanged (and its new times are remembered).
        """
        entry = self._row(key)
        if not isinstance(entry, dict):
            return False
        stats = _stats(files)
        if entry.get("stat") == stats:
            return True
        if entry.get("hash") == [file_digest(path) for path in files]:
            self.set(key, {**entry, "stat": stats})
            return True
        return False

    def remember(self, key: str, files: list[Path]) -> None:
        """Remember `files` as they are now under `key`."""
        self.set(key, {"stat": _stats(files), "hash": [file_digest(p) for p in files]})

    def get(self, key: str) -> Any:
        return self._row(key)

    def set(self, key: str, value: Any) -> None:
        value = _plain(value)
        if self._row(key) != value:
            self._changed[key] = value

    def changed(self, key: str) -> bool:
        """True when `key` was set to another value (or discarded) since the store was read:
        a value derived from an unchanged row can be reused instead of computed again."""
        return key in self._changed or self._reset

    def discard(self, key: str) -> None:
        if self._row(key) is not None:
            self._changed[key] = _GONE

    def keys(self, prefix: str = "") -> list[str]:
        """Every remembered key starting with `prefix`, sorted."""
        found = set()
        if not self._empty and self._db is not None:
            rows = self._db.execute(
                "SELECT key FROM items WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
            )
            found = {row[0] for row in rows}
        for key, value in self._changed.items():
            if key.startswith(prefix):
                (found.discard if value is _GONE else found.add)(key)
        return sorted(found)

    def rows(self, prefix: str) -> dict[str, Any]:
        """Every remembered row whose key starts with `prefix`, read in one query (a stage
        that will look at every row anyway asks once instead of once per row)."""
        found: dict[str, Any] = {}
        if not self._empty and self._db is not None:
            query = "SELECT key, value FROM items WHERE substr(key, 1, ?) = ?"
            for key, value in self._db.execute(query, (len(prefix), prefix)):
                if key not in self._read:
                    self._read[key] = json.loads(value)
                found[key] = self._read[key]
        for key, value in self._changed.items():
            if key.startswith(prefix):
                if value is _GONE:
                    found.pop(key, None)
                else:
                    found[key] = value
        return found

    def fields(self, prefix: str, wanted: dict[str, str]) -> dict[str, dict[str, Any]]:
        """For every remembered row whose key starts with `prefix`, only the values at the
        JSON paths `wanted` (name -> `$.path`), picked out by SQLite: a reader that needs
        three values of large rows does not decode them whole. Rows changed since the store
        was read are taken as they are now."""
        names = list(wanted)
        found: dict[str, dict[str, Any]] = {}
        if sqlite3.sqlite_version_info < (3, 38):  # no `->` operator: every row decoded
            rows = self.rows(prefix)
            return {k: {n: _pick(v, wanted[n]) for n in names} for k, v in rows.items()}
        if not self._empty and self._db is not None:
            # `->` gives the JSON text of the value (`true`, not json_extract's 1), or NULL
            picks = ", ".join("value -> ?" for _ in names)
            query = f"SELECT key, {picks} FROM items WHERE substr(key, 1, ?) = ?"
            arguments = [*wanted.values(), len(prefix), prefix]
            for key, *values in self._db.execute(query, arguments):
                found[key] = {
                    n: None if v is None else json.loads(v)
                    for n, v in zip(names, values, strict=True)
                }
        for key, value in self._changed.items():
            if key.startswith(prefix):
                if value is _GONE:
                    found.pop(key, None)
                else:
                    found[key] = {n: _pick(value, wanted[n]) for n in names}
        return found

    def meta(self, name: str) -> Any:
        """A stage-wide value stored beside the rows (None when absent or stale)."""
        if name in self._meta:
            return self._meta[name]
        return self.meta_stored(name)

    def meta_stored(self, name: str) -> Any:
        if self._empty or self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return None if row is None else json.loads(row[0])

    def set_meta(self, name: str, value: Any) -> None:
        """Store (None: delete) a stage-wide value at `save`."""
        self._meta[name] = None if value is None else _plain(value)

    def file_stamps(self) -> dict[str, str]:
        """The stat stamps stored by `set_file_stamps` ({} when none or stale), one query
        (read once: a build asks at its start, at its end and when it saves)."""
        if self._empty or self._db is None:
            return {}
        if self._stored_stamps is None:
            try:
                self._stored_stamps = dict(self._db.execute("SELECT path, stamp FROM files"))
            except sqlite3.DatabaseError:  # an older state: no such table yet
                return {}
        return dict(self._stored_stamps)

    def set_file_stamps(self, stamps: dict[str, str]) -> None:
        """Store `stamps` (path -> `stamp(path)`) at `save`: only the rows that differ from
        the stored ones are written, rows of paths not in `stamps` are deleted."""
        self._files = dict(stamps)

    def reset(self) -> None:
        """Forget everything (`--force`); the store is emptied at `save`."""
        self._empty, self._read, self._changed = True, {}, {}
        self._reset = True

    def save(self) -> None:
        """Write the changed rows (and nothing when nothing changed)."""
        stored_files = self.file_stamps() if self._files is not None else {}
        self._meta = {k: v for k, v in self._meta.items() if self.meta_stored(k) != v}
        if self._files == stored_files:
            self._files = None
        quiet = not self._changed and not self._reset and not self._meta and self._files is None
        if quiet and self.path.is_file():
            return
        if self._db is None:
            self.path.unlink(missing_ok=True)  # damaged, or never there
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
        db = self._db
        with _transaction(db):
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS items (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT)")
            if self._empty:
                db.execute("DELETE FROM items")
                db.execute("DELETE FROM files")
                db.execute("DELETE FROM meta WHERE name != 'settings'")
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (_dumps(self.settings),)
            )
            for key, value in sorted(self._changed.items()):
                if value is _GONE:
                    db.execute("DELETE FROM items WHERE key = ?", (key,))
                else:
                    db.execute("INSERT OR REPLACE INTO items VALUES (?, ?)", (key, _dumps(value)))
            for name, value in sorted(self._meta.items()):
                if value is None:
                    db.execute("DELETE FROM meta WHERE name = ?", (name,))
                else:
                    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, _dumps(value)))
            if self._files is not None:
                gone = [(path,) for path in stored_files if path not in self._files]
                db.executemany("DELETE FROM files WHERE path = ?", gone)
                new = [(p, s) for p, s in sorted(self._files.items()) if stored_files.get(p) != s]
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?)", new)
        self._meta, self._files, self._stored_stamps = {}, None, None
        self._read.update({k: (None if v is _GONE else v) for k, v in self._changed.items()})
        self._changed, self._empty, self._reset = {}, False, False

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def clear(self) -> None:
        self.close()
        self._empty, self._read, self._changed = True, {}, {}
        self._meta, self._files, self._stored_stamps = {}, None, None
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def stamp(path: str) -> str:
    """A file's stat stamp: size, modification and change times, inode ("-": absent).

    Equal stamps mean an unchanged file (a rewrite through `os.replace` gets a new inode
    and ctime; restoring the mtime does not restore those); a folder's stamp changes when an
    entry is added, removed or renamed in it."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "-"
    return f"{info.st_size},{info.st_mtime_ns},{info.st_ctime_ns},{info.st_ino}"


def changed_stamps(stamps: dict[str, str], root: Path) -> list[str]:
    """The paths of `stamps` (relative to `root`: a copied project is not the original)
    whose file is no longer as stamped."""
    # the loop of `stamp`, inlined: a build with nothing to do is mostly this loop (one stat
    # per file it read or wrote, 54,000 at 1000 x 5), so each call it saves counts
    prefix = os.path.join(str(root), "")
    stat = os.stat
    changed = []
    for path, old in stamps.items():
        try:
            info = stat(prefix + path)
        except (FileNotFoundError, NotADirectoryError):
            now = "-"
        else:
            now = f"{info.st_size},{info.st_mtime_ns},{info.st_ctime_ns},{info.st_ino}"
        if now != old:
            changed.append(path)
    return changed


class StampedDigests:
    """File digests remembered with the stat stamp they were taken at: an unchanged file is
    statted, not read again (the stamps are stored with the check results)."""

    def __init__(self, project: Any, state: StageState) -> None:
        self.root = str(project.root)
        self._prefix = os.path.join(self.root, "")
        self.known = state.file_stamps()  # relative path -> "stamp digest"
        self.used: dict[str, str] = {}  #: relative path -> "stamp digest", this run's
        self._seen: dict[str, str] = {}  #: path as given -> digest (each file statted once)

    def __call__(self, path: Path) -> str:
        given = str(path)
        found = self._seen.get(given)
        if found is not None:
            return found
        if given.startswith(self._prefix):
            name = given[len(self._prefix) :]
        else:
            name = os.path.relpath(given, self.root)
        now = stamp(given)
        old = self.known.get(name, "")
        if " " in old and old.split(" ", 1)[0] == now:
            value = old
        else:
            value = f"{now} {file_digest(path) or '-'}"
        self.used[name] = value
        self._seen[given] = value.split(" ", 1)[1]
        return self._seen[given]


def _pick(value: Any, path: str) -> Any:
    """`json_extract(value, path)` in Python, for the simple `$.a.b` paths `fields` takes."""
    for part in path.removeprefix("$").split(".")[1:]:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _plain(value: Any) -> Any:
    """`value` as it comes back from the store (tuples as lists, keys as strings)."""
    return json.loads(_dumps(value))


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
