"""Source articles -> `Article` (title, translatable segments), with markdown-it-py.

Markdown (CommonMark + tables) with optional YAML front matter, or plain text. Inline
Markdown stays in each segment as written, like po4a; block syntax (markers, prefixes,
fences) is not part of any segment and is restored by `render`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ArticleError
from .files import read_utf8
from .models import Article, Segment, SegmentKind
from .paths import ProjectPaths, check_slug

FRONT_MATTER_KEYS = {
    "title": str,
    "summary": str,
    "reviewed": (str, dt.date),
    "audience": str,
    "reading_grade_target": (int, float),
    "no_translate": list,
}
_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_IMAGE_ONLY = re.compile(r"^!\[((?:[^\]\\]|\\.)*)\]\([^)]*\)$")


@lru_cache(maxsize=1)
def markdown_parser() -> Any:
    """The one Markdown dialect of the project: CommonMark plus GFM tables (built once)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


@lru_cache(maxsize=1)
def block_parser() -> Any:
    """The same dialect without inline parsing: segments keep inline Markdown as written,
    so extraction needs only the blocks (this halves its parsing time)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    parser.core.ruler.disable(["inline", "text_join"])
    return parser


def read_text(path: Path, paths: ProjectPaths | None = None) -> str:
    """The file's text; a clear error (with the line) when it is not UTF-8."""
    shown = paths.relative(path) if paths else str(path)
    _, text = read_utf8(path, shown, ArticleError)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_article(path: Path, paths: ProjectPaths) -> Article:
    """Parse one source file into an Article; ArticleError on anything wrong."""
    slug = check_slug(path.stem, paths.relative(path))
    text = read_text(path, paths)
    shown = paths.relative(path)
    if path.suffix == ".txt":
        article = _parse_text(slug, path, text)
    else:
        article = parse_markdown(slug, path, text, shown)
    if not article.segments:
        raise ArticleError(
            f"{shown}: the article is empty (no translatable text): add text or remove it"
        )
    return article


def split_front_matter(text: str, shown: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, number of lines before the body)."""
    import yaml

    if not text.startswith("---\n"):
        return {}, text, 0
    lines = text.split("\n")
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise ArticleError(
            f"{shown}:1: front matter opened with '---' is never closed: add a '---' line"
        )
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise ArticleError(
            f"{shown}:{line}: front matter is not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    if not isinstance(meta, dict):
        raise ArticleError(f"{shown}:2: front matter must be a mapping of keys to values")
    for key, kinds in FRONT_MATTER_KEYS.items():
        if key in meta and not isinstance(meta[key], kinds):
            raise ArticleError(
                f"{shown}: front matter key {key!r} has the wrong type ({meta[key]!r})"
            )
    terms = meta.get("no_translate", [])
    if not all(isinstance(t, str) and t.strip() for t in terms):
        raise ArticleError(f"{shown}: front matter 'no_translate' must be a list of words")
    return meta, "\n".join(lines[end + 1 :]), end + 1


def parse_markdown(slug: str, path: Path, text: str, shown: str) -> Article:
    """Parse Markdown; each segment also records where it sits in the body, for `render`."""
    meta, body, offset = split_front_matter(text, shown)
    raw: list[
        tuple[str, SegmentKind, int, int, int, int]
    ] = []  # text, kind, line, start, end, cell
    header_lines = text.split("\n")[:offset]
    for key in ("title", "summary"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            line = next(
                (n + 1 for n, text in enumerate(header_lines) if text.startswith(f"{key}:")), 1
            )
            raw.append((" ".join(meta[key].split()), key, line, -1, -1, -1))  # type: ignore[arg-type]

    tokens = block_parser().parse(body)
    body_lines = body.split("\n")
    stack: list[str] = []
    cell = -1
    for i, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(token.type)
            if token.type == "tr_open":
                cell = -1
            if token.type in ("th_open", "td_open"):
                cell += 1
        elif token.nesting == -1:
            stack.pop()
        if token.type != "inline" or token.map is None:
            continue
        start, end = token.map
        kind = _kind(stack, tokens[i - 1])
        content = token.content
        image = _IMAGE_ONLY.match(content.strip()) if kind == "paragraph" else None
        if image:
            content, kind = image.group(1), "image alt"
        if kind == "table cell":
            content = _row_cells(body_lines[start])[cell]  # raw text, escapes as written
        msgid = _join_lines(content)
        if msgid.strip():
            raw.append(
                (msgid, kind, offset + start + 1, start, end, cell if kind == "table cell" else -1)
            )

    title = next((t for t, k, *_ in raw if k == "title"), None) or next(
        (t for t, k, *_ in raw if k == "heading"), slug
    )
    seen: Counter[str] = Counter()
    segments = []
    for msgid, kind, line, start, end, col in raw:
        seen[msgid] += 1
        context = None if seen[msgid] == 1 else f"{kind}, occurrence {seen[msgid]}"
        span = (start, end, col) if start >= 0 else None
        segments.append(Segment(msgid, kind, line, context, span))
    return Article(
        slug=slug,
        path=path,
        format="md",
        title=title,
        segments=tuple(segments),
        meta=meta,
        no_translate=tuple(meta.get("no_translate", ())),
        source=text,
        body=body,
    )


def _kind(stack: list[str], opener: Any) -> SegmentKind:
    if "th_open" in stack or "td_open" in stack:
        return "table cell"
    if opener.type == "heading_open":
        return "heading"
    if "list_item_open" in stack:
        return "list item"
    if "blockquote_open" in stack:
        return "blockquote"
    return "paragraph"


def _join_lines(content: str) -> str:
    """Soft line breaks become spaces; hard breaks (two spaces or a backslash) stay newlines."""
    content = re.sub(r"(?:  +|\\)\n", "\x00", content)
    return _SOFT_BREAK.sub(" ", content).replace("\x00", "\n").strip()


def _row_cells(row: str) -> list[str]:
    """The raw cells of a table row `| a | b \\| c |` (escaped pipes kept as written)."""
    inner = row.strip()
    inner = inner.removeprefix("|")
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _parse_text(slug: str, path: Path, text: str) -> Article:
    """Plain text: the first non-empty line is the title, paragraphs split on blank lines."""
    segments: list[Segment] = []
    seen: Counter[str] = Counter()
    paragraph: list[str] = []
    first_line = 0
    lines = text.split("\n") + [""]
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not paragraph:
                first_line = number
            paragraph.append(line.strip())
            if not segments and len(paragraph) == 1:  # the title is one line
                _add(segments, seen, paragraph[0], "title", number)
                paragraph = []
            continue
        if paragraph:
            _add(segments, seen, " ".join(paragraph), "paragraph", first_line)
            paragraph = []
    title = segments[0].text if segments else slug
    return Article(slug, path, "txt", title, tuple(segments), {}, (), text)


def _add(
    segments: list[Segment], seen: Counter[str], text: str, kind: SegmentKind, line: int
) -> None:
    seen[text] += 1
    context = None if seen[text] == 1 else f"{kind}, occurrence {seen[text]}"
    segments.append(Segment(text, kind, line, context))
