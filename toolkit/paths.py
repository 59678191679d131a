"""One place that knows where every file of a project lives.

Slugs and locales are validated here before they become part of any path, so nothing a
user (or a translator) writes can point outside the project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import ArticleError
from .locales import normalize_locale

SLUG = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")  # \Z: "$" would let a trailing newline through
SOURCE_SUFFIXES = (".md", ".txt")


def check_slug(slug: str, where: str = "") -> str:
    """Return `slug` if it is `[a-z0-9][a-z0-9-]*`, else raise ArticleError."""
    if not SLUG.match(slug):
        place = f"{where}: " if where else ""
        raise ArticleError(
            f"{place}invalid article slug {slug!r}: slugs use only a-z, 0-9 and '-', "
            "and start with a letter or digit; rename the file"
        )
    return slug


@dataclass(frozen=True)
class ProjectPaths:
    """Every path of one project, derived from its configuration."""

    config: Config

    @property
    def root(self) -> Path:
        return self.config.root

    def relative(self, path: Path) -> str:
        """`path` relative to the project root, with `/` separators (for `#:` and messages)."""
        # paths built here already start with the (resolved) root: no file-system call needed
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    # sources and catalogs
    @property
    def source_dir(self) -> Path:
        return self.root / self.config.source_dir

    @property
    def locales_dir(self) -> Path:
        return self.root / self.config.locales_dir

    @property
    def templates_dir(self) -> Path:
        return self.locales_dir / "templates"

    def template(self, slug: str) -> Path:
        return self.templates_dir / f"{check_slug(slug)}.pot"

    def catalog(self, locale: str, slug: str) -> Path:
        locale = normalize_locale(locale)
        return self.locales_dir / locale / "LC_MESSAGES" / f"{check_slug(slug)}.po"

    def glossary(self, locale: str) -> Path:
        return self.root / self.config.checks.glossary_dir / f"{normalize_locale(locale)}.csv"

    def lexicon(self, locale: str) -> Path:
        return self.root / self.config.audio.lexicon_dir / f"{normalize_locale(locale)}.toml"

    # generated
    @property
    def build_dir(self) -> Path:
        return self.root / self.config.build_dir

    @property
    def state_dir(self) -> Path:
        """Incremental state (content hashes of inputs per stage)."""
        return self.build_dir / ".state"

    @property
    def audio_cache_dir(self) -> Path:
        """Synthesized PCM per sentence, keyed by hash."""
        return self.build_dir / ".cache" / "audio"

    @property
    def dictionary_cache_dir(self) -> Path:
        """Syllable dictionaries kept built (`dictcache`), by what they were built from."""
        return self.build_dir / ".cache" / "dictionaries"

    @property
    def report_cache_dir(self) -> Path:
        """The report page's rendered rows and charts, kept for the next build."""
        return self.build_dir / ".cache" / "report"

    def audio_state(self, locale: str, slug: str) -> Path:
        """What the audio of one pair was made from (so an unchanged pair is not re-encoded)."""
        return self.state_dir / "audio" / normalize_locale(locale) / f"{check_slug(slug)}.json"

    def mo(self, locale: str, slug: str) -> Path:
        locale = normalize_locale(locale)
        return self.build_dir / "mo" / locale / "LC_MESSAGES" / f"{check_slug(slug)}.mo"

    @property
    def site_dir(self) -> Path:
        return self.build_dir / "site"

    def locale_site(self, locale: str) -> Path:
        return self.site_dir / normalize_locale(locale)

    def article_site(self, locale: str, slug: str) -> Path:
        """`build/site/<locale>/<slug>/`: index.html, article.md/.txt, audio.mp3, *.vtt."""
        return self.locale_site(locale) / check_slug(slug)

    def page_inputs(self, locale: str, slug: str) -> Path:
        """An article page's body and summary, so its switcher can change without a rebuild."""
        return self.state_dir / "pages" / normalize_locale(locale) / f"{check_slug(slug)}.json"

    @property
    def report_dir(self) -> Path:
        """The coordinators' report (readability, what is published and why not)."""
        return self.build_dir / "report"

    def ui_catalog(self, locale: str) -> Path:
        """The project's own translation of the page text (overrides the shipped one)."""
        return self.root / "ui" / f"{normalize_locale(locale)}.po"

    @property
    def bundles_dir(self) -> Path:
        return self.build_dir / "bundles"

    def bundle(self, locale: str) -> Path:
        return self.bundles_dir / f"{normalize_locale(locale)}.zip"
