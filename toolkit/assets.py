"""Local files an article references (images, a PDF to print), shipped next to its page.

An article's `![cuff](cuff.png)` or `[record sheet](sheet.pdf)` points at a file beside the
source. Each one is copied into every page folder of the article (and so into the bundle),
under the same relative path, so the page's links work unchanged. A per-locale variant is
used when present (Sphinx's convention: `cuff.es.png` replaces `cuff.png` in Spanish).
A missing file is an error naming the article and line; a path that leaves the project,
or the source folder, is refused: nothing outside it is ever published.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from .errors import ArticleError
from .files import write_if_changed
from .locales import normalize_locale
from .models import Article
from .paths import ProjectPaths

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: what the toolkit writes into a page folder itself: an asset may not take these names
GENERATED = frozenset(
    {"index.html", "article.md", "article.txt", "audio.mp3", "captions.vtt", "chapters.vtt"}
)


@dataclass(frozen=True)
class Asset:
    """One local file an article references."""

    url: str  #: as written in the article
    line: int  #: 1-based line of the block that references it, in the source file
    path: str  #: POSIX path relative to the article's folder (source and page alike)
    file: Path  #: the file in the source folder (as referenced: links are checked, not resolved)


def local_url(url: str) -> str | None:
    """The file path of a link or image target that points at a local file, else None."""
    if not url or url.startswith(("#", "//")) or _SCHEME.match(url):
        return None
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    return path or None


def references(article: Article) -> list[tuple[str, int]]:
    """(target, line) of every image and link of a Markdown article, in source order."""
    if article.format != "md":
        return []
    from .articles import block_parser, markdown_parser

    offset = article.source.count("\n") - article.body.count("\n")
    out: list[tuple[str, int]] = []
    env: dict[str, Any] = {}
    for token in block_parser().parse(article.body, env):
        if token.type != "inline" or token.map is None:
            continue
        # a link or image starts at `[` (`![`) or `<` (an autolink): content without either
        # holds none, and the rest is parsed as `parse` would (the same dialect and env)
        if "[" not in token.content and "<" not in token.content:
            continue
        children = markdown_parser().parseInline(token.content, env)[0].children
        for child in children or []:
            target = child.attrGet("src") if child.type == "image" else None
            if child.type == "link_open":
                target = child.attrGet("href")
            if target:
                out.append((str(target), offset + token.map[0] + 1))
    return out


def article_assets(paths: ProjectPaths, article: Article) -> list[Asset]:
    """The article's local files, checked: each exists and stays inside the source folder."""
    shown = paths.relative(article.path)
    folder = article.path.parent
    root = paths.root.resolve()
    source_dir = folder.resolve()
    found: dict[str, Asset] = {}
    for url, line in references(article):
        local = local_url(url)
        if local is None:
            continue
        where = f"{shown}:{line}"
        relative = PurePosixPath(local)
        if relative.is_absolute() or "\\" in local or "\0" in local:
            raise ArticleError(
                f"{where}: {url!r} is an absolute path: refer to the file relative to the article"
            )
        target = (folder / relative).resolve()
        if not target.is_relative_to(root):
            raise ArticleError(f"{where}: {url!r} leaves the project: refused")
        normal = posixpath.normpath(str(relative))
        if not target.is_relative_to(source_dir) or normal.startswith(".."):
            raise ArticleError(
                f"{where}: {url!r} is outside {paths.relative(folder)}/: move the file into "
                "that folder (or a folder under it) so it can be shipped next to the page"
            )
        if normal in GENERATED:
            raise ArticleError(
                f"{where}: {url!r} has the name of a file the toolkit writes into every page "
                "folder: rename it"
            )
        _refuse_links(paths, where, url, folder, PurePosixPath(normal))
        if not target.is_file():
            raise ArticleError(
                f"{where}: {url!r} not found ({paths.relative(target)}): add "
                "the file or fix the path"
            )
        found.setdefault(normal, Asset(url, line, normal, folder / normal))
    return [found[key] for key in sorted(found)]


def _refuse_links(
    paths: ProjectPaths, where: str, url: str, folder: Path, relative: PurePosixPath
) -> None:
    """A symbolic link on the way to an asset is refused unless `integrity.follow_symlinks`
    is on (the sources' own rule), and then only when it stays inside the source folder."""
    integrity = getattr(paths.config, "integrity", None)
    follow = bool(integrity and integrity.follow_symlinks)
    step = folder
    for part in relative.parts:
        step = step / part
        if not step.is_symlink():
            continue
        if not follow:
            raise ArticleError(
                f"{where}: {url!r} goes through a symbolic link ({paths.relative(step)}); "
                "assets must be real files: replace the link with the file, or set "
                "integrity.follow_symlinks = true to follow links that stay inside the project"
            )
        if not step.resolve().is_relative_to(folder.resolve()):
            raise ArticleError(
                f"{where}: {url!r} goes through a symbolic link to "
                f"{step.resolve()}, outside {paths.relative(folder)}/: copy the file in instead"
            )


def variant(paths: ProjectPaths, article: Article, asset: Asset, locale: str) -> Path:
    """The file to ship for `locale`: `cuff.es.png` (or `cuff.pt.png` for pt_BR) when it
    exists, else the asset itself. A variant is held to the asset's own rules."""
    code = normalize_locale(locale)
    stem, suffix = asset.file.stem, asset.file.suffix
    for tag in dict.fromkeys((code, code.split("_")[0])):
        candidate = asset.file.with_name(f"{stem}.{tag}{suffix}")
        if candidate.is_file() or candidate.is_symlink():
            name = posixpath.join(posixpath.dirname(asset.path), candidate.name)
            where = f"{paths.relative(article.path)}:{asset.line}"
            folder = article.path.parent
            _refuse_links(paths, where, name, folder, PurePosixPath(name))
            if not candidate.resolve().is_relative_to(folder.resolve()):
                raise ArticleError(f"{where}: {name!r} leaves {paths.relative(folder)}/: refused")
            return candidate
    return asset.file


def asset_key(paths: ProjectPaths, article: Article, locale: str) -> str:
    """Everything about the article's assets that its pages depend on, for build keys."""
    from .state import digest

    parts: list[str | bytes] = []
    for asset in article_assets(paths, article):
        parts += [asset.path, variant(paths, article, asset, locale).read_bytes()]
    return digest(*parts)


def copy_assets(
    paths: ProjectPaths, article: Article, locale: str, folder: Path
) -> tuple[list[str], list[Path]]:
    """Copy the article's assets (locale variants first) into its page folder `folder`:
    (every asset's path relative to `folder`, the files that were written)."""
    shipped, written = [], []
    for asset in article_assets(paths, article):
        data = variant(paths, article, asset, locale).read_bytes()
        if write_if_changed(folder / asset.path, data):
            written.append(folder / asset.path)
        shipped.append(asset.path)
    return shipped, written
