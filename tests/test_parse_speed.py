"""The fast paths of `.po` parsing and rendering give what the code they stand in for gives.

Each fast path is compared with the slower code it replaces (kept as its fallback) on the
sample project's catalogs, on catalogs written by `toolkit init`, on the CommonMark spec
examples and on random input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from toolkit import assets, po, render
from toolkit.articles import markdown_parser
from toolkit.errors import CatalogError
from toolkit.models import Article, TextBlock

ROOT = Path(__file__).resolve().parents[1]


def _full(text: str) -> po.PoFile | str:
    """What the line-by-line parser makes of `text` (or the error it finds)."""
    lines = po._LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    try:
        return po._Parser(lines).parse()
    except po._Syntax as exc:
        return f"error {exc.args}"


def _agree(text: str) -> bool:
    """The fast parser reads `text` as the full one does, or leaves it to the full one;
    True when it read it itself."""
    fast = po._fast_parse(text)
    if fast is None:
        return False
    assert fast == _full(text)
    return True


def test_the_fast_parser_reads_the_sample_catalogs_as_the_full_one() -> None:
    files = sorted((ROOT / "locales").rglob("*.po*"))
    assert len(files) > 10
    read = [_agree(path.read_bytes().decode("utf-8").removeprefix("\ufeff")) for path in files]
    assert all(read)  # they are all in gettext's own shape


def test_the_fast_parser_gives_the_same_messages_on_a_written_catalog() -> None:
    message = po.Message(
        'Say "hi"\n\tthen\\go',
        msgstr="Dí «hola»\n" + "palabra " * 30,
        msgctxt="ctx",
        comments=["toolkit-keep", ""],
        auto_comments=["type: paragraph"],
        references=["a.md:3", "a.md:9"],
        flags=["fuzzy", "python-format"],
    )
    header = po.Message("", msgstr="Language: es\nContent-Type: text/plain; charset=UTF-8\n")
    text = po.po_bytes(po.PoFile(header, [message, po.Message("two", msgstr="dos")])).decode()
    assert _agree(text)
    parsed = po._fast_parse(text)
    assert parsed is not None and parsed.messages[0].msgid == message.msgid
    assert parsed.messages[0].msgstr == message.msgstr
    assert [m.line for m in parsed.messages] == [
        n for n, line in enumerate(text.split("\n"), 1) if line.startswith("msgid")
    ][1:]


@pytest.mark.parametrize(
    "text",
    [
        'msgid "a"\nmsgstr "b"\nmsgid "a"\nmsgstr "c"\n',  # duplicates: _validate's
        'msgid ""\nmsgstr "x"\n\nmsgid ""\nmsgstr "y"\n',  # a second header
        'msgid "a\\x04b"\nmsgstr "c"\n',  # a context separator
        'msgid "a\\qb"\nmsgstr "c"\n',  # an invalid escape
        'msgid "a\\0"\nmsgstr "c"\n',  # a NUL
        'msgid "\\303"\nmsgstr "c"\n',  # invalid UTF-8 from an octal escape
        'msgid "a"\n#. late\nmsgstr "b"\n',  # a comment inside an entry
        'msgid "a"\n',  # no msgstr
        '#~ msgid "a"\n#~ msgstr "b"\n',  # obsolete
        '#| msgid "o"\nmsgid "a"\nmsgstr "b"\n',  # previous
        'msgid "a"\r\nmsgstr "b"\r\n',  # CRLF
        'msgid "a"\nmsgstr "b"',  # no final newline
        'msgid "a"\nmsgstr "b"\n\n\n#. trailing comment\n',
        '  msgid "a"\nmsgstr "b"\n',
        'msgid "a"  \nmsgstr "b"\n',
        'msgid "\\303\\251"\nmsgstr "\\x41"\n',
    ],
)
def test_the_fast_parser_leaves_what_it_does_not_read_to_the_full_one(text: str) -> None:
    _agree(text)


_LINE = st.one_of(
    st.sampled_from(
        [
            "",
            "#. type: paragraph",
            "#: a.md:3 a.md:3 b.md:1",
            "#, fuzzy, fuzzy , c-format",
            "# toolkit-keep",
            "#",
            "#x",
            '#~ msgid "o"',
            '#| msgid "p"',
            'msgid ""',
            'msgid "hello"',
            'msgctxt "k"',
            'msgstr ""',
            'msgstr "hola"',
            'msgid_plural "s"',
            'msgstr[0] "a"',
            '"more text"',
            '"Language: es\\n"',
            '"esc \\" \\\\ \\t \\n"',
            '"oct \\101 \\x42"',
            '"bad \\q"',
            '"open',
            " ",
        ]
    ),
    st.builds(lambda s: f'"{s}"', st.text(alphabet='ab \\"n0x\u00e9\t', max_size=8)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=14), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_the_fast_parser_agrees_on_random_catalogs(
    lines: list[str], newline: str, final: bool
) -> None:
    _agree(newline.join(lines) + (newline if final else ""))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=12), st.text(max_size=12), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
# found by a random run: a NUL after a simple escape was read by the fast parser only
@example([("", "\r\x00", False)])
@example([("", "\x00", False)])
def test_the_fast_parser_reads_every_catalog_gettext_would_write(
    pairs: list[tuple[str, str, bool]],
) -> None:
    messages = [
        po.Message(f"m{i} {a}", msgstr=b, flags=["fuzzy"] if f else [])
        for i, (a, b, f) in enumerate(pairs)
    ]
    text = po.po_bytes(po.PoFile(po.Message("", msgstr="Language: es\n"), messages)).decode()
    fast = po._fast_parse(text)
    full = _full(text)
    if isinstance(full, str):  # a string gettext cannot hold (a NUL, \x04): both refuse
        assert fast is None
    elif "\r" not in text:
        assert fast == full


# --------------------------------------------------------------------------- rendering

SPEC = json.loads((ROOT / "tests" / "data" / "commonmark" / "spec-0.31.2.json").read_text())


def _markdown_inputs() -> list[str]:
    """The CommonMark spec examples and bench corpus articles with their pseudo-translations."""
    from conftest import bench_corpus_texts

    texts = [example["markdown"] for example in SPEC]
    return texts + [text for text, _ in bench_corpus_texts(4, ("de", "fr"))]


def _old_plain_blocks(
    markdown: str,
    *,
    urls: bool = False,
    fallback_lines: frozenset[int] = frozenset(),
    fallback_lang: str | None = None,
) -> list[TextBlock]:
    """`render.plain_blocks` as it was: markdown-it's tokens walked once per rendering."""
    env: dict[str, Any] = {}
    tokens = render._text_block_parser().parse(markdown, env)
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
        if render._INLINE_SPECIAL.search(token.content):
            children = render._text_parser().parseInline(token.content, env)[0].children
            text = render._children_text(children, urls)
        else:
            text = token.content.strip()
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


