"""Numbers and units as values: what must survive translation of a dose.

`2.5 mg` (English), `2,5 mg` (Spanish) and `٢٫٥ mg` (Arabic-Indic digits) are the same
quantity; `25 mg` is not. Each number is read with the separators of its own locale (from
Babel's CLDR data), falling back to the other convention when the locale's reading is
impossible (`2.5` in Spanish text is still 2.5, since `.` groups thousands in threes there).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .vocab import TIMES, Vocabulary

# Unit symbols (and their usual spellings in other scripts) -> one canonical symbol. Only
# symbols count: spelled-out names ("milligrams") are words a translator translates.
_UNITS: dict[str, str] = {
    "mg": "mg",
    "mcg": "mcg",
    "μg": "mcg",
    "ug": "mcg",
    "g": "g",
    "kg": "kg",
    "ng": "ng",
    "ml": "mL",
    "l": "L",
    "dl": "dL",
    "cc": "mL",
    "mmhg": "mmHg",
    "mmol": "mmol",
    "mol": "mol",
    "meq": "mEq",
    "iu": "IU",
    "ui": "IU",
    "ie": "IU",
    "%": "%",
    "٪": "%",
    "°c": "°C",
    "°f": "°F",
    "°": "°",  # an angle or a temperature: "180°" is not "180" (a pofilter case)
    "mm hg": "mmHg",
    "cm": "cm",
    "mm": "mm",
    "kcal": "kcal",
    # Cyrillic, Arabic and Chinese spellings that medical texts in those languages use
    "мг": "mg",
    "мкг": "mcg",
    "г": "g",
    "кг": "kg",
    "мл": "mL",
    "л": "L",
    "ммоль": "mmol",
    "мм рт. ст.": "mmHg",
    "мм рт.ст.": "mmHg",
    "ме": "IU",
    "ед": "IU",
    "ملغ": "mg",
    "ملغم": "mg",
    "ملجم": "mg",
    "مجم": "mg",
    "مل": "mL",
    "كغ": "kg",
    "كجم": "kg",
    "毫克": "mg",
    "微克": "mcg",
    "克": "g",
    "公斤": "kg",
    "千克": "kg",
    "毫升": "mL",
    "升": "L",
    "毫米汞柱": "mmHg",
}
_PER = ("kg", "l", "dl", "ml", "d", "h", "day", "min")


_WORD_GOES_ON = r"(?!(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])[^\W\d_])"


def _alternation(names: list[str]) -> str:
    """The names, longest first, as one alternation. A Latin or Cyrillic symbol must end the
    word ("5 g" but not "5 gotas"); scripts written without spaces cannot have that rule, so
    a Han, kana or Hangul letter may follow ("2 L飲む", "20%の人", "20%의").

    The word-end look-ahead follows the group of the symbols that need it, once: written
    after each of them (as it was), it made this the slowest pattern to compile in the
    toolkit (0.26 s of every command's start, for its case-insensitive character classes).
    The matches are the same: when a symbol's look-ahead fails the engine backtracks into
    the group and tries the next symbol, as before; and every ideographic name begins with a
    Han character, which no other name begins with (in either case), so putting them in a
    group of their own changes no choice between two names (tests/test_check_speed.py
    compares the two patterns)."""
    ordered = sorted(names, key=len, reverse=True)
    ideographic = [n for n in ordered if any(_is_cjk(ch) for ch in n)]
    spaced = [n for n in ordered if n not in ideographic]
    parts = ["(?:" + "|".join(map(re.escape, spaced)) + ")" + _WORD_GOES_ON] if spaced else []
    return "|".join(parts + [re.escape(n) for n in ideographic])


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK")


_UNIT = re.compile(
    r"\s?(?P<unit>(?:"
    + _alternation(list(_UNITS))
    + r")(?:/(?:"
    + _alternation(list(_PER))
    + r"))?)",
    re.IGNORECASE,
)
_PERCENT_BEFORE = re.compile(r"[%٪]\s?$")  # Turkish and others write %50
_ARABIC_DECIMAL, _ARABIC_GROUP = "\u066b", "\u066c"
_TYPOGRAPHIC_GROUP = re.compile(r"(?<=\d)[\u00a0\u202f\u2009](?=\d)")
_SPACE_MARK = "\ue000"  # a private-use character NFKC leaves alone
# a phone number spelled in groups (9-1-1, 1-800-273-8255) is one digit string
# (a digit, Latin letter or separator next to it makes it something else; CJK text may touch)
_PHONE = re.compile(r"(?<![\dA-Za-z.,\-/])\d{1,4}(?:[-\u2010\u2011]\d{1,4}){2,}(?![\dA-Za-z\-/])")
#: dose forms a sentence names once for several numbers ("2 tablets ... and 1 at night")
ELIDED_UNITS = frozenset({"tablet", "drop", "puff"})
_NUMBER_BEFORE = re.compile(r"\d[\s\u00a0]?$")
# a decimal without its leading zero (".5 mg", an ISMP do-not-use style)
_NAKED = re.compile(r"(?<![\w.,])[.,](?=\d)")


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str  #: canonical unit symbol, "" for a bare number
    written: str  #: as written, for messages
    digits: bool = True  #: False for a number written in words ("dos", "两", "twice")
    position: int = 0  #: where it starts in the text

    def label(self) -> str:
        return f"{self.written} {self.unit}".strip() if self.unit else self.written


@lru_cache(maxsize=64)
def separators(locale: str) -> tuple[str, str]:
    """(decimal, group) symbols of `locale`'s Latin digits, per CLDR."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    group = unicodedata.normalize("NFKC", get_group_symbol(locale, numbering_system="latn"))
    return get_decimal_symbol(locale, numbering_system="latn"), group


@lru_cache(maxsize=64)
def _number_pattern(decimal: str, group: str) -> re.Pattern[str]:
    # a plain space separates thousands only where the locale groups with a space (fr, ru) or
    # writes a decimal comma (es, de: the SI style "10 000"), and only before exactly three
    # digits: "take 2 100 mg tablets" stays rare enough
    spaced = group.isspace() or decimal == ","
    space = r"|\s(?=\d{3}(?!\d))" if spaced else ""
    return re.compile(rf"\d+(?:(?:[.,'’{_ARABIC_DECIMAL}{_ARABIC_GROUP}{_SPACE_MARK}]{space})\d+)*")


def normalized(text: str) -> str:
    """`text` as the number readers see it: typographic group spaces marked, NFKC forms."""
    # no-break and thin spaces between digits always group thousands (10\u202f000); NFKC would
    # make them plain spaces, so they are marked first
    if "\u00a0" in text or "\u202f" in text or "\u2009" in text:  # (the pattern is slow)
        text = _TYPOGRAPHIC_GROUP.sub(_SPACE_MARK, text)
    return unicodedata.normalize("NFKC", text)  # fullwidth digits, ㎎, ℃ -> plain forms


def quantities(text: str, locale: str, vocab: Vocabulary | None = None) -> list[Quantity]:
    """Every number in `text` (already stripped of URLs and code) with its unit, if any.

    Units are symbols (`mg`, `%`, `°`) and, with `vocab`, the locale's unit names (CLDR's
    and the data file's: `miligramos`, `phút`, `mm Hg`, `por ciento`).
    """
    return list(_quantities(text, locale, vocab))


#: every character that is a digit or holds one in its compatibility decomposition
#: (² ½ ① ㎟ 🄁 ...: NFKC, in `normalized`, makes digits of them); a text without any holds
#: no number (tests/test_qa_speed.py checks the list against every code point)
_MAY_HOLD_DIGIT = re.compile(
    "[\\d\u00b2\u00b3\u00b9\u00bc-\u00be\u2070\u2074-\u2079\u2080-\u2089\u2150-\u215f"
    "\u2189\u2460-\u249b\u24ea\u3251-\u325f\u32b1-\u32cb\u3358-\u3370\u3378\u3379"
    "\u339f-\u33a6\u33a8\u33af\u33e0-\u33fe\U0001f100-\U0001f10a]"
)


@lru_cache(maxsize=4096)
def _quantities(text: str, locale: str, vocab: Vocabulary | None) -> tuple[Quantity, ...]:
    if not _MAY_HOLD_DIGIT.search(text):
        return ()  # most strings: no digit, so no number to find (nor normalize for)
    text = normalized(text)
    if vocab is not None and vocab.not_numbers is not None:  # Japanese only
        text = vocab.not_numbers.sub(lambda m: " " * len(m.group()), text)
    decimal, group = separators(locale)
    found: list[Quantity] = []
    dashed = "-" in text or "\u2010" in text or "\u2011" in text
    phones = {m.start(): m for m in _PHONE.finditer(text)} if dashed else {}
    skip_to = -1
    for match in _number_pattern(decimal, group).finditer(text):
        if match.start() < skip_to:
            continue
        phone = phones.get(match.start())
        if phone is not None:
            skip_to = phone.end()
            digits = "".join(str(unicodedata.decimal(ch)) for ch in phone.group() if ch.isdecimal())
            found.append(Quantity(Decimal(digits), "", phone.group(), True, match.start()))
            continue
        written = match.group().replace(_SPACE_MARK, "\u202f")
        naked = match.start() > 0 and _NAKED.match(text, match.start() - 1) is not None
        unit = unit_after(text, match.end(), vocab) or unit_before(text, match.start(), vocab)
        if not unit and _PERCENT_BEFORE.search(text, 0, match.start()):
            unit = "%"
        if naked:
            written = text[match.start() - 1] + written
            values = [_plain(Decimal("0." + re.sub(r"\D", "", match.group())))]
        else:
            values = read_number(written, decimal, group)
        for value in values:
            found.append(Quantity(value, unit, written, True, match.start()))
    return tuple(found)


def unit_after(text: str, pos: int, vocab: Vocabulary | None) -> str:
    """The canonical unit written right after `pos`, or ""."""
    unit_match = _UNIT.match(text, pos)
    if unit_match:
        unit = _UNITS[_unit_key(unit_match.group("unit"))]
        if "/" in unit_match.group("unit"):
            per = unit_match.group("unit").split("/", 1)[1].lower()
            unit += "/" + _UNITS.get(per, per)
        return unit
    if vocab is not None:
        named = vocab.unit_at(text, pos)
        if named is not None:
            return named[0]
    return ""


def unit_before(text: str, pos: int, vocab: Vocabulary | None) -> str:
    """A unit written before its number (Chinese 百分之二十, 20 %), from `[units.prefixes]`."""
    if vocab is None:
        return ""
    for prefix, unit in vocab.unit_prefixes.items():
        if text.endswith(prefix, 0, pos):
            return unit
    return ""


def word_quantities(text: str, vocab: Vocabulary) -> list[Quantity]:
    """Numbers written in words (`dos`, `veinticinco`, `两`, `二点五`, Arabic duals, `twice`),
    each with the unit written after it."""
    return list(_word_quantities(text, vocab))


@lru_cache(maxsize=4096)
def _word_quantities(text: str, vocab: Vocabulary) -> tuple[Quantity, ...]:
    text = normalized(text)
    found: list[Quantity] = []
    for start, end, kind in vocab.number_spans(text):
        read = vocab.word_value(text[start:end])
        if read is None:
            continue
        value, unit = read
        if kind == "i":
            if _NUMBER_BEFORE.search(text, 0, start):
                continue  # "2 مرة": the word is the unit of the number before it
        else:
            unit = unit_after(text, end, vocab) or unit_before(text, start, vocab)
        found.append(Quantity(_plain(value), unit, text[start:end], False, start))
    found.sort(key=lambda q: q.position)
    return tuple(found)


def _unit_key(unit: str) -> str:
    return unit.split("/", 1)[0].lower()


def read_number(written: str, decimal: str, group: str) -> list[Decimal]:
    """The value(s) of one run of digits and separators, read the locale's way if possible."""
    digits = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else _separator(ch) for ch in written
    )
    other = {".": ",", ",": "."}
    for dec, grp in ((decimal, group), (other.get(decimal, "."), other.get(decimal, ","))):
        value = _read(digits, dec, grp)
        if value is not None:
            return [value]
    # neither reading works (a date 05.01.2024, a version 1.2.3): the parts are numbers
    return [_plain(Decimal(part)) for part in re.findall(r"\d+", digits)]


