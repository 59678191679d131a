"""`build` and `status`: every stage, incrementally, into the site and the per-locale bundles.

One (article, locale) pair is the unit of work. Its key hashes what shapes its output: the
source file, the catalog, the locale's glossary and lexicon, and the voice; the tool
version, the relevant settings, the templates and the engine sit in the state's settings,
so changing one of those throws the whole state away (Sphinx's rule). A pair whose key is
unchanged is not even assessed; a second build with nothing changed does no work.

Pairs the publishing policy holds back are left out of the site and bundles, and reported.
The source language is published too (it is what the translations are read against).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import outputs, pages
from .assets import asset_key, copy_assets
from .bundle import Source, write_bundle
from .errors import ConfigError, ToolkitError
from .files import write_if_changed
from .locales import bcp47, normalize_locale
from .models import Article, StageResult
from .paths import SLUG
from .project import Project
from .state import StageState, digest, file_digest
from .ui import UiCatalog
from .ui import catalog as ui_catalog
from .ui import warning as ui_warning

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

#: files of a pair's folder that go into the bundle (whatever else lies there does not)
PAIR_FILES = (
    "index.html",
    "article.md",
    "article.txt",
    "audio.mp3",
    "captions.vtt",
    "chapters.vtt",
)


def _state(project: Project, engine: str) -> StageState:
    config = project.config
    settings = {
        "templates": pages.templates_hash(),
        "engine": engine,
        "source_locale": config.source_locale,
        "min_translated": config.min_translated,
        "readability": dataclasses.asdict(config.readability),
        "checks": dataclasses.asdict(config.checks),
        "audio": {k: v for k, v in dataclasses.asdict(config.audio).items() if k != "engine"},
        "site": dataclasses.asdict(config.site),
    }
    # through JSON once, so it compares equal to what the state file holds
    settings = json.loads(json.dumps(settings, sort_keys=True, default=str))
    return StageState(project.paths.state_dir / "site.json", settings)


def _engine_name(project: Project, engine: str | None) -> str:
    return engine or project.config.audio.engine


def _pair_key(
    project: Project, article: Article, locale: str, engine: str, linked: Any = None
) -> str:
    """`linked`: the article's `assets.article_assets`, when already found (finding them
    parses the whole article's inline Markdown)."""
    from .audio.pipeline import lexicon_digests

    paths = project.paths
    source = locale == project.source_locale
    voice = project.config.audio.voices.get(engine, {}).get(locale, "")
    return digest(
        article.path.read_bytes(),
        "" if source else (file_digest(paths.catalog(locale, article.slug)) or "-"),
        "" if source else (file_digest(paths.glossary(locale)) or "-"),
        *lexicon_digests(paths, locale),  # lexicon/pt.toml and lexicon/pt_BR.toml
        voice,
        _ui(project, locale).digest(),
        # images and linked files beside the article
        asset_key(paths, article, locale)
        if linked is None
        else _asset_key(paths, article, locale, linked),
    )


def _asset_key(paths: Any, article: Article, locale: str, linked: Any) -> str:
    """`assets.asset_key` from the article's assets found once for all its locales."""
    from .assets import variant

    parts: list[str | bytes] = []
    for asset in linked:
        parts += [asset.path, variant(paths, article, asset, locale).read_bytes()]
    return digest(*parts)


def _ui(project: Project, locale: str) -> UiCatalog:
    """The page text of `locale`: shipped, overridden by the project's `ui/<locale>.po`."""
    return ui_catalog(locale, project.root)


def _all_locales(project: Project) -> list[str]:
    return sorted({project.source_locale, *project.locales()})


def _site_locales(project: Project, requested: list[str] | None) -> list[str]:
    """The requested locales, or the source locale and every target locale.

    A requested locale the project does not have is an error: building it would make an
    empty bundle (or one in the wrong language)."""
    if not requested:
        return _all_locales(project)
    chosen = project.select_locales(requested)
    known = _all_locales(project)
    unknown = [code for code in chosen if code not in known]
    if unknown:
        raise ConfigError(
            f"--locale {unknown[0]}: the project has no locale {unknown[0]} (it has "
            f"{', '.join(known)}): create it with `toolkit init {unknown[0]}` first"
        )
    return chosen


def language_order(project: Project, locales: list[str]) -> list[str]:
    """`locales` in the coordinator's order (`[tool.toolkit.site] languages`), then the
    source locale, then the rest by code: the same order on every page."""
    wanted = []
    for code in project.config.site.languages:
        try:
            wanted.append(normalize_locale(code))
        except ConfigError as exc:
            raise ConfigError(f"tool.toolkit.site.languages: {exc}") from None
    rank = {code: i for i, code in enumerate(dict.fromkeys(wanted))}
    source = project.source_locale
    return sorted(locales, key=lambda c: (rank.get(c, len(rank)), c != source, c))


@dataclass
class _Work:
    locale: str
    article: Article
    key: str


def build(
    project: Project,
    locales: list[str] | None = None,
    engine: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    executor: Any = None,
) -> StageResult:
    """Compile, check, render, speak, page and bundle every publishable pair that changed.
    `executor` runs the audio's per-pair tasks (a name or a `toolkit.tasks.Executor`)."""
    engine_name = _engine_name(project, engine)
    selected = _site_locales(project, locales)
    state = _state(project, engine_name)
    selection = digest(json.dumps([selected, engine_name]))
    changed: list[str] | None = None
    # a name nobody registered is an error, even with nothing to do (the two every build
    # names are known without loading the audio stage, numpy and all)
    if executor is not None and executor not in ("local", "inprocess"):
        from .audio.stage import check_executor

        check_executor(executor)
    if force:
        state.reset()
    else:
        quick, changed = _nothing_to_do(project, state, selection, selected)
        if quick is not None:
            state.save()  # writes nothing: nothing changed
            state.close()
            return quick
    from .audio.pipeline import check_voices

    # every locale's engine and voice, checked before any work (issue 10)
    speakers = check_voices(project, selected, engine)
    from .audio.cache import AudioCache

    AudioCache.of(project)  # its store recorded for the audio workers ([tool.toolkit.cache])
    try:
        from .readability import dictionary_cache

        with (
            outputs.run_in(project.paths.build_dir),
            # the syllable dictionaries kept built (one pair's German score parsed 1.1 MB)
            dictionary_cache(project.paths.dictionary_cache_dir),
        ):
            files = project.source_files()  # listed once (1,000 sources: 50 ms a listing)
            result = _build(
                project,
                state,
                selected,
                engine,
                progress,
                force,
                speakers,
                executor,
                changed,
                files,
            )
            kept = _kept_stamps(project, state, changed, result, files)
            _remember_stamps(project, state, selected, selection, kept, files)
    except BaseException:
        state.clear()  # a failed build leaves no state behind: the next one starts clean
        raise
    state.save()
    from .audio.cache import enforce_limit

    enforce_limit(project.paths.audio_cache_dir, project.config)  # least recently used go
    return result


