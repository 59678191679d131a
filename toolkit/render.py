"""Translated articles: Markdown with the source's structure, plain text, text blocks.

Translations are substituted into the source's block structure (like po4a): heading levels,
list nesting and numbering, tables and code blocks come from the source, only the text of
each segment comes from the catalog. Translated text is guarded so it cannot open a new
block (a msgstr starting with "1." or "#" stays text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from .articles import ATX_PREFIX, LINE_PREFIX, block_parser, cell_spans
from .files import write_if_changed
from .models import Article, Segment, StageResult, TextBlock
from .project import Project
from .state import digest

Translations = Mapping[tuple[str, str | None], str]

_OPENS_BLOCK = re.compile(
    r"^(#{1,6}([ \t]|$)|[>+*-]([ \t]|$)|=+[ \t]*$|-+[ \t]*$|`{3,}|~{3,}|<|\|)"
)
_OPENS_LIST = re.compile(r"^(\d{1,9})([.)])([ \t]|$)")
_CLOSING_HASHES = re.compile(r"(^|[ \t])(#+)[ \t]*$")
_OTHER_SPACE = re.compile(r"[^\S\n]*")
_TAG_START = re.compile(r"^(</?[A-Za-z][A-Za-z0-9-]*)[ \t]+")
_LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\n)+")


@dataclass(frozen=True)
class RenderedPair:
    """One article in one language, ready for pages, audio and readability."""

    slug: str
    locale: str
    title: str
    summary: str
    markdown: str  #: the body (no front matter)
    blocks: tuple[TextBlock, ...]  #: title first, then the body's blocks
    fallback_lines: frozenset[int]  #: 0-based body lines left in the source language
    source_hash: str  #: hash of every input that shaped this rendering
    text: str  #: the whole article as plain text, links with their URLs (article.txt)
    #: translated front matter values beyond title and summary (`translate_keys`)
    front_matter: Mapping[str, Any] = field(default_factory=dict)

    def article_md(self, lang: str) -> str:
        """The Markdown file with its front matter (article.md)."""
        meta: dict[str, Any] = {**self.front_matter, "title": self.title, "lang": lang}
        if self.summary:
            meta["summary"] = self.summary
        head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=1000)
        # only blank lines go: a body that opens with indented code keeps its indentation
        body = _LEADING_BLANK_LINES.sub("", self.markdown).rstrip()
        return f"---\n{head}---\n\n{body}\n"


def translated_markdown(
    article: Article, translations: Translations
) -> tuple[str, str, str, frozenset[int]]:
    """(body Markdown, title, summary, fallback lines) with `translations` substituted.

    A segment with no translation keeps its source text and its lines are reported as
    fallback lines, so pages can mark them with the source language.
    """
    return _translate(article, translations)[:4]  # type: ignore[return-value]


#: where a translated line holds substituted text: (line of the body, begin, end) each
Spans = list[tuple[int, int, int]]


def _translate(
    article: Article, translations: Translations
) -> tuple[str, str, str, frozenset[int], Spans | None]:
    """`translated_markdown`, and where the substituted text sits in the body when every
    piece of it is block-neutral (`_neutral`), else None."""

    def pick(text: str, context: str | None) -> tuple[str, bool]:
        value = translations.get((text, context))
        return (value, False) if value else (text, True)

    seg = {s.kind: s for s in reversed(article.segments) if s.kind in ("title", "summary")}
    title = pick(seg["title"].text, seg["title"].context)[0] if "title" in seg else article.title
    summary = pick(seg["summary"].text, seg["summary"].context)[0] if "summary" in seg else ""
    if article.format == "txt":
        return (*_txt_markdown(article, pick, title, summary), None)
    lines = article.body.split("\n")
    # each replacement: (end, its lines, fallback, where its text sits in them or None)
    replacements: dict[int, tuple[int, list[str], bool, Spans | None]] = {}
    rows: dict[int, list[Segment]] = {}
    for segment in article.segments:
        if segment.span is None:
            continue
        start, end, cell = segment.span
        if cell >= 0:
            rows.setdefault(start, []).append(segment)
            continue
        text, fallback = pick(segment.text, segment.context)
        if segment.kind == "image alt":
            alt = text if fallback else re.sub(r"(?<!\\)([\[\]])", r"\\\1", text)
            new = lines[start].replace(f"![{segment.text}](", f"![{alt}](", 1)
            at = lines[start].find(f"![{segment.text}](") + 2
            spans: Spans | None = [(0, at, at + len(alt))] if at >= 2 else []
            if not _neutral(alt, new, at):
                spans = None
            replacements[start] = (end, [new], fallback, spans)
        else:
            new_lines = _substitute(lines[start:end], text)
            replacements[start] = (end, new_lines, fallback, _substituted(lines[start], new_lines))
    for row, cells in rows.items():
        line = lines[row]
        spans = cell_spans(line)
        any_fallback = False
        placed: list[tuple[int, int, int]] = []  # (begin, end, length of the text it replaced)
        # right to left, so the spans of the cells still to replace stay where they are
        for segment in sorted(cells, key=lambda s: -s.span[2]):  # type: ignore[index]
            text, fallback = pick(segment.text, segment.context)
            any_fallback |= fallback
            begin, stop = spans[segment.span[2]]  # type: ignore[index]
            if not fallback:
                text = re.sub(r"(?<!\\)\|", r"\\|", " ".join(text.split("\n")).strip(" \t"))
            line = line[:begin] + text + line[stop:]
            placed.append((begin, begin + len(text), stop - begin))
        cell_texts: Spans | None = []
        shift = 0
        for begin, stop, was in sorted(placed):  # left to right: where each text ended up
            cell_texts.append((0, begin + shift, stop + shift))  # type: ignore[union-attr]
            shift += stop - begin - was
        if not all(_neutral_cell(line, begin, stop) for _, begin, stop in cell_texts):
            cell_texts = None
        replacements[row] = (row + 1, [line], any_fallback, cell_texts)
    out: list[str] = []
    fallback_lines: set[int] = set()
    where: Spans | None = []
    i = 0
    while i < len(lines):
        if i in replacements:
            end, new_lines, fallback, spans = replacements[i]
            if fallback:
                fallback_lines.update(range(len(out), len(out) + len(new_lines)))
            if spans is None or where is None:
                where = None
            else:
                where += [(len(out) + n, begin, stop) for n, begin, stop in spans]
            out.extend(new_lines)
            i = end
        else:
            out.append(lines[i])
            i += 1
    if "<" in article.body:
        # raw HTML: the articles' parser (html on) may have seen an HTML block where the
        # text parser sees paragraphs, so a substituted line can sit where its text matters
        # (a link reference definition's label); only the full parse is sure there
        where = None
    return "\n".join(out), title, summary, frozenset(fallback_lines), where


#: the characters that can make a line of text open, end or split a block (a table's cell
#: separator anywhere; a NUL or CR, which the parser rewrites), or that mark a skeleton
_NOT_NEUTRAL = re.compile(r"[|\x00\r\n\ue000\ue001]")


def _neutral(text: str, line: str, begin: int) -> bool:
    """Whether `text` at `begin` of `line` is block-neutral: the block parser treats the line
    as it treats the same line with a skeleton marker (`_MARKER`) in its place. So: it does
    not open the line's text with anything but a letter, ends in no space, holds no `|`."""
    if not text or _NOT_NEUTRAL.search(text) or text != text.strip():
        return False
    opening = line[len(LINE_PREFIX.match(line).group(0)) :]  # type: ignore[union-attr]
    if opening.startswith(("`", "~")):  # a fence's opening line: no backtick in its info
        return False
    return text[0].isalpha() or bool(line[:begin].strip())


