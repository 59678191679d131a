"""Source articles: front matter (typed, translatable keys), author notes, reference links."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from toolkit.articles import parse_markdown
from toolkit.cli import main
from toolkit.project import Project
from toolkit.render import render_article, translated_markdown

MD = MarkdownIt("commonmark").enable("table")


def write_project(tmp_path: Path, text: str, pyproject: str = "") -> Path:
    (tmp_path / "source_articles").mkdir()
    (tmp_path / "source_articles" / "note.md").write_text(text, encoding="utf-8")
    if pyproject:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return tmp_path


def extract(project: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project), "extract"])
    return result.exit_code, result.output


def template(project: Path) -> polib.POFile:
    return polib.pofile(str(project / "locales/templates/note.pot"))


# --- front matter values have types (issue 15) ----------------------------------------------


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (
            "title: Rest\nreviewed: 2026-13-45\n",
            "source_articles/note.md:3: front matter date '2026-13-45' is not a real date "
            "(month must be in 1..12): write it as YYYY-MM-DD",
        ),
        (
            "title: Rest\nreviewed: next week\n",
            "source_articles/note.md:3: front matter 'reviewed' must be a date (YYYY-MM-DD), "
            "got 'next week': fix the value",
        ),
        (
            "title: [Rest, Sleep]\n",
            "source_articles/note.md:2: front matter 'title' must be a string, "
            "got ['Rest', 'Sleep']: fix the value",
        ),
        (
            "title: Rest\nno_translate: [Omron, 12]\n",
            "source_articles/note.md:3: front matter 'no_translate' must be a list of words, "
            "got ['Omron', 12]: fix the value",
        ),
        (
            "title: Rest\n\nreading_grade_target: true\n",
            "source_articles/note.md:4: front matter 'reading_grade_target' must be a number, "
            "got True: fix the value",
        ),
    ],
)
def test_a_front_matter_value_of_the_wrong_type_is_one_located_error(
    tmp_path: Path, front: str, message: str
) -> None:
    project = write_project(tmp_path, f"---\n{front}---\n\nText.\n")
    assert extract(project) == (1, f"Error: {message}\n")
    assert not (project / "locales").exists()


def test_well_typed_front_matter_is_accepted(tmp_path: Path) -> None:
    front = "title: Rest\nreviewed: 2026-02-28\naudience: adults\nreading_grade_target: 6\n"
    project = write_project(tmp_path, f"---\n{front}---\n\nText.\n")
    assert extract(project) == (0, "wrote locales/templates/note.pot\n")


def test_a_file_opening_with_a_thematic_break_is_not_front_matter(tmp_path: Path) -> None:
    project = write_project(tmp_path, "---\n\nA first paragraph.\n\n---\n\nThe end.\n")
    assert extract(project)[0] == 0
    assert [e.msgid for e in template(project)] == ["A first paragraph.", "The end."]


def test_unclosed_front_matter_that_looks_like_yaml_is_still_an_error(tmp_path: Path) -> None:
    project = write_project(tmp_path, "---\ntitle: Rest\n\nText.\n")
    assert extract(project) == (
        1,
        "Error: source_articles/note.md:1: front matter opened with '---' is never closed: "
        "add a '---' line\n",
    )


# --- translate_keys -------------------------------------------------------------------------


def test_translate_keys_chooses_the_front_matter_that_is_translated(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Rest\nsummary: Why rest helps.\nsubtitle: After surgery\n"
        "keywords:\n  - sleep\n  - pain\n---\n\nText.\n"
    )
    project = write_project(
        tmp_path, text, '[tool.toolkit.articles]\ntranslate_keys = ["title", "keywords"]\n'
    )
    assert extract(project)[0] == 0
    assert [(e.msgid, e.comment) for e in template(project)] == [
        ("Rest", "type: title"),
        ("sleep", "type: front matter\nkey: keywords[0]"),
        ("pain", "type: front matter\nkey: keywords[1]"),
        ("Text.", "type: paragraph"),
    ]
    article = Project.load(project).article("note")
    pair = render_article(
        article, "es", {("Rest", None): "Descanso", ("pain", None): "dolor"}, "en"
    )
    assert pair.article_md("es") == (
        "---\nkeywords:\n- sleep\n- dolor\nlang: es\ntitle: Descanso\n---\n\nText.\n"
    )


def test_the_default_keys_are_title_and_summary(tmp_path: Path) -> None:
    project = write_project(tmp_path, "---\ntitle: Rest\nsubtitle: No\nsummary: Why.\n---\n\nA.\n")
    assert extract(project)[0] == 0
    assert [e.msgid for e in template(project)] == ["Rest", "Why.", "A."]


def test_a_body_that_opens_with_indented_code_keeps_it(tmp_path: Path) -> None:
    project = write_project(tmp_path, "---\ntitle: Code\n---\n    kept as code\n\nText.\n")
    article = Project.load(project).article("note")
    pair = render_article(article, "en", {}, "en")
    assert "<pre><code>kept as code\n</code></pre>" in MD.render(
        pair.article_md("en").split("---\n", 2)[2]
    )


# --- author notes for translators (issue 8) -------------------------------------------------


def test_an_i18n_comment_is_a_note_on_the_next_block_and_skip_leaves_it_alone(
    tmp_path: Path,
) -> None:
    text = (
        "# Visits\n\n"
        '<!-- i18n: Say "clinic", not "hospital" -->\n'
        "Come to the clinic at 9.\n\n"
        "<!-- i18n: skip -->\n"
        "| Room | Floor |\n|---|---|\n| 2B | 2 |\n\n"
        "- one\n- two <!-- i18n: inline HTML is not a note -->\n"
    )
    project = write_project(tmp_path, text)
    assert extract(project)[0] == 0
    entries = [(e.msgid, e.comment) for e in template(project)]
    assert entries == [
        ("Visits", "type: heading"),
        ("Come to the clinic at 9.", 'type: paragraph\nSay "clinic", not "hospital"'),
        ("one", "type: list item"),
        ("two <!-- i18n: inline HTML is not a note -->", "type: list item"),
    ]
    article = Project.load(project).article("note")
    body, *_ = translated_markdown(article, {("Come to the clinic at 9.", None): "Venga a las 9."})
    assert "| Room | Floor |\n|---|---|\n| 2B | 2 |" in body  # published as written
    assert "\nVenga a las 9.\n" in body


def test_a_note_before_a_list_reaches_every_item(tmp_path: Path) -> None:
    text = "<!-- i18n: keep it short -->\n- one\n- two\n\nAfter.\n"
    article = parse_markdown("n", tmp_path / "n.md", text, "n.md")
    assert [(s.text, s.comments) for s in article.segments] == [
        ("one", ("keep it short",)),
        ("two", ("keep it short",)),
        ("After.", ()),
    ]


# --- reference links ------------------------------------------------------------------------


def test_reference_links_keep_labels_and_definitions(tmp_path: Path) -> None:
    text = (
        "# Help\n\nRead the [leaflet][sheet] and the [FAQ].\n\n"
        '[sheet]: https://example.org/sheet.pdf "Sheet"\n[faq]: https://example.org/faq\n'
    )
    article = parse_markdown("n", tmp_path / "n.md", text, "n.md")
    # the definitions are not text to translate: only the link text is, in its msgid
    assert [s.text for s in article.segments] == [
        "Help",
        "Read the [leaflet][sheet] and the [FAQ].",
    ]
    spanish = {
        ("Help", None): "Ayuda",
        ("Read the [leaflet][sheet] and the [FAQ].", None): "Lea el [folleto][sheet] y las [FAQ].",
    }
    body, *_ = translated_markdown(article, spanish)
    html = MD.render(body)
    assert '<a href="https://example.org/sheet.pdf" title="Sheet">folleto</a>' in html
    assert '<a href="https://example.org/faq">FAQ</a>' in html
    assert '[sheet]: https://example.org/sheet.pdf "Sheet"' in body
    # the definitions travel with the article, so a msgid's reference links parse as links
    assert article.references == {
        "SHEET": {"title": "Sheet", "href": "https://example.org/sheet.pdf"},
        "FAQ": {"title": "", "href": "https://example.org/faq"},
    }
    tokens = MD.parseInline(
        spanish[(article.segments[1].text, None)], {"references": article.references}
    )
    assert [c.attrGet("href") for c in tokens[0].children if c.type == "link_open"] == [
        "https://example.org/sheet.pdf",
        "https://example.org/faq",
    ]
