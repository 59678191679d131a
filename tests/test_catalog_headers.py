"""Catalog headers: the coordinator's fields from config, the translator's kept as written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result

from toolkit.cli import main

HEADERS = """\
[tool.toolkit.catalogs]
project_id_version = "Patient education 2026.1"
report_msgid_bugs_to = "https://example.org/issues/{slug}"
language_team = "{language} <{locale}@translators.example.org>"
last_translator = "Clinic coordinator <coordinator@example.org>"
"""


def run(project: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def header_lines(path: Path) -> list[str]:
    """The header's fields as written, one `Name: value` each (gettext writes one a line)."""
    text = path.read_text(encoding="utf-8")
    head = text.split('msgid ""\nmsgstr ""\n', 1)[1].split("\n\n", 1)[0]
    return [line[1:-3] for line in head.splitlines()]


def field(path: Path, name: str) -> str:
    return next(line for line in header_lines(path) if line.startswith(f"{name}: "))


def test_defaults_are_gettext_s_placeholders(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    pot = project / "locales/templates/blood-pressure.pot"
    po = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    assert field(pot, "Project-Id-Version") == "Project-Id-Version: blood-pressure 1"
    assert field(pot, "Report-Msgid-Bugs-To") == "Report-Msgid-Bugs-To: EMAIL@ADDRESS"
    assert field(pot, "Language-Team") == "Language-Team: LANGUAGE <LL@li.org>"
    assert field(po, "Language-Team") == "Language-Team: es <LL@li.org>"
    assert field(po, "Last-Translator") == "Last-Translator: FULL NAME <EMAIL@ADDRESS>"


def test_configured_headers_reach_templates_and_new_catalogs(project: Path) -> None:
    (project / "pyproject.toml").write_text(HEADERS, encoding="utf-8")
    assert run(project, "extract").exit_code == 0
    assert run(project, "init", "pt_BR").exit_code == 0
    pot = project / "locales/templates/blood-pressure.pot"
    po = project / "locales/pt_BR/LC_MESSAGES/blood-pressure.po"
    assert [field(pot, n) for n in ("Project-Id-Version", "Report-Msgid-Bugs-To")] == [
        "Project-Id-Version: Patient education 2026.1",
        "Report-Msgid-Bugs-To: https://example.org/issues/blood-pressure",
    ]
    # a template names no locale: gettext's LANGUAGE placeholder stands in for it
    assert field(pot, "Language-Team") == (
        "Language-Team: LANGUAGE <LANGUAGE@translators.example.org>"
    )
    assert [field(po, n) for n in ("Project-Id-Version", "Last-Translator", "Language-Team")] == [
        "Project-Id-Version: Patient education 2026.1",
        "Last-Translator: Clinic coordinator <coordinator@example.org>",
        "Language-Team: Portuguese (Brazil) <pt_BR@translators.example.org>",
    ]
    assert field(po, "Report-Msgid-Bugs-To") == (
        "Report-Msgid-Bugs-To: https://example.org/issues/blood-pressure"
    )
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True)
    assert check.returncode == 0, check.stderr


def test_update_keeps_the_translator_s_fields_and_takes_the_coordinator_s(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    po = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    text = po.read_text(encoding="utf-8")
    # what Poedit or Weblate write when a translator saves
    text = text.replace(
        "Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: Ana Pérez <ana@example.org>"
    ).replace("Language-Team: es <LL@li.org>", "Language-Team: Spanish <https://weblate.example>")
    po.write_text(text, encoding="utf-8")
    (project / "pyproject.toml").write_text(HEADERS, encoding="utf-8")
    assert run(project, "extract").output == "wrote locales/templates/blood-pressure.pot\n"
    assert run(project, "update").output == "wrote locales/es/LC_MESSAGES/blood-pressure.po\n"
    assert [
        field(po, n)
        for n in ("Project-Id-Version", "Report-Msgid-Bugs-To", "Last-Translator", "Language-Team")
    ] == [
        "Project-Id-Version: Patient education 2026.1",
        "Report-Msgid-Bugs-To: https://example.org/issues/blood-pressure",
        "Last-Translator: Ana Pérez <ana@example.org>",
        "Language-Team: Spanish <https://weblate.example>",
    ]
    assert run(project, "update", "--check").exit_code == 0


def test_msgmerge_agrees_on_who_owns_which_field(project: Path, tmp_path: Path) -> None:
    """GNU msgmerge, given the translator's file and the new template, keeps the translator's
    Last-Translator and Language-Team and takes Report-Msgid-Bugs-To from the template, as
    `toolkit update` does; toolkit also takes Project-Id-Version from the configuration,
    which msgmerge then leaves alone."""
    run(project, "extract")
    run(project, "init", "es")
    po = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            "FULL NAME <EMAIL@ADDRESS>", "Ana Pérez <ana@example.org>"
        ),
        encoding="utf-8",
    )
    (project / "pyproject.toml").write_text(HEADERS, encoding="utf-8")
    run(project, "extract")
    pot = project / "locales/templates/blood-pressure.pot"
    merged = tmp_path / "msgmerge.po"
    subprocess.run(["msgmerge", "-q", "-o", str(merged), str(po), str(pot)], check=True)
    run(project, "update")
    for name in ("Report-Msgid-Bugs-To", "Last-Translator", "Language-Team"):
        assert field(po, name) == field(merged, name)
    again = tmp_path / "again.po"
    subprocess.run(["msgmerge", "-q", "-o", str(again), str(po), str(pot)], check=True)
    assert field(again, "Project-Id-Version") == "Project-Id-Version: Patient education 2026.1"
    assert polib.pofile(str(again)).metadata["Last-Translator"] == "Ana Pérez <ana@example.org>"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'language_team = "{lang} team"',
            "tool.toolkit.catalogs.language_team: unknown placeholder {lang} in '{lang} team' "
            "(known: {language}, {locale})",
        ),
        (
            'last_translator = "Ana\\nPérez"',
            "tool.toolkit.catalogs.last_translator: 'Ana\\nPérez' holds a control character "
            "(a line break?)",
        ),
        (
            'report_msgid_bugs_to = ""',
            "tool.toolkit.catalogs.report_msgid_bugs_to: must not be empty",
        ),
        (
            "memory_threshold = 0.3",
            "tool.toolkit.catalogs.memory_threshold: 0.3 is outside 0.5 to 1",
        ),
        (
            "memory = 1",
            "tool.toolkit.catalogs.memory: expected true or false, got 1",
        ),
    ],
)
def test_bad_header_settings_are_one_clear_error(project: Path, toml: str, message: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.toolkit.catalogs]\n{toml}\n", encoding="utf-8")
    result = run(project, "extract")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 1 problem(s) in {project.resolve() / 'pyproject.toml'}:\n  - {message}\n"
    )
    assert not (project / "locales").exists()
