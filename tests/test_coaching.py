"""Plain-language coaching: each rule with a passing and a failing text, in English and Spanish.

The texts are written for these tests; what each should produce was decided by hand from the
rule's PEMAT-P / CDC Clear Communication Index item, not by running the code.
"""

from __future__ import annotations

import pytest

from toolkit.coaching import ITEMS, coach_text, plain_words

# (rule, language, passing text, failing text). Each text is a whole small article; blocks
# are separated by blank lines, "## " starts a heading, "- " / "1. " list items.
CASES = [
    (
        "summary-first",
        "en",
        "Take your pill every morning. It keeps your blood pressure down.\n\n## How to take it\n\n"
        "Take it with water.",
        "## How to take it\n\nTake your pill with water every morning.",
    ),
    (
        "summary-first",
        "es",
        "Tome su pastilla cada mañana. Así su presión baja.\n\n## Cómo tomarla\n\nTómela con agua.",
        "## Cómo tomarla\n\nTome su pastilla con agua cada mañana.",
    ),
    (
        "headings",
        "en",
        "You can feel better.\n\n## Eat well\n\nEat fruit.\n\nDrink water.\n\n## Move\n\n"
        "Walk every day.\n\nRest when you are tired.",
        "You can feel better.\n\nEat fruit.\n\nDrink water.\n\nWalk every day.\n\n"
        "Rest when you are tired.",
    ),
    (
        "headings",
        "es",
        "Usted puede sentirse mejor.\n\n## Coma bien\n\nComa fruta.\n\nBeba agua.\n\n"
        "## Muévase\n\nCamine cada día.",
        "Usted puede sentirse mejor.\n\nComa fruta.\n\nBeba agua.\n\nCamine cada día.\n\n"
        "Descanse si está cansado.",
    ),
    (
        "list-length",
        "en",
        "Bring these things to your visit.\n\n- your pills\n- your card\n- your notes",
        "Bring these things to your visit.\n\n" + "\n".join(f"- thing {n}" for n in range(1, 9)),
    ),
    (
        "list-length",
        "es",
        "Lleve estas cosas a su cita.\n\n- sus pastillas\n- su tarjeta\n- sus notas",
        "Lleve estas cosas a su cita.\n\n" + "\n".join(f"- cosa {n}" for n in range(1, 9)),
    ),
    (
        "action",
        "en",
        "Your heart works hard. Call your doctor if you feel chest pain.",
        "Your heart works hard. Chest pain can be a warning sign for you.",
    ),
    (
        "action",
        "es",
        "Su corazón trabaja mucho. Llame a su médico si tiene dolor en el pecho.",
        "Su corazón trabaja mucho. El dolor en el pecho puede ser una señal para usted.",
    ),
    (
        "steps-in-order",
        "en",
        "You can check your blood pressure at home.\n\n1. Sit still for 5 minutes.\n"
        "2. Put the cuff on your arm.\n3. Press the button.",
        "You can check your blood pressure at home.\n\nSit still for 5 minutes. Put the cuff "
        "on your arm. Press the button. Write the number down.",
    ),
    (
        "steps-in-order",
        "es",
        "Usted puede medir su presión en casa.\n\n1. Siéntese 5 minutos.\n"
        "2. Ponga el brazalete en su brazo.\n3. Pulse el botón.",
        "Usted puede medir su presión en casa.\n\nPrimero descanse 5 minutos. Luego ponga el "
        "brazalete en su brazo. Después pulse el botón.",
    ),
    (
        "you",
        "en",
        "Take your pill every morning with water.",
        "Patients take the pill every morning with water.",
    ),
    (
        "you",
        "es",
        "Tome su pastilla cada mañana con agua.",
        "Los pacientes toman la pastilla cada mañana con agua.",
    ),
    (
        "passive-voice",
        "en",
        "Take your pill every morning. Your nurse checks your blood pressure. Call us today.",
        "The pill is taken every morning. Your blood pressure is checked by a nurse. "
        "Call us today.",
    ),
    (
        "passive-voice",
        "es",
        "Tome su pastilla cada mañana. La enfermera mide su presión. Llámenos hoy.",
        "La pastilla es tomada cada mañana. Su presión es medida por la enfermera. Llámenos hoy.",
    ),
    (
        "acronyms",
        "en",
        "Ask about electroconvulsive therapy (ECT). You can have ECT in a hospital.",
        "Ask about ECT. You can have it in a hospital.",
    ),
    (
        "acronyms",
        "es",
        "Pregunte por la terapia electroconvulsiva (TEC). Usted puede recibir la TEC en el "
        "hospital.",
        "Pregunte por la TEC. Usted puede recibirla en el hospital.",
    ),
    (
        "medical-terms",
        "en",
        "You have hypertension (high blood pressure). Take your pill every day.",
        "You have hypertension. Take your pill every day.",
    ),
    (
        "medical-terms",
        "es",
        "Usted tiene hipertensión, es decir, presión arterial alta. Tome su pastilla cada día.",
        "Usted tiene hipertensión. Tome su pastilla cada día.",
    ),
    (
        "number-words",
        "en",
        "Take 2 pills 3 times a day. You can do this.",
        "Take two pills three times a day. You can do this.",
    ),
    (
        "number-words",
        "es",
        "Tome 2 pastillas 3 veces al día. Usted puede hacerlo.",
        "Tome dos pastillas tres veces al día. Usted puede hacerlo.",
    ),
    (
        "fractions-percentages",
        "en",
        "About 1 in 4 people feel sick at first. Tell your doctor if you do.",
        "About 25% of people feel sick at first, and 1/3 of them stop. Tell your doctor.",
    ),
    (
        "fractions-percentages",
        "es",
        "Cerca de 1 de cada 4 personas se siente mal al principio. Dígaselo a su médico.",
        "Cerca del 25 % de las personas se siente mal y un tercio lo deja. Dígaselo a su médico.",
    ),
]


