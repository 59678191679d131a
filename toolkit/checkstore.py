"""Stored `check` results: `status` and a second `check` read them instead of checking again.

`check` stores, per (article, locale), its whole report (counts, findings, readability,
coaching, publishable and why not) under a key hashing everything a check reads: the
source, the catalog, the locale's glossary and both languages' project vocabularies
(`qa/<locale>.toml`); the tool version and the check, readability and coaching settings sit
in the state's settings (a change throws every result away). A pair whose key matches is not
checked again: `check` prints the stored report (the same bytes as checking it would give),
`status` shows it. A pair whose key does not match is checked again (`status` never writes).

Each key hashes the files' contents; a file's digest is remembered with its stat stamp
(`files` table of the same store), so an unchanged file is statted, not read.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from .checks import CheckRun, PairReport
from .checks.coverage import meaning_coverage
from .models import Finding, ReadabilityScore
from .project import Project
from .state import StageState, StampedDigests, digest, file_digest


def _state(project: Project) -> StageState:
    config = project.config
    settings = {
        "summary": 3,  # the shape of a stored entry: the whole report, and its summary
        "source_locale": config.source_locale,
        "min_translated": config.min_translated,
        "readability": dataclasses.asdict(config.readability),
        "checks": dataclasses.asdict(config.checks),
        "coaching": dataclasses.asdict(config.coaching),
    }
    settings = json.loads(json.dumps(settings, sort_keys=True, default=str))
    return StageState(project.paths.state_dir / "checks.json", settings)


_Digests = StampedDigests


def pair_key(
    project: Project, source: Path, slug: str, locale: str, digests: _Digests | None = None
) -> str:
    """Digest of every file the checks of one pair read."""
    paths = project.paths

    def of(path: Path) -> str:
        return digests(path) if digests is not None else (file_digest(path) or "-")

    return digest(
        of(source),
        of(paths.catalog(locale, slug)),
        of(paths.glossary(locale)),
        # the project's meaning-check vocabularies of both languages (qa/<locale>.toml)
        *[
            of(project.root / project.config.checks.qa_dir / f"{code}.toml")
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


def _score(score: ReadabilityScore | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "formula": score.formula,
        "value": score.value,
        "target": score.target,
        "direction": score.direction,
        "metrics": dict(score.metrics),
        "proxy": score.proxy,
    }


def _unscore(data: dict[str, Any] | None) -> ReadabilityScore | None:
    if data is None:
        return None
    return ReadabilityScore(
        data["formula"],
        data["value"],
        data["target"],
        data["direction"],
        data["metrics"],
        data["proxy"],
    )


def _report(report: PairReport) -> dict[str, Any]:
    """Everything of a report, as plain data `_unreport` makes the same report from."""
    return {
        "slug": report.slug,
        "locale": report.locale,
        "catalog": report.catalog,
        "total": report.total,
        "translated": report.translated,
        "fuzzy": report.fuzzy,
        "untranslated": report.untranslated,
        "publishable": report.publishable,
        "reasons": [r.as_dict() for r in report.reasons],
        "source_locale": report.source_locale,
        "source_score": _score(report.source_score),
        "score": _score(report.score),
        "findings": [f.as_dict() for f in report.findings],
        "coaching": [dataclasses.asdict(c) for c in report.coaching],
        "source_coaching": [dataclasses.asdict(c) for c in report.source_coaching],
        "suggested": report.suggested,
    }


def _unreport(data: dict[str, Any]) -> PairReport:
    from .coaching import Coaching
    from .publishing import Reason

    return PairReport(
        slug=data["slug"],
        locale=data["locale"],
        catalog=data["catalog"],
        total=data["total"],
        translated=data["translated"],
        fuzzy=data["fuzzy"],
        untranslated=data["untranslated"],
        publishable=data["publishable"],
        reasons=[
            Reason(r["message"], r["kind"], r["count"], r["file"], r["line"])
            for r in data["reasons"]
        ],
        source_locale=data["source_locale"],
        source_score=_unscore(data["source_score"]),  # type: ignore[arg-type]
        score=_unscore(data["score"]),
        findings=[Finding(**f) for f in data["findings"]],
        coaching=[Coaching(**c) for c in data["coaching"]],
        source_coaching=[Coaching(**c) for c in data["source_coaching"]],
        suggested=data["suggested"],
    )


def _stored(
    project: Project,
    state: StageState,
    locales: list[str],
    slugs: list[str],
    digests: _Digests,
    files: dict[str, Path] | None = None,
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], str]]:
    """(the stored summaries of pairs whose key still matches, every pair's key now).

    One row a pair (`pair:<locale>/<slug>`: key and summary, what `status` reads) and its
    whole report in another (`report:<locale>/<slug>`, read by `check` only). `files`:
    `project.source_files()`, when the caller has them already."""
    files = project.source_files() if files is None else files
    rows = state.rows("pair:")
    fresh: dict[tuple[str, str], dict[str, Any]] = {}
    keys: dict[tuple[str, str], str] = {}
    # `pair_key`'s parts that depend on the locale only, found once per locale, and each
    # catalog's path from its folder's (slugs are checked names): 5,000 keys at 1000 x 5
    paths = project.paths
    qa = project.root / project.config.checks.qa_dir
    shared = {
        locale: [digests(paths.glossary(locale))]
        + [digests(qa / f"{code}.toml") for code in (locale, project.source_locale)]
        for locale in locales
    }
    folders = {locale: str(paths.catalog(locale, "x").parent) for locale in locales}
    for slug in slugs:
        source = digests(files[slug])
        for locale in locales:
            catalog = digests(Path(f"{folders[locale]}/{slug}.po"))
            key = digest(source, catalog, *shared[locale])
            keys[slug, locale] = key
            entry = rows.get(f"pair:{locale}/{slug}")
            if isinstance(entry, dict) and entry.get("key") == key:
                fresh[slug, locale] = entry
    return fresh, keys


def check(project: Project, locales: list[str], slugs: list[str]) -> CheckRun:
    """`check`: every selected pair's report, read when stored under its current key,
    checked (and stored) otherwise. The reports come in `run_checks`' order."""
    from . import checks

    selected = project.select_locales(locales)
    chosen = project.select_slugs(slugs)
    state = _state(project)
    digests = _Digests(project, state)
    fresh, keys = _stored(project, state, selected, chosen, digests)
    stored = {} if not fresh else state.rows("report:")
    reports: dict[tuple[str, str], dict[str, Any]] = {}
    for slug, locale in fresh:
        entry = stored.get(f"report:{locale}/{slug}")
        if isinstance(entry, dict) and entry.get("key") == keys[slug, locale]:
            reports[slug, locale] = entry["report"]
    stale = [
        (slug, locale) for slug in chosen for locale in selected if (slug, locale) not in reports
    ]
    made: dict[tuple[str, str], PairReport] = {}
    segments: dict[str, int] = {}
    if stale:
        stale_locales = sorted({locale for _, locale in stale})
        stale_slugs = sorted({slug for slug, _ in stale})

        def remember(report: PairReport) -> None:
            # stored as each arrives, while the workers check the others (it was a serial
            # tenth of a second or more after the last)
            _remember(state, keys[report.slug, report.locale], report)

        from .readability import dictionary_cache

        # syllable dictionaries kept built in the build cache (German's parse was 0.7 s)
        with dictionary_cache(project.paths.dictionary_cache_dir):
            checked = checks.run_checks(project, stale_locales, stale_slugs, on_report=remember)
        segments = checked.source_segments
        for report in checked.reports:
            made[report.slug, report.locale] = report
    # locales without meaning checks: once per locale, stored results or not (coverage.py)
    run = CheckRun(locale_findings=meaning_coverage(project, selected))
    for slug in chosen:
        for locale in selected:
            if (slug, locale) in made:
                report = made[slug, locale]  # stored as it arrived
            else:
                report = _unreport(reports[slug, locale])
            run.reports.append(report)
    _remember_sources(project, state, sorted({slug for slug, _ in made}), digests, segments)
    # the digests used, beside those of pairs not selected this time
    state.set_file_stamps({**state.file_stamps(), **digests.used})
    state.save()
    state.close()
    return run


def _remember(state: StageState, key: str, report: PairReport) -> None:
    name = f"{report.locale}/{report.slug}"
    state.set(f"pair:{name}", {"key": key, "summary": summary(report)})
    state.set(f"report:{name}", {"key": key, "report": _report(report)})


def _remember_sources(
    project: Project,
    state: StageState,
    slugs: list[str],
    digests: _Digests,
    known: dict[str, int],
) -> None:
    """What `status` shows of each source (its segment count), under the source's digest.
    `known`: the counts the check just took (parsing 200 sources again here, after the
    workers, was a tenth of the command's wall time)."""
    from .articles import read_article

    files = project.source_files()
    for slug in slugs:
        total = known.get(slug)
        if total is None:
            total = len(read_article(files[slug], project.paths).segments)
        state.set(f"source:{slug}", {"key": digests(files[slug]), "total": total})


def verdicts(project: Project) -> Any:
    """`verdict(slug, locale)`: (publishable, reasons) as the last `check` of the pair found
    them, when its inputs are unchanged since (None otherwise), so `render` need not run
    every QA check again to learn whether a pair is published."""
    from .publishing import Reason

    state = _state(project)
    digests = _Digests(project, state)
    files = project.source_files()
    rows = state.rows("pair:")
    state.close()

    def verdict(slug: str, locale: str) -> tuple[bool, list[Any]] | None:
        entry = rows.get(f"pair:{locale}/{slug}")
        if not isinstance(entry, dict) or slug not in files:
            return None
        if entry.get("key") != pair_key(project, files[slug], slug, locale, digests):
            return None
        summary = entry["summary"]
        reasons = [
            Reason(r["message"], r["kind"], r["count"], r["file"], r["line"])
            for r in summary["reasons"]
        ]
        return bool(summary["publishable"]), reasons

    return verdict


def source_totals(
    project: Project, slugs: list[str], files: dict[str, Path] | None = None
) -> dict[str, int]:
    """slug -> the source's segment count: stored by `check` when the source is unchanged,
    counted now otherwise (`status` writes nothing)."""
    from .articles import read_article

    state = _state(project)
    digests = _Digests(project, state)
    files = project.source_files() if files is None else files
    rows = state.rows("source:")
    state.close()
    out = {}
    for slug in slugs:
        entry = rows.get(f"source:{slug}")
        if isinstance(entry, dict) and entry.get("key") == digests(files[slug]):
            out[slug] = int(entry["total"])
        else:
            out[slug] = len(read_article(files[slug], project.paths).segments)
    return out


def store(project: Project, run: CheckRun) -> None:
    """Remember every pair `run` checked."""
    state = _state(project)
    digests = _Digests(project, state)
    files = project.source_files()
    for report in run.reports:
        key = pair_key(project, files[report.slug], report.slug, report.locale, digests)
        _remember(state, key, report)
    _remember_sources(
        project, state, sorted({r.slug for r in run.reports}), digests, run.source_segments
    )
    state.set_file_stamps({**state.file_stamps(), **digests.used})
    state.save()
    state.close()


def summaries(
    project: Project,
    locales: list[str],
    slugs: list[str],
    files: dict[str, Path] | None = None,
) -> dict[tuple[str, str], dict[str, Any]]:
    """(slug, locale) -> summary for every pair: stored ones read, the others checked now
    (and not stored: this is `status`, which writes nothing). `files`: the project's
    `source_files()`, when the caller has them (listing 1,000 sources is 50 ms)."""
    from . import checks

    state = _state(project)
    fresh, _ = _stored(project, state, locales, slugs, _Digests(project, state), files)
    state.close()
    found = {pair: entry["summary"] for pair, entry in fresh.items()}
    stale = [(slug, locale) for slug in slugs for locale in locales if (slug, locale) not in fresh]
    if stale:
        stale_locales = sorted({locale for _, locale in stale})
        stale_slugs = sorted({slug for slug, _ in stale})
        for report in checks.run_checks(project, stale_locales, stale_slugs).reports:
            found.setdefault((report.slug, report.locale), summary(report))
    return found