def _substituted(first: str, new_lines: list[str]) -> Spans | None:
    """Where `_substitute`'s text sits in its lines (after the prefix or its continuation,
    which have the same length), or None when some of it is not block-neutral."""
    atx = ATX_PREFIX.match(first)
    if atx:  # one line: prefix, text, closing sequence
        line = new_lines[0]
        begin = len(atx.group(0))
        closing = _CLOSING_HASHES.search(line[begin:])
        stop = begin + closing.start() if closing and closing.group(0).strip() else len(line)
        text = line[begin:stop]
        # a heading's text: the line is a heading whatever it holds, but a text ending in
        # `#` or a space would change where the parser cuts the closing sequence
        if not text or _NOT_NEUTRAL.search(text) or text != text.strip() or text[-1] == "#":
            return None
        return [(0, begin, stop)]
    begin = len(LINE_PREFIX.match(first).group(0))  # type: ignore[union-attr]
    spans: Spans = []
    for number, line in enumerate(new_lines):
        text = line[begin:]
        if not text or _NOT_NEUTRAL.search(text) or not text[0].isalpha():
            return None
        spans.append((number, begin, len(line)))
    if new_lines[-1] != new_lines[-1].rstrip():  # the paragraph's end: the parser strips it
        return None
    return spans


def _neutral_cell(line: str, begin: int, stop: int) -> bool:
    """A table cell's text is neutral without `|` or `\\` (they would move the cell
    boundaries) and, first on its line, when a letter opens it."""
    text = line[begin:stop]
    return "\\" not in text and _neutral(text, line, begin)


