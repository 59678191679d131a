"""Translation memory: a new entry gets the translation its text already has elsewhere.

The memory of a locale is every confirmed (translated, not fuzzy) entry of every catalog in
`locales/<locale>/LC_MESSAGES/`, read as the files are on disk when `update` starts. An entry
that `update` leaves without a translation (a new block, or a changed one the merge could
not match) gets the memory's translation of the same text, else of the most similar text
(difflib's ratio, at least `memory_threshold`), written as a fuzzy entry with a `#.` note
saying where it came from. Fuzzy entries are never published: a suggestion is used only once
a translator confirms it by removing the fuzzy flag. An entry that already has a translation,
even a fuzzy one from the merge (the translator's own earlier wording), is left alone.

The note stays on its entry across updates for as long as the entry's text is unchanged, so
an update after an update changes nothing.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .locales import normalize_locale

if TYPE_CHECKING:
    from .paths import ProjectPaths
    from .po import PoFile
    from .state import StageState

#: how every memory note starts (so status can count suggestions and update can keep them)
MARKER = "translation memory:"

Key = tuple[str | None, str]  #: (msgctxt, msgid), as po.Message.key


@dataclass(frozen=True)
class Suggestion:
    msgstr: str
    source: str  #: the catalog it came from, e.g. `taking-antidepressants.po`
    similarity: float  #: 1.0 for the same text

    @property
    def note(self) -> str:
        """The `#.` comment written on the suggested entry."""
        # floor, so "100% similar" is never said of a text that differs
        how = "exact match" if self.similarity >= 1 else f"{math.floor(self.similarity * 100)}%"
        kind = "" if self.similarity >= 1 else " similar text"
        return f"{MARKER} {how}{kind}, from {self.source}"


@dataclass
class Memory:
    """msgid -> the locale's confirmed translation of it (and where it is)."""

    translations: dict[str, Suggestion] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.translations)

    def suggest(self, msgid: str, threshold: float) -> Suggestion | None:
        """The translation of `msgid`, else of the most similar text at least `threshold`
        similar (ties go to the text that sorts first, so the result never depends on
        file order)."""
        if msgid in self.translations:
            return self.translations[msgid]
        scored = []
        size = len(msgid)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(msgid)  # difflib caches what it learns of the second sequence
        for candidate in self.translations:
            # the cheap upper bounds first, as difflib.get_close_matches does: the lengths
            # alone (real_quick_ratio), then the letters
            other = len(candidate)
            if 2 * min(size, other) < threshold * (size + other):
                continue
            matcher.set_seq1(candidate)
            if matcher.quick_ratio() >= threshold:
                ratio = matcher.ratio()
                if ratio >= threshold:
                    scored.append((-ratio, candidate))
        if not scored:
            return None
        ratio, best = min(scored)
        found = self.translations[best]
        return Suggestion(found.msgstr, found.source, -ratio)


def build_memory(entries_by_file: Iterable[tuple[str, Iterable[tuple[str, str, bool]]]]) -> Memory:
    """A memory from (file name, [(msgid, msgstr, fuzzy)]) pairs, in file order.

    A text translated differently in several catalogs gets its most frequent translation
    (the first one on a tie).
    """
    seen: dict[str, list[tuple[str, str]]] = {}
    for name, entries in entries_by_file:
        for msgid, msgstr, fuzzy in entries:
            if msgid and msgstr and not fuzzy:
                seen.setdefault(msgid, []).append((msgstr, name))
    memory = Memory()
    for msgid, found in seen.items():
        counts = Counter(msgstr for msgstr, _ in found)
        best = max(counts.values())
        msgstr, name = next((s, n) for s, n in found if counts[s] == best)
        memory.translations[msgid] = Suggestion(msgstr, name, 1.0)
    return memory


_CACHE: dict[tuple[object, ...], Memory] = {}


def memory_for(paths: ProjectPaths, locale: str) -> Memory:
    """The memory of `locale`, from its catalogs as they are on disk now.

    Cached on the catalogs' names, sizes and times, so the many catalogs of one update
    read the locale's files once (per worker process).
    """
    files = memory_files(paths, locale)
    stats = [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files]
    key = (str(paths.locales_dir), locale, *stats)
    if key not in _CACHE:
        _CACHE.clear()  # one locale at a time is all an update needs
        _CACHE[key] = build_memory((path.name, _confirmed_entries(paths, path)) for path in files)
    return _CACHE[key]


#: a non-empty msgstr that is not the header's (which is the only one that starts empty
#: and goes on over several lines in a catalog nobody has translated yet)
_ONE_LINE_TRANSLATION = re.compile(rb'^msgstr "[^"\n]', re.M)
_LONG_MSGSTR = re.compile(rb'^msgstr ""\n"', re.M)


