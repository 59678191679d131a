"""`toolkit check` on a small project: JSON schema, the --strict gate, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from toolkit.checks import qa_findings, run_checks
from toolkit.cli import main
from toolkit.project import Project

SPANISH = {
    "Taking your blood pressure at home": "Cómo tomarse la presión arterial en casa",
    "How to measure your blood pressure and what the numbers mean.": (
        "Cómo medir la presión arterial y qué significan los números."
    ),
    "Why measure at home": "Por qué medirla en casa",
    "Your nurse may ask you to check your blood pressure **twice a day**.": (
        "Su enfermera puede pedirle que se mida la presión **dos veces al día**."
    ),
    "What you need": "Lo que necesita",
    "A cuff that fits your arm": "Un manguito que le quede bien en el brazo",
    "A notebook, or the [record sheet](https://example.org/sheet.pdf)": (
        "Una libreta, o la [hoja de registro](https://example.org/sheet.pdf)"
    ),
    "Write the date": "Escriba la fecha",
    "Write both numbers": "Escriba los dos números",
    "Reading": "Lectura",
    "What it means": "Qué significa",
    "120/80": "120/80",
    "Normal": "Normal",
    "140/90": "140/90",
    "High": "Alta",
    "Call 911 if you have chest pain.": "Llame al 911 si le duele el pecho.",
    "Take 2.5 mg of the tablet with water.": "Tome 2,5 mg de la pastilla con agua.",
}
DOSE = "Take 2.5 mg of the tablet with water."


def run(project: Path, *args: str):
    return CliRunner(mix_stderr=False).invoke(main, ["--project", str(project), *args])


def catalog(project: Path, locale: str = "es") -> Path:
    # through ProjectPaths: Babel may spell the locale differently (tl -> fil_PH)
    return Project.load(project).paths.catalog(locale, "blood-pressure")


def translate(project: Path, locale: str = "es", **changes: str) -> Path:
    """Extract, init `locale`, and fill every msgstr (with `changes` by msgid)."""
    assert run(project, "extract").exit_code == 0
    assert run(project, "init", locale).exit_code == 0
    path = catalog(project, locale)
    po = polib.pofile(str(path))
    table = {**SPANISH, **{SPANISH_KEYS[k]: v for k, v in changes.items()}}
    for entry in po:
        entry.msgstr = table[entry.msgid]
    po.save(str(path))
    return path


SPANISH_KEYS = {"dose": DOSE, "nurse": next(k for k in SPANISH if k.startswith("Your nurse"))}


def line_of(path: Path, msgid: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(f'msgid "{msgid}"') + 1


def test_clean_translation_json_schema_and_strict_passes(project):
    translate(project)
    result = run(project, "check", "--format", "json", "--strict")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [report] = data["reports"]
    assert {
        "slug",
        "locale",
        "translated",
        "fuzzy",
        "untranslated",
        "publishable",
        "readability",
        "findings",
    } <= set(report)
    assert (report["slug"], report["locale"]) == ("blood-pressure", "es")
    assert (report["translated"], report["fuzzy"], report["untranslated"]) == (1.0, 0, 0)
    assert report["publishable"] is True
    readability = report["readability"]
    assert {
        "formula",
        "value",
        "target",
        "passes",
        "source_formula",
        "source_value",
        "metrics",
    } <= set(readability)
    assert readability["formula"] == "szigriszt_pazos"
    assert readability["passes"] is True and readability["value"] >= readability["target"]
    assert readability["source_formula"] == "smog"
    assert 0 < readability["source_value"] < 12
    assert readability["metrics"]["words"] > 50
    assert all(f["severity"] == "warning" for f in report["findings"])


def test_planted_dose_error_fails_strict_with_exit_3(project):
    path = translate(project, dose="Tome 25 mg de la pastilla con agua.")
    result = run(project, "check", "--format", "json", "--strict")
    assert result.exit_code == 3
    report = json.loads(result.stdout)["reports"][0]
    [error] = [f for f in report["findings"] if f["severity"] == "error"]
    assert (error["check"], error["file"], error["line"], error["msgid"]) == (
        "numbers",
        "locales/es/LC_MESSAGES/blood-pressure.po",
        line_of(path, DOSE),
        DOSE,
    )
    assert report["publishable"] is False
    assert "Error: check failed: 1 error finding" in result.stderr
    # without --strict the same findings are reported and the exit code is 0
    assert run(project, "check").exit_code == 0


def test_text_mode_table_and_located_findings(project):
    path = translate(project, dose="Tome 25 mg de la pastilla con agua.")
    result = run(project, "check")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["article", "locale", "translated", "fuzzy"]
    assert lines[1].split()[:7] == ["blood-pressure", "es", "100%", "0", "0", "1", "0"]
    assert lines[1].split()[-1] == "no"
    line = line_of(path, DOSE)
    assert any(
        item.startswith(f"locales/es/LC_MESSAGES/blood-pressure.po:{line}: error [numbers] ")
        and item.endswith(f'(msgid: "{DOSE}")')
        for item in lines
    )
    assert lines[-1] == "1 pair checked: 1 error, 0 warnings, 0 readability targets missed"


def test_untranslated_and_fuzzy_are_counted_not_listed(project):
    path = translate(project)
    po = polib.pofile(str(path))
    po.find(DOSE).msgstr = ""
    po.find("Write the date").flags.append("fuzzy")
    po.save(str(path))
    [report] = run_checks(Project.load(project), [], []).reports
    assert (report.fuzzy, report.untranslated, report.publishable) == (1, 1, False)
    assert report.findings == [] or all(f.check != "numbers" for f in report.findings)
    text = "\n".join(run_checks(Project.load(project), [], []).lines())
    assert "es/blood-pressure: not publishable: 1 untranslated; 1 fuzzy" in text


def test_missed_readability_target_is_a_warning_and_fails_strict(project):
    (project / "pyproject.toml").write_text(
        "[tool.toolkit.readability.targets.es]\ntarget = 150\n", encoding="utf-8"
    )
    translate(project)
    result = run(project, "check", "--format", "json", "--strict")
    assert result.exit_code == 3
    report = json.loads(result.stdout)["reports"][0]
    assert report["readability"]["passes"] is False
    assert report["readability"]["target"] == 150
    assert [f["check"] for f in report["findings"] if f["check"] == "readability"] == [
        "readability"
    ]
    assert "readability target missed in es/blood-pressure" in result.stderr


def test_long_sentence_is_located_at_its_entry(project):
    long = (
        "Su enfermera puede pedirle que se mida la presión **dos veces al día**, por la mañana "
        "antes del desayuno y por la noche antes de acostarse, siempre sentado y tranquilo."
    )
    path = translate(project, nurse=long)
    findings = run_checks(Project.load(project), ["es"], []).reports[0].findings
    [flag] = [f for f in findings if f.check == "long-sentence"]
    msgid = SPANISH_KEYS["nurse"]
    assert (flag.severity, flag.line, flag.msgid) == ("warning", line_of(path, msgid), msgid)
    assert "words (over 20)" in flag.message


def test_qa_findings_are_located_relative_to_the_project(project):
    path = translate(project, dose="Tome 2,5 g de la pastilla con agua.")
    proj = Project.load(project)
    from toolkit.catalogs import read_entries

    article = proj.article("blood-pressure")
    found = qa_findings(proj, article, "es", read_entries(path, "es"))
    assert [(f.check, f.file, f.line) for f in found] == [
        ("numbers", "locales/es/LC_MESSAGES/blood-pressure.po", line_of(path, DOSE))
    ]


def test_glossary_from_the_project_is_used(project):
    (project / "glossary").mkdir()
    (project / "glossary" / "es.csv").write_text(
        "source,translation,note\nnurse,personal de enfermería,\n", encoding="utf-8"
    )
    path = translate(project)
    report = run_checks(Project.load(project), ["es"], []).reports[0]
    [finding] = [f for f in report.findings if f.check == "glossary"]
    assert finding.line == line_of(path, SPANISH_KEYS["nurse"])
    assert "glossary/es.csv:2" in finding.message


# --- bad input: one clear message, exit 1, no traceback -------------------------------------


def assert_clean_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    for fragment in fragments:
        assert fragment in result.stderr


def test_malformed_glossary(project):
    translate(project)
    (project / "glossary").mkdir()
    (project / "glossary" / "es.csv").write_text(
        "source,translation\nnurse,enfermera,extra\n", encoding="utf-8"
    )
    assert_clean_error(run(project, "check"), "glossary/es.csv:2: expected 2 columns")


def test_empty_article(project):
    translate(project)
    (project / "source_articles" / "empty.md").write_text("---\ntitle: x\n---\n\n", "utf-8")
    assert_clean_error(run(project, "check"), "source_articles/empty.md", "empty")


def test_article_of_only_headings(project):
    translate(project)
    (project / "source_articles" / "headings.md").write_text(
        "# Blood pressure\n\n## At home\n\n## At the clinic\n", "utf-8"
    )
    assert_clean_error(
        run(project, "check", "--article", "headings"),
        "source_articles/headings.md: the article has only headings",
    )


def test_unknown_article_and_locale(project):
    translate(project)
    assert_clean_error(run(project, "check", "--article", "nope"), "'nope'")
    assert_clean_error(run(project, "check", "--locale", "xx"), "unknown locale code 'xx'")


@pytest.mark.parametrize("locale", ["ht", "tl"])
def test_language_textstat_does_not_know_gets_a_labelled_proxy(project, locale):
    # Haitian Creole and Tagalog have no validated formula: the score is labelled a proxy,
    # never an English formula; QA checks still run
    # the nurse's line in the locale's own words: its meaning checks read it (the Spanish
    # "dos veces" would be no count of times in Creole)
    nurse = {
        "ht": "Enfimyè ou ka mande w tcheke tansyon ou **de fwa pa jou**.",
        "tl": "Maaaring sabihin ng nars na sukatin mo ang presyon mo **dalawang beses sa isang araw**.",
    }[locale]
    translate(project, locale=locale, dose="Pran 25 mg grenn nan ak dlo.", nurse=nurse)
    result = run(project, "check", "--format", "json", "--locale", locale)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["reports"][0]
    assert report["readability"]["formula"].endswith("(proxy)")
    assert report["readability"]["proxy"] is True
    assert [f["check"] for f in report["findings"] if f["severity"] == "error"] == ["numbers"]
    text = run(project, "check", "--locale", locale)
    assert "(proxy)" in text.output and "Traceback" not in text.output


def test_scored_blocks_are_the_rendered_blocks(project):
    # check scores what render publishes (it skips only render's second, URL-keeping pass)
    from toolkit.checks.report import _blocks
    from toolkit.publishing import assess
    from toolkit.render import render_article

    translate(project)
    proj = Project.load(project)
    article = proj.article("blood-pressure")
    translations = assess(proj, article, "es").translations
    rendered = render_article(article, "es", translations, "en").blocks
    assert _blocks(article, translations, "en") == list(rendered)


REFERENCE_ARTICLE = """\
# Leaflets