def _both_agree(markdown: str, fallback: frozenset[int]) -> None:
    spoken, linked = render.plain_blocks_both(markdown, fallback, "en")
    assert spoken == _old_plain_blocks(markdown, fallback_lines=fallback, fallback_lang="en")
    assert linked == _old_plain_blocks(markdown, urls=True)


def test_one_walk_gives_both_renderings_on_commonmark_and_the_corpus() -> None:
    for number, markdown in enumerate(_markdown_inputs()):
        lines = markdown.count("\n") + 1
        _both_agree(markdown, frozenset(range(number % 3, lines, 2)))
        _both_agree(markdown, frozenset())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["# h", "- a", "1. b", "> q", "| a | b |", "|---|---|", "", "```", "    c"]
            ),
            st.text(alphabet="ab [](<>)*_`\\!|-#>1.:", max_size=20),
        ),
        max_size=10,
    ),
    st.frozensets(st.integers(0, 10)),
)
def test_one_walk_gives_both_renderings_on_random_markdown(
    lines: list[str], fallback: frozenset[int]
) -> None:
    _both_agree("\n".join(lines), fallback)


def _old_references(article: Article) -> list[tuple[str, int]]:
    """`assets.references` as it was: the whole article parsed, inline included."""
    offset = article.source.count("\n") - article.body.count("\n")
    out: list[tuple[str, int]] = []
    for token in markdown_parser().parse(article.body):
        if token.type != "inline" or token.map is None:
            continue
        for child in token.children or []:
            target = child.attrGet("src") if child.type == "image" else None
            if child.type == "link_open":
                target = child.attrGet("href")
            if target:
                out.append((str(target), offset + token.map[0] + 1))
    return out


def _article(body: str) -> Article:
    source = f"# T\n\n{body}"
    return Article("x", Path("x.md"), "md", "T", (), source=source, body=body)


