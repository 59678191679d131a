"""Rendering: translations substituted into the source's structure."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from conftest import REPO
from toolkit.articles import read_article
from toolkit.cli import main
from toolkit.project import Project
from toolkit.render import translated_markdown

MD = MarkdownIt("commonmark").enable("table")


def html(markdown: str) -> str:
    """HTML with whitespace runs folded: a soft line break and a space are the same text."""
    return re.sub(r"\s+", " ", MD.render(markdown)).strip()


def identity(article) -> dict:
    return {(s.text, s.context): s.text for s in article.segments}


def body_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    return text


def sample_sources() -> list[Path]:
    return sorted((REPO / "source_articles").glob("*.md"))


@pytest.mark.parametrize("source", sample_sources(), ids=lambda p: p.stem)
def test_identity_translation_gives_the_source_html_for_sample_articles(source: Path) -> None:
    project = Project.load(REPO)
    article = read_article(source, project.paths)
    body, title, _, fallback = translated_markdown(article, identity(article))
    assert html(body) == html(body_of(source))
    assert title == article.meta["title"]
    assert fallback == frozenset()


def test_identity_translation_of_the_seed_article(tmp_path: Path, seed: Path) -> None:
    (tmp_path / "source_articles").mkdir()
    as_markdown = tmp_path / "source_articles" / "seed.md"
    shutil.copy(seed, as_markdown)
    project = Project.load(tmp_path)
    article = read_article(as_markdown, project.paths)
    body, *_ = translated_markdown(article, identity(article))
    assert html(body) == html(seed.read_text(encoding="utf-8"))
    assert len(article.segments) == 10  # the title line, 8 paragraphs and the footer line


def test_identity_translation_of_the_seed_as_plain_text(tmp_path: Path, seed: Path) -> None:
    (tmp_path / "source_articles").mkdir()
    as_text = tmp_path / "source_articles" / "seed.txt"
    shutil.copy(seed, as_text)
    project = Project.load(tmp_path)
    article = read_article(as_text, project.paths)
    assert article.title == "Breaking the Stigma: Ketamine Treatment for Depression"
    body, title, *_ = translated_markdown(article, identity(article))
    paragraphs = [p.strip() for p in seed.read_text().split("\n\n") if p.strip()][1:]
    rendered = re.findall(r"<p>(.*?)</p>", MD.render(body), re.S)
    assert [re.sub(r"&#39;|&quot;", "'", p) for p in rendered] == [
        p.replace('"', "'") for p in paragraphs
    ]


def test_structure_survives_translation(project: Path) -> None:
    article = Project.load(project).articles()[0]
    spanish = {(s.text, s.context): "ES " + s.text for s in article.segments}
    spanish[("Write the date", None)] = "1. Escriba la fecha"  # would open a list if not guarded
    spanish[("What it means", None)] = "Qué | significa"  # a pipe inside a table cell
    spanish[("Why measure at home", None)] = "# Por qué medir"  # would nest a heading marker
    body, title, summary, fallback = translated_markdown(article, spanish)
    rendered = MD.render(body)
    assert (title, fallback) == ("ES Taking your blood pressure at home", frozenset())
    assert "<h1># Por qué medir</h1>" in rendered
    assert "<h2>ES What you need</h2>" in rendered
    assert "<ol>\n<li>1. Escriba la fecha</li>\n<li>ES Write both numbers</li>\n</ol>" in rendered
    assert "<th>Qué | significa</th>" in rendered
    assert "<td>ES 140/90</td>" in rendered
    assert '<a href="https://example.org/sheet.pdf">record sheet</a>' in rendered
    assert "<pre><code>SYS 120 DIA 80\n</code></pre>" in rendered  # code blocks verbatim
    assert "<blockquote>\n<p>ES Call 911 if you have chest pain.</p>" in rendered


def test_render_writes_markdown_and_text_for_publishable_pairs(project: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["--project", str(project), "extract"])
    runner.invoke(main, ["--project", str(project), "init", "es"])
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = "ES " + entry.msgid if entry.msgid[0].isalpha() else entry.msgid
    po.find("Take 2.5 mg of the tablet with water.").msgstr = "Tome 2,5 mg de la tableta con agua."
    po.save()
    result = runner.invoke(main, ["--project", str(project), "render"])
    assert result.output == (
        "wrote build/site/es/blood-pressure/article.md\n"
        "wrote build/site/es/blood-pressure/article.txt\n"
    )
    md = (project / "build/site/es/blood-pressure/article.md").read_text()
    assert md.startswith("---\nlang: es\nsummary: ES How to measure")
    assert "\nTome 2,5 mg de la tableta con agua.\n" in md
    text = (project / "build/site/es/blood-pressure/article.txt").read_text()
    assert text.startswith("ES Taking your blood pressure at home\n=====")
    assert "- ES A notebook, or the record sheet (https://example.org/sheet.pdf)\n" in text
    assert "   1. ES Write the date\n" in text
    assert (
        runner.invoke(main, ["--project", str(project), "render"]).output
        == "render: nothing to do (2 up to date)\n"
    )


def test_unpublishable_pairs_are_skipped_with_the_reason_and_fuzzy_is_never_used(
    project: Path,
) -> None:
    runner = CliRunner()
    runner.invoke(main, ["--project", str(project), "extract"])
    runner.invoke(main, ["--project", str(project), "init", "es"])
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = "ES " + entry.msgid
    po.find("What you need").flags = ["fuzzy"]
    po.find("High").msgstr = ""
    po.save()
    result = runner.invoke(main, ["--project", str(project), "render"])
    assert result.output == "skipped es/blood-pressure: 1 untranslated, 1 fuzzy\n"
    assert not (project / "build/site/es").exists()
    result = runner.invoke(main, ["--project", str(project), "render", "--min-translated", "80"])
    assert result.exit_code == 0
    body = body_of(project / "build/site/es/blood-pressure/article.md")
    assert "## What you need" in body  # the fuzzy translation fell back to the source
    assert "| ES 140/90 | High |" in body  # the untranslated cell kept its source text
    assert "ES What you need" not in body


def test_image_alt_text_is_a_segment_and_is_translated_in_place(tmp_path: Path) -> None:
    (tmp_path / "source_articles").mkdir()
    source = tmp_path / "source_articles" / "cuff.md"
    source.write_text("# Cuff\n\n![A cuff on the upper arm](cuff.png)\n\nSit still.\n")
    project = Project.load(tmp_path)
    article = read_article(source, project.paths)
    assert [(s.kind, s.text, s.line) for s in article.segments] == [
        ("heading", "Cuff", 1),
        ("image alt", "A cuff on the upper arm", 3),
        ("paragraph", "Sit still.", 5),
    ]
    spanish = {("A cuff on the upper arm", None): "Un manguito en [la parte] superior del brazo"}
    body, *_ = translated_markdown(article, spanish)
    assert '<img src="cuff.png" alt="Un manguito en [la parte] superior del brazo" />' in MD.render(
        body
    )