def _substitute(block_lines: list[str], text: str, guard: bool = True) -> list[str]:
    """The block's lines with its text replaced: the first line's prefix (container markers,
    heading marker, indentation) is kept, and each hard break of `text` starts a line with
    the prefix's continuation (`>` kept, markers and indentation as spaces)."""
    first, last = block_lines[0], block_lines[-1]
    atx = ATX_PREFIX.match(first)
    if atx:  # one line: hard breaks cannot live in an ATX heading
        prefix = atx.group(0)
        closing = _CLOSING_HASHES.search(last[len(prefix) :])
        suffix = closing.group(0) if closing and closing.group(0).strip() else ""
        text = " ".join(part.strip(" \t") for part in text.split("\n"))
        if guard and not suffix:
            text = _guard_heading(text)
        if suffix and not suffix[0].isspace():
            suffix = " " + suffix
        return [prefix + text + suffix]
    prefix = LINE_PREFIX.match(first).group(0)  # type: ignore[union-attr]
    # other Unicode spaces (a no-break space) that open the line are not in the msgid, but
    # they can be what keeps the line a paragraph (`\u00a0<div>` is not an HTML block)
    lead = _OTHER_SPACE.match(first, len(prefix)).group(0)  # type: ignore[union-attr]
    parts = [part.strip(" \t") for part in text.split("\n")]
    if guard:
        parts = _guard_paragraph([lead + parts[0], *parts[1:]])
    else:
        parts[0] = lead + parts[0]
    continuation = re.sub(r"[^> \t]", " ", prefix)
    new: list[str] = []
    for number, part in enumerate(parts):
        if number:  # a hard break; a line that ends in a backslash takes the two-space form
            new[-1] += "  " if new[-1].endswith("\\") else "\\"
        # a part can hold a soft break of its own (see _guard_paragraph)
        new += [(continuation if new else prefix) + line for line in part.split("\n")]
    return new


def _guard_heading(text: str) -> str:
    """Escape a trailing run of `#` that would be read as the heading's closing sequence."""
    match = _CLOSING_HASHES.search(text)
    if match:
        at = match.start(2)
        return text[:at] + "\\" + text[at:]
    return text


def _guard_paragraph(parts: list[str]) -> list[str]:
    """The lines of a translated paragraph, escaped where they would otherwise open a new
    block (a msgstr starting with "1." or "#" stays text). Text that is one paragraph on its
    own is left exactly as written: an autolink, inline HTML or a code span that opens a
    line is not a block and needs no escape."""
    if _one_paragraph(parts):
        return parts
    tag = _TAG_START.match(parts[0])
    if tag:  # a line that is one whole tag is an HTML block: a soft break inside the tag is not
        broken = [f"{tag.group(1)}\n{parts[0][tag.end() :]}", *parts[1:]]
        if _one_paragraph(broken):
            return broken
    guarded: list[str] = []  # line by line: only a line that opens a block is escaped
    for part in parts:
        guarded.append(part if _one_paragraph([*guarded, part]) else _guard(part))
    if _one_paragraph(guarded):
        return guarded
    folded = [_guard(" ".join(parts))]
    if _one_paragraph(folded):
        return folded
    return [_TXT_SPECIAL.sub(r"\\\1", " ".join(parts))]


