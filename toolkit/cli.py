"""The `toolkit` command line: parse options, call one library function, print its result.

The only module that imports click. Errors are mapped to messages and exit codes once, in
`ToolkitGroup.invoke`; heavy modules are imported inside commands so `--help` stays instant.

The global options (`--project`, `-v`, `-q`, `--format`) are one decorator, `global_options`,
put on the group and on every command (as sqlite-utils shares its option sets), so they are
accepted before or after the command name. Their values gather in `ctx.meta`, which every
context of one invocation shares.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ToolkitError
from .terminal import json_safe, printable

log = logging.getLogger("toolkit")


class _EchoHandler(logging.Handler):
    """Log records of the toolkit's own loggers to stderr, made printable (and coloured on a
    terminal). It resolves stderr at each record, so tests' captured streams are honoured."""

    COLOURS = {"ERROR": "red", "WARNING": "yellow", "DEBUG": "blue"}

    def emit(self, record: logging.LogRecord) -> None:
        level = click.style(record.levelname.lower(), fg=self.COLOURS.get(record.levelname))
        click.echo(f"{level}: {printable(record.getMessage())}", err=True)


_HANDLER = _EchoHandler()


def _configure(ctx: click.Context) -> None:
    """Apply the options gathered so far: log level of `toolkit.*` only (a dependency's
    loggers, such as markdown-it's debug output, are never turned up) and colour."""
    meta = ctx.meta
    verbose, quiet = meta.get("toolkit.verbose", 0), meta.get("toolkit.quiet", False)
    level = (
        logging.ERROR
        if quiet
        else logging.DEBUG
        if verbose > 1
        else logging.INFO
        if verbose
        else logging.WARNING
    )
    log.setLevel(level)
    if _HANDLER not in log.handlers:
        log.addHandler(_HANDLER)  # the root logger is left alone: it belongs to whoever embeds us
    # https://no-color.org: any non-empty NO_COLOR means no colour; otherwise click colours
    # only when the stream is a terminal
    if os.environ.get("NO_COLOR"):
        ctx.find_root().color = False


