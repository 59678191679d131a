"""Weblate-ready: translate-toolkit's PO storage (what Weblate reads and writes catalogs with)
changes nothing in ours, and what a translator does in Weblate reaches toolkit intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from translate.storage import pypo

from conftest import REPO
from toolkit.cli import main

SAMPLES = sorted((REPO / "locales").glob("*/LC_MESSAGES/*.po")) + sorted(
    (REPO / "locales/templates").glob("*.pot")
)


def run(project: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def weblate_bytes(path: Path) -> bytes:
    """The file as Weblate writes it back after reading it (translate-toolkit's pypo)."""
    return bytes(pypo.pofile.parsefile(str(path)))


def assert_unchanged(path: Path) -> None:
    assert weblate_bytes(path) == path.read_bytes()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_translate_toolkit_writes_the_sample_catalogs_back_unchanged(path: Path) -> None:
    assert_unchanged(path)


FEVER = "---\ntitle: Fever in children\n---\n\nGive water often.\n\nCall your doctor.\n"
COUGH = "---\ntitle: Cough\n---\n\nCall your doctor.\n\nGive water very often.\n\nRest.\n"


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """Two articles in Spanish: the second with memory suggestions and a changed entry."""
    (tmp_path / "source_articles").mkdir()
    (tmp_path / "source_articles/fever.md").write_text(FEVER, encoding="utf-8")
    run(tmp_path, "extract")
    run(tmp_path, "init", "es")
    fever = tmp_path / "locales/es/LC_MESSAGES/fever.po"
    store = pypo.pofile.parsefile(str(fever))
    for unit in store.units[1:]:
        unit.target = {"Fever in children": "La fiebre en los niños"}.get(
            unit.source, f"ES {unit.source}"
        )
    fever.write_bytes(bytes(store))
    run(tmp_path, "update")
    (tmp_path / "source_articles/cough.md").write_text(COUGH, encoding="utf-8")
    (tmp_path / "source_articles/fever.md").write_text(FEVER.replace("often", "a lot"), "utf-8")
    run(tmp_path, "extract")
    run(tmp_path, "update")
    return tmp_path


def test_translate_toolkit_writes_suggestions_and_fuzzy_entries_back_unchanged(
    clinic: Path,
) -> None:
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    assert "#. translation memory: exact match, from fever.po" in cough.read_text("utf-8")
    for path in sorted((clinic / "locales").rglob("*.po*")):
        assert_unchanged(path)


def test_a_suggestion_confirmed_in_weblate_is_published(clinic: Path) -> None:
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    store = pypo.pofile.parsefile(str(cough))
    suggested = [unit for unit in store.units if unit.isfuzzy()]
    assert [unit.source for unit in suggested] == ["Call your doctor.", "Give water very often."]
    # what Weblate does when a translator approves, corrects and saves
    for unit in store.units[1:]:
        if unit.source == "Give water very often.":
            unit.target = "Dé agua muy a menudo."
        elif not unit.target:
            unit.target = {"Cough": "La tos", "Rest.": "Descanse."}[unit.source]
        unit.markfuzzy(False)
    store.updateheader(
        add=True,
        last_translator="Ana Pérez <ana@example.org>",
        language_team="Spanish <https://weblate.example.org/projects/clinic/cough/es/>",
    )
    cough.write_bytes(bytes(store))
    pairs = json.loads(run(clinic, "status", "--format", "json").output)["pairs"]
    pair = next(p for p in pairs if p["slug"] == "cough")
    assert (pair["fuzzy"], pair["suggested"], pair["untranslated"]) == (0, 0, 0)
    assert pair["publishable"] is True, pair["reasons"]
    run(clinic, "update")
    header = pypo.pofile.parsefile(str(cough)).parseheader()
    assert header["Last-Translator"] == "Ana Pérez <ana@example.org>"
    assert header["Language-Team"] == (
        "Spanish <https://weblate.example.org/projects/clinic/cough/es/>"
    )


def test_the_documented_weblate_settings_fit_the_project_layout() -> None:
    """The file mask, discovery expression and templates of docs/translators.md name the
    catalogs toolkit writes (checked against the sample project's own files)."""
    import fnmatch
    import re

    from toolkit.project import Project

    doc = (REPO / "docs/translators.md").read_text(encoding="utf-8")
    section = doc.split("## Weblate settings", 1)[1]
    cells = dict(re.findall(r"^\| ([^|]+?) \| `([^`]+)` \|$", section, re.M))
    project = Project.load(REPO)
    slug = "taking-antidepressants"
    catalogs = {
        project.paths.relative(project.paths.catalog(locale, slug)) for locale in project.locales()
    }
    mask = cells["File mask"]
    assert {p.relative_to(REPO).as_posix() for p in REPO.glob(mask)} == catalogs
    assert all(fnmatch.fnmatch(path, mask) for path in catalogs)
    template = project.paths.relative(project.paths.template(slug))
    assert cells["Template for new translations"] == template
    expression = re.compile(cells["Regular expression to match translation files against"])
    found = {
        (m["language"], m["component"])
        for path in sorted(REPO.glob("locales/**/*.po"))
        if (m := expression.fullmatch(path.relative_to(REPO).as_posix()))
    }
    assert found == {(locale, s) for locale in project.locales() for s in project.source_files()}
    base = cells["Define the base file for new translations"]
    assert base.replace("{{ component }}", slug) == template