def _one_paragraph(parts: list[str]) -> bool:
    # Lines that all start with a letter are one paragraph without a parse: no block rule
    # (heading, list, quote, fence, HTML, table, setext underline, reference, indented code)
    # starts at a letter, and such a line continues a paragraph. Most translations are
    # such text, and the parse is what checking a pair spent most of its guard time on.
    # the parts are written with a backslash hard break between them (see _substitute), so
    # an empty part is a line that is only `\` and keeps the paragraph whole
    text = "\\\n".join(parts)
    if "\r" not in text and all(line[:1].isalpha() for line in text.split("\n")):
        return True
    tokens = block_parser().parse(text)
    return [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]


def _guard(text: str) -> str:
    """Escape a line that would otherwise open a new block."""
    text = text.strip(" \t")
    match = _OPENS_LIST.match(text)
    if match:
        return f"{match.group(1)}\\{match.group(2)}{text[match.end(2) :]}"
    if _OPENS_BLOCK.match(text):
        return "\\" + text
    return text


_TXT_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def _txt_markdown(
    article: Article, pick: Any, title: str, summary: str
) -> tuple[str, str, str, frozenset[int]]:
    """Plain-text sources: paragraphs become Markdown paragraphs (special characters escaped)."""
    out: list[str] = []
    fallback: set[int] = set()
    for segment in article.segments:
        if segment.kind == "title":
            continue
        text, is_fallback = pick(segment.text, segment.context)
        if is_fallback:
            fallback.add(len(out))
        out += [_guard(_TXT_SPECIAL.sub(r"\\\1", text)).replace("\n", " "), ""]
    return "\n".join(out), title, summary, frozenset(fallback)


@lru_cache(maxsize=1)
def _text_parser() -> Any:
    """Translated Markdown is untrusted: raw HTML is text, never markup (built once)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # without `html` the inline HTML rule returns at once: not trying it changes nothing
    parser.inline.ruler.disable("html_inline")
    return parser


@lru_cache(maxsize=1)
def _text_block_parser() -> Any:
    """`_text_parser` without its inline pass: the walk (`_walk_both`) parses inline only
    the content that has Markdown in it (most list items and cells are plain words)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    parser.core.ruler.disable(["inline", "text_join"])
    # without `html` the HTML block rule returns at once: not trying it changes nothing
    parser.block.ruler.disable("html_block")
    return parser


#: characters at which an inline rule (escape, code, emphasis, entity, autolink, link,
#: image, line break) can start; content without any is one text token, itself
_INLINE_SPECIAL = re.compile(r"[\n\r\\`*_&<>\[\]!~]")


def plain_blocks_both(
    markdown: str, fallback_lines: frozenset[int], fallback_lang: str | None
) -> tuple[list[TextBlock], list[TextBlock]]:
    """The text of a Markdown body as blocks of plain text, no Markdown syntax left, from
    one parse: (for speech and readability: a link as its text, the `fallback_lines` marked
    `fallback_lang`; for article.txt: a link as `text (url)`)."""
    env: dict[str, Any] = {}
    tokens = _text_block_parser().parse(markdown, env)
    return _walk_both(_compact(tokens), env, fallback_lines, fallback_lang)


#: a marker standing for one piece of substituted text in a skeleton (`_skeleton`)
_MARKER = re.compile("x\ue000([0-9]+)\ue001")

#: skeletons parsed, by their text: (compact tokens, env); the translations of an article
#: into its locales mostly share one. About 35 KB each on the bench corpus: 64 of them
#: (the oldest dropped first) serve `check`, which goes article by article, without
#: holding memory in its workers; `render`, locale by locale, keeps one per article for
#: its whole run and then drops them
_SKELETONS: dict[str, tuple[list[Compact], dict[str, Any]]] = {}
_SKELETON_LIMIT = [64]


