"""The catalog stages: extract, init, update, compile. Each is incremental by content hash."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CatalogError, GateFailed
from .files import write_atomic
from .locales import normalize_locale
from .memory import MemoryState
from .models import StageResult
from .parallel import in_parallel
from .paths import ProjectPaths
from .project import Project
from .state import StageState
from .tasks import Executor

if TYPE_CHECKING:
    from .po import PoFile


def _state(project: Project, name: str) -> StageState:
    settings = {
        "wrap": project.config.wrap_width,
        "catalogs": asdict(project.config.catalogs),
        # which front matter keys are extracted shapes every template
        "translate_keys": list(project.config.articles.translate_keys),
    }
    return StageState(project.paths.state_dir / f"{name}.json", settings)


def extract(
    project: Project, slugs: list[str] | None = None, runner: Executor | None = None
) -> StageResult:
    """Sources -> locales/templates/<slug>.pot; unchanged sources are not even parsed.

    One task per source (`toolkit.tasks`), on `runner` (default: local processes).
    """
    from . import catalogs
    from .task_cache import task_cache
    from .tasks import Task, run_tasks

    paths = project.paths
    files = project.source_files()
    result = StageResult("extract")
    state = _state(project, "extract")
    tasks = [
        Task(slug, (files[slug],), _template_task, (paths, files[slug], pot), (pot,))
        for slug in project.select_slugs(slugs)
        for pot in [paths.template(slug)]
    ]

    def prepare() -> None:  # load the parsers once, so forked workers inherit them
        from . import po  # noqa: F401
        from .articles import block_parser

        block_parser()

    def write(pot: Path, data: bytes) -> bool:
        old = pot.read_bytes() if pot.exists() else b""
        if catalogs.same_but_dates(old, data):
            return False
        write_atomic(pot, data)
        return True

    # every changed article is parsed before the first write: one bad source writes nothing
    outcome = run_tasks(
        tasks, state, runner, write=write, prepare=prepare, cache=task_cache(project.config)
    )
    result.written += [paths.relative(p) for p in outcome.written]
    result.unchanged += len(outcome.skipped) + len(outcome.unchanged)
    state.save()
    return result


def _template_task(job: tuple[ProjectPaths, Path, Path]) -> dict[Path, bytes]:
    paths, source, pot = job
    return {pot: _template_bytes((paths, source))}


def _template_bytes(job: tuple[ProjectPaths, Path]) -> bytes:
    from . import catalogs
    from .articles import read_article
    from .catalog_headers import template_fields, with_fields

    paths, source = job
    article = read_article(source, paths)
    po = catalogs.template_po(article, paths.relative(source))
    if po.header is not None:  # the configured fields ([tool.toolkit.catalogs])
        fields = template_fields(paths.config.catalogs, article.slug)
        po.header.msgstr = with_fields(po.header.msgstr, fields)
    return catalogs.catalog_bytes(po, paths.config.wrap_width)


def init_locale(project: Project, locale: str, slugs: list[str] | None = None) -> StageResult:
    """New catalogs for `locale` from the templates; an existing catalog is never replaced."""
    from . import catalogs

    locale = normalize_locale(locale)
    paths = project.paths
    result = StageResult("init")
    project.locale_folders()  # a folder spelled `es-MX` is refused, not shadowed by `es_MX`
    pending = []  # every template is checked before the first write
    for slug in project.select_slugs(slugs):
        pot, po = paths.template(slug), paths.catalog(locale, slug)
        if po.exists():
            result.notes.append(
                f"kept {paths.relative(po)} (exists; use `toolkit update` to merge)"
            )
            continue
        if not pot.exists():
            raise CatalogError(f"{paths.relative(pot)} does not exist: run `toolkit extract` first")
        # a broken template stops here, before anything is written
        template = catalogs.read_catalog(pot, shown=paths.relative(pot))
        pending.append((po, _new_catalog(paths, template, locale, slug)))
    for po, catalog in pending:
        write_atomic(po, catalogs.catalog_bytes(catalog, project.config.wrap_width))
        result.written.append(paths.relative(po))
    return result


def _new_catalog(paths: ProjectPaths, template: PoFile, locale: str, slug: str) -> PoFile:
    """A new catalog for `locale`: the configured header, and the memory's suggestions."""
    from . import catalogs
    from .catalog_headers import new_catalog_fields
    from .memory import fill_from_memory, memory_for

    settings = paths.config.catalogs
    po = catalogs.new_catalog(template, locale, new_catalog_fields(settings, slug, locale))
    if settings.memory:
        fill_from_memory(po, lambda: memory_for(paths, locale), settings.memory_threshold)
    return po


