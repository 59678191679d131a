"""A comparator turned round by a negation just before it says the same as its opposite:
"do not drink more than 2 L", "no beba más de 2 L" and "como máximo 2 L" all say at most 2 L.
Such wordings stay publishable in every direction, and the negation inside them is not
counted twice; a planted change (the comparator reversed, a separate negation dropped beside
it) still blocks.

Every translation is written by hand from the English (Real Academia's and Larousse's
grammars of the negation, Duden's "nicht mehr als", the Vietnamese "không quá"); none is
produced by the code under test.
"""

from __future__ import annotations

import pytest

from toolkit.checks import entry_findings
from toolkit.models import Entry


def errors(msgid: str, msgstr: str, locale: str) -> list[str]:
    entry = Entry(msgid, msgstr, None, False, 42, "paragraph", 7, ())
    found = entry_findings(entry, locale=locale, file="locales/xx/LC_MESSAGES/x.po")
    return sorted(f.check for f in found if f.severity == "error")


AT_MOST = "Drink no more than 2 L a day."
DO_NOT_EXCEED = "Do not take more than 4 tablets."
# (locale, source, a correct translation in another structure)
EQUIVALENT = [
    ("es", AT_MOST, "No beba más de 2 L al día."),
    ("es", AT_MOST, "Beba como máximo 2 L al día."),
    ("es", "Do not drink more than 2 L a day.", "Beba como máximo 2 L al día."),
    ("es", "Do not drink more than 2 L a day.", "No beba más de 2 L al día."),
    ("es", "Drink at most 2 L a day.", "No beba más de 2 L al día."),
    ("fr", DO_NOT_EXCEED, "Prenez au plus 4 comprimés."),
    ("fr", DO_NOT_EXCEED, "Ne prenez pas plus de 4 comprimés."),
    ("de", "Take at most 4 tablets.", "Nehmen Sie nicht mehr als 4 Tabletten."),
    ("de", DO_NOT_EXCEED, "Nehmen Sie höchstens 4 Tabletten."),
    ("vi", DO_NOT_EXCEED, "Uống tối đa 4 viên."),
    ("vi", DO_NOT_EXCEED, "Không uống quá 4 viên."),
    ("zh_Hans", DO_NOT_EXCEED, "最多服用4片。"),
    ("zh_Hans", DO_NOT_EXCEED, "不要服用超过4片。"),
    ("ar", DO_NOT_EXCEED, "لا تتناول أكثر من 4 أقراص."),
    (
        "es",
        "Drink no more than 2 L and do not drink alcohol.",
        "No beba más de 2 L y no tome alcohol.",
    ),
]
# (locale, source, translation with one planted change, the check that must block it)
PLANTED = [
    ("es", AT_MOST, "Beba más de 2 L al día.", "comparison"),
    ("es", AT_MOST, "No beba menos de 2 L al día.", "comparison"),
    ("es", "Do not drink more than 2 L a day.", "Beba más de 2 L al día.", "comparison"),
    ("es", "Do not stop taking it. " + AT_MOST, "Deje de tomarlo. No beba más de 2 L al día.",
     "negation"),
    ("es", "Drink no more than 2 L and do not drink alcohol.", "No beba más de 2 L y tome alcohol.",
     "negation"),
    ("fr", DO_NOT_EXCEED, "Ne prenez pas moins de 4 comprimés.", "comparison"),
    ("de", "Take at most 4 tablets.", "Nehmen Sie mehr als 4 Tabletten.", "comparison"),
    ("vi", DO_NOT_EXCEED, "Uống quá 4 viên.", "comparison"),
    ("zh_Hans", DO_NOT_EXCEED, "服用超过4片。", "comparison"),
    ("ar", DO_NOT_EXCEED, "تناول أكثر من 4 أقراص.", "comparison"),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "source", "translation"), EQUIVALENT)
def test_a_negated_comparator_equals_its_opposite(locale, source, translation) -> None:
    assert errors(source, translation, locale) == []


@pytest.mark.parametrize(("locale", "source", "translation", "check"), PLANTED)
def test_a_reversed_comparator_or_a_dropped_negation_beside_one_blocks(
    locale, source, translation, check
) -> None:
    assert check in errors(source, translation, locale)


def test_a_negation_that_compares_no_quantity_is_still_a_negation() -> None:
    """不到 is "less than" before a number, but the 不 of 听不到 ("cannot hear") negates."""
    source = "have ever heard voices that others do not"
    assert errors(source, "曾经听到别人听不到的声音", "zh_Hans") == []
    assert "negation" in errors("Do not stop taking it.", "停止服用，听到的声音", "zh_Hans")
