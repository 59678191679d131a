"""Text normalization before synthesis: what each locale's voice is given to say.

The expected texts below were written by hand, each checked against the language's rules
(gender agreement, the decimal and grouping marks CLDR gives the locale, how clock times,
fractions and ranges are said); num2words' and CLDR's output is the reference for the number
words and unit names themselves (so English keeps num2words' "one hundred and twenty").
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pytest

from toolkit.audio.normalize import (
    load_lexicon,
    normalize,
    normalize_sentences,
    normalize_text,
    spell_chinese,
    strip_markdown,
)
from toolkit.errors import ToolkitError

NNBSP, NBSP = "\u202f", "\u00a0"

# (written, spoken) per locale: dose with the locale's decimal mark, thousands with its
# grouping, percent, blood pressure, crisis and phone numbers, time, fraction, range,
# prescription abbreviations, and the grammar of the noun after a number.
CASES = {
    "en": [
        ("Take 2.5 mg twice a day.", "Take two point five milligrams twice a day."),
        ("Take 1,000 mg.", "Take one thousand milligrams."),
        ("About 10% of people.", "About ten percent of people."),
        (
            "Normal is 120/80 mmHg.",
            "Normal is one hundred and twenty over eighty millimeters of mercury.",
        ),
        ("Call 988 or 911.", "Call nine eight eight or nine one one."),
        (
            "Call 1-800-273-8255 now.",
            "Call one, eight zero zero, two seven three, eight two five five now.",
        ),
        ("Text HOME to 741741.", "Text HOME to seven four one seven four one."),
        ("At 8:00 am or 8:30 p.m.", "At eight A M or eight thirty P M."),
        ("At 9:00 or 8:05.", "At nine o'clock or eight oh five."),
        ("Take 1/2 tablet.", "Take one half tablet."),
        ("Take it 3-4 times a day.", "Take it three to four times a day."),
        ("Take 1 tablet b.i.d. or p.r.n.", "Take one tablet twice a day or as needed."),
        ("Take 1 q.d. at bedtime.", "Take one once a day at bedtime."),
        ("Give 0.25 mg/kg.", "Give zero point two five milligrams per kilogram."),
        ("Come on 2024-03-15.", "Come on March fifteenth, twenty twenty-four."),
        ("See Dr. Lee, e.g. on Monday.", "See Doctor Lee, for example on Monday."),
        ("Your 2nd dose of 1,000 units.", "Your second dose of one thousand units."),
        ("A fever is 38 °C.", "A fever is thirty-eight degrees Celsius."),
        (
            "Take 2-3 mg, or 100 mg/5 mL.",
            "Take two to three milligrams, or one hundred milligrams per five milliliters.",
        ),
        ("Store above -5 °C.", "Store above minus five degrees Celsius."),
        (
            "Get the COVID-19 vaccine, help is there 24/7.",
            "Get the COVID-nineteen vaccine, help is there twenty-four seven.",
        ),
        ("Call (555) 123-4567.", "Call five five five, one two three, four five six seven."),
        ("Your PIN is 4821; call at 2 pm.", "Your PIN is four eight two one; call at two P M."),
        ("Call 2-3 friends.", "Call two to three friends."),
    ],
    "es": [
        ("Tome 2,5 mg dos veces.", "Tome dos coma cinco miligramos dos veces."),
        ("Tome 2.5 mg.", "Tome dos coma cinco miligramos."),  # the translator kept the dot
        ("Son 1.000 mg.", "Son mil miligramos."),
        ("El 10 % de las personas.", "El diez por ciento de las personas."),
        (
            "Lo normal es 120/80 mmHg.",
            "Lo normal es ciento veinte sobre ochenta milímetros de mercurio.",
        ),
        ("Llame al 988 o al 911.", "Llame al nueve ocho ocho o al nueve uno uno."),
        ("A las 8:30 o a las 9:00.", "A las ocho y treinta o a las nueve en punto."),
        ("Tome 1/2 tableta.", "Tome media tableta."),
        ("Tome 1 vez al día.", "Tome una vez al día."),
        ("Durante 1 o 2 semanas.", "Durante una o dos semanas."),
        (
            "Durante 1-2 semanas, 1,5-2 mg.",
            "Durante una a dos semanas, uno coma cinco a dos miligramos.",
        ),
        ("Tome 3-4 veces al día.", "Tome tres a cuatro veces al día."),
        ("Tome 21 pastillas y 200 gotas.", "Tome veintiuna pastillas y doscientas gotas."),
        ("Tome 1 mg b.i.d.", "Tome un miligramo dos veces al día."),
        ("Uno de cada 1 personas.", "Uno de cada una personas."),
        ("Venga el 15/03/2024.", "Venga el quince de marzo de dos mil veinticuatro."),
    ],
    "fr": [
        (f"Prenez 1{NNBSP}000 mg.", "Prenez mille milligrammes."),
        ("Prenez 1 000 mg.", "Prenez mille milligrammes."),  # a plain space groups too
        (f"Prenez 1{NBSP}000 mg.", "Prenez mille milligrammes."),
        ("Prenez 2,5 mg.", "Prenez deux virgule cinq milligrammes."),
        (f"10{NNBSP}% des personnes.", "dix pour cent des personnes."),
        ("Tension 120/80 mmHg.", "Tension cent vingt sur quatre-vingts millimètres de mercure."),
        ("Appelez le 3114.", "Appelez le trois un un quatre."),
        ("À 8:30.", "À huit heures trente."),
        ("1 fois par jour, 1/2 comprimé.", "une fois par jour, un demi comprimé."),
        ("Pendant 1 heure, 2-3 fois.", "Pendant une heure, deux à trois fois."),
        ("Prenez 1 comprimé p.r.n.", "Prenez un comprimé au besoin."),
    ],
    "de": [
        ("Nehmen Sie 2,5 mg.", "Nehmen Sie zwei Komma fünf Milligramm."),
        ("Insgesamt 1.000 mg.", "Insgesamt eintausend Milligramm."),
        ("10 % der Menschen.", "zehn Prozent der Menschen."),
        (
            "Normal ist 120/80 mmHg.",
            "Normal ist einhundertzwanzig zu achtzig Millimeter Quecksilbersäule.",
        ),
        ("Rufen Sie 112 an.", "Rufen Sie eins eins zwei an."),
        ("Um 8:30 Uhr.", "Um acht Uhr dreißig."),
        ("1 Tablette, 3-4 Mal.", "eine Tablette, drei bis vier Mal."),
        ("1/2 Tablette t.i.d.", "eine halbe Tablette dreimal täglich."),
        (
            "Nehmen Sie 1 am Morgen, um 8:00 am Abend.",
            "Nehmen Sie eins am Morgen, um acht Uhr am Abend.",
        ),
    ],
    "pt_BR": [
        ("Tome 2,5 mg.", "Tome dois vírgula cinco miligramas."),
        ("São 1.000 mg.", "São mil miligramas."),
        ("10% das pessoas.", "dez por cento das pessoas."),
        ("Normal é 120/80 mmHg.", "Normal é cento e vinte por oitenta milímetros de mercúrio."),
        ("Ligue 188 ou 911.", "Ligue um oito oito ou nove um um."),
        ("Às 8:30.", "Às oito e trinta."),
        ("1/2 comprimido 2 vezes ao dia.", "meio comprimido duas vezes ao dia."),
        ("1 vez por dia, 200 gotas.", "uma vez por dia, duzentas gotas."),
        ("Tome 2-3 cápsulas q.i.d.", "Tome duas a três cápsulas quatro vezes ao dia."),
    ],
    "it": [
        ("Prenda 2,5 mg.", "Prenda due virgola cinque milligrammi."),
        ("Sono 1.000 mg.", "Sono mille milligrammi."),
        ("Il 10% delle persone.", "Il dieci percento delle persone."),
        ("Normale è 120/80 mmHg.", "Normale è centoventi su ottanta millimetri di mercurio."),
        ("Chiama il 112.", "Chiama il uno uno due."),
        ("Alle 8:30.", "Alle otto e trenta."),
        ("1 volta al giorno, 1/2 compressa.", "una volta al giorno, mezza compressa."),
        ("Prenda 2-3 compresse b.i.d.", "Prenda da due a tre compresse due volte al giorno."),
    ],
    "ru": [
        ("Принимайте 2,5 мг.", "Принимайте две целых пять десятых миллиграмма."),
        (f"Всего 1{NBSP}000 мг.", "Всего одна тысяча миллиграмм."),
        ("10 % людей.", "десять процентов людей."),
        (
            "Норма 120/80 мм рт. ст.",
            "Норма сто двадцать на восемьдесят миллиметров ртутного столба",
        ),
        ("Звоните 112.", "Звоните один один два."),
        ("В 8:30.", "В восемь тридцать."),
        ("1 таблетка, потом 2 таблетки.", "одна таблетка, потом две таблетки."),
        ("1/2 таблетки 3-4 раза p.r.n.", "половина таблетки три-четыре раза по необходимости."),
    ],
    "pl": [
        ("Przyjmuj 2,5 mg.", "Przyjmuj dwa przecinek pięć miligrama."),
        (f"Razem 1{NBSP}000 mg.", "Razem tysiąc miligramów."),
        ("10% osób.", "dziesięć procent osób."),
        ("Norma 120/80 mmHg.", "Norma sto dwadzieścia na osiemdziesiąt milimetrów słupa rtęci."),
        ("Zadzwoń pod 112.", "Zadzwoń pod jeden jeden dwa."),
        ("Godzina 8:30.", "Godzina ósma trzydzieści."),
        ("2 tabletki 3-4 razy dziennie.", "dwie tabletki trzy-cztery razy dziennie."),
        ("1/2 tabletki b.i.d.", "pół tabletki dwa razy dziennie."),
    ],
    "tr": [
        ("2,5 mg alın.", "iki virgül beş miligram alın."),
        ("Toplam 1.000 mg.", "Toplam bin miligram."),
        ("İnsanların %10'u.", "İnsanların yüzde on'u."),
        ("Normal 120/80 mmHg.", "Normal yüzyirmi bölü seksen milimetre cıva."),
        ("Hemen 112 arayın.", "Hemen bir bir iki arayın."),
        ("Saat 8:30.", "Saat sekiz otuz."),
        ("1/2 tablet günde 3-4 kez.", "yarım tablet günde üç dört kez."),
        ("1 tablet q.d.", "bir tablet günde bir kez."),
    ],
    # Arabic keeps digits (see test_arabic_voice_reads_digits_not_bare_words); the words
    # around them are Arabic, and CLDR's counted forms are used where it has them.
    "ar": [
        ("تناول 2.5 mg.", "تناول 2.5 مليغرام."),
        ("المجموع 1,000 mg.", "المجموع 1000 مليغرام."),
        ("10% من الناس.", "10 بالمئة من الناس."),
        ("الضغط 120/80 mmHg.", "الضغط 120 على 80 مليمتر زئبقي."),
        ("اتصل بالرقم 911.", "اتصل بالرقم 9 1 1."),
        ("الساعة 8:30.", "الساعة 8 و 30 دقيقة."),
        ("خذ 1/2 قرص 3-4 مرات.", "خذ نصف قرص من 3 إلى 4 مرات."),
        ("لمدة 2 h.", "لمدة ساعتين."),
        # counted nouns by CLDR plural category: dual, 3-10 plural, 11-99 singular
        ("خذ 2 قرص.", "خذ قرصين."),
        ("خذ 1 قرص.", "خذ قرص واحد."),
        ("لمدة 14 يوم.", "لمدة 14 يومًا."),
        ("لمدة 3 أيام.", "لمدة 3 أيام."),
        ("خذ قرصا b.i.d.", "خذ قرصا مرتين يوميًا."),
    ],
    "zh_Hans": [
        ("每次服用2.5mg。", "每次服用二点五毫克。"),
        ("共1,000 mg。", "共一千毫克。"),
        ("10%的人。", "百分之十的人。"),
        ("血压120/80 mmHg正常。", "血压一百二十比八十毫米汞柱正常。"),
        ("请拨打120。", "请拨打幺二零。"),
        ("8:30服药。", "八点三十分服药。"),
        ("8 am和8:30 pm服药。", "上午八点和下午八点三十分服药。"),
        ("每天2次，每次1/2片。", "每天两次，每次二分之一片。"),
        ("服用2小时后，每天3-4次。", "服用两小时后，每天三到四次。"),
        ("写下 2 到 3 个人的名字，不要服用 2 剂。", "写下 两 到 三 个人的名字，不要服用 两 剂。"),
        ("医嘱：b.i.d.。", "医嘱：每日两次。"),
        ("2024年3月15日复诊。", "二〇二四年三月十五日复诊。"),
    ],
    "vi": [
        ("Uống 2,5 mg.", "Uống hai phẩy năm miligam."),
        ("Tổng 1.000 mg.", "Tổng một nghìn miligam."),
        ("10% người.", "mười phần trăm người."),
        ("Huyết áp 120/80 mmHg.", "Huyết áp một trăm hai mươi trên tám mươi mi-li-mét thủy ngân."),
        ("Gọi 115.", "Gọi một một năm."),
        ("Lúc 8:30.", "Lúc tám giờ ba mươi phút."),
        ("1/2 viên 2-3 lần.", "một nửa viên hai đến ba lần."),
        ("1 viên p.r.n.", "một viên khi cần."),
    ],
}


@pytest.mark.parametrize(
    ("locale", "text", "spoken"),
    [(locale, text, spoken) for locale, cases in CASES.items() for text, spoken in cases],
)
def test_normalize_per_locale(locale: str, text: str, spoken: str) -> None:
    result = normalize_text(text, locale, load_lexicon(locale))
    assert result.text == spoken
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("locale", "text", "spoken"),
    [
        ("en", "Visit 988lifeline.org.", "Visit nine eight eight lifeline dot org."),
        ("en", "Go to www.cdc.gov/flu today.", "Go to w w w dot cdc dot gov slash flu today."),
        ("en", "Write to help@example.org.", "Write to help at example dot org."),
        ("es", "Visite 988lifeline.org.", "Visite nueve ocho ocho lifeline punto org."),
        ("es", "Escriba a ayuda@salud.gob.mx.", "Escriba a ayuda arroba salud punto gob punto mx."),
        ("fr", "Écrivez à aide@sante.fr.", "Écrivez à aide arobase sante point fr."),
        ("zh_Hans", "访问988lifeline.org。", "访问九八八 lifeline 点 org。"),
    ],
)
def test_addresses_are_said_as_people_say_them(locale: str, text: str, spoken: str) -> None:
    assert normalize(text, locale) == spoken


def test_a_link_is_spoken_by_its_text_and_the_crisis_line_digit_by_digit() -> None:
    text = "Call or text [988](tel:988) or visit [988lifeline.org](https://988lifeline.org)."
    assert normalize(text, "en") == (
        "Call or text nine eight eight or visit nine eight eight lifeline dot org."
    )


def test_configured_phone_numbers_are_read_digit_by_digit(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('[phone]\nnumbers = ["311"]\n', encoding="utf-8")
    lexicon = load_lexicon("en", lambda code: tmp_path / f"{code}.toml")
    assert normalize("Dial 311 for help, 311 mg is a dose.", "en", lexicon) == (
        "Dial three one one for help, three hundred and eleven milligrams is a dose."
    )
    config_only = load_lexicon("en").with_phone_numbers(("0800 123",))
    assert normalize("Free line 0800 123.", "en", config_only) == (
        "Free line zero eight zero zero, one two three."
    )


def test_a_crisis_number_is_not_a_quantity_but_a_dose_is() -> None:
    assert normalize("Tome 112 mg.", "es") == "Tome ciento doce miligramos."
    assert normalize("Llame al 112.", "es") == "Llame al uno uno dos."


# -- warnings instead of silent readings -----------------------------------------------------


def test_a_locale_without_number_words_is_a_warning_naming_the_token() -> None:
    # Haitian Creole: neither num2words nor our speller knows it; the voice reads digits.
    result = normalize_text("Pran 2 grenn.", "ht")
    assert result.text == "Pran 2 grenn."
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("2: there are no number words for ht")
    assert 'add [words] "2"' in result.warnings[0]


def test_an_abbreviation_or_fraction_the_locale_lacks_is_a_warning() -> None:
    result = normalize_text("Tomar 1/5 b.i.d.", "ca")  # Catalan: no shipped lexicon
    assert result.warnings == (
        "b.i.d.: a prescription abbreviation with no spoken form in ca: add "
        '[abbreviations] "b.i.d." = "…" to lexicon/ca.toml',
        '1/5: no spoken form for this fraction in ca: add [fractions] "1/5" = "…" (or a '
        "numbers.fraction template) to lexicon/ca.toml",
    )
    assert "b.i.d." in result.text and "1/5" in result.text  # left as written, not spelled


def test_a_unit_without_a_name_is_a_warning() -> None:
    result = normalize_text("Give 20 mEq.", "es")
    assert result.text == "Give veinte mEq."
    assert result.warnings == (
        '20 mEq: no spoken name for the unit mEq in es: add [units] "mEq" = '
        '["…", "…"] (singular, plural) to lexicon/es.toml',
    )


def test_missing_templates_are_warnings_with_an_example() -> None:
    result = normalize_text("Presió 120/80, 2-3 vegades.", "ca")
    assert [w.split(":")[0] for w in result.warnings] == ["120/80", "2-3"]
    assert "numbers.blood_pressure template" in result.warnings[0]


# -- Arabic: digits, measured ----------------------------------------------------------------


def _phonemes(text: str, voice: str) -> str:
    from toolkit.audio.engines.espeak import _lib

    library = _lib()
    lib = library.lib
    lib.espeak_TextToPhonemes.argtypes = [
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    with library.lock:
        library.select(voice)
        buffer = ctypes.create_string_buffer(text.encode())
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        out = []
        while pointer.value:
            out.append((lib.espeak_TextToPhonemes(ctypes.byref(pointer), 1, 0x02) or b"").decode())
    return " ".join(out)


def test_arabic_voice_reads_digits_not_bare_words() -> None:
    """The measurement behind ar.toml's `spell = "digits"`: espeak-ng reads 3-9 written as
    digits with their vowels, and num2words' undiacritized words as consonant clusters."""
    from num2words import num2words

    vowels = re.compile("[aeiouɑæɐ]ː?")  # one per syllable nucleus
    for n in (3, 4, 5, 6, 7, 9):
        digits = _phonemes(str(n), "ar")
        words = _phonemes(num2words(n, lang="ar"), "ar")
        assert len(vowels.findall(digits)) >= 2, (n, digits)
        assert len(vowels.findall(words)) <= 1, (n, words)
    assert normalize("خذ 6 أقراص.", "ar") == "خذ 6 أقراص."


