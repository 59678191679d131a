"""Per-entry QA checks: each plants exactly one defect and expects exactly that finding, and
each has a correct translation on which it stays quiet."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.checks import CHECKS, entry_findings
from toolkit.checks.numbers import quantities, read_number
from toolkit.checks.shape import parse_shape, shape
from toolkit.config import ChecksConfig
from toolkit.glossary import Glossary, GlossaryTerm
from toolkit.models import Entry

FILE = "locales/es/LC_MESSAGES/x.po"
GLOSSARY = Glossary(
    "glossary/es.csv",
    (
        GlossaryTerm("blood pressure", ("presión arterial",), "not 'tensión'", 2),
        GlossaryTerm("tablet", ("pastilla", "comprimido"), "", 3),
    ),
)


def findings(
    msgid: str,
    msgstr: str,
    locale: str = "es",
    kind: str = "paragraph",
    no_translate: tuple[str, ...] = ("Omron",),
    glossary: Glossary = GLOSSARY,
    fuzzy: bool = False,
):
    entry = Entry(msgid, msgstr, None, fuzzy, 42, kind, 7)
    return entry_findings(
        entry,
        locale=locale,
        file=FILE,
        no_translate=no_translate,
        glossary=glossary,
        config=ChecksConfig(),
    )


def only(found, check: str):
    """Exactly one finding, of `check`, located at the entry."""
    assert [f.check for f in found] == [check], [f.message for f in found]
    finding = found[0]
    assert finding.severity == CHECKS[check]
    assert (finding.file, finding.line) == (FILE, 42)
    assert finding.message
    return finding


# --- planted defects ------------------------------------------------------------------------

DEFECTS = [
    # (check, msgid, msgstr, locale, kind)
    ("numbers", "Take 2.5 mg twice a day.", "Tome 25 mg dos veces al día.", "es", "paragraph"),
    ("numbers", "Take 2.5 mg twice a day.", "Tome 2,5 g dos veces al día.", "es", "paragraph"),
    ("numbers", "Take 2.5 mg twice a day.", "Tome 2,5 dos veces al día.", "es", "paragraph"),
    ("numbers", "Drink 1,000 mL of water.", "Beba 1,000 mL de agua.", "es", "paragraph"),
    (
        "numbers",
        "Call 911 if you have chest pain.",
        "Llame al 991 si le duele el pecho.",
        "es",
        "paragraph",
    ),
    ("numbers", "Take 2 mg and then 5 mL.", "Tome 5 mg y luego 2 mL.", "es", "paragraph"),
    ("numbers", "Take 2.5 mg twice a day.", "تناول ٢٥ mg مرتين في اليوم.", "ar", "paragraph"),
    (
        "urls",
        "See the [record sheet](https://example.org/sheet.pdf) now.",
        "Vea la [hoja de registro](https://example.org/hoja.pdf) ahora.",
        "es",
        "paragraph",
    ),
    (
        "urls",
        "Read more at https://example.org/bp today.",
        "Lea más en https://example.com/bp hoy mismo.",
        "es",
        "paragraph",
    ),
    (
        "markup",
        "Check it **twice a day** at home.",
        "Mídala dos veces al día en casa.",
        "es",
        "paragraph",
    ),
    (
        "markup",
        "Check it **twice a day** at home.",
        "Mídala **dos veces al día* en casa.",
        "es",
        "paragraph",
    ),
    (
        "markup",
        "Press `Start` to begin the reading.",
        "Pulse `Iniciar` para empezar la lectura.",
        "es",
        "paragraph",
    ),
    (
        "markup",
        "A cuff that fits your arm",
        "- Un manguito que se ajuste a su brazo",
        "es",
        "list item",
    ),
    ("markup", "What it means", "Qué | significa", "es", "table cell"),
    ("markup", "Why measure at home", "Por qué medir\nen casa", "es", "heading"),
    (
        "no-translate",
        "Use your Omron cuff every day.",
        "Use su manguito omron cada día.",
        "es",
        "paragraph",
    ),
    (
        "html",
        "Check it twice a day at home.",
        "Mídala <b>dos veces</b> al día en casa.",
        "es",
        "paragraph",
    ),
    (
        "html",
        "Check it twice a day at home.",
        "Mídala dos veces al día <script>alert('x')</script>.",
        "es",
        "paragraph",
    ),
    (
        "html",
        "Check it twice a day at home.",
        'Mídala dos veces al día en casa <img src=x onerror="alert(1)">.',
        "es",
        "paragraph",
    ),
    (
        "identical",
        "Sit still and rest your arm.",
        "Sit still and rest your arm.",
        "es",
        "paragraph",
    ),
    (
        "length-ratio",
        "Write the date and both numbers in your notebook every time.",
        "Escriba la fecha.",
        "es",
        "list item",
    ),
    (
        "length-ratio",
        "Write both numbers in the notebook.",
        "Escriba ambos números. " * 5,
        "es",
        "list item",
    ),
    (
        "glossary",
        "Check your blood pressure every morning.",
        "Mídase la tensión todas las mañanas.",
        "es",
        "paragraph",
    ),
]


@pytest.mark.parametrize(
    ("check", "msgid", "msgstr", "locale", "kind"),
    DEFECTS,
    ids=[f"{d[0]}-{i}" for i, d in enumerate(DEFECTS)],
)
def test_each_check_finds_its_planted_defect(check, msgid, msgstr, locale, kind):
    only(findings(msgid, msgstr, locale=locale, kind=kind), check)


def test_html_and_script_links_are_errors():
    found = findings(
        "See the [record sheet](https://example.org/sheet.pdf) now.",
        "Vea la [hoja](javascript:alert('x')) ahora.",
    )
    # a script link is not a link to markdown-it: the target and the link are both gone too
    assert {f.check for f in found} == {"html", "urls", "markup"}
    assert all(f.severity == "error" for f in found)


def test_numbers_message_says_what_and_how_to_fix():
    finding = only(findings("Take 2.5 mg twice a day.", "Tome 25 mg dos veces al día."), "numbers")
    assert '"2.5"' in finding.message and '"25"' in finding.message
    assert "2,5" in finding.message  # how to write it in Spanish
    units = only(findings("Take 2.5 mg twice a day.", "Tome 2,5 g dos veces al día."), "numbers")
    assert '"2.5 mg" became "2,5 g"' in units.message


def test_thousands_written_the_english_way_read_wrong_in_spanish():
    finding = only(findings("Drink 1,000 mL of water.", "Beba 1,000 mL de agua."), "numbers")
    assert "1,000" in finding.message


def test_glossary_message_names_the_term_and_the_file_line():
    finding = only(
        findings("Check your blood pressure daily.", "Mídase la tensión a diario."), "glossary"
    )
    assert '"presión arterial"' in finding.message
    assert "glossary/es.csv:2" in finding.message


# --- correct translations stay quiet --------------------------------------------------------

CORRECT = [
    ("Take 2.5 mg twice a day.", "Tome 2,5 mg dos veces al día.", "es", "paragraph"),
    ("Take 2.5 mg twice a day.", "Tome 2.5 mg dos veces al día.", "es", "paragraph"),
    ("Take 2.5 mg twice a day.", "تناول ٢٫٥ mg مرتين في اليوم.", "ar", "paragraph"),
    ("Take 2.5 mg twice a day.", "تناول ٢٫٥ ملغ مرتين في اليوم.", "ar", "paragraph"),
    ("Take 2.5 mg twice a day.", "每天服用两次，每次2.5毫克。", "zh_Hans", "paragraph"),
    ("Drink 1,000 mL of water.", "Beba 1.000 mL de agua.", "es", "paragraph"),
    ("Drink 10,000 mL a week.", "Buvez 10\u202f000 mL par semaine.", "fr", "paragraph"),
    ("Drink 10,000 mL a week.", "Beba 10 000 mL por semana.", "es", "paragraph"),
    ("Drink 10,000 mL a week.", "Trinken Sie 10.000 ml pro Woche.", "de", "paragraph"),
    (
        "Normal is below 120/80 mmHg, about 50% of adults.",
        "Lo normal es menos de 120/80 mmHg, cerca del 50 % de los adultos.",
        "es",
        "paragraph",
    ),
    ("Give 10 IU each day.", "Administre 10 UI cada día.", "es", "paragraph"),
    (
        "Use the [sheet](https://a.org/s.pdf) and the [video](https://a.org/v).",
        "Vea el [video](https://a.org/v) y use la [hoja](https://a.org/s.pdf).",
        "es",
        "paragraph",
    ),
    (
        "Check it **twice a day** and *always* sit still.",
        "Siéntese *siempre* sin moverse y mídala **dos veces al día**.",
        "es",
        "paragraph",
    ),
    (
        "Press `Start` to begin the reading.",
        "Pulse `Start` para empezar la lectura.",
        "es",
        "paragraph",
    ),
    ("Use your Omron cuff every day.", "Use su manguito Omron cada día.", "es", "paragraph"),
    (
        "Check your blood pressure every morning.",
        "Mídase la presión arterial todas las mañanas.",
        "es",
        "paragraph",
    ),
    ("Take two tablets with water.", "Tome dos pastillas con agua.", "es", "paragraph"),
    ("Normal", "Normal", "es", "table cell"),
    ("120/80", "120/80", "es", "table cell"),
    ("Omron", "Omron", "es", "paragraph"),
    ("Sit still and rest your arm.", "Sit still and rest your arm.", "en_GB", "paragraph"),
    (
        "Write the date and both numbers in your notebook.",
        "在笔记本上写下日期和两个数字。",
        "zh_Hans",
        "list item",
    ),
    ("Line one<br>line two of the text.", "Línea uno<br>línea dos del texto.", "es", "paragraph"),
    (
        "Type `<b>` to make text bold here.",
        "Escriba `<b>` para poner texto en negrita.",
        "es",
        "paragraph",
    ),
]


@pytest.mark.parametrize(("msgid", "msgstr", "locale", "kind"), CORRECT)
def test_correct_translations_have_no_findings(msgid, msgstr, locale, kind):
    assert findings(msgid, msgstr, locale=locale, kind=kind) == []


def test_untranslated_and_fuzzy_entries_are_counted_not_checked():
    assert findings("Take 2.5 mg twice a day.", "") == []
    assert findings("Take 2.5 mg twice a day.", "Tome 25 mg.", fuzzy=True) == []


def test_every_check_has_a_defect_test():
    from test_checks_meaning import MEANING

    # dose-format: test_checks_meaning.py; glossary-required: test_checks_glossary.py
    covered = {d[0] for d in DEFECTS} | {m[0] for m in MEANING} | {"dose-format"}
    assert covered | {"glossary-required"} == set(CHECKS)


# --- numbers as values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "decimal", "group", "values"),
    [
        ("2.5", ".", ",", ["2.5"]),
        ("2,5", ",", ".", ["2.5"]),
        ("2.5", ",", ".", ["2.5"]),  # impossible as Spanish grouping: read as a decimal
        ("1.000", ",", ".", ["1000"]),
        ("1,000", ".", ",", ["1000"]),
        ("1,000", ",", ".", ["1"]),
        ("1,234,567.5", ".", ",", ["1234567.5"]),
        ("٢٫٥", ".", ",", ["2.5"]),
        ("۱٬۰۰۰", ".", ",", ["1000"]),
        ("12.03.2024", ",", ".", ["12", "3", "2024"]),
    ],
)
def test_read_number(written, decimal, group, values):
    assert read_number(written, decimal, group) == [Decimal(v) for v in values]


def test_quantities_keep_their_units():
    found = quantities("Take 2.5 mg, 5 mg/dL, 120/80 mmHg and %50 here.", "tr")
    assert [(str(q.value), q.unit) for q in found] == [
        ("2.5", "mg"),
        ("5", "mg/dL"),
        ("120", ""),
        ("80", "mmHg"),
        ("50", "%"),
    ]
    # "g" is a unit only as a whole word: "5 gotas" is five drops
    assert [q.unit for q in quantities("5 gotas, 5 g", "es")] == ["", "g"]


# --- the plain-prose shortcut ---------------------------------------------------------------


@given(st.text(alphabet="aZé 9.,:;-+#()/'\"?%*_`[]<>!&\\~|\nhttps:/www", max_size=60))
@settings(max_examples=200, deadline=None)
def test_plain_prose_shortcut_agrees_with_markdown_it(text):
    # strings that skip the parse must come out exactly as the parse would have it
    assert shape(text) == parse_shape(text)


# --- docs/checks.md lists every check with its severity ---------------------------------------


def test_docs_tables_list_every_check_with_its_severity():
    import re

    from conftest import REPO
    from toolkit.checks.report import FLAG_CHECKS

    text = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    errors_part = text.split("**Errors**", 1)[1].split("**Warnings**", 1)[0]
    warnings_part = text.split("**Warnings**", 1)[1].split("\n### ", 1)[0]
    row = re.compile(r"^\| `([a-z-]+)` \|", re.MULTILINE)
    documented = {name: "error" for name in row.findall(errors_part)}
    documented |= {name: "warning" for name in row.findall(warnings_part)}
    # the readability findings come from the readability module, not from CHECKS
    readability = {name: "warning" for name in [*FLAG_CHECKS.values(), "readability"]}
    # and the findings about a whole locale (checks/coverage.py)
    from toolkit.checks.coverage import LOCALE_CHECKS

    assert documented == {**CHECKS, **readability, **LOCALE_CHECKS}
