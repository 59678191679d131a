"""Source articles -> `Article` (title, translatable segments), with markdown-it-py.

Markdown (CommonMark + tables) with optional YAML front matter, or plain text. Inline
Markdown stays in each segment as written, like po4a; block syntax (markers, prefixes,
fences) is not part of any segment and is restored by `render`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ArticleError
from .files import read_utf8
from .models import Article, Segment, SegmentKind
from .paths import ProjectPaths, check_slug

#: front matter keys the toolkit itself reads, with what their values must be
FRONT_MATTER_TYPES = {
    "title": "a string",
    "summary": "a string",
    "reviewed": "a date (YYYY-MM-DD)",
    "audience": "a string",
    "reading_grade_target": "a number",
    "no_translate": "a list of words",
}
_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_IMAGE_ONLY = re.compile(r"^!\[((?:[^\]\\]|\\.)*)\]\([^)]*\)$")
#: the container markers that can open a line: block quote `>`, list markers
CONTAINERS = r"(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*"
#: a line's block prefix: container markers and indentation (only spaces and tabs count as
#: whitespace in CommonMark: a no-break space is text)
LINE_PREFIX = re.compile(rf"^{CONTAINERS}[ \t]*")
ATX_PREFIX = re.compile(rf"^{CONTAINERS}[ \t]*#{{1,6}}(?:[ \t]+|$)")
_HARD_BREAK_END = re.compile(r"(?:  +|\\)$")
_AUTHOR_NOTE = re.compile(r"^[ \t]*<!--[ \t]*i18n:(.*?)-->[ \t]*\n?$", re.S | re.I)
_MAPPING_LINE = re.compile(r"^[A-Za-z_][\w-]*:([ \t]|$)")


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
        articles_config = getattr(paths.config, "articles", None)
        keys = articles_config.translate_keys if articles_config else ("title", "summary")
        article = parse_markdown(slug, path, text, shown, keys)
    if not article.segments:
        raise ArticleError(
            f"{shown}: the article is empty (no translatable text): add text or remove it"
        )
    return article


@dataclass(frozen=True)
class FrontMatter:
    """An article's YAML front matter: values, the YAML nodes (for lines), where the body starts."""

    meta: dict[str, Any]
    body: str
    offset: int  #: number of lines before the body
    node: Any = None  #: the YAML mapping node (None without front matter)