# --- the no-op path ---------------------------------------------------------------------
#
# A build that finishes stores the stat stamp of every file it read or wrote (one row a file
# in the state's `files` table) and what it would say if run again unchanged (meta `noop`).
# The next build with the same locales, engine and settings first stats those files: when
# every one is as stamped, nothing can have changed and it says so, having read one state
# file and statted files (no article parsed, no page library imported). Any difference
# (an edit, a touch, a new file in a watched folder, a tampered page) takes the full path,
# which decides by content hashes.


def _nothing_to_do(
    project: Project, state: StageState, selection: str, selected: list[str]
) -> tuple[StageResult | None, list[str] | None]:
    """(the result of a build with nothing to do, or None when something may have changed;
    the stamped files that changed, or None when the stamps cannot tell)."""
    from .state import changed_stamps

    noop = state.meta("noop")
    stamps = state.file_stamps()
    if not isinstance(noop, dict) or not stamps:
        return None, None
    if (project.paths.build_dir / outputs.MARKER).exists():  # the last run was killed
        return None, None
    changed = changed_stamps(stamps, project.root)
    # the last build stamped the inputs of its own locales' pairs: what changed since then
    # says which pairs to look at only when it covered the locales of this one
    covered = set(selected) <= set(noop.get("locales", ()))
    if changed or noop.get("selection") != selection:
        return None, changed if covered else None
    for message in noop.get("warnings", []):
        log.warning("%s", message)
    result = StageResult("build")
    result.unchanged = int(noop.get("unchanged", 0))
    result.notes = list(noop.get("notes", []))
    return result, changed


def _kept_stamps(
    project: Project,
    state: StageState,
    changed: list[str] | None,
    result: StageResult,
    files: dict[str, Path],
) -> tuple[dict[str, str], set[str]] | None:
    """(the stored stamps, the pairs whose files must be statted again): the stamps of
    every other pair's files are still right, since neither they changed since the last
    build (`changed` says which did) nor this build wrote them (`result.written`). None when
    the stamps cannot tell, or the build wrote into a folder these do not cover."""
    look = _maybe_changed(project, changed, files)
    if look is None:
        return None
    site = project.paths.relative(project.paths.site_dir)
    again = set(look)
    for written in result.written:
        parts = written.split("/")
        if written.startswith(f"{site}/") and len(parts) >= len(site.split("/")) + 3:
            depth = len(site.split("/"))
            again.add(f"{parts[depth]}/{parts[depth + 1]}")
    unchanged = set(changed or ())
    stored = {path: s for path, s in state.file_stamps().items() if path not in unchanged}
    return stored, again


def _remember_stamps(
    project: Project,
    state: StageState,
    selected: list[str],
    selection: str,
    kept: tuple[dict[str, str], set[str]] | None = None,
    files: dict[str, Path] | None = None,
) -> None:
    """Stamp every file this build read or wrote, and what a build with nothing to do says.

    With `kept` (`_kept_stamps`), the files of pairs this build neither looked at nor wrote
    keep their stored stamps: an edit of one catalog stats that pair's files, not 54,000."""
    from .audio.lexicon import candidates
    from .state import stamp
    from .ui import UI_FOLDER, _names, _shipped_dir

    paths = project.paths
    files = project.source_files() if files is None else files
    everywhere = _all_locales(project)
    source = project.source_locale
    watched: list[Path] = [project.root / "pyproject.toml", paths.locales_dir]
    # every file and folder of the sources: the articles, and the images and files they
    # link to (always inside this folder), whose locale variants appear in a folder
    for folder, dirs, names in os.walk(paths.source_dir):
        dirs.sort()
        watched.append(Path(folder))
        watched += [Path(folder, name) for name in sorted(names)]
    qa = project.root / project.config.checks.qa_dir
    watched += [qa, project.root / UI_FOLDER, _shipped_dir()]
    rows = state.rows("pair:")
    unchanged, notes, shown = 0, [], set()
    root = project.root
    # each pair's files as strings relative to the project, from their folders' (slugs are
    # checked names, never paths): 54,000 Path joins and relpaths were most of this step
    named: list[str] = []
    known: list[str] = []  #: the files of pairs whose stored stamps still hold (`kept`)

    def rel(path: Path) -> str:
        return os.path.relpath(path, root)

    for locale in everywhere:
        watched += [paths.glossary(locale), paths.glossary(locale).parent, qa / f"{locale}.toml"]
        for code in candidates(locale):
            watched += [paths.lexicon(code), paths.lexicon(code).parent]
        for name in _names(locale):
            watched += [_shipped_dir() / f"{name}.po", project.root / UI_FOLDER / f"{name}.po"]
        catalogs = ""
        if locale != source:
            folder = paths.catalog(locale, "x").parent
            watched += [folder, folder.parent]
            catalogs = rel(folder)
        site = paths.locale_site(locale)
        watched += [site, site / "index.html", paths.bundle(locale)]
        watched += _index_pages(site)
        site_rel, inputs_rel = rel(site), rel(paths.page_inputs(locale, "x").parent)
        for slug in files:
            pair = named if kept is None or f"{locale}/{slug}" in kept[1] else known
            if locale != source:
                pair.append(f"{catalogs}/{slug}.po")
            stored = rows.get(f"pair:{locale}/{slug}")
            folder_rel = f"{site_rel}/{slug}"
            pair += [folder_rel, f"{inputs_rel}/{slug}.json"]
            if isinstance(stored, dict) and stored.get("published"):
                assets = stored["record"].get("assets", ())
                pair += [f"{folder_rel}/{name}" for name in (*PAIR_FILES, *assets)]
                shown.add(locale)
                if locale in selected:
                    unchanged += 1
            elif isinstance(stored, dict) and locale in selected:
                notes.append(f"skipped {locale}/{slug}: {stored['reasons']}")
    watched += [paths.site_dir, paths.site_dir / "index.html", paths.bundles_dir]
    watched += [paths.report_dir / "index.html"]
    prefix = os.path.join(str(root), "")
    stamps = {rel(path): stamp(str(path)) for path in watched}
    stamps.update((name, stamp(prefix + name)) for name in named)
    if kept is not None:
        stored = kept[0]
        stamps.update(
            (name, stored[name] if name in stored else stamp(prefix + name)) for name in known
        )
    state.set_file_stamps(stamps)
    # said again by a build with nothing to do, as `_build` says them (published locales)
    warnings = [w for w in (ui_warning(_ui(project, c)) for c in everywhere if c in shown) if w]
    state.set_meta(
        "noop",
        {
            "selection": selection,
            "locales": selected,
            "unchanged": unchanged,
            "notes": notes,
            "warnings": warnings,
        },
    )


class _Source:
    """One source article, parsed only when a pair of it has to be assessed or rendered."""

    def __init__(self, project: Project, slug: str, path: Path) -> None:
        self.slug, self.path, self._project = slug, path, project
        self._article: Article | None = None
        self._linked: Any = None

    @property
    def article(self) -> Article:
        if self._article is None:
            from .articles import read_article

            self._article = read_article(self.path, self._project.paths)
        return self._article

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def linked(self) -> Any:
        """The article's images and linked files (`assets.article_assets`), found once."""
        if self._linked is None:
            from .assets import article_assets

            self._linked = article_assets(self._project.paths, self.article)
        return self._linked