def _confirmed_entries(paths: ProjectPaths, path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of a catalog's active entries; nothing for an untranslated one.

    A catalog nobody has translated is recognized from its bytes and not parsed: a new
    article in many languages would otherwise cost a parse of every catalog per update.
    """
    from .catalogs import read_bytes
    from .po import parse_po

    shown = paths.relative(path)
    data = read_bytes(path, shown)
    if not _ONE_LINE_TRANSLATION.search(data) and len(_LONG_MSGSTR.findall(data)) < 2:
        return []
    return [
        (m.msgid, m.msgstr, m.fuzzy)
        for m in parse_po(data, shown).messages
        if not m.obsolete and m.msgid_plural is None
    ]


def is_suggestion(auto_comments: Iterable[str]) -> bool:
    """True when an entry's `#.` comments hold a memory note."""
    return any(comment.startswith(MARKER) for comment in auto_comments)


def carried_notes(po: PoFile) -> dict[Key, list[str]]:
    """The memory notes of a catalog before it is merged, by entry.

    A note is written last among an entry's `#.` comments; a writer may have wrapped it
    over several lines, so everything from its first line on belongs to it.
    """
    notes = {}
    for message in po.messages:
        if message.obsolete:
            continue
        comments = message.auto_comments
        start = next((i for i, c in enumerate(comments) if c.startswith(MARKER)), None)
        if start is not None:
            notes[message.key] = list(comments[start:])
    return notes


def fill_from_memory(
    po: PoFile,
    memory: Callable[[], Memory] | None,
    threshold: float,
    carried: dict[Key, list[str]] | None = None,
) -> int:
    """Suggest translations for `po`'s untranslated entries; return how many.

    `memory` loads the locale's memory when first needed (None: suggest nothing, but keep
    the notes in `carried` on the entries they were written for).
    """
    carried = carried or {}
    loaded: Memory | None = None
    suggested = 0
    for message in po.messages:
        if message.obsolete or message.msgid_plural is not None:
            continue
        note = carried.get(message.key)
        if note:
            if not is_suggestion(message.auto_comments):
                message.auto_comments = [*message.auto_comments, *note]
            continue
        if message.msgstr or memory is None:
            continue
        if loaded is None:
            loaded = memory()
        if not loaded:
            return suggested
        found = loaded.suggest(message.msgid, threshold)
        if found is not None:
            message.msgstr = found.msgstr
            message.flags = ["fuzzy", *(f for f in message.flags if f != "fuzzy")]
            message.auto_comments = [*message.auto_comments, found.note]
            suggested += 1
    return suggested


def open_entries(data: bytes) -> bool:
    """True when a written catalog still has an entry with no translation at all."""
    return re.search(rb'^msgstr ""\n(?:\n|\Z)', data, re.M) is not None


def _confirmed(data: bytes) -> set[tuple[str, str]]:
    from .po import parse_po

    return {
        (m.msgid, m.msgstr)
        for m in parse_po(data, "catalog").messages
        if m.msgstr and not m.fuzzy and not m.obsolete
    }


class MemoryState:
    """Which catalogs wait on the translation memory, so `update` knows to look again.

    A catalog with an entry still untranslated after an update depends on its locale's
    other catalogs: when a translator confirms a translation in one of them, the next
    update must merge it again (to suggest that translation) even though its own files did
    not change. Its update state then remembers a digest of the locale's catalogs as they
    were after that update, and a different digest means "merge again".

    Most writes by `update` itself add nothing to the memory (it adds fuzzy suggestions and
    obsolete entries, never a confirmed translation), so after them the waiting catalogs'
    digests are brought up to date instead of making the next update merge them all again;
    only a write that adds a confirmed translation (an obsolete entry restored when its text
    came back) leaves them to be merged again.
    """

    def __init__(self, paths: ProjectPaths, enabled: bool) -> None:
        self.paths = paths
        self.enabled = enabled
        self.digests: dict[str, str] = {}
        self.waiting_keys: list[str] = []  #: merged now, and still waiting
        self.skipped_keys: list[str] = []  #: skipped now, and still waiting
        self.rewritten: list[tuple[str, bytes, bytes]] = []  #: (key, old, new) written now

    def digest(self, locale: str) -> str:
        from .state import digest, file_digest

        if locale not in self.digests:
            files = memory_files(self.paths, locale)
            self.digests[locale] = digest(*(f"{p.name}:{file_digest(p)}" for p in files))
        return self.digests[locale]

    def unchanged(self, state: StageState, key: str, locale: str) -> bool:
        """False when `key` waits on a memory that changed since it was merged."""
        stored = state.get(key) or {}
        if not (self.enabled and stored.get("memory")):
            return True
        if stored["memory"] != self.digest(locale):
            return False
        self.skipped_keys.append(key)
        return True

    def waiting(self, key: str, data: bytes, old: bytes | None = None) -> None:
        """`key` was merged to `data` (from `old`, when it was rewritten)."""
        if not self.enabled:
            return
        if open_entries(data):
            self.waiting_keys.append(key)
        if old is not None:
            self.rewritten.append((key, old, data))

    def remember(self, state: StageState) -> None:
        """Store the digests as the catalogs are after this update's writes."""
        self.digests.clear()
        for key in self.waiting_keys:
            _store(state, key, self.digest(key.split("/")[0]))
        skipped = {key.split("/")[0] for key in self.skipped_keys}
        grown = {  # parsed only where a catalog that waits was skipped: nowhere, mostly
            key.split("/")[0]
            for key, old, new in self.rewritten
            if key.split("/")[0] in skipped and _confirmed(new) - _confirmed(old)
        }
        for key in self.skipped_keys:
            locale = key.split("/")[0]
            if locale not in grown:
                _store(state, key, self.digest(locale))


def _store(state: StageState, key: str, memory_digest: str) -> None:
    """Remember the memory's digest beside `key`'s file hashes (set, so a stored row is
    written back, not only the copy read)."""
    state.set(key, {**(state.get(key) or {}), "memory": memory_digest})


def memory_files(paths: ProjectPaths, locale: str) -> list[Path]:
    """The files a locale's memory is made of."""
    folder = paths.catalog(normalize_locale(locale), "x").parent
    return sorted(folder.glob("*.po")) if folder.is_dir() else []
