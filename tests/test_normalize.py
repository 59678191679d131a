"""Text normalization before synthesis: what each locale's voice is given to say."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.audio.normalize import load_lexicon, normalize, spell_chinese, strip_markdown
from toolkit.errors import ToolkitError

CASES = {
    "en": [
        ("Take 2.5 mg twice a day.", "Take two point five milligrams twice a day."),
        (
            "Normal is 120/80 mmHg.",
            "Normal is one hundred and twenty over eighty millimeters of mercury.",
        ),
        ("About 10% of people.", "About ten percent of people."),
        ("Give 5 mL, then 1 mL.", "Give five milliliters, then one milliliter."),
        ("Come on 2024-03-15.", "Come on March fifteenth, twenty twenty-four."),
        ("Come on 3/15/2024.", "Come on March fifteenth, twenty twenty-four."),
        ("At 8:30 a.m. or 8:05.", "At eight thirty A M or eight oh five."),
        ("At 9:00 every day.", "At nine o'clock every day."),
        ("See Dr. Lee, e.g. on Monday.", "See Doctor Lee, for example on Monday."),
        (
            "Take 2-3 tablets, 0.25 mg/kg.",
            "Take two to three tablets, zero point two five milligrams per kilogram.",
        ),
        ("Call 911 now.", "Call nine one one now."),
        ("Your 2nd dose of 1,000 units.", "Your second dose of one thousand units."),
        ("Ask about ketamine.", "Ask about keta-meen."),
        ("A fever is 38 °C.", "A fever is thirty-eight degrees Celsius."),
    ],
    "es": [
        ("Tome 2,5 mg dos veces.", "Tome dos coma cinco miligramos dos veces."),
        ("Tome 2.5 mg.", "Tome dos coma cinco miligramos."),
        (
            "Lo normal es 120/80 mmHg.",
            "Lo normal es ciento veinte sobre ochenta milímetros de mercurio.",
        ),
        ("El 10 % de las personas.", "El diez por ciento de las personas."),
        ("Tome 5 mL o 1 mL.", "Tome cinco mililitros o un mililitro."),
        ("Venga el 15/03/2024.", "Venga el quince de marzo de dos mil veinticuatro."),
        ("A las 8:30 o a las 9:00.", "A las ocho y treinta o a las nueve en punto."),
        ("Hable con el Dr. López.", "Hable con el doctor López."),
        ("Son 1.000 pastillas.", "Son mil pastillas."),
    ],
    "ar": [
        ("تناول 2.5 mg.", "تناول اثنان فاصلة خمسة ملليغرام."),
        ("الضغط ١٢٠/٨٠ طبيعي.", "الضغط مائة و عشرون على ثمانون طبيعي."),
        ("10% من الناس.", "عشرة بالمئة من الناس."),
        ("خذ 5 mL.", "خذ خمسة مليلتر."),
    ],
    "zh_Hans": [
        ("每次服用2.5mg。", "每次服用二点五毫克。"),
        ("血压120/80 mmHg正常。", "血压一百二十比八十毫米汞柱正常。"),
        ("10%的人需要5 mL。", "百分之十的人需要五毫升。"),
        ("2024年3月15日复诊。", "二〇二四年三月十五日复诊。"),
        ("2024-03-15 8:30", "二〇二四年三月十五日 八点三十分"),
    ],
    "vi": [
        ("Uống 2,5 mg mỗi ngày.", "Uống hai phẩy năm mi-li-gam mỗi ngày."),
        ("Huyết áp 120/80 mmHg.", "Huyết áp một trăm hai mươi trên tám mươi mi-li-mét thủy ngân."),
        ("10% người, 5 mL.", "mười phần trăm người, năm mi-li-lít."),
        ("Lúc 8:30.", "Lúc tám giờ ba mươi phút."),
        ("Ngày 15/03/2024.", "Ngày mười lăm tháng ba, hai nghìn lẻ hai mươi bốn."),
    ],
}


@pytest.mark.parametrize(
    ("locale", "text", "spoken"),
    [(locale, text, spoken) for locale, cases in CASES.items() for text, spoken in cases],
)
def test_normalize_per_locale(locale: str, text: str, spoken: str) -> None:
    assert normalize(text, locale, load_lexicon(locale)) == spoken


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "零"),
        (10, "十"),
        (15, "十五"),
        (105, "一百零五"),
        (1005, "一千零五"),
        (10005, "一万零五"),
        (120000, "十二万"),
        (100000000, "一亿"),
    ],
)
def test_chinese_speller(number: int, words: str) -> None:
    assert spell_chinese(number) == words


def test_markdown_is_never_spoken() -> None:
    text = "**Bold**, *soft* and `code`: see [the sheet](https://example.org/a.pdf) <b>now</b>."
    assert strip_markdown(text) == "Bold, soft and code: see the sheet now."
    assert normalize("## Take | 2 mg | daily", "en") == "Take, two milligrams, daily"


def test_coordinator_lexicon_extends_and_overrides(tmp_path: Path) -> None:
    folder = tmp_path / "lexicon"
    folder.mkdir()
    (folder / "en.toml").write_text(
        '[words]\nketamine = "KET-uh-meen"\nSpravato = "spra-VAH-toe"\n'
        '[units]\nmg = ["milligram", "milligrams by mouth"]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon("en", lambda code: folder / f"{code}.toml")
    assert normalize("Ketamine and Spravato, 2 mg.", "en", lexicon) == (
        "KET-uh-meen and spra-VAH-toe, two milligrams by mouth."
    )
    assert lexicon.sources == ("toolkit/data/lexicon/en.toml", str(folder / "en.toml"))
    # The shipped entries the project did not touch still apply.
    assert normalize("5 mL", "en", lexicon) == "five milliliters"


def test_broken_lexicon_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "es.toml"
    broken.write_text('[words]\nketamina = "ke-ta-MI-na"\nmal = \n', encoding="utf-8")
    with pytest.raises(ToolkitError, match=rf"^{broken}:3: not valid TOML"):
        load_lexicon("es", lambda code: tmp_path / f"{code}.toml")


def test_lexicon_entry_of_wrong_shape(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('[units]\nmg = 5\n[voices]\nx = "y"\n', encoding="utf-8")
    with pytest.raises(ToolkitError) as caught:
        load_lexicon("en", lambda code: tmp_path / f"{code}.toml")
    assert "units.mg: expected a string or [singular, plural], got 5" in str(caught.value)
    assert "[voices]: unknown table" in str(caught.value)


def test_lexicons_ship_for_the_sample_locales() -> None:
    for locale in ("en", "es", "ar", "zh_Hans", "vi"):
        lexicon = load_lexicon(locale)
        assert lexicon.numbers["decimal"] and lexicon.units["mg"], locale


def test_locale_without_a_number_speller_keeps_digits() -> None:
    # Haitian Creole: neither num2words nor our speller knows it; the engine reads digits.
    assert normalize("Pran 2 grenn.", "ht") == "Pran 2 grenn."