# -- the rest ----------------------------------------------------------------------------------


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


def test_sentences_one_per_line() -> None:
    lines = [n.text for n in normalize_sentences("Take 2 mg. Call 988.\n\nRest.", "en")]
    assert lines == ["Take two milligrams.", "Call nine eight eight.", "Rest."]


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
    assert lexicon.sources == (
        "toolkit/data/lexicon/all.toml",
        "toolkit/data/lexicon/en.toml",
        str(folder / "en.toml"),
    )
    assert normalize("5 mL", "en", lexicon) == "five milliliters"  # CLDR, untouched


def test_broken_lexicon_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "es.toml"
    broken.write_text('[words]\nketamina = "ke-ta-MI-na"\nmal = \n', encoding="utf-8")
    with pytest.raises(ToolkitError, match=rf"^{broken}:3: not valid TOML"):
        load_lexicon("es", lambda code: tmp_path / f"{code}.toml")


def test_lexicon_entry_of_wrong_shape(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text(
        '[units]\nmg = 5\n[voices]\nx = "y"\n[nouns]\nvez = "female"\n', encoding="utf-8"
    )
    with pytest.raises(ToolkitError) as caught:
        load_lexicon("en", lambda code: tmp_path / f"{code}.toml")
    assert "units.mg: expected a string or [singular, plural], got 5" in str(caught.value)
    assert "[voices]: unknown table" in str(caught.value)
    assert "nouns.vez: expected one of feminine, masculine, measure, got 'female'" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (
            '[numbers]\nrange = "{c} to {b}"',
            "uses {c}, which is not allowed here (allowed: {a}, {b})",
        ),
        (
            '[numbers]\nrange = "{a.__class__.__mro__} to {b}"',
            "uses {a.__class__.__mro__}, which is not allowed here",
        ),
        ('[numbers]\nrange = "{a[0]} to {b}"', "uses {a[0]}, which is not allowed here"),
        ('[numbers]\nrange = "{0} to {b}"', "uses {0}, which is not allowed here"),
        ('[numbers]\nrange = "{a!r} to {b}"', "without a conversion or format spec"),
        ('[numbers]\nrange = "{a:>99999} to {b}"', "without a conversion or format spec"),
        ('[numbers]\nrange = "{a to {b}"', "is not a valid template"),
        ('[units]\nmg = "{n.real} milligrams"', "uses {n.real}, which is not allowed here"),
        (
            '[abbreviations]\n"q.d." = "{x}"',
            "uses {x}, which is not allowed here (allowed: no fields)",
        ),
    ],
)
def test_templates_are_limited_to_their_named_fields(
    tmp_path: Path, entry: str, reason: str
) -> None:
    path = tmp_path / "en.toml"
    path.write_text(entry + "\n", encoding="utf-8")
    with pytest.raises(ToolkitError) as caught:
        load_lexicon("en", lambda code: tmp_path / f"{code}.toml")
    message = str(caught.value)
    assert message.startswith(f"{path}: 1 problem(s) in the pronunciation lexicon:")
    key = entry.split("\n")[1].split(" =")[0].strip('"')
    table = entry.split("]")[0].strip("[")
    assert f"{table}.{key}: " in message and reason in message


def test_counted_nouns_are_checked(tmp_path: Path) -> None:
    (tmp_path / "ar.toml").write_text(
        '[counted]\n"قرص" = { two = "قرصين" }\n"يوم" = { other = "{n} يوم", dual = "x" }\n'
        '"أيام" = "سنة"\n',
        encoding="utf-8",
    )
    with pytest.raises(ToolkitError) as caught:
        load_lexicon("ar", lambda code: tmp_path / f"{code}.toml")
    message = str(caught.value)
    assert (
        "counted.قرص: expected a table of CLDR plural categories with at least 'other'" in message
    )
    assert "counted.يوم.dual: not a CLDR plural category" in message
    assert "counted.أيام: 'سنة' is not a noun of this table" in message


def test_lexicons_ship_for_the_tested_locales() -> None:
    for locale in CASES:
        lexicon = load_lexicon(locale)
        assert lexicon.numbers["range"] and lexicon.abbreviations["b.i.d."], locale
        assert lexicon.symbols["."] or locale == "ar", locale