def _skeleton(body: str, where: Spans) -> tuple[str, list[str]]:
    """The body with each piece of substituted text replaced by a numbered marker, and the
    pieces in marker order."""
    lines = body.split("\n")
    pieces: list[str] = []
    by_line: dict[int, list[tuple[int, int]]] = {}
    for number, begin, stop in where:
        by_line.setdefault(number, []).append((begin, stop))
    for number in sorted(by_line):
        line, out, at = lines[number], [], 0
        for begin, stop in sorted(by_line[number]):
            out += [line[at:begin], f"x\ue000{len(pieces)}\ue001"]
            pieces.append(line[begin:stop])
            at = stop
        lines[number] = "".join(out) + line[at:]
    return "\n".join(lines), pieces


def _parsed_skeleton(skeleton: str) -> tuple[list[Compact], dict[str, Any]]:
    found = _SKELETONS.get(skeleton)
    if found is None:
        env: dict[str, Any] = {}
        found = _compact(_text_block_parser().parse(skeleton, env)), env
        if len(_SKELETONS) >= _SKELETON_LIMIT[0]:
            _SKELETONS.pop(next(iter(_SKELETONS)))
        _SKELETONS[skeleton] = found
    return found


def _body_tokens(body: str, where: Spans | None) -> tuple[list[Compact], dict[str, Any]]:
    """The compact block tokens of a translated body and their env: from the parse of its
    skeleton, shared by the article's translations, when every substituted piece is
    block-neutral (the body then parses as its skeleton does, each marker's piece in its
    place), else from parsing the body itself."""
    if where is None or "\ue000" in body:
        env: dict[str, Any] = {}
        return _compact(_text_block_parser().parse(body, env)), env
    skeleton, pieces = _skeleton(body, where)
    tokens, env = _parsed_skeleton(skeleton)

    def piece(match: re.Match[str]) -> str:
        return pieces[int(match.group(1))]

    return [
        (*token[:6], _MARKER.sub(piece, token[6])) if "\ue000" in token[6] else token
        for token in tokens
    ], env  # type: ignore[return-value]


def translated_blocks(
    article: Article, translations: Translations, source_lang: str, linked_too: bool = True
) -> tuple[str, str, str, frozenset[int], list[TextBlock], list[TextBlock]]:
    """(body, title, summary, fallback lines, spoken blocks, linked blocks) of the
    translated body: `translated_markdown` and `plain_blocks_both` of its result, the
    body's parse shared with the article's other translations where it can be
    (`_body_tokens`). Without `linked_too` the linked blocks are not made (empty)."""
    body, title, summary, fallback, where = _translate(article, translations)
    tokens, env = _body_tokens(body, where)
    spoken, linked = _walk_both(tokens, env, fallback, source_lang, linked_too)
    return body, title, summary, fallback, spoken, linked


#: a block token as the walk reads it: (type, nesting, first line or None, `start` of an
#: ordered list, tag, info, content); tuples, so that skeletons kept for reuse stay small
Compact = tuple[str, int, "int | None", "str | None", str, str, str]


def _compact(tokens: list[Any]) -> list[Compact]:
    return [
        (
            t.type,
            t.nesting,
            t.map[0] if t.map else None,
            t.attrGet("start") if t.type == "ordered_list_open" else None,
            t.tag,
            t.info,
            t.content,
        )
        for t in tokens
    ]