def _new_catalog_bytes(paths: ProjectPaths, locale: str, pot: Path) -> bytes:
    """`_new_catalog`'s bytes; without suggestions to make, only the header is written anew
    (the entries are the template's, byte for byte: see catalogs.new_catalog_bytes)."""
    from . import catalogs
    from .catalog_headers import new_catalog_fields
    from .memory import memory_for

    settings, width, shown = paths.config.catalogs, paths.config.wrap_width, paths.relative(pot)
    if settings.memory and memory_for(paths, locale):
        template = catalogs.read_catalog(pot, shown=shown)
        return catalogs.catalog_bytes(_new_catalog(paths, template, locale, pot.stem), width)
    fields = new_catalog_fields(settings, pot.stem, locale)
    data = catalogs.read_bytes(pot, shown)
    return catalogs.new_catalog_bytes(data, locale, width, shown, fields)


def update(project: Project, locales: list[str] | None = None, check: bool = False) -> StageResult:
    """Merge every template into every locale's catalog (msgmerge with Babel).

    With `check`, nothing is written and GateFailed (exit 3) lists what is out of date,
    templates included.
    """
    paths = project.paths
    result = StageResult("update")
    state = _state(project, "update")
    stale: list[str] = _stale_templates(project) if check else []
    todo: list[tuple[str, Path, Path]] = []
    slugs = project.select_slugs(None)
    folders = project.locale_folders()
    result.notes += folders.notes(paths.relative(paths.locales_dir))
    memory_keys = MemoryState(paths, project.config.catalogs.memory)
    for locale in project.select_locales(locales):
        for slug in slugs:
            pot, po = paths.template(slug), paths.catalog(locale, slug)
            if not pot.exists():
                raise CatalogError(
                    f"{paths.relative(pot)} does not exist: run `toolkit extract` first"
                )
            key = f"{locale}/{slug}"
            if state.unchanged(key, [pot, po]) and memory_keys.unchanged(state, key, locale):
                result.unchanged += 1
            else:
                todo.append((key, pot, po))
    if todo:  # load the catalog modules and plural rules once, so forked workers inherit them
        from . import catalogs

        for locale in {key.split("/")[0] for key, _, _ in todo}:
            catalogs.plural_forms(locale)
    jobs = [(paths, key.split("/")[0], pot, po) for key, pot, po in todo]
    # every catalog is read and merged before the first write: one broken file writes nothing
    merged = in_parallel(_merged_catalog, jobs)
    for (key, pot, po), (old, data) in zip(todo, merged, strict=True):
        if old is not None and old == data:
            result.unchanged += 1
            state.remember(key, [pot, po])
            memory_keys.waiting(key, data)
        elif check:
            stale.append(paths.relative(po))
        elif not _unchanged_on_disk(po, old):
            # a translator saved the file while we merged: their work wins
            result.notes.append(
                f"kept {paths.relative(po)}: it changed on disk while `toolkit update` ran; "
                "run `toolkit update` again"
            )
        else:
            write_atomic(po, data)
            result.written.append(paths.relative(po))
            state.remember(key, [pot, po])
            memory_keys.waiting(key, data, old)
    if not check:
        memory_keys.remember(state)
        state.save()
        result.notes += _behind_their_sources(project, slugs)
    if stale:
        raise GateFailed(
            f"{len(stale)} file(s) out of date: {', '.join(stale)}; "
            "run `toolkit extract` and `toolkit update`"
        )
    return result


def _unchanged_on_disk(path: Path, old: bytes | None) -> bool:
    """True when `path` still holds `old` (None: did not exist), checked just before the write."""
    try:
        return path.read_bytes() == old
    except FileNotFoundError:
        return old is None