@pytest.mark.parametrize(("rule", "language", "passing", "failing"), CASES)
def test_each_rule_passes_and_fails(rule: str, language: str, passing: str, failing: str) -> None:
    good = [c for c in coach_text(passing, language) if c.rule == rule]
    bad = [c for c in coach_text(failing, language) if c.rule == rule]
    assert good == [], good
    assert len(bad) == 1, bad
    assert bad[0].item == ITEMS[rule] and ("PEMAT" in bad[0].item or "CDC" in bad[0].item)
    assert bad[0].severity == "warning"


def test_every_rule_is_tested_in_both_languages() -> None:
    assert {(rule, lang) for rule, lang, *_ in CASES} == {
        (rule, lang) for rule in ITEMS for lang in ("en", "es")
    }


def test_a_good_article_gets_no_coaching() -> None:
    article = (
        "Take your blood pressure pill every morning. It protects your heart.\n\n"
        "## How to take it\n\n1. Take 1 pill with water.\n2. Write the time in your notes.\n\n"
        "## When to call\n\nCall your doctor if you feel dizzy."
    )
    assert coach_text(article, "en") == []


def test_messages_name_what_to_change() -> None:
    found = coach_text("Patients with hypertension are treated with two pills.", "en")
    by_rule = {c.rule: c for c in found}
    assert "high blood pressure" in by_rule["medical-terms"].message
    assert "digits" in by_rule["number-words"].message
    assert by_rule["you"].text.startswith("Patients")
    assert by_rule["passive-voice"].as_dict()["check"] == "coaching-passive-voice"


def test_languages_without_rules_get_no_coaching() -> None:
    assert coach_text("Bệnh nhân uống hai viên thuốc.", "vi") == []


def test_coordinators_extend_the_plain_word_list() -> None:
    extra = {"en": {"myocardial infarction": "heart attack"}}
    assert plain_words("en", extra)["myocardial infarction"] == "heart attack"
    assert plain_words("en")["hypertension"] == "high blood pressure"  # shipped
    text = "You have tachycardia. Take your pills."
    assert not any(c.rule == "medical-terms" for c in coach_text(text, "en"))  # not shipped
    extra = {"en": {"tachycardia": "a fast heartbeat"}}
    found = [
        c for c in coach_text(text, "en", extra_plain_words=extra) if c.rule == "medical-terms"
    ]
    assert [c.message.split('"')[3] for c in found] == ["a fast heartbeat"]


# --- in check and status ----------------------------------------------------------------------


def _sample(tmp_path):
    from test_site_fixtures import copy_sample

    from toolkit.project import Project

    return Project.load(copy_sample(tmp_path / "sample", ("taking-antidepressants",)))


def test_check_shows_coaching_as_warnings_that_never_gate(tmp_path) -> None:
    from toolkit.checks import run_checks

    run = run_checks(_sample(tmp_path), ["es"], [])
    (report,) = run.reports
    # the sample names NIMH without writing it out, in English and in Spanish
    assert [c.rule for c in report.source_coaching] == ["acronyms"]
    assert [c.rule for c in report.coaching] == ["acronyms"]
    source = report.source_coaching[0]
    assert source.file == "source_articles/taking-antidepressants.md" and source.line > 0
    assert report.coaching[0].file == "locales/es/LC_MESSAGES/taking-antidepressants.po"
    # not check warnings, not a gate
    assert not any(f.check.startswith("coaching") for f in report.findings)
    assert not run.gate_failed
    data = run.as_dict()["reports"][0]
    assert data["coaching"][0]["item"].startswith("PEMAT-P item 4")
    assert data["source_coaching"][0]["check"] == "coaching-acronyms"
    lines = run.lines()
    assert "plain-language coaching (PEMAT-informed; warnings, never a gate):" in lines
    assert sum("[coaching-acronyms]" in line for line in lines) == 2


def test_status_carries_the_coaching(tmp_path) -> None:
    from toolkit import site

    report = site.status(_sample(tmp_path))
    pairs = {p["locale"]: p for p in report.as_dict()["pairs"]}
    assert [c["rule"] for c in pairs["es"]["coaching"]] == ["acronyms"]
    assert [c["rule"] for c in pairs["es"]["source_coaching"]] == ["acronyms"]
    assert pairs["vi"]["coaching"] == []  # no Vietnamese rules
    assert any(
        line.startswith("coaching es/taking-antidepressants (es): 1 hint")
        for line in report.lines()
    )


def test_findings_point_at_their_block_with_code_blocks_around() -> None:
    from toolkit.coaching import coach_blocks
    from toolkit.models import TextBlock

    blocks = [
        TextBlock("title", "Your pills"),
        TextBlock("code", "x = 1"),
        TextBlock("paragraph", "Take your pills. You have hypertension."),
    ]
    (found,) = [c for c in coach_blocks(blocks, "en") if c.rule == "medical-terms"]
    assert blocks[found.block].kind == "paragraph"