def _maybe_changed(
    project: Project, changed: list[str] | None, files: dict[str, Path]
) -> set[str] | None:
    """The pairs (`locale/slug`) a build has to look at, from the stamps that changed since
    the last build; None when it has to look at every pair (no stamps, or a change that is
    not one article's source, one catalog or one pair's own files)."""
    if changed is None:
        return None
    paths = project.paths
    sources = {os.path.relpath(path, project.root): slug for slug, path in files.items()}
    site = os.path.relpath(paths.site_dir, project.root)
    catalogs = os.path.relpath(paths.locales_dir, project.root)
    pages = os.path.relpath(paths.page_inputs("en", "x").parent.parent, project.root)
    tail = [os.path.relpath(p, project.root) for p in (paths.bundles_dir, paths.report_dir)]
    locales = _all_locales(project)
    pairs: set[str] = set()
    for path in changed:
        parts = Path(path).parts
        if path in sources:
            pairs.update(f"{locale}/{sources[path]}" for locale in locales)
        elif (
            Path(path).is_relative_to(catalogs)
            and len(parts) >= 3
            and parts[-2] == "LC_MESSAGES"
            and path.endswith(".po")
        ):
            pairs.add(f"{parts[-3]}/{Path(path).stem}")
        elif Path(path).is_relative_to(pages):  # a page's body, kept between builds
            rest = Path(path).relative_to(pages)
            if len(rest.parts) != 2:
                return None
            pairs.add(f"{rest.parts[0]}/{Path(rest.parts[1]).stem}")
        elif Path(path).is_relative_to(site):
            rest = Path(path).relative_to(site)
            if len(rest.parts) >= 3 or (len(rest.parts) == 2 and rest.suffix != ".html"):
                pairs.add(f"{rest.parts[0]}/{rest.parts[1]}")  # a pair's folder or file
            elif rest.suffix != ".html":
                return None  # the site's or a locale's folder: something added or removed
            # else a locale's index or the root page: the pages after the pairs check theirs
        elif any(Path(path).is_relative_to(p) for p in tail):
            continue  # a bundle or the report: checked against their records after the pairs
        else:
            return None
    return pairs


def _build(
    project: Project,
    state: StageState,
    locales: list[str],
    engine: str | None,
    progress: Progress | None,
    force: bool = False,
    speakers: dict[str, Any] | None = None,
    executor: Any = None,
    changed: list[str] | None = None,
    files: dict[str, Path] | None = None,
) -> StageResult:
    paths = project.paths
    engine_name = _engine_name(project, engine)
    result = StageResult("build")
    files = project.source_files() if files is None else files
    articles = [_Source(project, slug, path) for slug, path in files.items()]
    slugs = set(files)
    look = _maybe_changed(project, changed, files)
    rows = state.rows("pair:")  # every pair's row, in one query
    pending: list[_Work] = []
    for locale in locales:
        for source in articles:
            name = f"{locale}/{source.slug}"
            stored = rows.get(f"pair:{name}")
            if look is not None and name not in look and isinstance(stored, dict):
                # none of its inputs or outputs changed since the last build: as it was
                fresh = True
            else:
                key = _pair_key(project, source.article, locale, engine_name, source.linked)
                fresh = bool(
                    stored and stored["key"] == key and _outputs_match(project, locale, stored)
                )
            if fresh and stored:
                if stored.get("refreshed"):  # touched, same bytes: keep the new signatures
                    del stored["refreshed"]
                    state.set(f"pair:{name}", stored)
                if stored["published"]:
                    result.unchanged += 1
                else:  # said again, as a note: nothing was redone to learn it
                    result.notes.append(f"skipped {name}: {stored['reasons']}")
                continue
            pending.append(_Work(locale, source.article, key))

    targets = sorted({w.locale for w in pending} - {project.source_locale})
    if targets:
        from .pipeline import compile_catalogs

        result.written += compile_catalogs(project, targets, slugs=list(files)).written

    # In batches: each batch's pairs are rendered, then spoken over the cores (one pair per
    # worker, encoding included) while the next batch is rendered, then paged; memory holds
    # two batches' text, not the library's.
    speaking: _Speaking | None = None
    start = 0
    for batch in _audio_batches(pending):
        staged = []
        for done, work in enumerate(batch, start + 1):
            if progress:
                progress(done - 1, len(pending), f"{work.locale}/{work.article.slug}")
            item = _stage_pair(project, state, work, result)
            if item is not None:
                staged.append(item)
        start += len(batch)
        started = _Speaking(project, staged, engine, force, speakers, executor, pending, speaking)
        if speaking is not None:
            speaking.finish(project, state, result)
        speaking = started
    if speaking is not None:
        speaking.finish(project, state, result)
        from .audio.synthesize import release_workers

        release_workers()  # the pages and bundles need none: the workers exit meanwhile
    if progress and pending:
        progress(len(pending), len(pending), "")

    if look is None:  # else no article and no folder came or went since the last build
        for locale in locales:
            _clean_locale(project, state, locale, slugs, result)
    everywhere = _all_locales(project)
    published = {locale: _records(state, locale, articles) for locale in everywhere}
    published = {locale: records for locale, records in published.items() if records}
    order = language_order(project, list(published))
    report = _Report(project, state, articles, published)
    bundles = _Bundles()
    try:
        for locale in everywhere:
            if locale in published:
                _warn_ui(project, locale)
            _article_pages(project, state, locale, published, order, result)
            _locale_outputs(project, state, locale, articles, order, published, result, bundles)
        source_ui = _ui(project, project.source_locale)
        _keyed_page(
            project,
            state,
            "page:root",
            paths.site_dir / "index.html",
            [order, source_ui.digest()],
            lambda: pages.site_page(project.source_locale, order, source_ui),
            result,
        )
        report.finish(result)
        bundles.finish(result.written)
    finally:
        bundles.close()
        report.close()
    return result


class _Bundles:
    """Bundles written one after another in a thread of their own while the build renders
    the other locales' pages and the report: writing a bundle is mostly copying, compressing
    and hashing, which let go of the GIL, so the two overlap on two cores. Their state is
    set, and their lines said, in the building thread, in the order a serial build has."""

    def __init__(self) -> None:
        self._pool: Any = None
        self._waiting: list[tuple[Any, int, Callable[[bool, Any], str | None]]] = []

    def submit(
        self, job: Callable[[], tuple[bool, Any]], at: int, done: Callable[[bool, Any], str | None]
    ) -> None:
        """Run `job` (-> (changed, its record)); `done(changed, record)` at `finish` says the
        line to insert at index `at` of the build's written files (None: nothing)."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="bundle")
        self._waiting.append((self._pool.submit(job), at, done))

    def finish(self, written: list[str]) -> None:
        """Wait for every bundle (the first error raised as it was) and record them."""
        inserted = 0
        waiting, self._waiting = self._waiting, []
        for future, at, done in waiting:
            line = done(*future.result())
            if line is not None:
                written.insert(at + inserted, line)
                inserted += 1

    def close(self) -> None:
        """Stop: a bundle being written is finished (its temporary file renamed or removed),
        the ones not started are not."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _keyed_page(
    project: Project,
    state: StageState,
    row: str,
    target: Path,
    inputs: Any,
    render: Callable[[], str],
    result: StageResult,
) -> None:
    """Write `target` from `render()` unless its recorded key (a hash of `inputs`) and its
    recorded output say it is already so: a page no input changed is not even rendered."""
    state.set(row, _keyed_write(project, state.get(row), target, inputs, render, result))