def split_front_matter(text: str, shown: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, number of lines before the body)."""
    front = read_front_matter(text, shown)
    return front.meta, front.body, front.offset


def read_front_matter(text: str, shown: str) -> FrontMatter:
    """The front matter of `text`, validated; a file that opens with `---` but whose block is
    not a YAML mapping (a thematic break, then prose) has none: it is all CommonMark."""
    import yaml

    if not text.startswith("---\n"):
        return FrontMatter({}, text, 0)
    lines = text.split("\n")
    first = next((line for line in lines[1:] if line.strip()), "")
    looks_like_yaml = bool(_MAPPING_LINE.match(first))
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        if looks_like_yaml:
            raise ArticleError(
                f"{shown}:1: front matter opened with '---' is never closed: add a '---' line"
            )
        return FrontMatter({}, text, 0)
    loader = _loader_class()("\n".join(lines[1:end]))
    loader.shown = shown
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        if not looks_like_yaml:
            return FrontMatter({}, text, 0)
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise ArticleError(
            f"{shown}:{line}: front matter is not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    except (ValueError, TypeError) as exc:  # a tag that cannot be built: `!!int abc`
        raise ArticleError(
            f"{shown}:2: front matter is not valid YAML ({exc}): fix the value"
        ) from None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        if looks_like_yaml:
            raise ArticleError(f"{shown}:2: front matter must be a mapping of keys to values")
        return FrontMatter({}, text, 0)
    _check_types(meta, node, shown)
    return FrontMatter(meta, "\n".join(lines[end + 1 :]), end + 1, node)


def _yaml_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """Safe YAML whose impossible dates (2026-13-45) are a located error, not a traceback."""

        shown = ""

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError as exc:
            raise ArticleError(
                f"{loader.shown}:{node.start_mark.line + 2}: front matter date {node.value!r} "
                f"is not a real date ({exc}): write it as YYYY-MM-DD"
            ) from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


@lru_cache(maxsize=1)
def _loader_class() -> type:
    return _yaml_loader()


def _key_lines(node: Any) -> dict[str, int]:
    """1-based file line of each top-level key of the front matter mapping node."""
    if node is None or not hasattr(node, "value") or not isinstance(node.value, list):
        return {}
    return {
        str(key.value): key.start_mark.line + 2
        for key, _ in node.value
        if hasattr(key, "value") and isinstance(key.value, str)
    }


def _check_types(meta: dict[str, Any], node: Any, shown: str) -> None:
    """The keys the toolkit reads must hold what it expects: one located error otherwise."""
    lines = _key_lines(node)
    for key, expected in FRONT_MATTER_TYPES.items():
        if key not in meta:
            continue
        value = meta[key]
        if key in ("title", "summary", "audience"):
            ok = isinstance(value, str)
        elif key == "reviewed":
            ok = isinstance(value, dt.date) or (isinstance(value, str) and _is_date(value))
        elif key == "reading_grade_target":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        else:
            ok = isinstance(value, list) and all(isinstance(t, str) and t.strip() for t in value)
        if not ok:
            raise ArticleError(
                f"{shown}:{lines.get(key, 1)}: front matter {key!r} must be {expected}, "
                f"got {value!r}: fix the value"
            )


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _front_matter_segments(
    front: FrontMatter, keys: tuple[str, ...] | list[str]
) -> list[tuple[str, SegmentKind, int, tuple[str | int, ...], tuple[str, ...]]]:
    """(text, kind, line, key path, comments) of every string under the translated keys."""
    out: list[tuple[str, SegmentKind, int, tuple[str | int, ...], tuple[str, ...]]] = []
    if front.node is None:
        return out
    top = {str(k.value): (k, v) for k, v in front.node.value if isinstance(k.value, str)}
    for key in keys:
        if key not in top:
            continue
        key_node, value_node = top[key]
        for path, leaf in _string_leaves(value_node, (key,), set()):
            text = leaf.value if leaf.style == "|" else " ".join(leaf.value.split())
            if not text.strip():
                continue
            if path in (("title",), ("summary",)):
                out.append((text, path[0], key_node.start_mark.line + 2, path, ()))  # type: ignore[arg-type]
            else:
                line = (key_node if len(path) == 1 else leaf).start_mark.line + 2
                out.append((text, "front matter", line, path, (f"key: {_key_name(path)}",)))
    return out


def _string_leaves(node: Any, path: tuple[str | int, ...], seen: set[int]) -> list[tuple[Any, Any]]:
    """(key path, scalar node) of every string value under `node`, in document order. A
    node reached again through a YAML alias is not walked twice (an alias can point back
    at its own parent, or multiply a value a billion times)."""
    if id(node) in seen:
        return []
    seen.add(id(node))
    kind = type(node).__name__
    if kind == "ScalarNode":
        return [(path, node)] if node.tag == "tag:yaml.org,2002:str" else []
    if kind == "SequenceNode":
        return [
            leaf
            for i, item in enumerate(node.value)
            for leaf in _string_leaves(item, (*path, i), seen)
        ]
    if kind == "MappingNode":
        return [
            leaf
            for key, value in node.value
            if key.tag == "tag:yaml.org,2002:str"  # `1: one` has the key 1, not "1"
            for leaf in _string_leaves(value, (*path, key.value), seen)
        ]
    return []


def _key_name(path: tuple[str | int, ...]) -> str:
    """`people[0].hobbies[1]`: the key path as a translator reads it."""
    out = str(path[0])
    for part in path[1:]:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def parse_markdown(
    slug: str,
    path: Path,
    text: str,
    shown: str,
    translate_keys: tuple[str, ...] | list[str] = ("title", "summary"),
) -> Article:
    """Parse Markdown; each segment also records where it sits in the body, for `render`."""
    front = read_front_matter(text, shown)
    meta, body, offset = front.meta, front.body, front.offset
    segments: list[Segment] = []
    seen: Counter[str] = Counter()

    def add(
        msgid: str,
        kind: SegmentKind,
        line: int,
        span: tuple[int, int, int] | None = None,
        comments: tuple[str, ...] = (),
        key: tuple[str | int, ...] = (),
    ) -> None:
        seen[msgid] += 1
        context = None if seen[msgid] == 1 else f"{kind}, occurrence {seen[msgid]}"
        segments.append(Segment(msgid, kind, line, context, span, comments, key))

    for msgid, kind, line, key, comments in _front_matter_segments(front, translate_keys):
        add(msgid, kind, line, comments=comments, key=key)

    env: dict[str, Any] = {}
    tokens = block_parser().parse(body, env)
    body_lines = body.split("\n")
    notes = _author_notes(tokens)
    stack: list[str] = []
    cell = -1
    row_spans: dict[int, list[tuple[int, int]]] = {}
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
        comments, skip = notes.get(i, ((), False))
        if skip:
            continue
        start, end = token.map
        kind = _kind(stack, tokens[i - 1])
        if kind == "table cell":
            if start not in row_spans:  # once per row: a row can hold many cells
                row_spans[start] = cell_spans(body_lines[start])
            spans = row_spans[start]
            if cell >= len(spans):  # a ragged row (valid GFM): the missing cell is empty
                continue
            msgid = body_lines[start][spans[cell][0] : spans[cell][1]]  # escapes as written
        else:
            content = token.content
            image = _IMAGE_ONLY.match(content.strip()) if kind == "paragraph" else None
            if image:
                content, kind = image.group(1), "image alt"
            msgid = join_lines(content)
        if msgid.strip():
            span = (start, end, cell if kind == "table cell" else -1)
            add(msgid, kind, offset + start + 1, span, comments)

    title = next((s.text for s in segments if s.kind == "title"), None) or next(
        (s.text for s in segments if s.kind == "heading"), slug
    )
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
        references={
            label: {"href": ref["href"], "title": ref["title"]}
            for label, ref in env.get("references", {}).items()
        },
    )


def _author_notes(tokens: list[Any]) -> dict[int, tuple[tuple[str, ...], bool]]:
    """Inline token index -> (author notes, skip) from `<!-- i18n: … -->` comments.

    A comment `<!-- i18n: Say "clinic", not "hospital" -->` right before a block is a note
    (`#.` comment) on every entry of that block; `<!-- i18n: skip -->` leaves the block
    untranslated (it is published as written).
    """
    out: dict[int, tuple[tuple[str, ...], bool]] = {}
    for i, token in enumerate(tokens):
        if token.type != "html_block":
            continue
        match = _AUTHOR_NOTE.match(token.content)
        if not match:
            continue
        note = " ".join(match.group(1).split())
        first = next((j for j in range(i + 1, len(tokens)) if tokens[j].level <= token.level), None)
        if first is None or tokens[first].level < token.level or tokens[first].nesting == -1:
            continue
        last = first
        if tokens[first].nesting == 1:  # the block runs to its closing token
            depth = 0
            for last in range(first, len(tokens)):
                depth += tokens[last].nesting
                if depth == 0:
                    break
        skip = note.lower() == "skip"
        for j in range(first, last + 1):
            if tokens[j].type == "inline":
                comments, skipped = out.get(j, ((), False))
                out[j] = (comments if skip else (*comments, note), skipped or skip)
    return out


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


def join_lines(content: str) -> str:
    """Soft line breaks become spaces; hard breaks (two spaces or a backslash at the end of a
    line) stay newlines. Only real hard breaks count: a line end inside a code span or an
    HTML attribute is not one, so candidates are confirmed with markdown-it."""
    lines = content.split("\n")
    hard = _hard_breaks(lines)
    out = ""
    for number, line in enumerate(lines):
        if number:
            line = line.lstrip(" \t")
        if number == len(lines) - 1:
            out += line
        elif number in hard:
            # the two-space form leaves a backslash before the spaces as text
            marker = line if line.endswith("  ") else line.removesuffix("\\")
            out += marker.rstrip(" \t") + "\n"
        else:
            out += line.rstrip(" \t") + " "
    # a paragraph may open with a hard break (a line that is only `\`): its msgid keeps
    # the leading newline, so the break is rendered again
    return out.lstrip(" \t").rstrip(" \t\n")


def _hard_breaks(lines: list[str]) -> set[int]:
    """Indexes of the lines that end in a real hard line break.

    A candidate (a line ending in two spaces or a backslash) is real when removing its
    marker removes a hard break from the parse. Candidates are tested in halves, so a long
    paragraph costs a few parses, not one per line.
    """
    candidates = [n for n, line in enumerate(lines[:-1]) if _HARD_BREAK_END.search(line)]
    if not candidates:
        return set()
    total = _count_hard_breaks("\n".join(lines))

    def real(group: list[int], breaks: int) -> set[int]:
        if breaks == 0:
            return set()
        if breaks == len(group):
            return set(group)
        half = group[: len(group) // 2]
        trial = list(lines)
        for n in half:
            trial[n] = _HARD_BREAK_END.sub("", trial[n])
        in_half = total - _count_hard_breaks("\n".join(trial))
        return real(half, in_half) | real(group[len(half) :], breaks - in_half)

    return real(candidates, total)


def _count_hard_breaks(text: str) -> int:
    tokens = markdown_parser().parseInline(text)
    return sum(child.type == "hardbreak" for t in tokens for child in t.children or [])


def cell_spans(row: str) -> list[tuple[int, int]]:
    """(start, end) of each cell's text in a table row, as GFM (and markdown-it) splits it:
    on every pipe not preceded by a backslash; empty first and last cells of `| a | b |`
    are the row's outer pipes."""
    begin = LINE_PREFIX.match(row).end()  # type: ignore[union-attr]
    end = len(row.rstrip(" \t"))
    cuts = [n for n in range(begin, end) if row[n] == "|" and (n == 0 or row[n - 1] != "\\")]
    bounds = [begin - 1, *cuts, end]
    cells = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]
    if cells and cells[0][0] == cells[0][1]:
        cells.pop(0)
    if cells and cells[-1][0] == cells[-1][1]:
        cells.pop()
    out = []
    for a, b in cells:
        text = row[a:b]
        if not text.strip(" \t"):
            out.append((a, a))
            continue
        lead = len(text) - len(text.lstrip(" \t"))
        out.append((a + lead, a + len(text.rstrip(" \t"))))
    return out


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
