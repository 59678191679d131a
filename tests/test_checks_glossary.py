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