def _keyed_write(
    project: Project,
    stored: Any,
    target: Path,
    inputs: Any,
    render: Callable[[], str],
    result: StageResult,
) -> dict[str, Any]:
    """`_keyed_page` without the state: its row as `stored`, the row to store returned (a
    touched page's new signature, or the new page's key and record)."""
    key = digest(json.dumps(inputs, sort_keys=True, default=str))
    if (
        isinstance(stored, dict)
        and stored.get("key") == key
        and outputs.matches(stored.get("outputs"), {"page": target})
    ):
        return stored
    _write(target, render().encode("utf-8"), project, result)
    return {"key": key, "outputs": outputs.record({"page": target})}


def _warn_ui(project: Project, locale: str) -> str | None:
    """Warn (stderr) that a locale's page text is (partly) English; return the warning."""
    message = ui_warning(_ui(project, locale))
    if message:
        log.warning("%s", message)
    return message


def _switcher(
    locale: str, order: list[str], present: set[str], href: Callable[[str], str]
) -> list[dict[str, Any]]:
    if len(present) < 2:  # one language: nothing to switch to
        return []
    return [pages.switcher_entry(c, href(c), c == locale) for c in order if c in present]


def _published_in(published: dict[str, list[dict[str, Any]]]) -> dict[str, set[str]]:
    """slug -> the locales it is published in."""
    where: dict[str, set[str]] = {}
    for locale, records in published.items():
        for record in records:
            where.setdefault(record["slug"], set()).add(locale)
    return where


def _article_pages(
    project: Project,
    state: StageState,
    locale: str,
    published: dict[str, list[dict[str, Any]]],
    order: list[str],
    result: StageResult,
) -> None:
    """Each published article page of `locale`, re-rendered when its pair or the set of
    languages it is published in changed (its switcher and `hreflang` links)."""
    paths = project.paths
    where = _published_in(published)
    site = str(paths.locale_site(locale))
    # a switcher's JSON by the set of languages, with a stand-in for the slug (a checked
    # name: JSON keeps it as it is), so 1,000 pages' keys do not build 1,000 switchers
    shapes: dict[tuple[str, ...], str] = {}
    for record in published.get(locale, []):
        slug = record["slug"]
        present = where[slug]
        shape = tuple(sorted(present))
        if shape not in shapes:
            some = _switcher(locale, order, present, lambda c: f"../../{c}/{_SLUG_HERE}/index.html")
            shapes[shape] = json.dumps(some, sort_keys=True)
        pair = state.get(f"pair:{locale}/{slug}") or {}
        key = digest(pair.get("key", ""), shapes[shape].replace(_SLUG_HERE, slug))
        if pair.get("page") == key and os.path.exists(f"{site}/{slug}/index.html"):
            continue
        switcher = _switcher(locale, order, present, lambda c, s=slug: f"../../{c}/{s}/index.html")
        target = paths.article_site(locale, slug) / "index.html"
        inputs = json.loads(paths.page_inputs(locale, slug).read_text(encoding="utf-8"))
        vtt = paths.article_site(locale, slug) / "captions.vtt"
        html = pages.article_page(
            locale,
            record,
            Markup(inputs["body"]),
            _ui(project, locale),
            summary=inputs["summary"],
            fallback=inputs["fallback"],
            switcher=switcher,
            captions=_inline_captions(vtt) if record.get("captions") else "",
        )
        _write(target, html.encode("utf-8"), project, result)
        # the page's key rides in its pair's row (one row per pair), with the outputs as
        # they are now that the page is written
        recorded = outputs.record(_pair_files(target.parent, record.get("assets", ())))
        state.set(f"pair:{locale}/{slug}", {**pair, "page": key, "outputs": recorded})


#: stands for the slug in a switcher's JSON (no slug can hold it: `paths.SLUG`)
_SLUG_HERE = "@slug@"

#: captions copied into a page (for pages opened from a file, where <track> cannot load)
#: only up to this size: the page stays light, and a huge file never goes into memory
MAX_INLINE_CAPTIONS = 256_000


def _inline_captions(vtt: Path) -> str:
    try:
        if vtt.stat().st_size > MAX_INLINE_CAPTIONS:
            return ""
        return vtt.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return ""


#: a report of at least this many rows is written by a forked process, beside the build's
#: pages and bundles: at 1000 x 5 (6,000 rows) it was a fifth of a build after one `.po` edit,
#: all of it after the pages; a small one is not worth a process
REPORT_CHILD_ROWS = 1000


class _Report:
    """`build/report/index.html`, the coordinators' page, off the patients' path: started
    (`_Report(...)`) once every pair's state is known, before the pages and bundles, and
    recorded (`finish`) after them, where a build that writes it in turn would.

    What it shows is read from the state here; the page is rendered and written by a forked
    process when it is large (the state's database is not used there), else by `finish`."""

    def __init__(
        self,
        project: Project,
        state: StageState,
        articles: Sequence[Any],
        published: dict[str, list[dict[str, Any]]],
    ) -> None:
        held = []
        for locale in _all_locales(project):
            for article in articles:
                stored = state.get(f"pair:{locale}/{article.slug}")
                if stored and not stored["published"]:
                    held.append(
                        {"slug": article.slug, "locale": locale, "reasons": stored["reasons"]}
                    )
        warnings = [w for w in (ui_warning(_ui(project, c)) for c in published) if w]
        titles = {a.slug: _source_title(state, project, a) for a in articles}
        self._state = state
        self._job = (project, state.get("page:report"), published, held, titles, warnings)
        self._pool: Any = None
        self._future: Any = None
        if sum(map(len, published.values())) >= REPORT_CHILD_ROWS and _can_fork():
            import multiprocessing

            from .workers import process_pool

            self._pool = process_pool(1, multiprocessing.get_context("fork"))
            _REPORT_JOB[:] = [self._job]  # inherited by the fork, not pickled to it
            try:
                self._future = self._pool.submit(_forked_report)
            finally:
                _REPORT_JOB.clear()

    def finish(self, result: StageResult) -> None:
        """Wait for the page (an error raised as it was) and record it."""
        if self._future is not None:
            row, written = self._future.result()
        else:
            row, written = _report_job(self._job)
        self._state.set("page:report", row)
        result.written += written

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


