"""The publishing policy (patient safety first): which (article, locale) pairs may ship.

A pair is publishable only when every segment of the current source is translated, none
is fuzzy and no error-level check fails. With a threshold below 100 %, a pair at least
that translated is publishable and its missing blocks fall back to the source language;
fuzzy entries are never used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import Article, Entry, Finding
from .project import Project


class Reason(str):
    """Why a pair is not publishable: one readable line (the string itself) that also knows
    its kind, count and place, for JSON (`as_dict`).

    A `str`, so every stage that joins reasons into one line keeps working unchanged.
    Kinds: `no-catalog`, `stale` (the catalog is behind its source), `untranslated`, `fuzzy`,
    `threshold`, or the name of the check whose errors hold the pair back (`numbers`, ...).
    """

    kind: str
    count: int
    file: str
    line: int

    def __new__(cls, message: str, kind: str, count: int = 0, file: str = "", line: int = 0):
        self = super().__new__(cls, message)
        self.kind, self.count, self.file, self.line = kind, count, file, line
        return self

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickled to and from the check workers
        return (str(self), self.kind, self.count, self.file, self.line)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "file": self.file,
            "line": self.line,
            "message": str(self),
        }


class Reasons(str):
    """Several reasons as one readable line (the string) that keeps the objects, so a stage
    that records `(what, why)` still gives JSON its list of reason objects."""

    items: tuple[Reason, ...]

    def __new__(cls, reasons: list[Reason] | tuple[Reason, ...], sep: str = "; "):
        self = super().__new__(cls, sep.join(reasons))
        self.items = tuple(reasons)
        return self

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (self.items,)


def join_reasons(reasons: list[Reason], sep: str = "; ") -> Reasons:
    return Reasons(reasons, sep)


#: what to run when a catalog is behind its source
CATCH_UP = "toolkit extract && toolkit update"


@dataclass(frozen=True)
class Assessment:
    slug: str
    locale: str
    catalog: Path
    catalog_file: str  #: the catalog's path relative to the project, for messages
    entries: list[Entry]
    #: (msgid, msgctxt) -> msgstr for every usable (translated, not fuzzy) entry
    translations: dict[tuple[str, str | None], str]
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    min_translated: float
    findings: list[Finding] = field(default_factory=list)
    #: fuzzy entries that are translation-memory suggestions waiting for a translator
    suggested: int = 0
    #: segments of the current source that the catalog does not hold at all (the source was
    #: edited after the last extract/update); counted in `untranslated` too
    stale: int = 0
    #: the source file (relative) and the line of its first segment the catalog lacks
    source_file: str = ""
    stale_line: int = 0

    @property
    def translated_share(self) -> float:
        return self.translated / self.total if self.total else 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def reasons(self) -> list[Reason]:
        """Why the pair is not publishable (empty when it is)."""
        if not self.catalog.exists():
            return [
                Reason(
                    f"no catalog {self.catalog_file} (run `toolkit init {self.locale}`)",
                    "no-catalog",
                    1,
                    self.catalog_file,
                )
            ]
        out: list[Reason] = []
        complete = self.min_translated >= 100
        if self.translated_share * 100 < self.min_translated or complete:
            if self.stale:
                out.append(
                    Reason(
                        f"catalog behind its source ({self.stale} changed block"
                        f"{'s' if self.stale != 1 else ''}, first at {self.source_file}:"
                        f"{self.stale_line}): run `{CATCH_UP}`",
                        "stale",
                        self.stale,
                        self.source_file,
                        self.stale_line,
                    )
                )
            missing = self.untranslated - self.stale
            if missing:
                out.append(
                    Reason(f"{missing} untranslated", "untranslated", missing, self.catalog_file)
                )
            if self.fuzzy:
                waiting = f" ({self.suggested} memory suggestions to confirm)"
                out.append(
                    Reason(
                        f"{self.fuzzy} fuzzy{waiting if self.suggested else ''}",
                        "fuzzy",
                        self.fuzzy,
                        self.catalog_file,
                    )
                )
            if out and not complete:
                out.append(
                    Reason(
                        f"{self.translated_share:.0%} translated, below {self.min_translated:g} %",
                        "threshold",
                        self.total - self.translated,
                        self.catalog_file,
                    )
                )
        by_check = Counter(f.check for f in self.errors)
        for check, count in sorted(by_check.items()):
            first = next(f for f in self.errors if f.check == check)
            out.append(
                Reason(
                    f"{count} {check} error{'s' if count > 1 else ''} at {first.file}:{first.line}",
                    check,
                    count,
                    first.file,
                    first.line,
                )
            )
        return out

    @property
    def publishable(self) -> bool:
        return not self.reasons


def assess(
    project: Project,
    article: Article,
    locale: str,
    min_translated: float | None = None,
    with_checks: bool = True,
) -> Assessment:
    """Count the pair's translations against the current source and run the QA checks."""
    from .catalogs import read_entries

    paths = project.paths
    po = paths.catalog(locale, article.slug)
    entries = read_entries(po, locale, paths.relative(po)) if po.exists() else []
    by_key = {(e.msgid, e.context): e for e in entries}
    translations: dict[tuple[str, str | None], str] = {}
    fuzzy = untranslated = suggested = stale = stale_line = 0
    for segment in article.segments:
        entry = by_key.get((segment.text, segment.context))
        if entry is not None and entry.translated:
            translations[(segment.text, segment.context)] = entry.msgstr
        elif entry is not None and entry.fuzzy and entry.msgstr:
            fuzzy += 1
            suggested += entry.suggested
        else:
            untranslated += 1
            if entry is None and entries:
                stale += 1
                stale_line = stale_line or segment.line
    threshold = project.config.min_translated if min_translated is None else min_translated
    findings: list[Finding] = []
    if with_checks and entries:
        from .checks import qa_findings

        findings = qa_findings(project, article, locale, entries)
    return Assessment(
        slug=article.slug,
        locale=locale,
        catalog=po,
        catalog_file=paths.relative(po),
        entries=entries,
        translations=translations,
        total=len(article.segments),
        translated=len(translations),
        fuzzy=fuzzy,
        untranslated=untranslated,
        min_translated=threshold,
        findings=findings,
        suggested=suggested,
        stale=stale,
        source_file=paths.relative(article.path),
        stale_line=stale_line,
    )
