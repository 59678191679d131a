"""Markdown round trips: the CommonMark spec examples, po4a's fixtures, generated Markdown.

Each source goes the way an article goes: extract (segments into a template), init (a new
catalog), a fill of every msgstr, render. The reference is markdown-it rendering the source
itself: a translation that leaves the text alone must give the page the source gives.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from toolkit.articles import parse_markdown
from toolkit.catalogs import new_catalog_bytes, template_bytes
from toolkit.cli import main
from toolkit.render import translated_markdown

DATA = Path(__file__).parent / "data"
SPEC = json.loads((DATA / "commonmark" / "spec-0.31.2.json").read_text(encoding="utf-8"))
MD = MarkdownIt("commonmark").enable("table")
_TAG = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)")


def tags(html: str) -> list[str]:
    """The tag structure of HTML: every opening and closing tag name, in order."""
    return [name.lower() for name in _TAG.findall(html)]


def squeeze(html: str) -> str:
    return re.sub(r"\s+", "", html)


def round_trip(markdown: str, fill: Callable[[str], str]) -> str:
    """The rendered Markdown body after extract -> init -> fill every msgstr -> render."""
    article = parse_markdown("example", Path("example.md"), markdown, "example.md")
    template = template_bytes(article, "example.md", 79)
    catalog = polib.pofile(new_catalog_bytes(template, "es", 79, "example.pot").decode("utf-8"))
    translations = {(e.msgid, e.msgctxt): fill(e.msgid) for e in catalog}
    assert set(translations) == {(s.text, s.context) for s in article.segments}
    body, *_ = translated_markdown(article, translations)
    return body


# what upper-casing leaves alone: tags, entities, link targets and labels, escapes
_MARKUP = re.compile(r"<[^>\n]*>|&#?\w+;|\]\([^)\n]*\)|\][^\s\[\]]*\]|\\.")


def upper_outside_markup(text: str) -> str:
    out, last = [], 0
    for match in _MARKUP.finditer(text):
        out += [text[last : match.start()].upper(), match.group(0)]
        last = match.end()
    return "".join(out) + text[last:].upper()


def spec_counts(fill: Callable[[str], str]) -> dict[str, list[int]]:
    failed: dict[str, list[int]] = {"html": [], "whitespace": [], "folded": [], "structure": []}
    for case in SPEC:
        source = "# Title\n\n" + case["markdown"]
        expected = MD.render(source)
        got = MD.render(round_trip(source, fill))
        if got != expected:
            failed["html"].append(case["example"])
        if squeeze(got) != squeeze(expected):
            failed["whitespace"].append(case["example"])
        if " ".join(got.split()) != " ".join(expected.split()):
            failed["folded"].append(case["example"])
        if tags(got) != tags(expected):
            failed["structure"].append(case["example"])
    return failed


def test_the_vendored_spec_is_commonmark_0_31_2() -> None:
    assert len(SPEC) == 652
    # the spec's own expected HTML is what markdown-it gives for nearly every example
    assert sum(MD.render(e["markdown"]) == e["html"] for e in SPEC) >= 640


def test_identity_translation_of_the_commonmark_spec_examples() -> None:
    failed = spec_counts(lambda msgid: msgid)
    # the goal of issue 11: at least 645 of 652 (po4a 0.69: 626 and 631)
    assert len(SPEC) - len(failed["whitespace"]) >= 645, failed["whitespace"]
    assert len(SPEC) - len(failed["structure"]) >= 645, failed["structure"]
    # also with whitespace runs folded to one space rather than removed
    assert len(SPEC) - len(failed["folded"]) >= 645, failed["folded"]
    # measured when the goal was met: only [link](<foo\nbar>) differs (the line break inside
    # the destination is folded into the msgid, and then the destination is valid)
    assert failed["structure"] == [491]


def test_a_translation_that_changes_every_letter_keeps_the_structure() -> None:
    failed = spec_counts(upper_outside_markup)
    assert len(SPEC) - len(failed["structure"]) >= 645, failed["structure"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # the render guard leaves alone text that cannot open a block
        ("<https://example.org/a>\n", "<https://example.org/a>"),
        ("<del>*gone*</del>\n", "<del>*gone*</del>"),
        ("`code` first\n", "`code` first"),
        # a line end inside a code span or an HTML attribute is not a hard break
        ("`code  \nspan`\n", "`code span`"),
        ('<a href="x  \ny">\n', '<a\nhref="x y">'),
        # blockquote continuation keeps its list indentation
        ("> 1. one\n>\n>    two\n", ">    two"),
        # a no-break space is text, not a list marker's space
        ("*\u00a0a\u00a0*\n", "*\u00a0a\u00a0*"),
    ],
)
def test_causes_of_lost_fidelity(source: str, expected: str) -> None:
    body = round_trip(source, lambda msgid: msgid)
    assert expected in body
    assert tags(MD.render(body)) == tags(MD.render(source))


def test_translated_text_that_would_open_a_block_is_escaped() -> None:
    source = "# Title\n\nSee\\\nthis.\n\n- an item\n"
    body = round_trip(source, lambda msgid: {"See\nthis.": "# no\n- list\n1. no"}.get(msgid, msgid))
    assert MD.render(body) == MD.render("# Title\n\n\\# no\\\n\\- list\\\n1\\. no\n\n- an item\n")


# --- po4a's own fixtures ------------------------------------------------------------------


def _project_with(tmp_path: Path, *names: str) -> Path:
    (tmp_path / "source_articles").mkdir()
    for name in names:
        slug = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")
        shutil.copy(DATA / "po4a" / name, tmp_path / "source_articles" / f"{slug}.md")
    return tmp_path


def test_po4a_fixtures_that_crashed_or_were_refused_now_extract(tmp_path: Path) -> None:
    project = _project_with(tmp_path, "Tables.md", "YamlFrontMatter_fake.md")
    result = CliRunner().invoke(main, ["--project", str(project), "extract"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "wrote locales/templates/tables.pot\nwrote locales/templates/yamlfrontmatter-fake.pot\n"
    )
    fake = polib.pofile(str(project / "locales/templates/yamlfrontmatter-fake.pot"))
    # read as CommonMark: the opening --- is a thematic break, its prose is paragraphs
    assert [e.msgid for e in fake][:2] == [
        "This file begins with three dash, but not because there is a Yaml Front Matter.",
        "Intead, this file is a footer that should start with an horizontal ruler.",
    ]
    tables = {e.msgid for e in polib.pofile(str(project / "locales/templates/tables.pot"))}
    assert {"Head 1", "Cell 1", "Cell 2"} <= tables


def test_a_ragged_table_renders_with_its_rows() -> None:
    source = "# Doses\n\n| Age | Dose | Note |\n| --- | --- | --- |\n| 2-5 | 5 mL |\n| 6-11 |\n"
    article = parse_markdown("t", Path("t.md"), source, "t.md")
    assert [s.text for s in article.segments if s.kind == "table cell"] == [
        "Age",
        "Dose",
        "Note",
        "2-5",
        "5 mL",
        "6-11",
    ]
    spanish = {("Age", None): "Edad", ("Dose", None): "Dosis", ("Note", None): "Nota"}
    body, *_ = translated_markdown(article, spanish)
    html = MD.render(body)
    assert html.count("<tr>") == 3
    assert "<th>Edad</th>\n<th>Dosis</th>\n<th>Nota</th>" in html
    assert "<td>2-5</td>\n<td>5 mL</td>\n<td></td>" in html
    assert "<td>6-11</td>\n<td></td>\n<td></td>" in html


def test_nested_front_matter_values_are_entries_named_by_their_key_path(tmp_path: Path) -> None:
    project = _project_with(tmp_path, "YamlFrontMatter_KeysPaths.md")
    (project / "pyproject.toml").write_text(
        '[tool.toolkit.articles]\ntranslate_keys = ["title", "people", "tags"]\n'
    )
    result = CliRunner().invoke(main, ["--project", str(project), "extract"])
    assert result.exit_code == 0, result.output
    pot = polib.pofile(str(project / "locales/templates/yamlfrontmatter-keyspaths.pot"))
    entries = [(e.msgid, e.comment, e.occurrences[0][1]) for e in pot][:6]
    assert entries == [
        ("YAML: does it fit in Markdown?", "type: title", "2"),
        ("John D'vloper", "type: front matter\nkey: people[0].name", "12"),
        ("Developer", "type: front matter\nkey: people[0].title", "13"),
        ("Amateur radio", "type: front matter\nkey: people[0].hobbies[0]", "15"),
        ("Pet adoption & fostering", "type: front matter\nkey: people[0].hobbies[1]", "16"),
        ("Puzzle", "type: front matter\nkey: people[0].hobbies[2]", "17"),
    ]
    tags = [(e.msgid, e.comment, e.occurrences[0][1]) for e in pot if "key: tags" in e.comment]
    assert tags == [
        ("yaml", "type: front matter\nkey: tags[0]", "7"),
        ("markdown", "type: front matter\nkey: tags[1]", "8"),
    ]
    second = next(e for e in pot if e.comment.endswith("people[1].title"))
    assert (second.msgid, second.msgctxt) == ("Developer", "front matter, occurrence 2")
    assert "I mean: why not?" not in {e.msgid for e in pot}  # subtitle is not listed


# --- generated Markdown ---------------------------------------------------------------------

_WORD = st.sampled_from(
    [
        "dose",
        "2.5 mg",
        "Omron",
        "a\u00a0b",
        "&amp;",
        "&copy;",
        "*x*",
        "**bold**",
        "`code`",
        "[link](https://example.org/a)",
        "<https://example.org>",
        "<b>hi</b>",
        "![alt](a.png)",
        "\\*",
        "x_y",
        "#",
        "1.",
        "-",
        "+",
        ">",
        "|",
        "  ",
        "\t",
        "[ref]",
        "[ref][Ref]",
    ]
)
_LINE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_BREAK = st.sampled_from(["\n", "  \n", "\\\n", "\n   "])


def _paragraph() -> st.SearchStrategy[str]:
    return st.lists(st.tuples(_LINE, _BREAK), min_size=1, max_size=3).map(
        lambda parts: "".join(line + brk for line, brk in parts).rstrip() + "\n"
    )


def _table() -> st.SearchStrategy[str]:
    cell = st.sampled_from(["a", "2.5 mg", "`x|y`", "b \\| c", "**n**", ""])
    row = st.lists(cell, min_size=1, max_size=4).map(lambda cells: "| " + " | ".join(cells) + " |")
    return st.tuples(st.integers(1, 4), st.lists(row, max_size=4)).map(
        lambda t: (
            "| "
            + " | ".join(f"h{i}" for i in range(t[0]))
            + " |\n"
            + "|"
            + "---|" * t[0]
            + "\n"
            + "".join(r + "\n" for r in t[1])
        )
    )


_LEAF = st.one_of(
    _paragraph(),
    _LINE.map(lambda line: f"## {line}\n"),
    _LINE.map(lambda line: f"{line}\n===\n"),
    _table(),
    st.just("```\ncode *here*\n```\n"),
    st.just("    indented code\n"),
    st.just("<div>\n*html*\n</div>\n"),
    st.just("<!-- i18n: a note -->\n"),
    st.just('[ref]: https://example.org/ref "Title"\n'),
    st.just("***\n"),
)


def _indent(block: str, first: str, rest: str) -> str:
    lines = block.rstrip("\n").split("\n")
    return (
        "\n".join([first + lines[0]] + [(rest + line if line else "") for line in lines[1:]]) + "\n"
    )


_BLOCK = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        inner.map(lambda b: _indent(b, "> ", "> ")),
        inner.map(lambda b: _indent(b, "- ", "  ")),
        inner.map(lambda b: _indent(b, "1. ", "   ")),
        st.lists(inner, min_size=1, max_size=3).map("\n".join),
    ),
    max_leaves=6,
)
_DOCUMENT = st.tuples(
    st.sampled_from(["", "---\ntitle: A title\n---\n", "---\n\n", "  "]),
    st.lists(_BLOCK, min_size=1, max_size=4).map("\n".join),
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT)
@example("#\\\n<https://example.org>\n")  # found by hypothesis: one escape too many
@example(">\\\ndose\n")  # found by hypothesis: a paragraph that opens with a hard break
@example("dose  \n  \\\ndose\n")  # found by hypothesis: a line that is only a hard break
def test_generated_markdown_round_trips_without_error_and_keeps_its_structure(
    markdown: str,
) -> None:
    article = parse_markdown("example", Path("example.md"), markdown, "example.md")
    body = round_trip(markdown, lambda msgid: msgid)
    assert tags(MD.render(body)) == tags(MD.render(article.body))
    upper = round_trip(markdown, upper_outside_markup)
    assert tags(MD.render(upper)) == tags(MD.render(article.body))