def _store(key: str, combine: Callable[[Any, Any], Any] | None = None) -> Callable[..., Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        source = ctx.get_parameter_source(param.name or "")
        if source is None or source.name in ("DEFAULT", "DEFAULT_MAP"):
            return
        old = ctx.meta.get(key)
        ctx.meta[key] = combine(old, value) if combine and old is not None else value
        _configure(ctx)

    return callback


def global_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """`--project`, `-v`, `-q`, `--format`: accepted on the group and on every command."""
    options = [
        click.option(
            "--project",
            type=click.Path(file_okay=False, path_type=Path),
            expose_value=False,
            callback=_store("toolkit.project"),
            help="The project folder (holding source_articles/ and, optionally, "
            "pyproject.toml). Default: the current folder.",
        ),
        click.option(
            "--allow-outside",
            is_flag=True,
            expose_value=False,
            callback=_store("toolkit.allow_outside"),
            help="Let build_dir lie outside the project folder (refused otherwise).",
        ),
        click.option(
            "-v",
            "--verbose",
            count=True,
            expose_value=False,
            callback=_store("toolkit.verbose", lambda a, b: a + b),
            help="Say more on stderr (-vv: debug).",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_store("toolkit.quiet"),
            help="Print only results and errors.",
        ),
        click.option(
            "--format",
            type=click.Choice(["text", "json"]),
            expose_value=False,
            callback=_store("toolkit.format"),
            help="text (default) or json (one object, see docs/coordinators.md).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


class ToolkitGroup(click.Group):
    def command(self, *args: Any, **kwargs: Any) -> Any:
        """`@main.command()` with the global options added, so every command accepts them
        after its name too (a command added later gets them without asking)."""
        if len(args) == 1 and callable(args[0]) and not kwargs:  # bare `@main.command`
            return self.command()(args[0])
        decorator = super().command(*args, **kwargs)
        return lambda f: decorator(global_options(f))

    def invoke(self, ctx: click.Context) -> Any:
        _configure(ctx)
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            label = click.style("Error:", fg="red")
            click.echo(f"{label} {printable(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        # Click's own usage errors quote what was typed with repr(): escapes stay escaped


@click.group(cls=ToolkitGroup)
@global_options
@click.version_option(__version__, prog_name="toolkit")
def main() -> None:
    """Accessible, multilingual patient-education material: catalogs, checks, audio, bundles.

    Global options (--project, -v, -q, --format) go before or after the command.

    Example:

    \b
        toolkit extract && toolkit update && toolkit build
        toolkit new my-project && toolkit --project my-project build
    """


def _project(ctx: click.Context, **overrides: Any) -> Any:
    from .project import Project

    if ctx.meta.get("toolkit.allow_outside"):
        overrides["integrity"] = {"allow_outside": True}
    return Project.load(ctx.meta.get("toolkit.project", Path(".")), **overrides)


def _quiet(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("toolkit.quiet"))


def _command_name(ctx: click.Context) -> str:
    """The command below `toolkit`, as typed: `status`, `cache info`."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def _emit(result: Any, ctx: click.Context | None = None) -> None:
    """Print a result: the documented JSON object, or its lines (`-q`: results only)."""
    ctx = ctx or click.get_current_context()
    if ctx.meta.get("toolkit.format") == "json":
        data = {"command": _command_name(ctx), "toolkit_version": __version__}
        data |= result.as_dict()
        # indented for a person at a terminal; one line for a program (the pure-Python
        # encoder that indenting needs took 0.4 s of `status` at 5,000 pairs)
        indent = 2 if sys.stdout.isatty() else None
        text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=True)
        click.echo(json_safe(text))
        return
    lines = result.lines()
    if _quiet(ctx) and hasattr(result, "quiet_lines"):
        lines = result.quiet_lines()
    for line in lines:
        click.echo(printable(line))


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress callback drawing a bar on a terminal; None when stderr is not a terminal
    (or with -q)."""
    if not sys.stderr.isatty() or _quiet(click.get_current_context()):
        yield None
        return
    bar: Any = None

    def update(done: int, total: int, item: str) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos, printable(item))

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


locale_option = click.option(
    "--locale", "locales", multiple=True, metavar="L", help="Only this locale (repeatable)."
)
article_option = click.option(
    "--article", "articles", multiple=True, metavar="S", help="Only this article slug (repeatable)."
)


class _ExecutorName(click.ParamType):
    """An executor's name or a Dask scheduler's address, checked without importing Dask."""

    name = "executor"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from .tasks import executor_problem

        problem = executor_problem(value)
        if problem is not None:
            self.fail(problem, param, ctx)
        return value


executor_option = click.option(
    "--executor",
    type=_ExecutorName(),
    default=None,
    metavar="local|inprocess|dask|tcp://HOST:PORT",
    help="Where the tasks run: processes on every core (default), this process, a local Dask "
    "cluster, or a running Dask scheduler (docs/cluster.md). Default: [tool.toolkit] executor.",
)


def _executor(ctx: click.Context, project: Any, name: str | None) -> Any:
    """The executor `--executor` (else the configuration) names; closed with the command (a
    Dask cluster it started stops, its workers with it)."""
    from .tasks import executor

    runner = executor(name or project.config.executor)
    close = getattr(runner, "close", None)
    if close is not None:
        ctx.call_on_close(close)
    return runner


def _stage_executor(ctx: click.Context, project: Any, name: str | None) -> Any:
    """For the stages that take a name or an executor (audio, build): `local` and
    `inprocess` by name (the audio stage keeps its own warm pool for `local`), any other as
    the executor itself, closed with the command."""
    name = name or project.config.executor
    if name in ("local", "inprocess"):
        return name
    return _executor(ctx, project, name)


@main.command()
@click.argument("slugs", nargs=-1)
@executor_option
@click.pass_context
def extract(ctx: click.Context, slugs: tuple[str, ...], executor: str | None) -> None:
    """Extract source articles into templates (locales/templates/<slug>.pot).

    Example:

    \b
        toolkit extract
        toolkit extract ketamine-for-depression
        toolkit extract --executor tcp://10.0.0.5:8786
    """
    from .pipeline import extract as run

    project = _project(ctx)
    _emit(run(project, list(slugs), runner=_executor(ctx, project, executor)))


@main.command()
@click.argument("locale")
@click.argument("slugs", nargs=-1)
@click.pass_context
def init(ctx: click.Context, locale: str, slugs: tuple[str, ...]) -> None:
    """Create catalogs for a new LOCALE from the templates (existing ones are left alone).

    Example:

    \b
        toolkit init pt_BR
    """
    from .pipeline import init_locale

    _emit(init_locale(_project(ctx), locale, list(slugs)))


@main.command()
@locale_option
@click.option("--check", is_flag=True, help="Change nothing; exit 3 if any catalog is out of date.")
@click.pass_context
def update(ctx: click.Context, locales: tuple[str, ...], check: bool) -> None:
    """Merge the templates into every locale's catalogs (changed strings become fuzzy).

    Example:

    \b
        toolkit update --locale es
        toolkit update --check
    """
    from .pipeline import update as run

    _emit(run(_project(ctx), list(locales), check=check))


@main.command(name="compile")
@locale_option
@click.pass_context
def compile_(ctx: click.Context, locales: tuple[str, ...]) -> None:
    """Compile catalogs to .mo files under build/mo/.

    Example:

    \b
        toolkit compile --locale es
    """
    from .pipeline import compile_catalogs

    _emit(compile_catalogs(_project(ctx), list(locales)))


@main.command()
@locale_option
@article_option
@click.option(
    "--strict", is_flag=True, help="Exit 3 when any error finding or missed target exists."
)
@click.pass_context
def check(
    ctx: click.Context, locales: tuple[str, ...], articles: tuple[str, ...], strict: bool
) -> None:
    """Check readability and translation quality of every (article, locale).

    Example:

    \b
        toolkit check --locale es --format json
        toolkit check --strict
    """
    from .checkstore import check as run
    from .errors import GateFailed

    # pairs whose inputs are as when last checked are read from the stored results, the
    # others checked and stored (so `status`, and the next `check`, read them)
    result = run(_project(ctx), list(locales), list(articles))
    _emit(result)
    if strict and result.gate_failed:
        raise GateFailed(result.gate_message())


@main.command()
@locale_option
@click.option(
    "--min-translated",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PERCENT",
    help="Publish pairs at least this translated; missing blocks fall back to the source language.",
)
@click.pass_context
def render(ctx: click.Context, locales: tuple[str, ...], min_translated: float | None) -> None:
    """Render translated Markdown and plain text for every publishable (article, locale).

    Example:

    \b
        toolkit render --locale es
    """
    from .render import render as run

    _emit(run(_project(ctx, min_translated=min_translated), list(locales)))


@main.command()
@locale_option
@article_option
@click.option("--engine", default=None, help="Speech engine (see `toolkit engines`).")
@click.option(
    "--script",
    is_flag=True,
    help="Also write spoken.txt beside each MP3: what the voice was given, one line a sentence.",
)
@executor_option
@click.pass_context
def audio(
    ctx: click.Context,
    locales: tuple[str, ...],
    articles: tuple[str, ...],
    engine: str | None,
    script: bool,
    executor: str | None,
) -> None:
    """Generate the audio version (MP3, captions, chapters) of every publishable pair.

    Example:

    \b
        toolkit audio --locale es
        toolkit audio --engine gtts --article ketamine-for-depression
        toolkit audio --locale fr --script
    """
    from .audio import generate_audio

    project = _project(ctx)
    with _progress("Synthesizing") as progress:
        result = generate_audio(
            project,
            list(locales),
            list(articles),
            engine=engine,
            progress=progress,
            script=script,
            executor=_stage_executor(ctx, project, executor),
        )
    _emit(result)


@main.command()
@click.option("--locale", "locale", required=True, help="Locale whose voice is given the text.")
@click.argument("text", nargs=-1)
@click.pass_context
def normalize(ctx: click.Context, locale: str, text: tuple[str, ...]) -> None:
    """Print what a voice will be given for TEXT, one line per sentence (stdin without TEXT).

    Uses the project's pronunciation lexicon; what the locale cannot say is a warning on
    stderr naming the token and what to add.

    Example:

    \b
        toolkit normalize --locale es "Tome 2,5 mg b.i.d. Llame al 988."
        toolkit normalize --locale fr < article.txt
    """
    from .audio import normalize_script

    source = " ".join(text) if text else sys.stdin.read()
    folder = Path(ctx.meta.get("toolkit.project", Path(".")))
    project = _project(ctx) if (folder / "source_articles").is_dir() else None
    script = normalize_script(project, locale, source)
    for warning in script.warnings:
        if not _quiet(ctx):  # a diagnostic: -q prints only results and errors
            click.echo(printable(f"Warning: {warning}"), err=True)
    _emit(script)


@main.command()
@click.option("--locale", default=None, help="Only engines and voices for this locale.")
@click.pass_context
def engines(ctx: click.Context, locale: str | None) -> None:
    """List speech engines, whether each is available, and the locales each can speak.

    Example:

    \b
        toolkit engines --locale ar
    """
    from .audio import engines_report

    _emit(engines_report(_project(ctx), locale))


@main.command()
@locale_option
@click.option("--engine", default=None, help="Speech engine for the audio versions.")
@click.option("--force", is_flag=True, help="Rebuild everything, ignoring what is up to date.")
@click.option(
    "--min-translated",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PERCENT",
    help="Publish pairs at least this translated (missing blocks fall back to the source).",
)
@executor_option
@click.pass_context
def build(
    ctx: click.Context,
    locales: tuple[str, ...],
    engine: str | None,
    force: bool,
    min_translated: float | None,
    executor: str | None,
) -> None:
    """Build the site and the per-locale bundles (every stage, incrementally).

    Example:

    \b
        toolkit build
        toolkit build --locale ar --force
    """
    from .site import build as run

    project = _project(ctx, min_translated=min_translated)
    with _progress("Building") as progress:
        result = run(
            project,
            list(locales),
            engine=engine,
            force=force,
            progress=progress,
            executor=_stage_executor(ctx, project, executor),
        )
    _emit(result)


@main.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show, per (article, locale), what is translated, checked, spoken and publishable.

    Example:

    \b
        toolkit status
        toolkit status --format json
    """
    from .site import status as run

    _emit(run(_project(ctx)))


@main.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
def verify(bundle: Path) -> None:
    """Check a bundle's files against its manifest.json (sizes and sha256).

    Example:

    \b
        toolkit verify build/bundles/es.zip
    """
    from .verify import verify as run

    _emit(run(bundle))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def new(folder: Path) -> None:
    """Start a project in FOLDER: one example article and a commented pyproject.toml.

    FOLDER must not exist yet, or be empty.

    Example:

    \b
        toolkit new my-project
        toolkit --project my-project build
    """
    from .scaffold import new_project

    _emit(new_project(folder))
    ctx = click.get_current_context()
    if not _quiet(ctx) and ctx.meta.get("toolkit.format") != "json":
        click.echo(
            printable(f"next: toolkit --project {folder} build (then see docs/coordinators.md)")
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--watch", is_flag=True, help="Rebuild when a source, catalog or setting changes.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 60),
    default=1.0,
    show_default=True,
    help="Seconds between checks for changes (with --watch).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, watch: bool, interval: float) -> None:
    """Serve build/site on this computer, as a browser sees it (Ctrl-C stops).

    Example:

    \b
        toolkit serve
        toolkit serve --watch --port 8080
    """
    from .serve import serve_site

    def rebuild() -> None:  # also called from the watcher's thread: no current context there
        from .site import build as run

        _emit(run(_project(ctx)), ctx)

    project = _project(ctx)
    if watch or not project.paths.site_dir.is_dir():
        rebuild()

    def ready(url: str) -> None:
        site = f"{project.paths.relative(project.paths.site_dir)}/"
        if ctx.meta.get("toolkit.format") == "json":
            data = {"command": "serve", "toolkit_version": __version__, "site": site, "url": url}
            click.echo(json.dumps(data, sort_keys=True))
        else:
            click.echo(f"serving {site} at {url}")

    serve_site(
        lambda: _project(ctx),
        host,
        port,
        on_ready=ready,
        rebuild=rebuild if watch else None,
        interval=interval,
    )


@main.group(cls=ToolkitGroup)
@global_options
def cache() -> None:
    """See and trim the audio cache (build/.cache/audio, or [tool.toolkit.cache] audio_url):
    synthesized sentences kept so an edit re-synthesizes only what changed. Pruning never
    changes a later build's output.

    Example:

    \b
        toolkit cache info
        toolkit cache prune --max-mb 500
    """


@cache.command(name="info")
@click.pass_context
def cache_info(ctx: click.Context) -> None:
    """Entries and bytes in the audio cache, its limit, and its size against the MP3s.

    Example:

    \b
        toolkit cache info --format json
    """
    from .audio.cache import cache_report

    _emit(cache_report(_project(ctx)))


@cache.command(name="prune")
@click.option(
    "--max-mb",
    type=click.IntRange(0),
    default=None,
    help="Trim to this many MB (default: [tool.toolkit.cache] audio_max_mb); 0 empties it.",
)
@click.pass_context
def cache_prune(ctx: click.Context, max_mb: int | None) -> None:
    """Remove the least recently used sentences until the audio cache fits its limit.

    A shared store (an audio_url such as s3://) is trimmed only with --max-mb, oldest
    written first.

    Example:

    \b
        toolkit cache prune --max-mb 0
    """
    from .audio.cache import prune_report

    _emit(prune_report(_project(ctx), max_mb))