Print the [record sheet][sheet] before your visit.

[sheet]: https://example.org/sheet.pdf
"""


@pytest.mark.parametrize(
    ("msgstr", "errors"),
    [
        # the label is kept: the link goes where the source's goes
        ("Imprima la [hoja de registro][sheet] antes de su visita.", []),
        # an inline link to the same target is the same link
        ("Imprima la [hoja](https://example.org/sheet.pdf) antes de su visita.", []),
        # a translated label names no definition: the link is gone from the page
        ("Imprima la [hoja de registro][hoja] antes de su visita.", ["markup", "urls"]),
        # an inline link to another target
        ("Imprima la [hoja](https://example.org/otra.pdf) antes de su visita.", ["urls"]),
    ],
)
def test_reference_links_are_checked_like_inline_links(
    tmp_path: Path, msgstr: str, errors: list[str]
) -> None:
    (tmp_path / "source_articles").mkdir()
    (tmp_path / "source_articles" / "leaflets.md").write_text(REFERENCE_ARTICLE, encoding="utf-8")
    assert run(tmp_path, "extract").exit_code == 0
    assert run(tmp_path, "init", "es").exit_code == 0
    path = Project.load(tmp_path).paths.catalog("es", "leaflets")
    po = polib.pofile(str(path))
    table = {"Leaflets": "Folletos", "Print the [record sheet][sheet] before your visit.": msgstr}
    for entry in po:
        entry.msgstr = table[entry.msgid]
    po.save(str(path))
    result = run(tmp_path, "check", "--format", "json")
    [report] = json.loads(result.stdout)["reports"]
    assert [f["check"] for f in report["findings"] if f["severity"] == "error"] == errors
    assert report["publishable"] is (not errors)
