"""Every stage's work keyed by its inputs: a task whose key is known is not run again.

`check`, `status`, `render` and `build` on a project where nothing (or one catalog)
changed: what runs is counted through spies, what is printed or written is compared with
what doing the work gives.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_site_fixtures import copy_sample, install_fake_audio, set_translations

from conftest import site_bytes
from toolkit import articles, checks, render, site
from toolkit.checks import report as check_report
from toolkit.cli import main
from toolkit.project import Project

A, B = "ketamine-for-depression", "taking-antidepressants"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "proj", slugs=(A, B))


def _edit_es(root: Path, slug: str) -> None:
    """One Spanish msgstr of `slug` gets one more word (a translator's edit)."""
    po = root / "locales" / "es" / "LC_MESSAGES" / f"{slug}.po"
    done: list[str] = []

    def change(entry: Any) -> None:
        if entry.msgstr and not done and "\n" not in entry.msgstr:
            entry.msgstr += " Ahora."
            done.append(entry.msgid)

    set_translations(po, change)
    assert done


def _check_spies(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[str]]:
    runs: list[Any] = []
    articles_checked: list[str] = []
    real_run, real_article = checks.run_checks, check_report._check_article

    def run_checks(project: Project, locales: list[str], slugs: list[str], **options: Any) -> Any:
        runs.append((list(locales), list(slugs)))
        return real_run(project, locales, slugs, **options)

    def check_article(job: Any) -> Any:
        articles_checked.append(job[1].slug)
        return real_article(job)

    monkeypatch.setattr(checks, "run_checks", run_checks)
    monkeypatch.setattr(check_report, "_check_article", check_article)
    return runs, articles_checked


def _cli(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--project", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_second_check_reads_every_report_and_prints_the_same(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = _cli(project, "check", "--format", "json")
    twin = copy_sample(tmp_path / "twin", slugs=(A, B))
    text_checked = _cli(twin, "check")  # text output from the checks themselves
    runs, checked_articles = _check_spies(monkeypatch)
    assert _cli(project, "check", "--format", "json") == checked
    assert _cli(project, "check") == text_checked
    assert runs == [] and checked_articles == [], "a second check checked again"

    _edit_es(project, A)
    after = json.loads(_cli(project, "check", "--format", "json"))
    assert runs == [(["es"], [A])] and checked_articles == [A]
    before = json.loads(checked)
    changed = [
        (r["locale"], r["slug"])
        for r, old in zip(after["reports"], before["reports"], strict=True)
        if r != old
    ]
    assert changed == [("es", A)]  # only the edited pair's report differs


def test_status_after_check_shows_checks_verdicts_without_checking(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = json.loads(_cli(project, "check", "--format", "json"))["reports"]
    runs, checked_articles = _check_spies(monkeypatch)
    pairs = site.status(Project.load(project)).as_dict()["pairs"]
    assert runs == [] and checked_articles == []
    shown = {
        (p["locale"], p["slug"]): (p["errors"], p["warnings"], p["publishable"])
        for p in pairs
        if not p["source"]
    }
    assert shown == {
        (r["locale"], r["slug"]): (r["errors"], r["warnings"], r["publishable"]) for r in reports
    }


def test_check_parses_each_source_once_and_status_shows_its_segment_count(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _parse_spy(monkeypatch)
    _cli(project, "check", "--format", "json")
    assert sorted(parsed) == [A, B]  # the counts `status` shows come from that one parse
    monkeypatch.undo()
    pairs = site.status(Project.load(project)).as_dict()["pairs"]
    totals = {p["slug"]: p["total"] for p in pairs if p["source"]}
    sources = project / "source_articles"
    assert totals == {
        slug: len(
            articles.read_article(sources / f"{slug}.md", Project.load(project).paths).segments
        )
        for slug in (A, B)
    }


def _parse_spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = articles.read_article

    def read_article(path: Path, paths: Any) -> Any:
        parsed.append(path.stem)
        return real(path, paths)

    monkeypatch.setattr(articles, "read_article", read_article)
    return parsed


def test_a_build_with_nothing_to_do_parses_nothing_and_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = install_fake_audio(monkeypatch)
    site.build(Project.load(project))
    built = site_bytes(project)
    store = project / "build" / ".state" / "site.sqlite"
    before = store.stat().st_mtime_ns
    fake.calls.clear()
    parsed = _parse_spy(monkeypatch)
    result = site.build(Project.load(project))
    assert result.nothing_to_do and result.unchanged > 0
    assert parsed == [] and fake.calls == []
    assert site_bytes(project) == built and store.stat().st_mtime_ns == before


def test_a_build_with_nothing_to_do_loads_no_page_library(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_audio(monkeypatch)
    site.build(Project.load(project))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from toolkit import site\n"
        "from toolkit.project import Project\n"
        "result = site.build(Project.load(Path(sys.argv[1])))\n"
        "heavy = [m for m in ('markdown_it', 'jinja2', 'yaml', 'polib') if m in sys.modules]\n"
        "print(result.nothing_to_do, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(project)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "True []"


def test_a_tampered_page_is_rebuilt_after_a_build_with_nothing_to_do(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_audio(monkeypatch)
    site.build(Project.load(project))
    site.build(Project.load(project))  # nothing to do: stamps every file
    built = site_bytes(project)
    for name in ("site/es/ketamine-for-depression/index.html", "site/en/index.html"):
        page = project / "build" / name
        page.write_text("<p>tampered</p>", encoding="utf-8")
    assert not site.build(Project.load(project)).nothing_to_do
    assert site_bytes(project) == built


def test_one_catalog_edited_rebuilds_that_pair_and_parses_that_article_only(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = install_fake_audio(monkeypatch)
    site.build(Project.load(project))
    _edit_es(project, A)
    fake.calls.clear()
    parsed = _parse_spy(monkeypatch)
    site.build(Project.load(project))
    assert fake.calls == [f"es/{A}"]
    assert set(parsed) == {A}
    twin = copy_sample(tmp_path / "twin", slugs=(A, B))
    _edit_es(twin, A)
    site.build(Project.load(twin))  # a clean build of the edited project: the same bytes
    assert site_bytes(project) == site_bytes(twin)


def test_render_renders_only_pairs_whose_inputs_or_files_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = render.render(Project.load(project))
    rendered: list[str] = []
    real = render.render_assessed

    def spy(project_: Project, article: Any, assessment: Any) -> Any:
        rendered.append(f"{assessment.locale}/{article.slug}")
        return real(project_, article, assessment)

    monkeypatch.setattr(render, "render_assessed", spy)
    again = render.render(Project.load(project))
    assert rendered == [] and again.written == []
    assert again.skipped == first.skipped and again.unchanged == first.unchanged + len(
        first.written
    )
    text = project / "build" / "site" / "es" / B / "article.txt"
    good = text.read_bytes()
    text.write_text("tampered", encoding="utf-8")
    _edit_es(project, A)
    render.render(Project.load(project))
    assert sorted(rendered) == [f"es/{A}", f"es/{B}"]
    assert text.read_bytes() == good


def test_render_after_check_takes_its_verdicts_and_writes_the_same_files(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = copy_sample(tmp_path / "twin", slugs=(A, B))
    plain = render.render(Project.load(twin))  # no stored check: every QA check run
    _cli(project, "check")
    ran: list[str] = []
    real = checks.qa_findings

    def spy(project_: Project, article: Any, locale: str, entries: Any) -> Any:
        ran.append(f"{locale}/{article.slug}")
        return real(project_, article, locale, entries)

    monkeypatch.setattr(checks, "qa_findings", spy)
    after = render.render(Project.load(project))
    assert ran == [], "render ran the QA checks that check had stored"
    assert after.skipped == plain.skipped and after.written == plain.written

    def files(root: Path) -> dict[str, bytes]:
        site_dir = root / "build" / "site"
        return {p.relative_to(site_dir).as_posix(): p.read_bytes() for p in site_dir.rglob("*.*")}

    assert files(project) == files(twin)
