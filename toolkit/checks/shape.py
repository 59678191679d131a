"""What a translation must keep of its source's Markdown: the shape of one catalog string.

Both sides are parsed with the same markdown-it-py parser the renderer uses, so "the same
shape" means "renders to the same structure", not "has the same characters".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

#: inline elements whose count must survive translation, with names for messages
INLINE_KINDS = {
    "strong_open": "bold (**…**)",
    "em_open": "emphasis (*…*)",
    "link_open": "links ([…](…))",
    "image": "images (![…](…))",
    "code_inline": "inline code (`…`)",
    "s_open": "strikethrough (~~…~~)",
    "hardbreak": "line breaks",
}

# bare URLs, e-mail addresses and web addresses in running text (Markdown links are taken
# from the parse instead): the urls check compares them, and their digits (988lifeline.org)
# are not numbers for the numbers check
_URL = r"(?:https?://|www\.)[^\s<>()\[\]\"'`]+"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_TLD = r"(?:org|com|net|gov|edu|info|health|int|io)"
_DOMAIN = r"(?<![\w@.-])(?:[a-z0-9-]+\.)+" + _TLD + r"(?:/[^\s<>()\[\]\"'`]*)?(?![\w-])"
_BARE_URL = re.compile(f"{_URL}|{_EMAIL}|{_DOMAIN}", re.IGNORECASE)
_URL_ONLY = re.compile(_URL, re.IGNORECASE)
# the full pattern is slow on long text: it runs only where an "@" or a ".org"-like ending is
_MAYBE_ADDRESS = re.compile(r"@|\." + _TLD + r"\b", re.IGNORECASE)


def _addresses(text: str) -> re.Pattern[str]:
    return _BARE_URL if _MAYBE_ADDRESS.search(text) else _URL_ONLY


_TRAILING = ".,;:!?。、，；：！？)]}»”’"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Shape:
    """The parts of one string the checks compare."""

    text: str  #: visible text: no URLs, no inline code, no HTML, markup removed
    blocks: tuple[str, ...]  #: block token types (paragraph_open, bullet_list_open, …)
    inline: Counter[str]  #: counts of INLINE_KINDS
    code: Counter[str]  #: inline code spans, verbatim
    urls: Counter[str]  #: link targets, image sources, autolinks, bare URLs
    html: tuple[str, ...]  #: raw HTML tags and blocks
    plain: str  #: the text as rendered and read: with inline code and bare URLs


# most strings are plain prose: starting with a letter and free of any character Markdown
# gives meaning to inline, they are one paragraph of text and need no parse
_PROSE = re.compile(r"[^\W\d_][^*_`\[\]<>!&\\~|\n]*")
_PARAGRAPH = ("paragraph_open", "paragraph_close")


@lru_cache(maxsize=16384)
def shape(source: str) -> Shape:
    if _PROSE.fullmatch(source):
        return _prose_shape(source)
    return parse_shape(source)


def _prose_shape(source: str) -> Shape:
    """`parse_shape` of a string `_PROSE` matches: one paragraph of text, no markup. The
    addresses are looked for once (they were twice: for `text` and for `urls`), and not at
    all in the usual string, which cannot hold one (see `_may_hold_address`)."""
    plain = " ".join(source.split())
    if not _may_hold_address(source):
        return Shape(plain, _PARAGRAPH, _counter(), _counter(), _counter(), (), plain)
    addresses = _addresses(source)
    urls = Counter(m.group().rstrip(_TRAILING) for m in addresses.finditer(source))
    text = " ".join(addresses.sub(" ", source).split()) if urls else plain
    return Shape(text, _PARAGRAPH, _counter(), _counter(), urls, (), plain)


def _may_hold_address(text: str) -> bool:
    """False only when neither `_URL_ONLY` nor `_BARE_URL` can match in `text`: a URL starts
    with "://"'s scheme or "www." (any case: only W is w then), an e-mail address has an
    "@", a domain ends in one of `_TLD`'s endings, which `_MAYBE_ADDRESS` looks for."""
    if "://" in text or "ww" in text.replace("W", "w"):
        return True
    return _MAYBE_ADDRESS.search(text) is not None


def _counter() -> Counter[str]:
    # an empty Counter without running Counter.__init__ (Python code): the same object
    return Counter.__new__(Counter)


def shape_in(source: str, references: Mapping[str, Any] | None = None) -> Shape:
    """`shape` of a string from an article with link reference definitions: `[text][label]`
    is a link to the definition's target there, so it is checked like an inline link."""
    if references and "[" in source:
        return parse_shape(source, references)
    return shape(source)


def parse_shape(source: str, references: Mapping[str, Any] | None = None) -> Shape:
    """`shape` through markdown-it, for any string (and the article's reference definitions)."""
    text: list[str] = []
    plain: list[str] = []
    blocks: list[str] = []
    inline: Counter[str] = Counter()
    code: Counter[str] = Counter()
    urls: Counter[str] = Counter()
    html: list[str] = []
    env = {"references": dict(references)} if references else {}
    for token in _tokens(source, env):
        if token.type == "html_block":
            html.append(token.content.strip())
            continue
        if token.type != "inline":
            blocks.append(token.type)
            continue
        in_autolink = in_link = False
        for child in token.children or []:
            kind = child.type
            if kind in INLINE_KINDS:
                inline[kind] += 1
            if kind == "link_open":
                urls[str(child.attrs.get("href", ""))] += 1
                in_autolink = child.info == "auto"
                in_link = True
            elif kind == "link_close":
                in_autolink = in_link = False
            elif kind == "image":
                urls[str(child.attrs.get("src", ""))] += 1
                text.append(child.content)  # the alt text is read (and translated)
                plain.append(child.content)
            elif kind == "code_inline":
                code[child.content] += 1
                text.append(" ")
                plain.append(child.content)
            elif kind == "html_inline":
                html.append(child.content)
            elif kind == "text":
                plain.append(child.content)
                if not in_autolink:
                    if not in_link:  # a link's text is checked through its target
                        for url in bare_urls(child.content):
                            urls[url] += 1
                    text.append(_addresses(child.content).sub(" ", child.content))
            elif kind in ("softbreak", "hardbreak"):
                text.append(" ")
                plain.append(" ")
        plain.append(" ")
    return Shape(
        " ".join("".join(text).split()),
        tuple(blocks),
        inline,
        code,
        urls,
        tuple(html),
        " ".join("".join(plain).split()),
    )


def _tokens(source: str, env: dict[str, Any]) -> list[Any]:
    """markdown-it's tokens of `source`. One line that starts with a letter is one paragraph
    (no block rule starts at a letter), whose inline content is the line stripped: only the
    inline parse is run for it, the same one `parse` runs, which saves the block parse."""
    if source[:1].isalpha() and "\n" not in source and "\r" not in source:
        return [_PARAGRAPH_OPEN, *_parser().parseInline(source.strip(), env), _PARAGRAPH_CLOSE]
    return _parser().parse(source, env)


_PARAGRAPH_OPEN = Token("paragraph_open", "p", 1)
_PARAGRAPH_CLOSE = Token("paragraph_close", "p", -1)


def bare_urls(text: str) -> list[str]:
    return [m.group().rstrip(_TRAILING) for m in _addresses(text).finditer(text)]
