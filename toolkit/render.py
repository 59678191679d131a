"""Translated articles: Markdown with the source's structure, plain text, text blocks.

Translations are substituted into the source's block structure (like po4a): heading levels,
list nesting and numbering, tables and code blocks come from the source, only the text of
each segment comes from the catalog. Translated text is guarded so it cannot open a new
block (a msgstr starting with "1." or "#" stays text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from .articles import _row_cells
from .files import write_if_changed
from .models import Article, Segment, StageResult, TextBlock
from .project import Project
from .state import digest

Translations = Mapping[tuple[str, str | None], str]

_BLOCK_PREFIX = re.compile(r"^(\s*(?:>\s?|[-+*]\s+|\d{1,9}[.)]\s+|#{1,6}\s+)*)")
_OPENS_BLOCK = re.compile(r"^(#{1,6}(\s|$)|[>+*-](\s|$)|=+\s*$|-+\s*$|`{3,}|~{3,}|<|\|)")
_OPENS_LIST = re.compile(r"^(\d{1,9})([.)])(\s|$)")


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

    def article_md(self, lang: str) -> str:
        """The Markdown file with its front matter (article.md)."""
        meta: dict[str, Any] = {"title": self.title, "lang": lang}
        if self.summary:
            meta["summary"] = self.summary
        head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=1000)
        return f"---\n{head}---\n\n{self.markdown.strip()}\n"


def translated_markdown(
    article: Article, translations: Translations
) -> tuple[str, str, str, frozenset[int]]:
    """(body Markdown, title, summary, fallback lines) with `translations` substituted.

    A segment with no translation keeps its source text and its lines are reported as
    fallback lines, so pages can mark them with the source language.
    """

    def pick(text: str, context: str | None) -> tuple[str, bool]:
        value = translations.get((text, context))
        return (value, False) if value else (text, True)

    seg = {s.kind: s for s in reversed(article.segments) if s.kind in ("title", "summary")}
    title = pick(seg["title"].text, seg["title"].context)[0] if "title" in seg else article.title
    summary = pick(seg["summary"].text, seg["summary"].context)[0] if "summary" in seg else ""
    if article.format == "txt":
        return _txt_markdown(article, pick, title, summary)
    lines = article.body.split("\n")
    replacements: dict[int, tuple[int, list[str], bool]] = {}
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
            replacements[start] = (end, [new], fallback)
        else:
            replacements[start] = (end, _substitute(lines[start:end], text, not fallback), fallback)
    for row, cells in rows.items():
        raw = _row_cells(lines[row])
        any_fallback = False
        for segment in cells:
            text, fallback = pick(segment.text, segment.context)
            any_fallback |= fallback
            column = segment.span[2]  # type: ignore[index]
            if column < len(raw):
                raw[column] = re.sub(r"(?<!\\)\|", r"\\|", text.replace("\n", " "))
        indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
        replacements[row] = (row + 1, [f"{indent}| " + " | ".join(raw) + " |"], any_fallback)
    out: list[str] = []
    fallback_lines: set[int] = set()
    i = 0
    while i < len(lines):
        if i in replacements:
            end, new_lines, fallback = replacements[i]
            if fallback:
                fallback_lines.update(range(len(out), len(out) + len(new_lines)))
            out.extend(new_lines)
            i = end
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out), title, summary, frozenset(fallback_lines)


def _substitute(block_lines: list[str], text: str, guard: bool) -> list[str]:
    """The block's lines with its text replaced: the first line's prefix (marker, `>`,
    indentation) is kept, continuation lines are folded into the one new line."""
    first, last = block_lines[0], block_lines[-1]
    prefix = _BLOCK_PREFIX.match(first).group(1)  # type: ignore[union-attr]
    suffix = ""
    closing = re.search(r"\s+#+\s*$", last)
    if prefix.strip().startswith("#") and closing:
        suffix = closing.group(0)
    if guard:
        text = _guard(text)
    continuation = re.sub(r"[^>\s]", " ", prefix)
    parts = text.split("\n")
    new = [prefix + parts[0]] + [continuation + part for part in parts[1:]]
    new = [line + "\\" for line in new[:-1]] + [new[-1] + suffix]
    return new


def _guard(text: str) -> str:
    """Escape a translation that would otherwise open a new block."""
    text = text.strip()
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

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def plain_blocks(
    markdown: str,
    *,
    urls: bool = False,
    fallback_lines: frozenset[int] = frozenset(),
    fallback_lang: str | None = None,
) -> list[TextBlock]:
    """The text of a Markdown body as blocks of plain text: no Markdown syntax left.

    With `urls`, a link is written `text (url)` (for article.txt); without, only its text
    (for readability and speech).
    """
    tokens = _text_parser().parse(markdown)
    blocks: list[TextBlock] = []
    stack: list[Any] = []
    table_rows: list[list[str]] = []
    table_lang: str | None = None
    counters: list[int] = []
    for token in tokens:
        lang = fallback_lang if token.map and token.map[0] in fallback_lines else None
        if token.type in ("bullet_list_open", "ordered_list_open"):
            counters.append(
                int(token.attrGet("start") or 1) if token.type == "ordered_list_open" else 0
            )
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
        if token.type == "table_open":
            table_rows, table_lang = [], lang
        elif token.type == "tr_open":
            table_rows.append([])
            table_lang = table_lang or lang
        elif token.type == "table_close":
            text = "\n".join(" | ".join(row) for row in table_rows)
            blocks.append(TextBlock("table", text, lang=table_lang))
        if token.nesting == 1:
            stack.append(token)
        elif token.nesting == -1:
            stack.pop()
        if token.type in ("fence", "code_block"):
            blocks.append(TextBlock("code", token.content.rstrip("\n")))
            continue
        if token.type != "inline":
            continue
        text = _inline_text(token, urls)
        types = [t.type for t in stack]
        if "th_open" in types or "td_open" in types:
            table_rows[-1].append(text)
            continue
        opener = stack[-1]
        lang = fallback_lang if opener.map and opener.map[0] in fallback_lines else None
        if opener.type == "heading_open":
            blocks.append(TextBlock("heading", text, level=int(opener.tag[1]), lang=lang))
        elif "list_item_open" in types:
            item = next(t for t in reversed(stack) if t.type == "list_item_open")
            depth = types.count("list_item_open")
            marker = "-"
            if counters and counters[-1]:
                marker = f"{item.info or counters[-1]}."
            first_paragraph = stack[-2] is item
            blocks.append(
                TextBlock(
                    "list item",
                    text,
                    level=depth,
                    lang=lang,
                    marker=marker if first_paragraph else "",
                )
            )
        elif "blockquote_open" in types:
            blocks.append(TextBlock("blockquote", text, lang=lang))
        else:
            blocks.append(TextBlock("paragraph", text, lang=lang))
    return [b for b in blocks if b.text.strip()]


def _inline_text(token: Any, urls: bool) -> str:
    parts: list[str] = []
    hrefs: list[str] = []
    for child in token.children or []:
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


def render_article(
    article: Article,
    locale: str,
    translations: Translations,
    source_lang: str,
    catalog_hash: str = "",
) -> RenderedPair:
    body, title, summary, fallback = translated_markdown(article, translations)
    blocks = [TextBlock("title", title)]
    if summary:
        blocks.append(TextBlock("paragraph", summary))
    head = list(blocks)
    blocks += plain_blocks(body, fallback_lines=fallback, fallback_lang=source_lang)
    with_urls = head + plain_blocks(body, urls=True)
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
    """Write article.md and article.txt for every publishable pair; say why others were skipped."""
    from .locales import bcp47
    from .publishing import assess, join_reasons

    paths = project.paths
    result = StageResult("render")
    for locale in project.select_locales(locales):
        for article in project.articles():
            assessment = assess(project, article, locale)
            if not assessment.publishable:
                result.skipped.append(
                    (f"{locale}/{article.slug}", join_reasons(assessment.reasons, ", "))
                )
                continue
            pair = render_assessed(project, article, assessment)
            folder = paths.article_site(locale, article.slug)
            for name, content in (
                ("article.md", pair.article_md(bcp47(locale))),
                ("article.txt", pair.text),
            ):
                if write_if_changed(folder / name, content.encode("utf-8")):
                    result.written.append(paths.relative(folder / name))
                else:
                    result.unchanged += 1
    return result