def _walk_both(
    tokens: list[Compact],
    env: dict[str, Any],
    fallback_lines: frozenset[int],
    fallback_lang: str | None,
    linked_too: bool = True,
) -> tuple[list[TextBlock], list[TextBlock]]:
    """(spoken blocks, linked blocks) in one walk of compact tokens: the blocks are the same,
    only their text (with or without URLs) and their language differ (`plain_blocks_both`).
    Without `linked_too` the second list is empty."""
    spoken: list[TextBlock] = []
    linked: list[TextBlock] = []
    stack: list[Compact] = []
    table_rows: list[list[str]] = []
    table_linked: list[list[str]] = []
    table_lang: str | None = None
    counters: list[int] = []
    for token in tokens:
        kind, nesting, line, start, tag, info, content = token
        lang = fallback_lang if line is not None and line in fallback_lines else None
        if kind in ("bullet_list_open", "ordered_list_open"):
            counters.append(int(start or 1) if kind == "ordered_list_open" else 0)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
        elif kind == "table_open":
            table_rows, table_linked, table_lang = [], [], lang
        elif kind == "tr_open":
            table_rows.append([])
            table_linked.append([])
            table_lang = table_lang or lang
        elif kind == "table_close":
            text = "\n".join(" | ".join(row) for row in table_rows)
            spoken.append(TextBlock("table", text, lang=table_lang))
            if linked_too:
                linked.append(TextBlock("table", "\n".join(" | ".join(r) for r in table_linked)))
        if nesting == 1:
            stack.append(token)
        elif nesting == -1:
            stack.pop()
        if kind in ("fence", "code_block"):
            code = TextBlock("code", content.rstrip("\n"))
            spoken.append(code)
            linked.append(code)
            continue
        if kind != "inline":
            continue
        if _INLINE_SPECIAL.search(content):
            # what `parse` does for each inline token: the same parser, content and env
            children = _text_parser().parseInline(content, env)[0].children
            text = _children_text(children, False)
            with_urls = _children_text(children, True) if linked_too else ""
        else:  # no character any inline rule starts at: the text is the content
            text = with_urls = content.strip()
        types = [t[0] for t in stack]
        if "th_open" in types or "td_open" in types:
            table_rows[-1].append(text)
            table_linked[-1].append(with_urls)
            continue
        opener = stack[-1]
        lang = fallback_lang if opener[2] is not None and opener[2] in fallback_lines else None
        if opener[0] == "heading_open":
            level = int(opener[4][1])
            spoken.append(TextBlock("heading", text, level=level, lang=lang))
            linked.append(TextBlock("heading", with_urls, level=level))
        elif "list_item_open" in types:
            item = next(t for t in reversed(stack) if t[0] == "list_item_open")
            depth = types.count("list_item_open")
            marker = "-"
            if counters and counters[-1]:
                marker = f"{item[5] or counters[-1]}."
            if stack[-2] is not item:  # not the item's first paragraph
                marker = ""
            spoken.append(TextBlock("list item", text, level=depth, lang=lang, marker=marker))
            linked.append(TextBlock("list item", with_urls, level=depth, marker=marker))
        elif "blockquote_open" in types:
            spoken.append(TextBlock("blockquote", text, lang=lang))
            linked.append(TextBlock("blockquote", with_urls))
        else:
            spoken.append(TextBlock("paragraph", text, lang=lang))
            linked.append(TextBlock("paragraph", with_urls))
    if not linked_too:
        return [b for b in spoken if b.text.strip()], []
    return [b for b in spoken if b.text.strip()], [b for b in linked if b.text.strip()]


def _children_text(children: list[Any] | None, urls: bool) -> str:
    parts: list[str] = []
    hrefs: list[str] = []
    for child in children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append("".join(c.content for c in child.children or []))
        elif child.type == "link_open":
            hrefs.append(str(child.attrGet("href") or ""))
        elif child.type == "link_close":
            href = hrefs.pop() if hrefs else ""
            if urls and href and not "".join(parts).endswith(href):
                parts.append(f" ({href})")
    return "".join(parts).strip()