#: the report's job, for the forked process that writes it (`_Report`)
_REPORT_JOB: list[Any] = []


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _forked_report() -> tuple[dict[str, Any], list[str]]:
    return _report_job(_REPORT_JOB[0])


def _report_job(job: tuple[Any, ...]) -> tuple[dict[str, Any], list[str]]:
    """(the report's state row, the written line): the page written unless its key says it
    is already so."""
    project, stored, published, held, titles, warnings = job
    result = StageResult("build")
    row = _keyed_write(
        project,
        stored,
        project.paths.report_dir / "index.html",
        [published, held, titles, warnings],
        lambda: _report_from_fragments(project, published, held, titles, warnings),
        result,
    )
    return row, result.written


def _report_from_fragments(
    project: Project,
    published: dict[str, list[dict[str, Any]]],
    held: list[dict[str, Any]],
    titles: dict[str, str],
    warnings: list[str],
) -> str:
    """The report page, its rows and charts taken from the fragments kept from the last
    render (`pages.report_page`), which are kept again for the next. The fragments are a
    cache of pure renders (keyed by the templates and the tool version, checksummed,
    written atomically): one lost, damaged or cut short by a kill is rendered again."""
    from . import dictcache

    folder = project.paths.report_cache_dir
    target = dictcache.cache_file(folder, "fragments", dictcache.cache_key(pages.templates_hash()))
    known = dictcache.read(target)
    if not isinstance(known, dict) or not all(isinstance(v, str) for v in known.values()):
        known = None
    fragments = pages.ReportFragments(known)
    html = pages.report_page(published, held, titles, warnings, fragments)
    if fragments.rendered or len(fragments.used) != len(fragments.known):
        dictcache.write(target, fragments.used, "fragments")
    return html


def _index_pages(folder: Path) -> list[Path]:
    """A locale's index pages after the first (`page-2.html` …), sorted. `glob.glob`, not
    `Path.glob`: the folder holds a folder per article, and pathlib's matching of 1,000
    names cost 9 ms a call (twice a locale in every build)."""
    import glob

    return [
        Path(p) for p in sorted(glob.glob(os.path.join(glob.escape(str(folder)), "page-*.html")))
    ]


def _outputs_match(project: Project, locale: str, stored: dict[str, Any]) -> bool:
    """True when the pair's files are the ones its state recorded (a build killed after it
    rewrote them, or a hand edit, makes the pair stale even when its inputs match again)."""
    if not stored["published"]:
        return True
    slug = stored["record"]["slug"]
    if not project.paths.page_inputs(locale, slug).exists():
        return False
    folder = project.paths.article_site(locale, slug)
    before = json.dumps(stored.get("outputs"), sort_keys=True)
    assets = stored["record"].get("assets", ())
    if not outputs.matches(stored.get("outputs"), _pair_files(folder, assets)):
        return False
    if json.dumps(stored.get("outputs"), sort_keys=True) != before:
        stored["refreshed"] = True
    return True


def _pair_files(folder: Path, assets: Sequence[str] = ()) -> dict[str, Path]:
    """The files of a pair's folder: the toolkit's own and the article's images and files."""
    return {name: folder / name for name in (*PAIR_FILES, *assets)}


def _write(path: Path, data: bytes, project: Project, result: StageResult) -> None:
    if write_if_changed(path, data):
        result.written.append(project.paths.relative(path))


#: pairs rendered, then spoken together (enough to keep every core busy with whole pairs)
AUDIO_BATCH = 32
#: the first batch: small, so that the workers start speaking early
FIRST_AUDIO_BATCH = 2


def _audio_batches(pending: list[_Work]) -> Iterator[list[_Work]]:
    """`pending` in batches of 2, 4, 8 … AUDIO_BATCH pairs."""
    start, size = 0, FIRST_AUDIO_BATCH
    while start < len(pending):
        yield pending[start : start + size]
        start, size = start + size, min(AUDIO_BATCH, size * 2)


@dataclass
class _Staged:
    """A pair rendered and found publishable, waiting for its audio and page."""

    work: _Work
    pair: Any
    folder: Path
    translated: float
    readability: dict[str, Any] | None
    #: images and linked files copied beside the page, relative to its folder
    assets: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.work.locale}/{self.work.article.slug}"


def _stage_pair(
    project: Project, state: StageState, work: _Work, result: StageResult
) -> _Staged | None:
    """Render and assess one pair and write its text; None when it is not published."""
    from .render import render_assessed, source_pair

    locale, article = work.locale, work.article
    name = f"{locale}/{article.slug}"
    folder = project.paths.article_site(locale, article.slug)
    source = locale == project.source_locale
    translated = 1.0
    if source:
        pair = source_pair(project, article)
    else:
        from .publishing import assess, join_reasons

        assessment = assess(project, article, locale)
        translated = round(assessment.translated_share, 4)
        pair = render_assessed(project, article, assessment) if assessment.publishable else None
        if pair is None:
            reasons = join_reasons(assessment.reasons) or "not publishable"
            if folder.exists():
                shutil.rmtree(folder)
                result.notes.append(f"removed {project.paths.relative(folder)}/: {reasons}")
            project.paths.page_inputs(locale, article.slug).unlink(missing_ok=True)
            state.set(f"pair:{name}", {"key": work.key, "published": False, "reasons": reasons})
            result.skipped.append((name, reasons))
            return None
    lang = bcp47(locale)
    _write(folder / "article.md", pair.article_md(lang).encode("utf-8"), project, result)
    _write(folder / "article.txt", pair.text.encode("utf-8"), project, result)
    assets, copied = copy_assets(project.paths, article, locale, folder)
    result.written += [project.paths.relative(path) for path in copied]
    # scored once the batch's audio is under way (`_Speaking`), beside the workers
    return _Staged(work, pair, folder, translated, None, assets)