def test_references_found_from_the_blocks_equal_the_whole_parse() -> None:
    found = 0
    for markdown in _markdown_inputs():
        article = _article(markdown)
        assert assets.references(article) == _old_references(article)
        found += bool(_old_references(article))
    assert found > 100  # links, images, autolinks and reference links among them


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab [](<>)!:/\n\\`*h", max_size=40))
def test_references_equal_the_whole_parse_on_random_markdown(body: str) -> None:
    article = _article(body)
    assert assets.references(article) == _old_references(article)


def _translations(article: Article, how: str) -> dict[tuple[str, str | None], str]:
    """Translations of every segment made in one of several ways, block-neutral or not."""
    make = {
        "upper": str.upper,
        "word": lambda text: "Wörd " + text,
        "list": lambda text: "1. " + text,
        "pipes": lambda text: text.replace(" ", " | ", 1),
        "hashes": lambda text: text + " ##",
        "breaks": lambda text: text.replace(" ", "\n", 2),
        "spaces": lambda text: " " + text + "  ",
    }[how]
    return {(s.text, s.context): make(s.text) for s in article.segments}


def _blocks_agree(article: Article, translations: dict[tuple[str, str | None], str]) -> bool:
    """The skeleton's rendering equals the full parse's; True when the skeleton was used."""
    body, title, summary, fallback, where = render._translate(article, translations)
    assert (body, title, summary, fallback) == render.translated_markdown(article, translations)
    full = render.plain_blocks_both(body, fallback, "en")
    fast = render.translated_blocks(article, translations, "en")
    assert fast == (body, title, summary, fallback, *full)
    assert render.translated_blocks(article, translations, "en", linked_too=False)[4] == full[0]
    return where is not None


def _articles() -> list[Article]:
    from toolkit.articles import parse_markdown

    out = []
    for number, markdown in enumerate(_markdown_inputs()):
        try:
            out.append(parse_markdown(f"a{number}", Path("a.md"), f"# T\n\n{markdown}", "a.md"))
        except Exception:  # an example the extractor refuses (bad front matter): not rendered
            continue
    return out


def test_the_skeleton_renders_as_the_full_parse_on_commonmark_and_the_corpus() -> None:
    used = tried = 0
    for article in _articles():
        for how in ("upper", "word", "list", "pipes", "hashes", "breaks", "spaces"):
            used += _blocks_agree(article, _translations(article, how))
            tried += 1
        used += _blocks_agree(article, {})
        tried += 1
    assert tried > 5000
    assert used > tried // 4  # the skeleton is used often enough for the test to mean it


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["# h", "- a", "1. b", "> q", "| a | b |", "|---|---|", "", "  c", "d", "***"]
        ),
        max_size=10,
    ),
    st.lists(st.text(alphabet="ab #|-1.>*_`\\[]()!\n", max_size=12), min_size=1, max_size=6),
)
def test_the_skeleton_renders_as_the_full_parse_on_random_translations(
    lines: list[str], texts: list[str]
) -> None:
    from toolkit.articles import parse_markdown

    article = parse_markdown("a", Path("a.md"), "# T\n\n" + "\n".join(lines), "a.md")
    translations = {
        (s.text, s.context): texts[n % len(texts)] for n, s in enumerate(article.segments)
    }
    _blocks_agree(article, translations)


def test_an_article_with_raw_html_is_parsed_in_full() -> None:
    """The articles' parser sees an HTML comment where the text parser sees paragraphs: the
    translated line then completes a reference definition's label, which its skeleton
    marker would not, so the skeleton is not used."""
    from toolkit.articles import parse_markdown

    article = parse_markdown("a", Path("a.md"), "# T\n\n<!--\n\n[foo -->\nbar]: /url\n", "a.md")
    translations = {(s.text, s.context): s.text.capitalize() for s in article.segments}
    assert render._translate(article, translations)[4] is None
    assert not _blocks_agree(article, translations)
    texts = [b.text for b in render.translated_blocks(article, translations, "en")[4]]
    assert texts == ["T", "<!--"]  # the definition is no paragraph


@pytest.mark.parametrize("msgstr", ['"b\x00c"', '"\\r\x00"', '"a\\0"', '"x" "\x00"'])
def test_a_nul_in_a_string_is_one_error_at_its_line(msgstr: str) -> None:
    """A NUL, written as `\\0` or as the character itself, would end the string in the .mo
    (msgfmt --check lets a raw one through): refused at its line by both parsers."""
    text = f'msgid ""\nmsgstr "Language: uk\\n"\n\nmsgid "a"\nmsgstr {msgstr}\n'
    assert po._fast_parse(text) is None
    with pytest.raises(CatalogError) as raised:
        po.parse_po(text.encode(), "uk.po")
    assert str(raised.value).startswith("uk.po:5: ")
    assert "NUL" in str(raised.value)