def _separator(ch: str) -> str:
    if ch == _ARABIC_DECIMAL:
        return "D"  # always the decimal point, whatever the locale
    if ch == _ARABIC_GROUP:
        return "G"
    return " " if ch.isspace() else ch.replace("’", "'")


def _read(digits: str, decimal: str, group: str) -> Decimal | None:
    parts = re.split(r"(\D)", digits)
    numbers, seps = parts[0::2], parts[1::2]
    integer, fraction = numbers, []
    kinds = [
        "D" if s in ("D", decimal) else "G" if s in ("G", group, "'", " ") else "?" for s in seps
    ]
    if "?" in kinds or kinds.count("D") > 1:
        return None
    if "D" in kinds:
        if kinds[-1] != "D":
            return None
        integer, fraction = numbers[:-1], numbers[-1:]
    # grouping: 1-3 digits first, then groups of exactly three (1,000,000)
    if len(integer) > 1 and (len(integer[0]) > 3 or any(len(g) != 3 for g in integer[1:])):
        return None
    return _plain(Decimal("".join(integer) + ("." + fraction[0] if fraction else "")))


def _plain(value: Decimal) -> Decimal:
    """2.50 -> 2.5 and 120 -> 120 (not 1.2E+2): equal values compare and print alike."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def compare(
    source: list[Quantity],
    target: list[Quantity],
    source_words: list[Quantity] = (),  # type: ignore[assignment]
    target_words: list[Quantity] = (),  # type: ignore[assignment]
) -> tuple[list[str], list[str], list[str]]:
    """(numbers missing from target, numbers extra in target, units lost or changed).

    Numbers in digits must be matched; a number in words on the other side matches one of
    the same value ("2" and "dos", "两", an Arabic dual), but a number in words is never
    required (Spanish "una" is also the article). Counts of times ("3 times") are left to
    the frequency check.
    """
    # the usual case: the same numbers with the same units, nothing to pair
    if (
        not source_words
        and not target_words
        and sorted((q.value, q.unit) for q in source) == sorted((q.value, q.unit) for q in target)
    ):
        return [], [], []
    source = [q for q in source if q.unit != TIMES]
    target = [q for q in target if q.unit != TIMES]
    source_words = [q for q in source_words if q.unit != TIMES]
    target_words = [q for q in target_words if q.unit != TIMES]
    src_digits = Counter(q.value for q in source)
    tgt_digits = Counter(q.value for q in target)
    src_all = src_digits + Counter(q.value for q in source_words)
    tgt_all = tgt_digits + Counter(q.value for q in target_words)
    missing = _written(source, Counter({v: n - tgt_all[v] for v, n in src_digits.items()}))
    extra = _written(target, Counter({v: n - src_all[v] for v, n in tgt_digits.items()}))
    return missing, extra, unit_changes(source, target + list(target_words), source_words)


def unit_changes(
    source: list[Quantity],
    target: list[Quantity],
    source_words: list[Quantity] = (),  # type: ignore[assignment]
    with_units: bool = False,
    unnamed: frozenset[str] = frozenset(),
) -> list[Any]:
    """Units of the source's numbers that the translation lost or changed: "5 minutes" became
    "5 horas" (a unit the translation adds to a bare number is no error). `unnamed`: units
    the translation's language has no known names for (no data file lists its word for
    "tablet"): a number there without a unit we can read has not lost it."""
    if not source_words and all(not q.unit for q in source):
        return []
    available = Counter((q.value, q.unit) for q in target)
    changes = []
    spelled = [q for q in source_words if q.unit]
    for q in [*source, *spelled]:
        if not q.unit or q.unit == TIMES:
            continue
        if available[(q.value, q.unit)] > 0:
            available[(q.value, q.unit)] -= 1
            continue
        other = [t for t in target if t.value == q.value and t.unit != q.unit]
        if other and other[0].unit and other[0].unit != TIMES:
            change = f'"{q.label()}" became "{other[0].label()}"'
        elif other and q.digits:
            if q.unit in unnamed:
                continue  # "1 таблетку": named in words no table here knows
            if q.unit in ELIDED_UNITS and any(t.unit == q.unit for t in target):
                continue  # "2 tablets in the morning and 1 [tablet] at night"
            change = f'"{q.label()}" lost its unit {q.unit}'
        else:
            continue
        changes.append((q.unit, change) if with_units else change)
    return changes


def _written(found: list[Quantity], counts: Counter[Decimal]) -> list[str]:
    """How the numbers counted in `counts` were written, in text order."""
    left = Counter(counts)
    out = []
    for q in found:
        if left[q.value] > 0:
            left[q.value] -= 1
            out.append(q.written)
    return out
