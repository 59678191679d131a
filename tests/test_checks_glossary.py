"""Per-locale glossaries: a simple CSV file; every malformed file names its file and line."""

from __future__ import annotations

import pytest

from toolkit.errors import ConfigError
from toolkit.glossary import parse_glossary, read_glossary


def test_reads_terms_alternatives_and_notes(tmp_path):
    path = tmp_path / "es.csv"
    path.write_bytes(
        "\ufeffsource,translation,note\n"
        'blood pressure,presión arterial,"not ""tensión"""\n'
        "\n"
        "tablet,pastilla | comprimido,\n".encode()
    )
    glossary = read_glossary(path, "glossary/es.csv")
    assert [(t.source, t.translations, t.note, t.line) for t in glossary.terms] == [
        ("blood pressure", ("presión arterial",), 'not "tensión"', 2),
        ("tablet", ("pastilla", "comprimido"), "", 4),
    ]
    pressure, tablet = glossary.terms
    assert pressure.found_in("Check your Blood  Pressure.")
    assert pressure.found_in("Check your blood pressures now")  # an English plural
    assert not pressure.found_in("high-blood-pressured")
    assert tablet.found_in("Take two tablets") and not tablet.found_in("tabletop")
    assert tablet.used_in("Tome dos Comprimidos")


def test_two_columns_are_enough_and_a_missing_file_is_empty(tmp_path):
    assert read_glossary(tmp_path / "none.csv").terms == ()
    glossary = parse_glossary(b"source,translation\nnurse,enfermera\n", "g.csv")
    assert glossary.terms[0].translations == ("enfermera",)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"term,meaning\nnurse,enfermera\n", "g.csv:1: the first line must be the header"),
        (b"source,translation\nnurse,enfermera,extra\n", "g.csv:2: expected 2 columns"),
        (b"source,translation,note\nnurse\n", "g.csv:2: expected 3 columns"),
        (b"source,translation\nnurse,enfermera\n,presi\xc3\xb3n\n", "g.csv:3: empty source term"),
        (b"source,translation\nnurse, \n", "g.csv:2: empty translation"),
        (b"source,translation\nnurse,enfermer\xeda\n", "g.csv:2: the glossary is not UTF-8"),
        (b'source,translation\n"nurse,enfermera\n', "g.csv:"),
    ],
)
def test_malformed_glossary_names_file_and_line(data, message):
    with pytest.raises(ConfigError) as excinfo:
        parse_glossary(data, "g.csv")
    assert str(excinfo.value).startswith(message)


# --- severity: required terms are errors ----------------------------------------------------

REQUIRED = (
    "source,translation,note,severity\n"
    "blood pressure,presión arterial,,required\n"
    "tablet,pastilla|comprimido,,\n"
).encode()


def _glossary_findings(msgid, msgstr, severity="warning"):
    from toolkit.checks import entry_findings
    from toolkit.config import ChecksConfig
    from toolkit.models import Entry

    glossary = parse_glossary(REQUIRED, "glossary/es.csv")
    entry = Entry(msgid, msgstr, None, False, 9, "paragraph", 1)
    config = ChecksConfig(glossary_severity=severity)
    return [
        (f.check, f.severity)
        for f in entry_findings(entry, locale="es", file="x.po", glossary=glossary, config=config)
    ]


def test_a_required_term_is_an_error_and_the_others_stay_warnings():
    assert _glossary_findings("Check your blood pressure.", "Mídase la tensión.") == [
        ("glossary-required", "error")
    ]
    assert _glossary_findings("Take one tablet now.", "Tome una píldora ahora.") == [
        ("glossary", "warning")
    ]
    assert _glossary_findings("Check your blood pressure.", "Mídase la presión arterial.") == []


def test_the_project_default_severity_applies_to_terms_without_one():
    assert _glossary_findings("Take one tablet now.", "Tome una píldora ahora.", "required") == [
        ("glossary-required", "error")
    ]


def test_a_bad_severity_names_the_file_and_line():
    with pytest.raises(ConfigError, match=r"glossary/es.csv:2: severity 'must'"):
        parse_glossary(b"source,translation,note,severity\nx,y,,must\n", "glossary/es.csv")


def test_a_bad_default_severity_is_a_config_error(tmp_path):
    from toolkit.config import load_config

    (tmp_path / "pyproject.toml").write_text(
        '[tool.toolkit.checks]\nglossary_severity = "fatal"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="glossary_severity"):
        load_config(tmp_path)