class _Speaking:
    """One batch's audio: made in a thread of its own with the local workers (so the next
    batch is rendered meanwhile and the workers never wait for it), else made at once. Each
    batch calibrates the voices' pace after the batch before it (`Turn`), so the bytes do
    not depend on the timing."""

    def __init__(
        self,
        project: Project,
        staged: list[_Staged],
        engine: str | None,
        force: bool,
        speakers: dict[str, Any] | None,
        executor: Any,
        pending: list[_Work],
        previous: _Speaking | None,
    ) -> None:
        import threading

        from .audio.stage import PAIR_TASKS_FROM, Turn, is_local

        self.staged = staged
        self.turn = Turn(previous.turn if previous else None)
        self._made: dict[str, dict[str, Any]] = {}
        self._error: BaseException | None = None
        # a build with enough pairs speaks every batch as per-pair tasks, small ones too
        per_pair = len(pending) >= PAIR_TASKS_FROM

        def run() -> None:
            try:
                self._made = _speak_staged(
                    project, staged, engine, force, speakers, executor, per_pair, self.turn
                )
            except BaseException as exc:  # raised again in the building thread
                self._error = exc
            finally:
                self.turn.done()

        background = per_pair and is_local(executor) and _make_audio is _speak_one and staged
        thread = threading.Thread(target=run, name="audio-batch", daemon=True)
        self._thread = thread if background else None
        if self._thread is not None:
            from .audio.synthesize import start_workers, workers_for

            start_workers(workers_for(None, None, len(pending), per_worker=1))  # from this thread
            self._thread.start()
            # the batch's calibration and hand-out first: scored meanwhile, the readability
            # would take the GIL from it while the workers wait for their first pairs
            self.turn.wait_handed()
        else:
            run()
        for item in staged:  # while the workers speak
            item.readability = _readability(project, item.work.locale, item.pair)

    def finish(self, project: Project, state: StageState, result: StageResult) -> None:
        """Wait for the batch's audio, then write its pages and state."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        for item in self.staged:
            _finish_pair(project, state, item, self._made[item.name], result)


def _speak_staged(
    project: Project,
    staged: list[_Staged],
    engine: str | None,
    force: bool,
    speakers: dict[str, Any] | None = None,
    executor: Any = None,
    per_pair: bool | None = None,
    turn: Any = None,
) -> dict[str, dict[str, Any]]:
    """Every staged pair's audio, through the per-pair workers `toolkit audio` uses."""
    if _make_audio is not _speak_one or not staged:  # replaced (a test's fake): pair by pair
        return {
            s.name: _make_audio(
                project, s.work.article, s.pair, s.work.locale, engine, s.folder, force
            )
            for s in staged
        }
    from .audio.pipeline import PairRequest, speak_pairs

    requests = [
        PairRequest(
            s.name,
            tuple(s.pair.blocks),
            s.work.locale,
            s.pair.title,
            s.folder,
            project.paths.audio_state(s.work.locale, s.work.article.slug),
        )
        for s in staged
    ]
    made = speak_pairs(
        project,
        requests,
        engine,
        force=force,
        speakers=speakers,
        executor=executor,
        per_pair=per_pair,
        turn=turn,
    )
    return {s.name: _audio_record(made[s.name], s.folder) for s in staged}


def _finish_pair(
    project: Project,
    state: StageState,
    item: _Staged,
    audio: dict[str, Any],
    result: StageResult,
) -> None:
    """The page of a spoken pair, and its state."""
    work, pair, folder = item.work, item.pair, item.folder
    locale, article = work.locale, work.article
    source = locale == project.source_locale
    result.written += [project.paths.relative(Path(p)) for p in audio.get("written", ())]
    record = {
        "slug": article.slug,
        "title": pair.title,
        "readability": item.readability,
        "translated": item.translated,
        "audio_seconds": audio.get("audio_seconds"),
        "engine": audio.get("engine"),
        "voice": audio.get("voice"),
        "audio_bytes": audio.get("audio_bytes"),
        "captions": (folder / "captions.vtt").exists(),
        "summary": pair.summary,
        "assets": item.assets,
    }
    fallback_lines = frozenset() if source else pair.fallback_lines
    fallback_lang = None if source else project.source_locale
    ui = _ui(project, locale)
    body = pages.markdown_html(
        pair.markdown,
        pair.title,
        # the source rendering counts every line as "fallback": it is the original
        fallback_lines,
        fallback_lang,
        crisis_lines=tuple(project.config.site.crisis_lines),
        table_label=pages.table_label(ui),
    )
    inputs = {
        "body": str(body),
        "summary": pair.summary,
        "fallback": bool(fallback_lines and fallback_lang),
    }
    data = json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode("utf-8")
    write_if_changed(project.paths.page_inputs(locale, article.slug), data)
    # index.html is (re)written once every pair is decided (`_article_pages`), which
    # records the outputs again with it
    recorded = outputs.record(_pair_files(folder, item.assets))
    state.set(
        f"pair:{item.name}",
        {"key": work.key, "published": True, "record": record, "outputs": recorded},
    )


def _readability(project: Project, locale: str, pair: Any) -> dict[str, Any] | None:
    """The pair's readability, scored exactly as `check` scores it: the translated blocks
    (or all blocks of the source), code left out. Scored here rather than through
    `run_checks` so a build does not redo the QA checks and the source's score per pair."""
    from .readability import blocks_text, score_text

    source = locale == project.source_locale
    text = blocks_text(b for b in pair.blocks if b.kind != "code" and (source or b.lang is None))
    if not text.strip():
        return None
    try:
        score = score_text(text, locale, project.config.readability)
    except ToolkitError as exc:
        log.warning("%s/%s: no readability score: %s", locale, pair.slug, exc)
        return None
    return _score_dict(
        {
            "formula": score.formula,
            "value": score.value,
            "target": score.target,
            "passes": score.passes,
            "direction": score.direction,
        }
    )


def _score_dict(r: Any) -> dict[str, Any] | None:
    if not r or r.get("value") is None:
        return None
    out = {
        "formula": r.get("formula"),
        "value": round(float(r["value"]), 2),
        "target": r.get("target"),
        "passes": bool(r.get("passes")),
    }
    if r.get("direction") in ("max", "min"):
        out["direction"] = r["direction"]
    return out


def _make_audio(
    project: Project,
    article: Article,
    pair: Any,
    locale: str,
    engine: str | None,
    folder: Path,
    force: bool = False,
) -> dict[str, Any]:
    """Speak the pair into `folder` (audio.mp3, captions.vtt, chapters.vtt)."""
    from .audio import resolve_voice, synthesize_article
    from .audio.pipeline import engine_for

    config = project.config.audio
    speaker = _speaker(project, engine_for(config, locale, engine))
    paths = project.paths
    clip = synthesize_article(
        pair.blocks,
        locale,
        speaker,
        resolve_voice(speaker, locale, config, project.root),
        config,
        folder,
        pair.title,
        cache_dir=paths.audio_cache_dir,
        project_lexicon=paths.lexicon,
        state_path=paths.audio_state(locale, article.slug),
        force=force,
        label=f"{locale}/{article.slug}",
    )
    return _audio_record(clip, folder)


#: the real one-pair audio maker; `_make_audio` may be replaced (tests' fake engine)
_speak_one = _make_audio


def _audio_record(clip: Any, folder: Path) -> dict[str, Any]:
    mp3 = folder / "audio.mp3"
    return {
        "audio_seconds": round(float(clip.duration), 2),
        "engine": clip.engine,
        "voice": clip.voice,
        "audio_bytes": mp3.stat().st_size if mp3.exists() else None,
        "written": [str(p) for p in clip.written],
    }


_SPEAKERS: dict[tuple[Path, str], Any] = {}


def _speaker(project: Project, name: str) -> Any:
    """The engine `name`, checked once per process: unknown or unavailable is an EngineError."""
    from .audio.engines.registry import get_engine
    from .errors import EngineError

    key = (project.root, name)
    if key not in _SPEAKERS:
        speaker = get_engine(name, project.config.audio, project.root)
        ok, why = speaker.available()
        if not ok:
            raise EngineError(f"engine {name!r} is not available: {why}")
        _SPEAKERS[key] = speaker
    return _SPEAKERS[key]