def plain_text(blocks: tuple[TextBlock, ...] | list[TextBlock]) -> str:
    """Blocks as a readable text file: headings and list markers kept, blank-line separated."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "list item":
            indent = "   " * (block.level - 1)
            lead = f"{block.marker} " if block.marker else "  "
            out.append(indent + lead + block.text.replace("\n", "\n" + indent + "  "))
        elif block.kind == "title":
            out.append(f"{block.text}\n{'=' * min(len(block.text), 72)}")
        elif block.kind == "heading":
            out.append(
                block.text + ("\n" + "-" * min(len(block.text), 72) if block.level <= 2 else "")
            )
        elif block.kind == "blockquote":
            out.append("> " + block.text)
        else:
            out.append(block.text)
    text = ""
    for previous, block, line in zip([None, *blocks], blocks, out, strict=False):
        together = previous is not None and previous.kind == block.kind == "list item"
        text += ("\n" if together else "\n\n") + line if text else line
    return text + "\n"


def translated_front_matter(article: Article, translations: Translations) -> dict[str, Any]:
    """The front matter values under `translate_keys` (beyond title and summary), with each
    translated string put back at its key path; untranslated strings keep the source."""
    import copy

    out: dict[str, Any] = {}
    for segment in article.segments:
        if segment.kind != "front matter" or not segment.key:
            continue
        top = str(segment.key[0])
        if top not in out:
            out[top] = copy.deepcopy(article.meta.get(top))
        value = translations.get((segment.text, segment.context)) or segment.text
        if len(segment.key) == 1:
            out[top] = value
            continue
        holder = out[top]
        try:
            for part in segment.key[1:-1]:
                holder = holder[part]
            holder[segment.key[-1]] = value
        except (KeyError, IndexError, TypeError):  # YAML a dict cannot mirror (merge keys)
            continue
    return out


def render_article(
    article: Article,
    locale: str,
    translations: Translations,
    source_lang: str,
    catalog_hash: str = "",
) -> RenderedPair:
    body, title, summary, fallback, spoken, linked = translated_blocks(
        article, translations, source_lang
    )
    blocks = [TextBlock("title", title)]
    if summary:
        blocks.append(TextBlock("paragraph", summary))
    head = list(blocks)
    blocks += spoken
    with_urls = head + linked
    return RenderedPair(
        slug=article.slug,
        locale=locale,
        title=title,
        summary=summary,
        markdown=body,
        blocks=tuple(blocks),
        fallback_lines=fallback,
        source_hash=digest(article.source, catalog_hash, locale),
        text=plain_text(with_urls),
        front_matter=translated_front_matter(article, translations),
    )


def source_pair(project: Project, article: Article) -> RenderedPair:
    """The article in its source language (identity translation)."""
    return render_article(article, project.source_locale, {}, project.source_locale)


def render_assessed(project: Project, article: Article, assessment: Any) -> RenderedPair:
    """The translated article from an assessment already made (`publishing.assess`), for
    callers that need the assessment too: assessing reads the catalog and runs every QA
    check, so it is done once per pair."""
    from .state import file_digest

    return render_article(
        article,
        assessment.locale,
        assessment.translations,
        project.source_locale,
        file_digest(assessment.catalog) or "",
    )


def render(project: Project, locales: list[str] | None = None) -> StageResult:
    """Write article.md and article.txt for every publishable pair; say why others were skipped.

    One task a pair, keyed by the digests of what it reads (source, catalog, glossary, the
    meaning-check vocabularies, the article's images and files) under the tool version and
    the settings; a pair whose key is known and whose files are as recorded is not assessed
    or rendered again (digests are remembered with stat stamps: unchanged files are statted).
    """
    import dataclasses
    import json

    from .state import StageState, StampedDigests

    paths = project.paths
    result = StageResult("render")
    settings = json.loads(json.dumps(dataclasses.asdict(project.config), default=str))
    state = StageState(paths.state_dir / "render.json", settings)
    digests = StampedDigests(project, state)
    files = project.source_files()
    qa = project.root / project.config.checks.qa_dir
    rows = state.rows("pair:")
    from .checkstore import verdicts

    verdict = verdicts(project)  # what the last `check` found, where still true
    # one parsed skeleton an article for the whole run: the loop goes locale by locale
    limit, _SKELETON_LIMIT[0] = _SKELETON_LIMIT[0], max(_SKELETON_LIMIT[0], len(files) + 1)
    try:
        _render_all(project, locales, files, state, digests, paths, qa, rows, verdict, result)
    finally:
        _SKELETON_LIMIT[0] = limit
        _SKELETONS.clear()
    state.set_file_stamps({**state.file_stamps(), **digests.used})
    state.save()
    state.close()
    return result


def _render_all(
    project: Project,
    locales: list[str] | None,
    files: Any,
    state: Any,
    digests: Any,
    paths: Any,
    qa: Any,
    rows: Any,
    verdict: Any,
    result: StageResult,
) -> None:
    """`render`'s loop over the pairs."""
    from pathlib import Path

    from . import outputs
    from .state import digest

    parsed: dict[str, Any] = {}  # each source parsed once, for all its locales
    linked: dict[str, Any] = {}  # and its linked files found once (a whole inline parse)
    for locale in project.select_locales(locales):
        for slug, source in files.items():
            name = f"{locale}/{slug}"
            inputs = [source, paths.catalog(locale, slug), paths.glossary(locale)]
            inputs += [qa / f"{code}.toml" for code in (locale, project.source_locale)]
            stored = rows.get(f"pair:{name}")
            if isinstance(stored, dict):
                key = digest(*map(digests, [*inputs, *map(Path, stored.get("assets", ()))]))
                folder = paths.article_site(locale, slug)
                mine = {n: folder / n for n in stored.get("files", ())}
                if stored.get("key") == key and outputs.matches(stored.get("outputs"), mine):
                    state.set(f"pair:{name}", stored)  # touched outputs: their new stamps
                    if stored.get("reasons") is not None:
                        result.skipped.append((name, stored["reasons"]))
                    else:
                        result.unchanged += 2
                    continue
            if slug not in parsed:
                from .articles import read_article
                from .assets import article_assets

                parsed[slug] = read_article(source, paths)
                linked[slug] = article_assets(paths, parsed[slug])
            found = verdict(slug, locale)
            _render_pair(
                project, state, digests, locale, parsed[slug], linked[slug], inputs, result, found
            )


def _render_pair(
    project: Project,
    state: Any,
    digests: Any,
    locale: str,
    article: Article,
    linked: list[Any],
    inputs: list[Any],
    result: StageResult,
    checked: tuple[bool, list[Any]] | None = None,
) -> None:
    """Assess and render one pair, write its files, record its key and outputs.

    `checked`: (publishable, reasons) from `check`'s stored result of the same inputs; then
    the catalog is only counted, its QA checks are not run again."""
    from pathlib import Path

    from . import outputs
    from .assets import copy_assets
    from .locales import bcp47
    from .publishing import assess, join_reasons

    paths = project.paths
    slug = article.slug
    name = f"{locale}/{slug}"
    # the files the article links to, and the locale variants that would replace them
    assets: list[str] = []
    for asset in linked:  # `assets.article_assets` of the article
        tags = dict.fromkeys((locale, locale.split("_")[0]))
        stem, suffix = asset.file.stem, asset.file.suffix
        assets += [str(asset.file)] + [
            str(asset.file.with_name(f"{stem}.{t}{suffix}")) for t in tags
        ]
    key = digest(*map(digests, [*inputs, *map(Path, assets)]))
    assessment = assess(project, article, locale, with_checks=checked is None)
    publishable, why = (assessment.publishable, assessment.reasons) if checked is None else checked
    if not publishable:
        reasons = join_reasons(why, ", ")
        result.skipped.append((name, reasons))
        state.set(f"pair:{name}", {"key": key, "assets": assets, "reasons": reasons})
        return
    pair = render_assessed(project, article, assessment)
    folder = paths.article_site(locale, slug)
    for file_name, content in (
        ("article.md", pair.article_md(bcp47(locale))),
        ("article.txt", pair.text),
    ):
        if write_if_changed(folder / file_name, content.encode("utf-8")):
            result.written.append(paths.relative(folder / file_name))
        else:
            result.unchanged += 1
    shipped, copied = copy_assets(paths, article, locale, folder) if linked else ([], [])
    result.written += [paths.relative(path) for path in copied]
    mine = ["article.md", "article.txt", *shipped]
    recorded = outputs.record({n: folder / n for n in mine})
    state.set(
        f"pair:{name}",
        {"key": key, "assets": assets, "files": mine, "reasons": None, "outputs": recorded},
    )
