"""The site's own page text ("Listen to this page", "All articles"): a gettext domain.

The templates mark their strings for Jinja2's i18n extension; Babel extracts them (and the
few in `pages.py`) into `toolkit/data/ui/toolkit.pot`, and `toolkit/data/ui/<locale>.po`
ship the translations. A project can override or add translations with `ui/<locale>.po`
in its own folder: its translated, non-fuzzy entries win over the shipped ones.

Catalogs are read and merged at run time (no compiled `.mo` to keep in step). A locale
with no complete translation gets English page text, marked `lang="en"` on the page, and a
warning from `build` and `status`.

Run `python -m toolkit.ui` after changing a template's strings: it rewrites the `.pot`.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import CatalogError
from .locales import language, normalize_locale
from .models import Entry

DOMAIN = "toolkit"
UI_FOLDER = "ui"  #: in a project: `ui/<locale>.po`


def _shipped_dir() -> Path:
    return Path(str(resources.files("toolkit") / "data" / "ui"))


@dataclass(frozen=True)
class UiCatalog:
    """The page text of one locale: msgid -> msgstr, and what is missing."""

    locale: str
    messages: dict[str, str] = field(default_factory=dict)
    total: int = 0  #: msgids in the template
    sources: tuple[str, ...] = ()  #: the .po files it was read from

    @property
    def missing(self) -> int:
        return self.total - len(self.messages)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.missing == 0

    @property
    def english(self) -> bool:
        """True when the page text is (at least partly) English: mark it `lang="en"`."""
        return not self.complete and language(self.locale) != "en"

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # no plural msgids in the templates today; English's rule if one is ever added
        return self.gettext(singular) if n == 1 else self.gettext(plural)

    def digest(self) -> str:
        data = "\0".join(f"{k}\0{v}" for k, v in sorted(self.messages.items()))
        return hashlib.sha256(f"{self.locale}\0{data}".encode()).hexdigest()


def template_msgids() -> list[str]:
    """Every msgid of the shipped template, in file order."""
    return [e.msgid for e in _read(_shipped_dir() / f"{DOMAIN}.pot")]


def shipped_locales() -> list[str]:
    return sorted(p.stem for p in _shipped_dir().glob("*.po"))


def catalog(locale: str, project_root: Path | None = None) -> UiCatalog:
    """The page text for `locale`: shipped translation (exact locale, else its language),
    overridden by the project's `ui/<locale>.po` (or `ui/<language>.po`)."""
    locale = normalize_locale(locale)
    files = [_shipped_dir() / f"{DOMAIN}.pot"]
    files += [_shipped_dir() / f"{name}.po" for name in _names(locale)]
    if project_root is not None:
        files += [project_root / UI_FOLDER / f"{name}.po" for name in _names(locale)]
    # asked for once per page and pair: made again only when one of its files changed
    return _catalog_cached(locale, project_root, tuple(_stamp(f) for f in files))


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path), -1, -1)
    return (str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=128)
def _catalog_cached(
    locale: str, project_root: Path | None, stamps: tuple[tuple[str, int, int], ...]
) -> UiCatalog:
    ids = template_msgids()
    if language(locale) == "en":
        return UiCatalog(locale, {i: i for i in ids}, len(ids))
    candidates = [_shipped_dir() / f"{name}.po" for name in _names(locale)]
    if project_root is not None:
        candidates += [project_root / UI_FOLDER / f"{name}.po" for name in _names(locale)]
    messages: dict[str, str] = {}
    used = []
    for path in candidates:  # later files win: language, then locale; shipped, then project
        if path.is_file():
            if project_root is not None and project_root in path.parents:
                _check_with_msgfmt(path)
            messages.update(_translations(path, set(ids)))
            used.append(str(path))
    return UiCatalog(locale, messages, len(ids), tuple(used))


def _names(locale: str) -> list[str]:
    """`pt_BR` -> [`pt`, `pt_BR`]: the language's file first, so the locale's wins."""
    lang = language(locale)
    return [lang, locale] if lang != locale else [locale]