def _records(state: StageState, locale: str, articles: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for article in articles:
        stored = state.get(f"pair:{locale}/{article.slug}")
        if stored and stored["published"]:
            out.append(stored["record"])
    return out


def _source_title(state: StageState, project: Project, article: Any) -> str:
    stored = state.get(f"pair:{project.source_locale}/{article.slug}")
    return stored["record"]["title"] if stored and stored["published"] else article.title


def _clean_locale(
    project: Project, state: StageState, locale: str, slugs: set[str], result: StageResult
) -> None:
    """Remove folders and state of articles that no longer exist."""
    for key in state.keys(f"pair:{locale}/"):
        slug = key.split("/", 1)[1]
        if slug not in slugs:
            state.discard(key)
            if SLUG.match(slug):
                project.paths.page_inputs(locale, slug).unlink(missing_ok=True)
    folder = project.paths.locale_site(locale)
    if not folder.is_dir():
        return
    for child in sorted(folder.iterdir()):
        if child.is_dir() and SLUG.match(child.name) and child.name not in slugs:
            shutil.rmtree(child)
            result.notes.append(f"removed {project.paths.relative(child)}/: no such article")


def _locale_outputs(
    project: Project,
    state: StageState,
    locale: str,
    articles: Sequence[Any],
    order: list[str],
    published: dict[str, list[dict[str, Any]]],
    result: StageResult,
    bundles: _Bundles | None = None,
) -> None:
    """`<locale>/index.html` and `bundles/<locale>.zip`, when anything in them changed
    (the bundle in `bundles`' thread, when given).

    A locale with nothing published gets neither (and loses the ones it had)."""
    paths = project.paths
    records = published.get(locale, [])
    bundle_path = paths.bundle(locale)
    folder = paths.locale_site(locale)
    if not records:
        stale = [folder / "index.html", *_index_pages(folder), bundle_path]
        for path in stale:
            if path.exists():
                path.unlink()
                result.notes.append(f"removed {paths.relative(path)}: nothing published")
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        state.discard(f"bundle:{locale}")
        return
    switcher = _switcher(locale, order, set(published), lambda c: f"../{c}/index.html")
    ui = _ui(project, locale)
    per_page = project.config.pages.per_page
    # the index pages are rendered only when what they show changed (their key, recorded with
    # the pages' hashes in `index:<locale>`): a build that changed one article's text in
    # another locale does not render 1,000 entries again
    stored_index = state.get(f"index:{locale}")
    shown = _row_hashes(state, locale, articles, stored_index, "records", _shown_record)
    listed = [shown[record["slug"]] for record in records]
    index_key = digest(json.dumps([listed, switcher, per_page, ui.digest()], sort_keys=True))
    names = [pages.page_name(n) for n in range(1, max(1, -(-len(records) // per_page)) + 1)]
    if not (
        isinstance(stored_index, dict)
        and stored_index.get("key") == index_key
        and stored_index.get("names") == names
        and outputs.matches(stored_index.get("outputs"), {n: folder / n for n in names})
    ):
        rendered = pages.locale_pages(locale, records, per_page, ui, switcher)
        index_pages = {name: html.encode("utf-8") for name, html in rendered}
        for name, data in index_pages.items():
            _write(folder / name, data, project, result)
        names = list(index_pages)
        stored_index = {"key": index_key, "names": names}
    recorded = outputs.record({n: folder / n for n in names})
    state.set(f"index:{locale}", {**stored_index, "outputs": recorded, "records": shown})
    for old in _index_pages(folder):
        if old.name not in names:  # fewer articles than before: fewer pages
            old.unlink()
            result.notes.append(f"removed {paths.relative(old)}: no such page")
    stored = state.get(f"bundle:{locale}")
    hashes = _row_hashes(state, locale, articles, stored, "parts", _bundle_part)
    key = digest(index_key, json.dumps(hashes, sort_keys=True))
    as_written = isinstance(stored, dict) and outputs.matches(
        stored.get("outputs"), {"bundle": bundle_path}
    )
    if as_written and stored.get("key") == key:
        if stored.get("parts") != hashes:  # a state from before parts were recorded
            state.set(f"bundle:{locale}", {**stored, "parts": hashes})
        return
    # the pairs whose part is the one the bundle on disk was written with: their entries
    # are copied from it as they are (`write_bundle`'s `unchanged`), not read and compressed
    # again, so one edited article costs that article, not the locale's whole bundle
    before = stored.get("parts") if as_written and isinstance(stored, dict) else None
    files: dict[str, Source] = {n: pages.for_bundle((folder / n).read_bytes()) for n in names}
    unchanged: list[str] = []
    for record in records:
        slug = record["slug"]
        folder = paths.article_site(locale, slug)
        same = isinstance(before, dict) and before.get(slug) == hashes.get(slug)
        recorded = (state.get(f"pair:{locale}/{slug}") or {}).get("outputs") or {}
        for name in (*PAIR_FILES, *record.get("assets", ())):
            if same:  # the bundle holds it, as this pair's state says it is
                if recorded.get(name) is not None:
                    files[f"{slug}/{name}"] = _bundle_source(folder / name)
                    unchanged.append(f"{slug}/{name}")
                continue
            if (folder / name).exists():
                files[f"{slug}/{name}"] = _bundle_source(folder / name)
    manifest_articles = [
        {
            k: r.get(k)
            for k in (
                "slug",
                "title",
                "readability",
                "translated",
                "audio_seconds",
                "engine",
                "voice",
            )
        }
        for r in records
    ]

    def job() -> tuple[bool, Any]:
        changed = write_bundle(
            bundle_path, locale, files, manifest_articles, unchanged, trusted=as_written
        )
        return changed, outputs.record({"bundle": bundle_path})

    def done(changed: bool, recorded: Any) -> str | None:
        state.set(f"bundle:{locale}", {"key": key, "outputs": recorded, "parts": hashes})
        return paths.relative(bundle_path) if changed else None

    if bundles is None:
        line = done(*job())
        if line is not None:
            result.written.append(line)
    else:
        bundles.submit(job, len(result.written), done)


def _bundle_source(path: Path) -> Source:
    """A pair's file as its bundle holds it: a page without the links that would leave the
    zip (made only when the bundle reads it), any other file by its path (streamed)."""
    if path.name == "index.html":
        return lambda: pages.for_bundle(path.read_bytes())
    return path


def _row_hashes(
    state: StageState,
    locale: str,
    articles: Sequence[Any],
    stored: Any,
    field: str,
    part: Callable[[Any], str],
) -> dict[str, str]:
    """slug -> the digest of `part(pair row)` for every article of `locale`: taken from the
    digests the last build stored in `stored[field]` for a pair whose row this build did not
    change (the JSON of 1,000 rows a locale is not cheap), computed for the others."""
    known = stored.get(field) if isinstance(stored, dict) else None
    known = known if isinstance(known, dict) else {}
    out = {}
    for article in articles:
        row = f"pair:{locale}/{article.slug}"
        if article.slug in known and not state.changed(row):
            out[article.slug] = known[article.slug]
        else:
            out[article.slug] = digest(part(state.get(row)))
    return out


def _shown_record(stored: Any) -> str:
    """What of a pair's state its locale's index shows: its record, when published."""
    published = isinstance(stored, dict) and stored.get("published")
    return json.dumps(stored["record"] if published else None, sort_keys=True)


def _bundle_part(stored: Any) -> str:
    """What of a pair's state shapes the bundle: its record and its files' hashes (not their
    stat signatures, which change when a file is only touched)."""
    if not isinstance(stored, dict):
        return json.dumps(stored)
    files = stored.get("outputs") or {}
    hashes = {name: entry and entry.get("sha256") for name, entry in files.items()}
    return json.dumps({**stored, "outputs": hashes}, sort_keys=True)


# --- status ---------------------------------------------------------------------------------


@dataclass
class StatusReport:
    """One row per (article, locale): what is translated, checked, spoken and publishable."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    #: locales whose page text is (partly) English, said on stderr too
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"pairs": self.pairs, "warnings": self.warnings}

    def lines(self) -> list[str]:
        if not self.pairs:
            return ["no (article, locale) pairs: add articles and locales first"]
        header = (
            "article",
            "locale",
            "translated",
            "fuzzy",
            "errors",
            "warnings",
            "readability",
            "audio",
            "publishable",
        )
        rows = [header]
        for p in self.pairs:
            r = p["readability"]
            if r:
                mark = "ok" if r["passes"] else "MISSED"
                read = (
                    f"{pages.formula_name(str(r['formula']))} {r['value']:g}/{r['target']:g} {mark}"
                )
            else:
                read = "-"
            rows.append(
                (
                    p["slug"],
                    p["locale"],
                    f"{p['translated_percent']:.0f}%",
                    str(p["fuzzy"]),
                    str(p["errors"]),
                    str(p["warnings"]),
                    read,
                    "up to date" if p["audio_up_to_date"] else "stale",
                    _verdict(p),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
        return [
            "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True))
            + "  "
            + row[-1]
            for row in rows
        ] + _coaching_summary(self.pairs)


def _coaching_summary(pairs: list[dict[str, Any]]) -> list[str]:
    """One line per article and language with plain-language coaching (issue 16)."""
    lines = []
    seen: set[str] = set()
    for p in pairs:
        for key, locale, found in (
            (p["slug"], "source", p.get("source_coaching") or []),
            (f"{p['locale']}/{p['slug']}", p["locale"], p.get("coaching") or []),
        ):
            if found and key not in seen:
                seen.add(key)
                rules = ", ".join(sorted({c["rule"] for c in found}))
                lines.append(f"coaching {key} ({locale}): {len(found)} hint(s): {rules}")
    if lines:
        lines.insert(
            0, "plain-language coaching (PEMAT-informed warnings; `toolkit check` lists them):"
        )
    return lines


def _verdict(pair: dict[str, Any]) -> str:
    if pair.get("source"):
        return "yes (source)"
    if pair["publishable"]:
        return "yes"
    return "no: " + "; ".join(r["message"] for r in pair["reasons"])


def status(project: Project) -> StatusReport:
    """Assess every (article, locale), the source language first, without writing anything.

    Counts, findings and reasons are `check`'s own (the results it stored, and pairs changed
    since checked again), so the two commands never disagree."""
    from .checks.coverage import meaning_coverage
    from .checkstore import source_totals, summaries
    from .state import changed_stamps

    engine = project.config.audio.engine
    state = _state(project, engine)
    locales = project.locales()
    files = project.source_files()
    sources = [_Source(project, slug, path) for slug, path in files.items()]
    checked = summaries(project, locales, list(files), files) if locales else {}
    totals = source_totals(project, list(files), files)
    report = StatusReport()
    for locale in _all_locales(project):
        message = _warn_ui(project, locale)
        if message:
            report.warnings.append(message)
    for finding in meaning_coverage(project, locales):  # locales without meaning checks
        text = f"{finding.locale} [{finding.check}]: {finding.message}"
        log.warning("%s", text)
        report.warnings.append(text)
    # the pairs whose build key may differ from the stored one: those whose stamped inputs
    # or outputs changed since the last build (when it built every locale); every pair's
    # key is computed only when the stamps cannot tell
    noop, stamps = state.meta("noop"), state.file_stamps()
    changed = None
    if (
        isinstance(noop, dict)
        and stamps
        and set(_all_locales(project)) <= set(noop.get("locales", ()))
    ):
        changed = changed_stamps(stamps, project.root)
    look = _maybe_changed(project, changed, files)
    # the three values status shows of each pair's build state, not its whole rows
    wanted = {"key": "$.key", "published": "$.published", "audio": "$.record.audio_seconds"}
    rows = state.fields("pair:", wanted)
    state.close()
    site_dirs = {locale: str(project.paths.locale_site(locale)) for locale in _all_locales(project)}
    for source in sources:
        for locale in [project.source_locale, *(x for x in locales if x != project.source_locale)]:
            stored = rows.get(f"pair:{locale}/{source.slug}")
            if not isinstance(stored, dict) or not isinstance(stored.get("key"), str):
                same = False
            elif look is not None and f"{locale}/{source.slug}" not in look:
                same = True
            else:
                same = stored["key"] == _pair_key(
                    project, source.article, locale, engine, source.linked
                )
            audio_ok = bool(
                same
                and stored["published"]
                and stored["audio"] is not None
                and os.path.exists(f"{site_dirs[locale]}/{source.slug}/audio.mp3")
            )
            if locale == project.source_locale:
                row = _source_row(project, source, checked, totals[source.slug], locales)
            else:
                row = dict(checked[source.slug, locale])
                row.pop("source_readability", None)
                row["readability"] = _score_dict(row["readability"])
                row["source"] = False
            row["translated_percent"] = round(row["translated"] * 100, 1)
            row["audio_up_to_date"] = audio_ok
            report.pairs.append(row)
    return report


def _source_row(
    project: Project, source: _Source, checked: dict[Any, Any], total: int, locales: list[str]
) -> dict[str, Any]:
    """The source language's row: always publishable (translations are read against it)."""
    some = next((checked[source.slug, c] for c in locales if (source.slug, c) in checked), None)
    if some is not None:
        readability = _score_dict(some["source_readability"])
    else:  # no target locale yet: score the source alone
        from .checks.report import _score_source

        score = _score_source(project, source.article)
        readability = _score_dict(dataclasses.asdict(score) | {"passes": score.passes})
    return {
        "slug": source.slug,
        "locale": project.source_locale,
        "source": True,
        "catalog": None,
        "total": total,
        "translated": 1.0,
        "fuzzy": 0,
        "suggested": 0,
        "untranslated": 0,
        "errors": 0,
        "warnings": 0,
        "publishable": True,
        "reasons": [],
        "readability": readability,
        # the article's own coaching (each translation row carries it too, as in `check`)
        "coaching": [],
        "source_coaching": some["source_coaching"] if some is not None else [],
    }
