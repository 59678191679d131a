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


def _alternation(names: list[str]) -> str:
    parts = []
    for name in sorted(names, key=len, reverse=True):
        # a Latin or Cyrillic symbol must end the word ("5 g" but not "5 gotas"); scripts
        # written without spaces cannot have that rule
        ideographic = any(unicodedata.name(ch, "").startswith("CJK") for ch in name)
        parts.append(re.escape(name) + ("" if ideographic else r"(?![^\W\d_])"))
    return "|".join(parts)


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


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str  #: canonical unit symbol, "" for a bare number
    written: str  #: as written, for messages

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


def quantities(text: str, locale: str) -> list[Quantity]:
    """Every number in `text` (already stripped of URLs and code) with its unit, if any."""
    # no-break and thin spaces between digits always group thousands (10\u202f000); NFKC would
    # make them plain spaces, so they are marked first
    text = _TYPOGRAPHIC_GROUP.sub(_SPACE_MARK, text)
    text = unicodedata.normalize("NFKC", text)  # fullwidth digits, ㎎, ℃ -> plain forms
    decimal, group = separators(locale)
    found: list[Quantity] = []
    for match in _number_pattern(decimal, group).finditer(text):
        written = match.group().replace(_SPACE_MARK, "\u202f")
        unit_match = _UNIT.match(text, match.end())
        unit = _UNITS[_unit_key(unit_match.group("unit"))] if unit_match else ""
        if unit_match and "/" in unit_match.group("unit"):
            per = unit_match.group("unit").split("/", 1)[1].lower()
            unit += "/" + _UNITS.get(per, per)
        if not unit and _PERCENT_BEFORE.search(text, 0, match.start()):
            unit = "%"
        for value in read_number(written, decimal, group):
            found.append(Quantity(value, unit, written))
    return found


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
    source: list[Quantity], target: list[Quantity]
) -> tuple[list[str], list[str], list[str]]:
    """(numbers missing from target, numbers extra in target, units lost or changed)."""
    src_values = Counter(q.value for q in source)
    tgt_values = Counter(q.value for q in target)
    missing = _written(source, src_values - tgt_values)
    extra = _written(target, tgt_values - src_values)
    units: list[str] = []
    if not missing and not extra:
        src_pairs = Counter((q.value, q.unit) for q in source)
        tgt_pairs = Counter((q.value, q.unit) for q in target)
        for value, unit in sorted((src_pairs - tgt_pairs).elements(), key=str):
            before = next(q for q in source if q.value == value and q.unit == unit)
            after = [q for q in target if q.value == value and (q.value, q.unit) not in src_pairs]
            if after and after[0].unit:
                units.append(f'"{before.label()}" became "{after[0].label()}"')
            else:
                units.append(f'"{before.label()}" lost its unit {unit}')
    return missing, extra, units


def _written(found: list[Quantity], counts: Counter[Decimal]) -> list[str]:
    """How the numbers counted in `counts` were written, in text order."""
    left = Counter(counts)
    out = []
    for q in found:
        if left[q.value] > 0:
            left[q.value] -= 1
            out.append(q.written)
    return out
