"""A locale without meaning-check data is said once per locale and run (`meaning-unchecked`),
in `check`'s text and JSON and in `status`; locales that fall back to a shipped table, and
the source language, are not.

The expected locales are written out here by hand (which languages toolkit ships a table
for, and which locale falls back to which), not computed by the code under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import polib
import pytest
from click.testing import CliRunner

from toolkit.checks.coverage import MEANING_UNCHECKED, meaning_coverage, missing_tables
from toolkit.checks.vocab import load_vocabulary
from toolkit.cli import main
from toolkit.project import Project

# Czech, Hungarian and Swedish: languages Babel knows and toolkit ships no meaning table for
# (Swedish: no readability target of its own yet, so no shipped data either)
UNCHECKED = ["cs", "hu", "sv"]
# locales that reach a shipped table through their language (written out by hand)
FALLBACKS = ["pt_BR", "es_MX", "zh_CN", "zh_Hans_CN", "fr_CA", "de_AT", "pl", "tr", "nl", "ja"]
FALLBACKS += ["fa", "fa_IR", "ht", "zh_Hant", "zh_TW", "zh_HK", "zh_Hant_TW", "fil", "fil_PH"]


def run(project: Path, *args: str):
    return CliRunner(mix_stderr=False).invoke(main, ["--project", str(project), *args])


def two_articles(project: Path, locales: list[str]) -> Path:
    """The fixture's article twice, each locale's catalogs translated with the source text
    reworded (the content does not matter: the warning is about the locale)."""
    source = project / "source_articles" / "blood-pressure.md"
    shutil.copy(source, project / "source_articles" / "home-readings.md")
    assert run(project, "extract").exit_code == 0
    for locale in locales:
        assert run(project, "init", locale).exit_code == 0
        for slug in ("blood-pressure", "home-readings"):
            path = Project.load(project).paths.catalog(locale, slug)
            po = polib.pofile(str(path))
            for entry in po:
                entry.msgstr = entry.msgid  # copies: errors, but the pairs are checked
            po.save(str(path))
    return project


def stub_project(root: Path, source: str = "en", qa_dir: str = "qa") -> SimpleNamespace:
    """What `meaning_coverage` reads of a project, without a project on disk."""
    return SimpleNamespace(
        root=root,
        source_locale=source,
        config=SimpleNamespace(checks=SimpleNamespace(qa_dir=qa_dir)),
        paths=SimpleNamespace(relative=lambda p: str(Path(p).relative_to(root))),
    )


# --- which locales are warned about ---------------------------------------------------------


def test_locales_without_a_table_are_warned_about_once_each(tmp_path: Path):
    found = meaning_coverage(stub_project(tmp_path), ["hu", "cs", "hu", "es"])
    assert [(f.locale, f.check, f.severity) for f in found] == [
        ("cs", MEANING_UNCHECKED, "warning"),
        ("hu", MEANING_UNCHECKED, "warning"),
    ]
    message = found[1].message
    assert "hu" in message and "negation" in message and "'once a day'" in message
    assert "'under 120' -> 'over 120'" in message
    assert "qa/hu.toml" in message and found[1].file == "qa/hu.toml"


@pytest.mark.parametrize("locale", UNCHECKED + ["sv_FI", "cs_CZ"])
def test_a_locale_without_a_table_is_warned_about(tmp_path: Path, locale):
    [finding] = meaning_coverage(stub_project(tmp_path), [locale])
    assert (finding.locale, finding.check) == (locale, MEANING_UNCHECKED)


@pytest.mark.parametrize("locale", FALLBACKS + ["en", "en_GB", "es", "ar", "zh_Hans", "ko"])
def test_a_locale_with_a_table_or_its_languages_is_not_warned_about(tmp_path: Path, locale):
    assert meaning_coverage(stub_project(tmp_path), [locale]) == []


@pytest.mark.parametrize(
    ("locale", "table"),
    [("zh", "zh_Hans"), ("zh_CN", "zh_Hans"), ("zh_Hans_CN", "zh_Hans"), ("zh_SG", "zh_Hans"),
     ("zh_TW", "zh_Hant"), ("zh_HK", "zh_Hant"), ("zh_MO", "zh_Hant"), ("zh_Hant_TW", "zh_Hant"),
     ("zh_Hans_HK", "zh_Hans"), ("pt_BR", "pt"), ("es_MX", "es"), ("fa_IR", "fa"), ("sv", None)],
)  # fmt: skip
def test_each_locale_reads_its_language_and_script(locale, table):
    from toolkit.checks.vocab import data_file

    assert data_file(locale) == table


def test_fallbacks_reach_the_right_language_table():
    # the words of the language's own file, read through the locale that falls back to it
    assert load_vocabulary("pt_BR").negated("Não pare de tomar.")
    assert load_vocabulary("es_MX").negated("No deje de tomarlo.")
    assert load_vocabulary("zh_Hans_CN").negated("不要停止服用。")
    assert load_vocabulary("zh_CN").negated("不要停止服用。")
    assert load_vocabulary("fa_IR").negated("قطع نکنید.")
    assert load_vocabulary("zh_TW").negated("您沒有吃東西。")  # Traditional 沒
    assert not load_vocabulary("zh_CN").negated("您沒有吃東西。")  # not a Simplified word


def test_the_source_language_is_warned_about_only_without_a_table(tmp_path: Path):
    assert meaning_coverage(stub_project(tmp_path, source="en"), ["en", "es"]) == []
    [finding] = meaning_coverage(stub_project(tmp_path, source="hu"), ["es", "hu"])
    assert finding.locale == "hu"
    assert "source language hu" in finding.message and "any locale" in finding.message


def test_a_project_table_silences_the_warning(tmp_path: Path):
    (tmp_path / "qa").mkdir()
    # a coordinator's Czech table (a first version: nikdy, žádný, nic)
    (tmp_path / "qa" / "cs.toml").write_text(
        '[negation]\nwords = ["nikdy", "žádný", "žádné", "nic"]\n'
        '[units]\ntimes = ["krát"]\n'
        '[frequency.periods]\nday = ["denně", "za den"]\n'
        '[comparison]\nless = ["pod #", "méně než"]\nmore = ["nad #", "více než"]\n'
        'before = ["před"]\nafter = ["po"]\n'
        '[schedule]\nmorning = ["ráno"]\nevening = ["večer"]\n',
        encoding="utf-8",
    )
    assert meaning_coverage(stub_project(tmp_path), ["cs"]) == []
    assert [f.locale for f in meaning_coverage(stub_project(tmp_path), ["cs", "hu"])] == ["hu"]


def test_a_partial_project_table_names_what_is_missing(tmp_path: Path):
    (tmp_path / "checks-qa").mkdir()
    (tmp_path / "checks-qa" / "hu.toml").write_text(
        '[comparison]\nless = ["alatt", "kevesebb mint"]\nmore = ["felett"]\n', encoding="utf-8"
    )
    [finding] = meaning_coverage(stub_project(tmp_path, qa_dir="checks-qa"), ["hu"])
    assert "no negation or frequency or schedule table" in finding.message
    assert "'under 120'" not in finding.message  # comparators are checked
    assert finding.file == "checks-qa/hu.toml"


def test_every_shipped_table_is_complete():
    for locale in ["en", "es", "fr", "de", "pt", "it", "ru", "ar", "zh_Hans", "vi", "tl", "ko"]:
        assert missing_tables(load_vocabulary(locale)) == [], locale
    for locale in ["pl", "tr", "nl", "ja", "fa", "ht"]:
        assert missing_tables(load_vocabulary(locale)) == [], locale
    assert missing_tables(load_vocabulary("hu")) == [
        "negation",
        "frequency",
        "comparison",
        "schedule",
    ]


# --- check and status -----------------------------------------------------------------------


def test_check_says_it_once_per_locale_in_text_and_json(project: Path):
    two_articles(project, ["hu", "pt_BR", "pl"])
    text = run(project, "check")
    assert text.exit_code == 0, text.output
    lines = [line for line in text.stdout.splitlines() if f"[{MEANING_UNCHECKED}]" in line]
    # two articles, one locale without a table: one line
    assert len(lines) == 1 and lines[0].startswith("hu: warning [meaning-unchecked]")
    assert "meaning not checked in hu" in text.stdout.splitlines()[-1]
    data = json.loads(run(project, "check", "--format", "json").stdout)
    [finding] = data["locale_findings"]
    assert finding["check"] == MEANING_UNCHECKED and finding["locale"] == "hu"
    assert (finding["severity"], finding["file"], finding["line"]) == ("warning", "qa/hu.toml", 0)
    assert len(data["reports"]) == 6  # the reports keep their shape (DESIGN.md)
    assert all(
        f["check"] != MEANING_UNCHECKED for report in data["reports"] for f in report["findings"]
    )


def test_the_stored_results_of_a_second_check_say_it_too(project: Path):
    two_articles(project, ["hu"])
    first = json.loads(run(project, "check", "--format", "json").stdout)
    second = json.loads(run(project, "check", "--format", "json").stdout)
    assert first == second
    assert [f["locale"] for f in second["locale_findings"]] == ["hu"]


def test_status_says_it_once_per_locale(project: Path):
    two_articles(project, ["hu", "es"])
    result = run(project, "status", "--format", "json")
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    said = [w for w in warnings if MEANING_UNCHECKED in w]
    assert len(said) == 1 and said[0].startswith("hu [meaning-unchecked]")
    assert f"[{MEANING_UNCHECKED}]" in result.stderr  # text mode shows it on stderr too


def test_no_warning_when_every_locale_has_a_table(project: Path):
    two_articles(project, ["es", "pl"])
    data = json.loads(run(project, "check", "--format", "json").stdout)
    assert data["locale_findings"] == []
    assert MEANING_UNCHECKED not in run(project, "check").stdout
