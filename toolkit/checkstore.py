"""Stored `check` results, so `status` reads them instead of checking every pair again.

`check` stores, per (article, locale), what `status` shows (counts, errors, warnings,
readability, publishable and why not) under a key hashing everything a check reads: the
source, the catalog, the locale's glossary and both languages' project vocabularies
(`qa/<locale>.toml`); the tool version and the check, readability and coaching settings sit
in the state's settings (a change throws every result away). A pair whose key does not
match is checked again by `status`, which never writes.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from .checks import CheckRun, PairReport
from .project import Project
from .state import StageState, digest, file_digest


def _state(project: Project) -> StageState:
    config = project.config
    settings = {
        "summary": 2,  # the shape of a stored summary: `check`'s pair JSON (issue 15)
        "source_locale": config.source_locale,
        "min_translated": config.min_translated,
        "readability": dataclasses.asdict(config.readability),
        "checks": dataclasses.asdict(config.checks),
        "coaching": dataclasses.asdict(config.coaching),
    }
    settings = json.loads(json.dumps(settings, sort_keys=True, default=str))
    return StageState(project.paths.state_dir / "checks.json", settings)


def pair_key(project: Project, source: Path, slug: str, locale: str) -> str:
    """Digest of every file the checks of one pair read."""
    paths = project.paths
    return digest(
        file_digest(source) or "-",
        file_digest(paths.catalog(locale, slug)) or "-",
        file_digest(paths.glossary(locale)) or "-",
        # the project's meaning-check vocabularies of both languages (qa/<locale>.toml)
        *[
            file_digest(project.root / project.config.checks.qa_dir / f"{code}.toml") or "-"
            for code in (locale, project.source_locale)
        ],
    )


def summary(report: PairReport) -> dict[str, Any]:
    """What `status` shows of one pair's check: `check`'s own JSON of the pair (the same
    counts and reason objects) without its findings, and the source's readability."""
    row = report.as_dict()
    row.pop("findings")
    source = report.source_score
    row["source_readability"] = {
        "formula": source.formula,
        "value": source.value,
        "target": source.target,
        "passes": source.passes,
        "direction": source.direction,
    }
    return row


def store(project: Project, run: CheckRun) -> None:
    """Remember every pair `run` checked (called by `check`)."""
    state = _state(project)
    files = project.source_files()
    keys = {
        (r.slug, r.locale): pair_key(project, files[r.slug], r.slug, r.locale) for r in run.reports
    }
    for report in run.reports:
        entry = {"key": keys[report.slug, report.locale], "summary": summary(report)}
        state.set(f"{report.locale}/{report.slug}", entry)
    state.save()


def summaries(
    project: Project, locales: list[str], slugs: list[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """(slug, locale) -> summary for every pair: stored ones read, the others checked now
    (and not stored: this is `status`, which writes nothing)."""
    from .checks import run_checks

    state = _state(project)
    files = project.source_files()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    stale_slugs: set[str] = set()
    stale_locales: set[str] = set()
    for slug in slugs:
        for locale in locales:
            entry = state.get(f"{locale}/{slug}")
            if isinstance(entry, dict) and entry.get("key") == pair_key(
                project, files[slug], slug, locale
            ):
                found[slug, locale] = entry["summary"]
            else:
                stale_slugs.add(slug)
                stale_locales.add(locale)
    if stale_slugs:
        run = run_checks(project, sorted(stale_locales), sorted(stale_slugs))
        for report in run.reports:
            found.setdefault((report.slug, report.locale), summary(report))
    return found