def _check_with_msgfmt(path: Path) -> None:
    stat = path.stat()
    _msgfmt_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _msgfmt_cached(path: str, mtime: int, size: int) -> None:
    """A coordinator's file is checked as gettext checks it: polib reads some broken files
    without a word (an unterminated msgstr loses its last letter). Without msgfmt on the
    machine, polib's own checks are all there is."""
    import re
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return
    done = subprocess.run(
        [msgfmt, "--check-format", "-o", os.devnull, path], capture_output=True, text=True
    )
    if done.returncode == 0:
        return
    first = next((x for x in done.stderr.splitlines() if x.startswith(path + ":")), "")
    match = re.match(re.escape(path) + r":(\d+):(?:\d+:)? ?(.*)", first)
    where, why = (f"{path}:{match.group(1)}", match.group(2)) if match else (path, "rejected")
    raise CatalogError(f"{where}: syntax error in catalog ({why}): fix it (msgfmt --check)")


def _translations(path: Path, known: set[str]) -> dict[str, str]:
    return {e.msgid: e.msgstr for e in _read(path) if e.msgid in known and e.translated}


def _read(path: Path) -> list[Entry]:
    stat = path.stat()
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime: int, size: int) -> list[Entry]:
    """A catalog's entries. A coordinator's file may be broken: it is read strictly, by the
    articles' catalog reader (the error names its line); the shipped ones, checked by the
    tests with msgfmt, are read by Babel, which is quicker."""
    if Path(path).parent != _shipped_dir():
        from .catalogs import read_entries

        return [e for e in read_entries(Path(path), "en", path) if e.msgid]
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        catalog = read_po(handle, abort_invalid=True, charset="utf-8")
    return [
        Entry(str(m.id), str(m.string or ""), m.context, m.fuzzy, m.lineno, "", 0)
        for m in catalog
        if m.id and isinstance(m.id, str)
    ]


def warning(cat: UiCatalog) -> str | None:
    """What to tell the coordinator about `cat`, or None when it is complete."""
    if cat.english:
        if not cat.messages:
            shipped = ", ".join(shipped_locales())
            return (
                f"{cat.locale}: no translation of the page text (toolkit ships {shipped}): "
                f'its pages show English buttons and labels, marked lang="en"; to translate '
                f"them, copy toolkit/data/ui/{DOMAIN}.pot to {UI_FOLDER}/{cat.locale}.po"
            )
        return (
            f"{cat.locale}: {cat.missing} of {cat.total} page-text strings untranslated: its pages "
            f'show them in English, marked lang="en"; complete {UI_FOLDER}/{cat.locale}.po'
        )
    return None


# --- extraction (maintainers, after changing templates) ------------------------------------


def extract_template() -> bytes:
    """The `.pot` of the templates' and `pages.py`'s strings, as Babel extracts them."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_from_file
    from babel.messages.pofile import write_po

    package = Path(__file__).parent
    template = Catalog(
        project="toolkit",
        domain=DOMAIN,
        charset="utf-8",
        fuzzy=False,
        header_comment="# The toolkit's page text (buttons, labels, headings of the site).\n"
        "# Translate it to ui/<locale>.po in a project; see docs/coordinators.md.",
    )
    found = list(
        extract_from_dir(
            str(package / "templates"),
            [("**.html", "jinja2.ext:babel_extract")],
            {"**.html": {"trimmed": "true"}},
            comment_tags=("Translators:",),
        )
    )
    found = [(f"templates/{name}", *rest) for name, *rest in found]
    found += [
        ("pages.py", *rest)
        for rest in extract_from_file(
            "python",
            str(package / "pages.py"),
            keywords={"gettext": None},
            comment_tags=("Translators:",),
        )
    ]
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    buffer = io.BytesIO()
    write_po(buffer, template, width=76, sort_output=False, include_lineno=False)
    lines = buffer.getvalue().split(b"\n")
    # no dates: the file changes only when a string does
    lines = [x for x in lines if not x.startswith(b'"POT-Creation-Date:')]
    return b"\n".join(lines)


if __name__ == "__main__":  # python -m toolkit.ui
    from .files import write_if_changed

    out = _shipped_dir() / f"{DOMAIN}.pot"
    print(("wrote " if write_if_changed(out, extract_template()) else "unchanged ") + str(out))
