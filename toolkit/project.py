"""A project: its configuration, its paths, its locales and its source articles."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .config import Config, load_config
from .errors import ArticleError
from .locales import LocaleFolders, discover_locales, normalize_locale
from .models import Article
from .paths import SOURCE_SUFFIXES, ProjectPaths, check_slug

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Project:
    config: Config

    @classmethod
    def load(cls, root: Path | str = ".", **overrides: Any) -> Project:
        config = load_config(Path(root), **overrides)
        log.info("project %s", config.root)
        log.debug("configuration: %s", config)
        return cls(config)

    @cached_property
    def paths(self) -> ProjectPaths:
        return ProjectPaths(self.config)

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def source_locale(self) -> str:
        return normalize_locale(self.config.source_locale)

    def locales(self) -> list[str]:
        """Target locales: the configured ones and every locale folder under locales/."""
        return self.locale_folders().locales

    def locale_folders(self) -> LocaleFolders:
        """The locales, and the folders a coordinator should hear about (see locales.py)."""
        folder = self.paths.locales_dir
        return discover_locales(folder, self.config.locales, self.paths.relative(folder))

    def select_locales(self, requested: tuple[str, ...] | list[str] | None) -> list[str]:
        """`requested` (validated), or every locale of the project when empty."""
        folders = self.locale_folders()  # a misspelled folder is refused before any use
        if not requested:
            return folders.locales
        return sorted({normalize_locale(code) for code in requested})

    def source_files(self) -> dict[str, Path]:
        """Slug -> source file, sorted by slug; rejects bad slugs and duplicate slugs."""
        folder = self.paths.source_dir
        if not folder.is_dir():
            raise ArticleError(
                f"source folder {folder} does not exist: create it and put articles "
                "(<slug>.md or <slug>.txt) in it, or pass --project DIR"
            )
        self._check_link(folder)
        files: dict[str, Path] = {}
        for path in sorted(folder.iterdir()):
            if path.suffix not in SOURCE_SUFFIXES:
                continue
            if path.is_symlink():  # the folder itself is checked above: one lstat a file
                self._check_link(path)
            if not path.is_file():
                continue
            slug = check_slug(path.stem, self.paths.relative(path))
            if slug in files:
                raise ArticleError(
                    f"two sources with the slug {slug!r}: {self.paths.relative(files[slug])} and "
                    f"{self.paths.relative(path)}; rename or remove one"
                )
            files[slug] = path
        return files

    def _check_link(self, path: Path) -> None:
        """Refuse a symlink (or a source folder reached through one) unless
        `integrity.follow_symlinks` is on and its target is inside the project."""
        target = path.resolve()
        inside = target.is_relative_to(self.root)
        if not path.is_symlink() and inside:
            return
        shown = self.paths.relative(path)
        if not path.is_symlink():
            raise ArticleError(
                f"{shown}: is outside the project ({target}); keep sources inside it"
            )
        if not self.config.integrity.follow_symlinks:
            raise ArticleError(
                f"{shown}: is a symbolic link (to {target}); sources must be real files "
                "inside the project: replace the link with the file, or set "
                "integrity.follow_symlinks = true to follow links that stay inside the project"
            )
        if not inside:
            raise ArticleError(
                f"{shown}: is a symbolic link to {target}, outside the project; "
                "links are followed only inside the project: copy the file in instead"
            )

    def select_slugs(self, requested: tuple[str, ...] | list[str] | None) -> list[str]:
        files = self.source_files()
        if not requested:
            return list(files)
        missing = [s for s in requested if s not in files]
        if missing:
            raise ArticleError(
                f"no source article for {', '.join(map(repr, missing))} in "
                f"{self.paths.relative(self.paths.source_dir)}/ "
                f"(known: {', '.join(files) or 'none'})"
            )
        return sorted(set(requested))

    def article(self, slug: str) -> Article:
        from .articles import read_article

        return read_article(self.source_files()[slug], self.paths)

    def articles(self, slugs: list[str] | tuple[str, ...] | None = None) -> list[Article]:
        from .articles import read_article

        files = self.source_files()
        return [read_article(files[slug], self.paths) for slug in self.select_slugs(slugs)]
