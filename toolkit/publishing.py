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

from .models import Article, Entry, Finding
from .project import Project


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

    @property
    def translated_share(self) -> float:
        return self.translated / self.total if self.total else 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def reasons(self) -> list[str]:
        """Why the pair is not publishable (empty when it is)."""
        if not self.catalog.exists():
            return [f"no catalog {self.catalog_file} (run `toolkit init {self.locale}`)"]
        out = []
        complete = self.min_translated >= 100
        if self.translated_share * 100 < self.min_translated or complete:
            if self.untranslated:
                out.append(f"{self.untranslated} untranslated")
            if self.fuzzy:
                waiting = f" ({self.suggested} memory suggestions to confirm)"
                out.append(f"{self.fuzzy} fuzzy{waiting if self.suggested else ''}")
            if out and not complete:
                out.append(
                    f"{self.translated_share:.0%} translated, below {self.min_translated:g} %"
                )
        by_check = Counter(f.check for f in self.errors)
        for check, count in sorted(by_check.items()):
            first = next(f for f in self.errors if f.check == check)
            out.append(
                f"{count} {check} error{'s' if count > 1 else ''} at {first.file}:{first.line}"
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
    fuzzy = untranslated = suggested = 0
    for segment in article.segments:
        entry = by_key.get((segment.text, segment.context))
        if entry is not None and entry.translated:
            translations[(segment.text, segment.context)] = entry.msgstr
        elif entry is not None and entry.fuzzy and entry.msgstr:
            fuzzy += 1
            suggested += entry.suggested
        else:
            untranslated += 1
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
    )
