"""The `toolkit` command line: parse options, call one library function, print its result.

The only module that imports click. Errors are mapped to messages and exit codes once, in
`ToolkitGroup.invoke`; heavy modules are imported inside commands so `--help` stays instant.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ToolkitError

log = logging.getLogger("toolkit")


class ToolkitGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=ToolkitGroup)
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The project folder (holding source_articles/ and, optionally, pyproject.toml).",
)
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Let build_dir lie outside the project folder (refused otherwise).",
)
@click.option("-v", "--verbose", count=True, help="Say more on stderr (repeat for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.version_option(__version__, prog_name="toolkit")
@click.pass_context
def main(
    ctx: click.Context, project_dir: Path, allow_outside: bool, verbose: int, quiet: bool
) -> None:
    """Accessible, multilingual patient-education material: catalogs, checks, audio, bundles.

    Example:

        toolkit extract && toolkit update && toolkit build
    """
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    ctx.obj = {"project_dir": project_dir, "quiet": quiet, "allow_outside": allow_outside}


def _project(ctx: click.Context, **overrides: Any) -> Any:
    from .project import Project

    if ctx.obj.get("allow_outside"):
        overrides["integrity"] = {"allow_outside": True}
    return Project.load(ctx.obj["project_dir"], **overrides)


def _emit(result: Any, fmt: str = "text") -> None:
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        for line in result.lines():
            click.echo(line)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress callback drawing a bar on a terminal; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int, item: str) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos, item)

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
format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@main.command()
@click.argument("slugs", nargs=-1)
@click.option(
    "--executor",
    type=click.Choice(["local", "inprocess"]),
    default="local",
    show_default=True,
    help="Where the tasks run: worker processes on every core, or this process.",
)
@click.pass_context
def extract(ctx: click.Context, slugs: tuple[str, ...], executor: str) -> None:
    """Extract source articles into templates (locales/templates/<slug>.pot).

    Example:

        toolkit extract
        toolkit extract ketamine-for-depression
    """
    from .pipeline import extract as run
    from .tasks import executor as runner

    _emit(run(_project(ctx), list(slugs), runner=runner(executor)))


@main.command()
@click.argument("locale")
@click.argument("slugs", nargs=-1)
@click.pass_context
def init(ctx: click.Context, locale: str, slugs: tuple[str, ...]) -> None:
    """Create catalogs for a new LOCALE from the templates (existing ones are left alone).

    Example:

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

        toolkit compile --locale es
    """
    from .pipeline import compile_catalogs

    _emit(compile_catalogs(_project(ctx), list(locales)))


@main.command()
@locale_option
@article_option
@format_option
@click.option(
    "--strict", is_flag=True, help="Exit 3 when any error finding or missed target exists."
)
@click.pass_context
def check(
    ctx: click.Context, locales: tuple[str, ...], articles: tuple[str, ...], fmt: str, strict: bool
) -> None:
    """Check readability and translation quality of every (article, locale).

    Example:

        toolkit check --locale es --format json
        toolkit check --strict
    """
    from .checks import run_checks
    from .checkstore import store
    from .errors import GateFailed

    project = _project(ctx)
    result = run_checks(project, list(locales), list(articles))
    store(project, result)  # so `status` reads them instead of checking again
    _emit(result, fmt)
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
@click.pass_context
def audio(
    ctx: click.Context,
    locales: tuple[str, ...],
    articles: tuple[str, ...],
    engine: str | None,
    script: bool,
) -> None:
    """Generate the audio version (MP3, captions, chapters) of every publishable pair.

    Example:

        toolkit audio --locale es
        toolkit audio --engine gtts --article ketamine-for-depression
        toolkit audio --locale fr --script
    """
    from .audio import generate_audio

    with _progress("Synthesizing") as progress:
        result = generate_audio(
            _project(ctx),
            list(locales),
            list(articles),
            engine=engine,
            progress=progress,
            script=script,
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

        toolkit normalize --locale es "Tome 2,5 mg b.i.d. Llame al 988."
        toolkit normalize --locale fr < article.txt
    """
    from .audio import normalize_script

    source = " ".join(text) if text else sys.stdin.read()
    project = _project(ctx) if (Path(ctx.obj["project_dir"]) / "source_articles").is_dir() else None
    script = normalize_script(project, locale, source)
    for warning in script.warnings:
        click.echo(f"Warning: {warning}", err=True)
    _emit(script)


@main.command()
@click.option("--locale", default=None, help="Only engines and voices for this locale.")
@click.pass_context
def engines(ctx: click.Context, locale: str | None) -> None:
    """List speech engines, whether each is available, and the locales each can speak.

    Example:

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
@click.pass_context
def build(
    ctx: click.Context,
    locales: tuple[str, ...],
    engine: str | None,
    force: bool,
    min_translated: float | None,
) -> None:
    """Build the site and the per-locale bundles (every stage, incrementally).

    Example:

        toolkit build
        toolkit build --locale ar --force
    """
    from .site import build as run

    with _progress("Building") as progress:
        result = run(
            _project(ctx, min_translated=min_translated),
            list(locales),
            engine=engine,
            force=force,
            progress=progress,
        )
    _emit(result)


@main.command()
@format_option
@click.pass_context
def status(ctx: click.Context, fmt: str) -> None:
    """Show, per (article, locale), what is translated, checked, spoken and publishable.

    Example:

        toolkit status --format json
    """
    from .site import status as run

    _emit(run(_project(ctx)), fmt)


@main.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def verify(ctx: click.Context, bundle: Path) -> None:
    """Check a bundle's files against its manifest.json (sizes and sha256).

    Example:

        toolkit verify build/bundles/es.zip
    """
    from .verify import verify as run

    _emit(run(bundle))


@main.group(cls=ToolkitGroup)
def cache() -> None:
    """See and trim the audio cache (build/.cache/audio): synthesized sentences kept so an
    edit re-synthesizes only what changed. Pruning never changes a later build's output.

    Example:

        toolkit cache info
        toolkit cache prune --max-mb 500
    """


@cache.command(name="info")
@format_option
@click.pass_context
def cache_info(ctx: click.Context, fmt: str) -> None:
    """Entries and bytes in the audio cache, its limit, and its size against the MP3s.

    Example:

        toolkit cache info --format json
    """
    from .audio.cache import cache_report

    _emit(cache_report(_project(ctx)), fmt)


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

    Example:

        toolkit cache prune --max-mb 0
    """
    from .audio.cache import prune_report

    _emit(prune_report(_project(ctx), max_mb))