def _merged_catalog(job: tuple[ProjectPaths, str, Path, Path]) -> tuple[bytes | None, bytes]:
    """(the catalog's bytes now, or None; its bytes merged with its template).

    When the two differ only in their dates, the old bytes are returned for both, so the
    caller sees "unchanged". A merge that would lose a translation is refused.
    """
    from . import catalogs
    from .catalog_headers import coordinator_fields, with_fields
    from .memory import carried_notes, fill_from_memory, memory_for

    paths, locale, pot, po = job
    width = paths.config.wrap_width
    if not po.exists():  # a new catalog: the template's entries with its own header
        return None, _new_catalog_bytes(paths, locale, pot)
    template = catalogs.read_catalog(pot, shown=paths.relative(pot))
    old = catalogs.read_bytes(po, paths.relative(po))
    catalog = catalogs.parse_po(old, paths.relative(po))
    notes = carried_notes(catalog)
    merged = catalogs.update_catalog(catalog, template)
    if merged.header is not None and template.header is not None:
        # the coordinator's fields follow the template; the translator's stay as written
        fields = coordinator_fields(template.header.msgstr)
        merged.header.msgstr = with_fields(merged.header.msgstr, fields)
    settings = paths.config.catalogs
    memory = (lambda: memory_for(paths, locale)) if settings.memory else None
    fill_from_memory(merged, memory, settings.memory_threshold, notes)
    lost = catalogs.translations_lost(catalog, merged)
    if lost:  # never expected: a guard, so a merge bug can never wipe a translator's work
        raise CatalogError(
            f"{paths.relative(po)}: merging would lose {len(lost)} translation(s) "
            f"(first: {lost[0][:40]!r}); nothing written: please report this"
        )
    data = catalogs.catalog_bytes(merged, width)
    if catalogs.same_but_dates(old, data):
        return old, old
    return old, data


def _behind_their_sources(project: Project, slugs: list[str]) -> list[str]:
    """Sources edited since `extract` last read them (by its recorded stats and hashes):
    merging their old templates cannot bring the catalogs up to date."""
    extracted = _state(project, "extract")
    files = project.source_files()
    notes = []
    for slug in slugs:
        source, pot = files[slug], project.paths.template(slug)
        if extracted.get(slug) is not None and not extracted.unchanged(slug, [source, pot]):
            notes.append(
                f"{project.paths.relative(source)} changed after the last extract: run "
                "`toolkit extract && toolkit update`"
            )
    extracted.close()  # read only: nothing to save
    return notes


def _stale_templates(project: Project) -> list[str]:
    from . import catalogs

    stale = []
    for slug, source in project.source_files().items():
        pot = project.paths.template(slug)
        data = _template_bytes((project.paths, source))
        if not pot.exists() or not catalogs.same_but_dates(pot.read_bytes(), data):
            stale.append(project.paths.relative(pot))
    return stale


def compile_catalogs(
    project: Project,
    locales: list[str] | None = None,
    runner: Executor | None = None,
    slugs: list[str] | None = None,
) -> StageResult:
    """.po -> build/mo/<locale>/LC_MESSAGES/<slug>.mo (fuzzy entries left out).

    One task a catalog (`toolkit.tasks`): a catalog and .mo as the state remembers them are
    not read again (a build after one edited catalog compiles that one). In this process
    unless `runner` says otherwise. `slugs`: every source's, when the caller listed them
    already (a listing of 1,000 sources is a tenth of a second)."""
    from .files import write_if_changed
    from .tasks import InProcess, Task, run_tasks

    paths = project.paths
    result = StageResult("compile")
    state = _state(project, "compile")
    tasks = []
    every = project.select_slugs(None) if slugs is None else slugs
    for locale in project.select_locales(locales):
        for slug in every:
            po = paths.catalog(locale, slug)
            if not po.exists():
                result.skipped.append(
                    (
                        f"{locale}/{slug}",
                        f"no catalog {paths.relative(po)} (run `toolkit init {locale}`)",
                    )
                )
                continue
            mo = paths.mo(locale, slug)
            tasks.append(Task(f"{locale}/{slug}", (po,), _mo_task, (paths, po, mo), (mo,)))
    outcome = run_tasks(tasks, state, runner or InProcess(), write=write_if_changed)
    result.written += [paths.relative(path) for path in outcome.written]
    result.unchanged += len(outcome.skipped) + len(outcome.unchanged)
    state.save()
    state.close()
    return result


def _mo_task(job: tuple[ProjectPaths, Path, Path]) -> dict[Path, bytes]:
    from . import catalogs

    paths, po, mo = job
    return {mo: catalogs.compile_mo(catalogs.read_catalog(po, paths.relative(po)))}
