"""Text normalization before synthesis: what a voice should say for what the page shows.

Speech engines read "2.5 mg" as "two dot five em-gee", "988" as a quantity and "1/2" as
"one slash two". Every sentence is rewritten per locale before it reaches an engine:

- number symbols (decimal and group marks, including narrow no-break and plain spaces) and
  unit names come from CLDR through Babel; number words from num2words (our speller for
  Chinese), in the form the following noun needs (lexicon [nouns]: feminine nouns, Chinese
  measure words);
- what CLDR and num2words do not know comes from the pronunciation lexicon (see
  `toolkit.audio.lexicon`): templates for ranges, readings and times, prescription
  abbreviations, fractions, the names of "." and "@", crisis lines and "call" words;
- phone numbers, crisis lines and codes are read digit by digit; web and e-mail addresses
  as a person says them ("nine eight eight lifeline dot org");
- where the locale lacks what a token needs, the token is left as written and a warning
  names it and what to add: never a silent reading by the wrong rules.

The passes run in a fixed order (the earlier ones protect what the later would misread):
Markdown -> lexicon words -> addresses -> phone numbers -> times -> abbreviations -> dates
-> blood pressure -> fractions -> ranges -> numbers with units -> ordinals -> other numbers.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from ..locales import normalize_locale
from .lexicon import Lexicon, load_lexicon
from .spell import (
    can_spell,
    point_word,
    polish_feminine_ordinal,
    spell_chinese,
    spell_integer,
    spell_russian_decimal,
)

__all__ = [
    "Lexicon",
    "Normalized",
    "load_lexicon",
    "normalize",
    "normalize_text",
    "spell_chinese",
    "spell_integer",
    "strip_markdown",
]

#: unit symbols as written (any locale) -> CLDR unit ids. CLDR's own short and narrow symbols
#: for the locale (мг, 毫克, مغم) are added per locale; the lexicon's [units] override names.
UNIT_IDS = {
    "mg": "mass-milligram",
    "mcg": "mass-microgram",
    "µg": "mass-microgram",
    "μg": "mass-microgram",
    "g": "mass-gram",
    "kg": "mass-kilogram",
    "lb": "mass-pound",
    "mL": "volume-milliliter",
    "ml": "volume-milliliter",
    "L": "volume-liter",
    "l": "volume-liter",
    "dL": "volume-deciliter",
    "cL": "volume-centiliter",
    "mmHg": "pressure-millimeter-ofhg",
    "mm Hg": "pressure-millimeter-ofhg",
    "mm": "length-millimeter",
    "cm": "length-centimeter",
    "m": "length-meter",
    "km": "length-kilometer",
    "%": "concentr-percent",
    "°C": "temperature-celsius",
    "°F": "temperature-fahrenheit",
    "h": "duration-hour",
    "min": "duration-minute",
    "kcal": "energy-kilocalorie",
    "mmol/L": "concentr-millimole-per-liter",
    "mmol/l": "concentr-millimole-per-liter",
    "mg/dL": "concentr-milligram-ofglucose-per-deciliter",
    "mg/dl": "concentr-milligram-ofglucose-per-deciliter",
}
#: unit-like symbols CLDR has no name for: a locale whose lexicon lacks them gets a warning
UNNAMED_UNITS = ("IU", "UI", "mEq", "U", "bpm", "mmol")
#: prescription abbreviations (Latin, used worldwide): a locale whose lexicon has no spoken
#: form for one gets a warning instead of hearing it spelled out
RX_ABBREVIATIONS = (
    "q.d.",
    "b.i.d.",
    "t.i.d.",
    "q.i.d.",
    "p.r.n.",
    "q.h.s.",
    "h.s.",
    "p.o.",
    "q.o.d.",
    "a.c.",
    "p.c.",
    "q.h.",
    "q.4h.",
    "q.6h.",
    "q.8h.",
    "s.l.",
)
_TLDS = (
    "com|org|net|gov|edu|info|int|mil|io|health|us|uk|ca|au|nz|ie|es|mx|ar|co|cl|pe|fr|de|at|"
    "ch|it|pt|br|ru|pl|tr|cn|tw|hk|vn|eu|nl|be|jp|kr|in|sa|ae|eg"
)
_SPACE = "[ \u00a0\u202f]"


@dataclass(frozen=True)
class Normalized:
    """One text as the voice is given it, and what the locale could not say."""

    text: str
    warnings: tuple[str, ...] = ()


# -- Markdown ------------------------------------------------------------------------------

_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])"), r"\1"),
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.M), ""),
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),
    (re.compile(r"^\s*[-*+]\s+", re.M), ""),
    (re.compile(r"<[^>\n]+>"), ""),  # raw HTML tags
    (re.compile(r"\s*\|\s*"), ", "),  # table pipes: a short pause
    (re.compile(r"https?://"), ""),  # a URL is spoken from its host on
]


def strip_markdown(text: str) -> str:
    """Remove Markdown syntax the plain-text renderer may have left: it is never spoken."""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text.strip(" ,")


def _ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and full-width digits -> 0-9; Arabic decimal/thousands marks."""

    def digit(ch: str) -> str:
        value = unicodedata.digit(ch, None)
        return str(value) if value is not None and not ch.isascii() else ch

    text = "".join(digit(ch) if ch.isdigit() else ch for ch in text)
    return text.replace("\u066b", ".").replace("\u066c", ",").replace("\u066a", "%")


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def _alternation(keys: Iterable[str], *, ignore_case: bool) -> re.Pattern[str] | None:
    parts = []
    for key in sorted(keys, key=len, reverse=True):
        if not key:
            continue
        # "h.s." is not the end of "q.h.s.": a dot before the key is part of a longer one
        before = "" if _is_cjk(key[0]) or not key[0].isalnum() else r"(?<![\w.])"
        after = "" if _is_cjk(key[-1]) or not key[-1].isalnum() else r"(?!\w)"
        parts.append(before + re.escape(key) + after)
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE if ignore_case else 0)


# -- CLDR ----------------------------------------------------------------------------------


@cache
def _symbols(locale: str) -> tuple[str, str]:
    """(decimal mark, group mark) of `locale` in Latin digits, from CLDR."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return (
        get_decimal_symbol(locale, numbering_system="latn"),
        get_group_symbol(locale, numbering_system="latn"),
    )


@cache
def _cldr_symbols(locale: str) -> dict[str, str]:
    """The locale's own written unit symbols (short and narrow CLDR forms) -> unit id."""
    from babel.units import format_unit

    found: dict[str, str] = {}
    for unit in sorted(set(UNIT_IDS.values())):
        for length in ("short", "narrow"):
            try:
                shown = format_unit(1, unit, length=length, locale=locale)
            except Exception:  # noqa: BLE001 - Babel raises several kinds for missing data
                continue
            symbol = shown.replace("1", "").strip(" \u00a0\u202f")
            if symbol and unit not in symbol and not symbol.isascii():
                found.setdefault(symbol, unit)
    return found


@cache
def _cldr_unit(value: Decimal, unit: str, locale: str) -> str | None:
    """CLDR's words for `value` `unit` with `{n}` where the number goes ("{n} milligrams"),
    or the whole phrase when CLDR writes the number into the word (Arabic ساعتان), or None
    when CLDR has no spoken name (only a symbol, or nothing)."""
    from babel.numbers import format_decimal
    from babel.units import format_unit

    shown_number = format_decimal(value, locale=locale, numbering_system="latn")
    for length in ("long", "short"):
        try:
            shown = format_unit(value, unit, length=length, locale=locale)
        except Exception:  # noqa: BLE001
            continue
        if unit in shown:
            continue  # Babel's fallback: the id itself
        words = shown.replace(shown_number, "{n}", 1)
        if not any(ch.isalpha() for ch in words.replace("{n}", "")):
            continue  # only a symbol (Arabic 2٪)
        return words.replace("\u00a0", " ").replace("\u202f", " ")
    return None


# -- the normalizer ------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _plural_category(locale: str, value: Decimal) -> str:
    """CLDR's plural category of `value` in `locale` (Arabic: zero one two few many other)."""
    from babel import Locale

    return Locale.parse(locale).plural_form(value)


@cache
def _percent_first(locale: str) -> bool:
    from babel.numbers import format_percent

    return format_percent(0.1, locale=locale).lstrip("\u200e\u200f\u061c").startswith("%")


@dataclass(frozen=True)
class _Parsed:
    whole: int
    decimals: str  #: the digits after the decimal mark, as written ("05" in 2.05)

    @property
    def is_one(self) -> bool:
        return self.whole == 1 and not self.decimals.strip("0")

    @property
    def value(self) -> Decimal:
        return Decimal(f"{self.whole}.{self.decimals or 0}")


class _Normalizer:
    def __init__(self, locale: str, lexicon: Lexicon) -> None:
        self.locale = normalize_locale(locale)
        self.language = self.locale.split("_")[0]
        self.lex = lexicon
        self.n = dict(lexicon.numbers)
        self.digits_only = self.n.get("spell") == "digits"
        self.joiner = "" if self.language in ("zh", "ja") else " "
        self.decimal_mark, self.group_mark = _symbols(self.locale)
        group = "[ \u00a0\u202f]" if self.group_mark.strip() == "" else re.escape(self.group_mark)
        # a number: digits grouped in threes by the locale's group mark (any space when the
        # mark is a space), or by "," / "." (translators keep "1,000" / "2.5" as written)
        self.number_re = rf"\d{{1,3}}(?:{group}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*"
        self.warnings: list[str] = []
        self.words = _alternation(lexicon.words, ignore_case=True)
        self.abbreviations = _alternation(lexicon.abbreviations, ignore_case=False)
        self.rx_unknown = _alternation(
            [a for a in RX_ABBREVIATIONS if a not in lexicon.abbreviations], ignore_case=True
        )
        symbols = {**UNIT_IDS, **_cldr_symbols(self.locale)}
        self.unit_ids = symbols
        units = sorted(
            {*symbols, *lexicon.units, *lexicon.counted, *UNNAMED_UNITS}, key=len, reverse=True
        )
        unit = "|".join(re.escape(u) for u in units)
        self.unit_alternation = unit
        # a unit is not the start of a longer word of its own script (Arabic مل in ملاعق)
        # (any letter but a CJK one: 10%的人 and 5 mg。 are units, 3 lần is not a liter)
        tail = r"(?!(?![\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af])[^\W\d_])"
        # groups: minus sign, number, unit, and after "/" an optional number and a unit
        # ("100 mg/5 mL", "0.25 mg/kg")
        self.unit_pattern = re.compile(
            rf"(?<![0-9A-Za-z.,])((?<!\w)-)?({self.number_re}){_SPACE}?({unit})"
            rf"(?:/(?:({self.number_re}){_SPACE}?)?({unit}))?{tail}"
        )
        self.nouns = lexicon.nouns
        self.call_words = _alternation(lexicon.call_words, ignore_case=True)
        self.phone_list = _alternation([n for n in lexicon.phone_numbers], ignore_case=False)

    # -- warnings and numbers --------------------------------------------------------------

    @staticmethod
    def keep(token: str) -> str:
        """`token` left as written: its digits hidden from the later number passes."""
        return token.translate(_HIDE)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def where(self) -> str:
        return f"lexicon/{self.locale}.toml"

    def parse(self, text: str) -> _Parsed | None:
        """Read "1,000", "2.5", "2,5", "1 000,5" the way a reader of the locale would.

        The locale's decimal mark (CLDR) is decimal; its group mark followed by exactly three
        digits groups thousands; "," or "." followed by other than three digits is read as a
        decimal mark (translators often keep "2.5" in a Spanish sentence).
        """
        text = re.sub(r"[ \u00a0\u202f](?=\d{3}\b)", "", text)
        pieces = re.split(r"([.,])", text)
        numbers, marks = pieces[0::2], pieces[1::2]
        whole, decimals = numbers[0], ""
        for i, mark in enumerate(marks):
            digits = numbers[i + 1]
            last = i == len(marks) - 1
            if mark != self.decimal_mark and len(digits) == 3:
                whole += digits  # "1,000" in English, "1.000" in Spanish
            elif last:
                decimals = digits  # "2,5" in Spanish, and "2.5" kept as written there
            else:
                return None  # "1.2.3": a version or a list, not a number
        return _Parsed(int(whole), decimals)

    def integer(self, n: int, gender: str | None = None, how: str = "cardinal") -> str:
        if self.digits_only:
            return str(n)
        if not can_spell(self.locale):
            self.warn(
                f"{n}: there are no number words for {self.locale} (num2words 0.5.14 lacks "
                f"it): the voice reads the digits its own way; to choose the words, add "
                f'[words] "{n}" = "…" to {self.where()}'
            )
            return str(n)
        return spell_integer(n, self.locale, how, gender)

    def number(self, text: str, gender: str | None = None) -> str:
        parsed = self.parse(text)
        if parsed is None:
            point = self.point()
            return f" {point} ".join(self.number(part) for part in re.findall(r"\d+", text))
        return self.parsed(parsed, gender)

    def point(self) -> str:
        word = self.n.get("decimal") or point_word(self.locale)
        if word is None:
            self.warn(f"decimal mark: no word for it in {self.locale}: add numbers.decimal")
            return self.decimal_mark
        return word

    def parsed(self, parsed: _Parsed, gender: str | None = None) -> str:
        if self.digits_only:
            return f"{parsed.whole}.{parsed.decimals}" if parsed.decimals else str(parsed.whole)
        if not parsed.decimals:
            return self.integer(parsed.whole, gender)
        if self.language == "ru" and can_spell(self.locale):
            return spell_russian_decimal(parsed.value)
        whole = self.integer(parsed.whole, None if parsed.whole != 1 else gender)
        if self.n.get("decimals") == "number":
            zeros = len(parsed.decimals) - len(parsed.decimals.lstrip("0"))
            rest = parsed.decimals.lstrip("0")
            fraction = [self.integer(0)] * zeros + ([self.integer(int(rest))] if rest else [])
        else:
            fraction = [self.integer(int(d)) for d in parsed.decimals]
        return self.joiner.join([whole, self.point(), *fraction])

    def gender_after(self, text: str, start: int) -> str | None:
        """The gender of the noun that follows position `start` (skipping "or 2", "a 3"),
        None when no known noun follows."""
        rest = text[start:]
        if self.language in ("zh", "ja"):
            # 2到3个: the measure word after the range decides (两到三个)
            skip = re.match(rf"(?:\s*(?:到|至|或|-|–|~)\s*(?:{self.number_re}))*\s*", rest)
            rest = rest[skip.end() if skip else 0 :]
            for noun in sorted(self.nouns, key=len, reverse=True):
                if rest.startswith(noun):
                    return self.nouns[noun]
            return None
        skip = re.match(rf"(?:\s*(?:[-–]|\w{{1,3}})?\s*(?:{self.number_re}))*\s*", rest)
        rest = rest[skip.end() if skip else 0 :]
        word = re.match(r"[^\W\d_]+(?:[-'’][^\W\d_]+)?", rest)
        if not word:
            return None
        return self.nouns.get(word.group(0).casefold())

    # -- the passes ------------------------------------------------------------------------

    def run(self, text: str) -> Normalized:
        self.warnings = []
        text = unicodedata.normalize("NFC", strip_markdown(text))
        text = _ascii_digits(text)
        if self.words:
            text = self.words.sub(lambda m: self.lex.words[m.group(0).casefold()], text)
        text = _EMAIL.sub(self._address, text)
        text = _URL.sub(self._address, text)
        text = self._phones(text)
        if "am" in self.n or "pm" in self.n:
            text = _TIME.sub(self._time, text)
            text = _HOUR_PERIOD.sub(self._hour_period, text)
        else:  # no am/pm here: "1 am Morgen" is German for one in the morning
            text = _TIME_24.sub(self._time, text)
        if self.abbreviations:
            text = self.abbreviations.sub(self._abbreviation, text)
        if self.rx_unknown:
            for match in self.rx_unknown.finditer(text):
                self.warn(
                    f"{match.group(0)}: a prescription abbreviation with no spoken form in "
                    f'{self.locale}: add [abbreviations] "{match.group(0)}" = "…" to '
                    f"{self.where()}"
                )
        text = _ISO_DATE.sub(self._iso_date, text)
        text = _SLASH_DATE.sub(self._slash_date, text)
        text = _BLOOD_PRESSURE.sub(self._blood_pressure, text)
        text = _FRACTION.sub(self._fraction, text)
        text = re.sub(
            rf"(?<![\d.,])({self.number_re}){_SPACE}?[-\u2013]{_SPACE}?({self.number_re})(?!\d)",
            self._range,
            text,
        )
        if _percent_first(self.locale):  # Turkish %10: the sign before the number
            text = re.sub(rf"%{_SPACE}?({self.number_re})", r"\1 %", text)
        text = self.unit_pattern.sub(self._with_unit, text)
        if self.language == "en":
            text = _ORDINAL_EN.sub(lambda m: self.integer(int(m.group(1)), how="ordinal"), text)
        suffix = self.n.get("year_suffix")
        if suffix:
            year = re.compile(rf"(?<!\d)(\d{{4}})(?={re.escape(suffix)})")
            text = year.sub(lambda m: self.integer(int(m.group(1)), how="digits"), text)
        plain = re.compile(
            rf"(?<![\w.,-])-?(?:{self.number_re})|(?<=[^\W\d])(?:{self.number_re})"
            rf"|(?<=[^\W\d]-)(?:{self.number_re})"  # COVID-19
        )
        text = plain.sub(self._plain, text)
        text = re.sub(r"\s+", " ", text).strip().translate(_SHOW)
        return Normalized(text, tuple(self.warnings))

    def _abbreviation(self, match: re.Match[str]) -> str:
        spoken = self.lex.abbreviations[match.group(0)]
        rest = match.string[match.end() :]
        # the abbreviation's dot also ended the sentence: at the end, or before a capital
        # (titles such as "Dr." never end one: only lower-case abbreviations like "b.i.d.")
        before_capital = bool(re.match(r"\s+[^\W\d_]", rest)) and rest.strip()[0].isupper()
        ends = not rest.strip() or (before_capital and match.group(0)[0].islower())
        return spoken + ("." if ends and match.group(0).endswith(".") else "")

    def _spaced(self, match: re.Match[str], words: str) -> str:
        """Words for a number glued to letters ("x2") get a space; Chinese needs none."""
        if not self.joiner:
            return words
        text = match.string
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        return (" " if before.isalpha() else "") + words + (" " if after.isalpha() else "")

    def _plain(self, match: re.Match[str]) -> str:
        token = match.group(0)
        gender = self.gender_after(match.string, match.end())
        if token.startswith("-"):
            words = f"{self.negative()} {self.number(token[1:], gender)}"
        else:
            words = self.number(token, gender)
        return self._spaced(match, words)

    # addresses

    def symbol(self, char: str) -> str:
        word = self.lex.symbols.get(char)
        if word is None:
            self.warn(
                f"{char!r} in a web or e-mail address: no spoken name in {self.locale}: add "
                f'[symbols] "{char}" = "…" to {self.where()}'
            )
            return char
        return word

    def _address(self, match: re.Match[str]) -> str:
        address = match.group(0)
        parts = []
        for piece in re.findall(r"\d+|[^\W\d_]+|[^\w\s]|_", address):
            if piece.isdigit():
                parts.append(self._digits(piece))
            elif piece.isalpha():
                parts.append(" ".join(piece) if piece.lower() == "www" else piece)
            else:
                parts.append(self.symbol(piece))
        return " ".join(parts)

    # phone numbers

    def _digits(self, number: str) -> str:
        """Digit by digit; groups (split by spaces, hyphens, dots) with a pause between."""
        groups = re.findall(r"\d+", number)
        pause = self.n.get("group", "," if self.joiner else "，")
        spoken = []
        for group in groups:
            if self.digits_only:  # hidden: no later pass may read them as a quantity
                spoken.append(self.keep(" ".join(group)))
            elif self.language == "zh":
                spoken.append("".join("零幺二三四五六七八九"[int(d)] for d in group))
            else:
                spoken.append(" ".join(self.integer(int(d)) for d in group))
        glue = f"{pause} " if self.joiner else pause
        return glue.join(spoken)

    def _phones(self, text: str) -> str:
        text = _PHONE.sub(lambda m: self._digits(m.group(0)), text)
        if self.phone_list:
            text = re.sub(
                rf"(?<![\d.,/:-])(?:{self.phone_list.pattern})"
                rf"(?!\d|[.,/:]\d|{_SPACE}?(?:{self.unit_alternation})(?![A-Za-z]))",
                lambda m: self._digits(m.group(0)),
                text,
            )
        if self.call_words:
            after_call = re.compile(
                rf"((?:{self.call_words.pattern})\s*(?:[^\W\d_]{{1,5}}\s+){{0,3}})"
                rf"(\d[\d \u00a0().-]{{1,18}}\d)(?![\d.,]\d)",
                re.IGNORECASE,
            )
            text = after_call.sub(self._after_call, text)
        return text

    def _after_call(self, match: re.Match[str]) -> str:
        number = match.group(2)
        if sum(ch.isdigit() for ch in number) < 3:  # "call 2-3 friends": not a phone number
            return match.group(0)
        return match.group(1) + self._digits(number)

    # readings, ranges, fractions

    def template(self, name: str, token: str, fallback: str) -> str:
        template = self.n.get(name)
        if template is None:
            self.warn(
                f"{token}: {self.locale} has no numbers.{name} template: add it to "
                f'{self.where()} (e.g. {name} = "{fallback}")'
            )
        return template or fallback

    def _blood_pressure(self, match: re.Match[str]) -> str:
        a, b = match.group(1), match.group(2)
        template = self.template("blood_pressure", match.group(0), "{a} / {b}")
        second = self.number(b)
        if match.group(3):  # the unit goes with the second number: "… over 80 mmHg"
            words = self.unit_words(match.group(3).strip(), _Parsed(int(b), ""))
            if words is not None:
                second = words.replace("{n}", second) if "{n}" in words else words
            else:
                second += match.group(3)
        return template.format(a=self.number(a), b=second)

    def _range(self, match: re.Match[str]) -> str:
        gender = self.gender_after(match.string, match.end())
        template = self.template("range", match.group(0), "{a} - {b}")
        # the second number stays digits: the unit and plain passes read it with what
        # follows ("2-3 mg": two to three milligrams)
        return template.format(a=self.number(match.group(1), gender), b=match.group(2))

    def _fraction(self, match: re.Match[str]) -> str:
        token = f"{int(match.group(1))}/{int(match.group(2))}"
        if int(match.group(1)) >= int(match.group(2)) or int(match.group(2)) == 0:
            return f"{match.group(1)} {match.group(2)}"  # 24/7: "twenty-four seven"
        gender = self.gender_after(match.string, match.end())
        known = self.lex.fractions.get(token)
        if known is not None:
            return known[1] if gender == "feminine" else known[0]
        template = self.n.get("fraction")
        if template is not None:
            return template.format(
                n=self.integer(int(match.group(1))), d=self.integer(int(match.group(2)))
            )
        self.warn(
            f"{token}: no spoken form for this fraction in {self.locale}: add "
            f'[fractions] "{token}" = "…" (or a numbers.fraction template) to {self.where()}'
        )
        return self.keep(match.group(0))

    # units

    def unit_words(self, symbol: str, amount: _Parsed) -> str | None:
        """The words for `amount` `symbol` with `{n}` where the number goes, or None."""
        if symbol in self.lex.counted:
            forms = self.lex.counted[symbol]
            return forms.get(_plural_category(self.locale, amount.value), forms["other"])
        if symbol in self.lex.units:
            singular, plural = self.lex.units[symbol]
            words = singular if amount.is_one else plural
            return words if "{n}" in words else "{n}" + self.joiner + words
        unit = self.unit_ids.get(symbol)
        if unit is None:
            return None
        return _cldr_unit(
            amount.value if amount.decimals else Decimal(amount.whole), unit, self.locale
        )

    def negative(self) -> str:
        """The word for a minus sign: the lexicon's, else num2words' (-1 minus 1)."""
        if "negative" in self.n:
            return self.n["negative"]
        if can_spell(self.locale) and self.language != "zh":
            from num2words import num2words

            from .spell import num2words_code

            code = num2words_code(self.locale)
            minus = num2words(-1, lang=code).removesuffix(num2words(1, lang=code)).strip()
            if minus:
                return minus
        self.warn(f"-: no word for a minus sign in {self.locale}: add numbers.negative")
        return "-"

    def _with_unit(self, match: re.Match[str]) -> str:
        minus, number, symbol = match.group(1), match.group(2), match.group(3)
        per_number, per = match.group(4), match.group(5)
        compound = f"{symbol}/{per}" if per and not per_number else None
        amount = self.parse(number)
        if amount is None:
            return match.group(0)
        if compound and (compound in self.lex.units or compound in self.unit_ids):
            symbol, per = compound, None
        spoken = self.amount_with_unit(amount, symbol, f"{number} {symbol}")
        if spoken is None:
            return self.number(number) + " " + symbol
        if minus:
            spoken = f"{self.negative()} {spoken}"
        if per:
            per_amount = self.parse(per_number) if per_number else None
            if per_amount is not None:
                denominator = self.amount_with_unit(per_amount, per, f"{per_number} {per}")
            else:
                bare = self.unit_words(per, _Parsed(1, ""))
                denominator = (
                    None if bare is None else re.sub(r"\s+", " ", bare.replace("{n}", "")).strip()
                )
            if denominator is None:
                self.warn(
                    f"{match.group(0)}: no spoken name for the unit {per} in {self.locale}: "
                    f'add [units] "{per}" to {self.where()}'
                )
                return self.keep(match.group(0))
            template = self.template("per", match.group(0), "{a} / {b}")
            spoken = template.format(a=spoken, b=denominator)
        return spoken

    def amount_with_unit(self, amount: _Parsed, symbol: str, token: str) -> str | None:
        """`amount` `symbol` in words ("two point five milligrams"), or None with a warning."""
        words = self.unit_words(symbol, amount)
        if words is None:
            self.warn(
                f"{token}: no spoken name for the unit {symbol} in {self.locale}: "
                f'add [units] "{symbol}" = ["…", "…"] (singular, plural) to {self.where()}'
            )
            return None
        noun = words.replace("{n}", " ").split()
        gender = self.nouns.get(noun[0].casefold()) if noun else None
        if self.language in ("zh", "ja"):
            gender = "measure"
        return words.replace("{n}", self.parsed(amount, gender)) if "{n}" in words else words

    # dates and times

    def _date(self, year: int, month: int, day: int, original: str) -> str:
        from babel.dates import get_date_format, get_month_names

        try:
            datetime.date(year, month, day)
        except ValueError:
            return original
        pattern = get_date_format("long", locale=self.locale)
        month_name = get_month_names("wide", locale=self.locale)[month]
        month_name = re.sub(r"\d+", lambda m: self.integer(int(m.group(0))), month_name)
        spoken = {
            "d": self.integer(day, how=self.n.get("day", "cardinal")),
            "M": self.integer(month),
            "MMM": month_name,
            "y": self.integer(year, how=self.n.get("year", "cardinal")),
        }
        # Babel's pattern fields: d/dd day, M/MM month number, MMM+ month name, y/yy year.
        values = {
            name: spoken["MMM" if name.startswith("MMM") else name[0]]
            for name in re.findall(r"%\((\w+)\)s", pattern.format)
            if name[0] in "dMy"
        }
        return pattern.format % values

    def _iso_date(self, match: re.Match[str]) -> str:
        year, month, day = (int(g) for g in match.groups())
        return self._date(year, month, day, match.group(0))

    def _slash_date(self, match: re.Match[str]) -> str:
        from babel.dates import get_date_format

        short = get_date_format("short", locale=self.locale).format
        order = [f[0] for f in re.findall(r"%\((\w+)\)s", short)]
        if len(match.group(1)) == 4:
            order = ["y", "M", "d"]  # 2024/03/15 is year first everywhere
        parts = dict(zip(order, (int(g) for g in match.groups()), strict=False))
        if set(parts) != {"y", "M", "d"}:
            return match.group(0)
        year = parts["y"] + (2000 if parts["y"] < 100 else 0)
        return self._date(year, parts["M"], parts["d"], match.group(0))

    def _hour_period(self, match: re.Match[str]) -> str:
        """8 am, 8 p.m.: the hour and the locale's word for the half of the day."""
        period = match.group(2).lower().replace(".", "").replace(" ", "")
        word = self.n.get("am" if period.startswith("a") else "pm")
        if word is None:
            self.warn(
                f"{match.group(0)}: {self.locale} has no numbers.{period[0]}m word: add it "
                f"to {self.where()}"
            )
            return self.keep(match.group(0))
        hour = self.integer(int(match.group(1)), self.n.get("hour_gender"))
        spoken = self.n.get("hour_period", "{hour} {period}").format(hour=hour, period=word)
        if not match.string[match.end() :].strip() and match.group(2).endswith("."):
            spoken += "."
        return spoken

    def _time(self, match: re.Match[str]) -> str:
        hour, minute = int(match.group(1)), int(match.group(2))
        period = (match.group(3) or "").lower().replace(".", "").replace(" ", "")
        hour_gender = self.n.get("hour_gender")
        hour_words = self.integer(hour, hour_gender)
        hour_ordinal = ""
        if "hour_ordinal" in self.n.get("time", "") + self.n.get("time_oclock", ""):
            hour_ordinal = self.integer(hour, how="ordinal")
            if self.language == "pl":
                hour_ordinal = polish_feminine_ordinal(hour_ordinal)
        if minute == 0 and period and "time" in self.n:  # 8:00 am: "eight A M"
            spoken = hour_words
        elif minute == 0 and "time_oclock" in self.n:
            spoken = self.n["time_oclock"].format(hour=hour_words, hour_ordinal=hour_ordinal)
        elif "time" in self.n:
            minute_words = self.integer(minute)
            if minute < 10 and "minute_leading_zero" in self.n:
                minute_words = f"{self.n['minute_leading_zero']} {minute_words}"
            spoken = self.n["time"].format(
                hour=hour_words, minute=minute_words, hour_ordinal=hour_ordinal
            )
        else:  # CLDR's names of hours and minutes: "huit heures trente minutes"
            hours = _cldr_unit(Decimal(hour), "duration-hour", self.locale)
            minutes = _cldr_unit(Decimal(minute), "duration-minute", self.locale)
            if hours is None or minutes is None:
                self.warn(
                    f"{match.group(0)}: {self.locale} has no numbers.time template: add "
                    f'time = "{{hour}} {{minute}}" to {self.where()}'
                )
                return match.group(0)
            spoken = hours.replace("{n}", hour_words)
            if minute:
                spoken += " " + minutes.replace("{n}", self.integer(minute))
        if period:
            word = self.n.get("am" if period.startswith("a") else "pm")
            if word is None:
                self.warn(
                    f"{match.group(0)}: {self.locale} has no numbers.{period[0]}m word: add it "
                    f"to {self.where()}"
                )
                word = match.group(3)
            template = self.n.get("time_period", "{time} {period}")
            spoken = template.format(time=spoken, period=word)
            if not match.string[match.end() :].strip() and match.group(3).endswith("."):
                spoken += "."  # the abbreviation's dot also ended the sentence
        return spoken


#: digits left as written (a token the locale cannot say) are hidden from the number passes
#: as private-use characters until the end
_HIDE = str.maketrans("0123456789", "".join(chr(0xE030 + d) for d in range(10)))
_SHOW = str.maketrans("".join(chr(0xE030 + d) for d in range(10)), "0123456789")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9_.@])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?<!\.)"
)
_URL = re.compile(
    rf"(?<![A-Za-z0-9_.@/-])(?:www\.)?[A-Za-z0-9][\w-]*(?:\.[A-Za-z0-9][\w-]*)*\.(?:{_TLDS})(?![\w])"
    r"(?:/[\w\-./%?=&#~+]*[\w/])?"
)
#: North-American numbers (1-800-273-8255, (555) 123-4567) and international ones (+33 1 …)
_PHONE = re.compile(
    r"(?<![\w.,/-])(?:(?:\+?1[-. ])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}"
    r"|\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5})(?![\w-])"
)
_ISO_DATE = re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,4})/(\d{1,2})/(\d{2,4})(?![\d/])")
_TIME = re.compile(
    r"(?<![\d:.,])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])"
    r"(?:\s?(a\.\s?m\.|p\.\s?m\.|(?i:am|pm)(?![A-Za-z])))?"
    r"(?:\s?(?:Uhr|h)(?!\w))?"  # "8:30 Uhr": the template already says it
)
#: a clock time where the locale has no am/pm words (the empty group stands for the period)
_TIME_24 = re.compile(r"(?<![\d:.,])([01]?\d|2[0-3]):([0-5]\d)()(?![\d:])(?:\s?(?:Uhr|h)(?!\w))?")
#: an hour with am/pm and no minutes: 8 am, 8 p.m.
_HOUR_PERIOD = re.compile(
    r"(?<![\d:.,])(1[0-2]|0?[1-9])\s?(a\.\s?m\.|p\.\s?m\.|(?i:am|pm)(?![A-Za-z]))"
)
#: a blood-pressure reading: systolic 50-299 over a two- or three-digit diastolic
_BLOOD_PRESSURE = re.compile(
    r"(?<![\d/.,])([5-9]\d|[12]\d\d)/(\d{2,3})(?![\d/])"
    r"([ \u00a0]?(?:mmHg|mm Hg|мм рт\. ?ст\.?|ملم زئبق|毫米汞柱)(?![A-Za-z]))?"
)
_FRACTION = re.compile(r"(?<![\d/.,])(\d{1,2})/(\d{1,2})(?![\d/])")
_ORDINAL_EN = re.compile(r"(?<![\d.,])(\d+)(st|nd|rd|th)\b")


@lru_cache(maxsize=64)
def _normalizer(locale: str, lexicon: Lexicon) -> _Normalizer:
    return _Normalizer(locale, lexicon)


def normalize_text(text: str, locale: str, lexicon: Lexicon | None = None) -> Normalized:
    """`text` as `locale`'s voice should say it, and warnings for what it could not say."""
    if lexicon is None:
        lexicon = load_lexicon(locale)
    return _normalizer(normalize_locale(locale), lexicon).run(text)


def normalize(text: str, locale: str, lexicon: Lexicon | None = None) -> str:
    """`text` as `locale`'s voice should say it: numbers, units, dates, times in words."""
    return normalize_text(text, locale, lexicon).text


def normalize_sentences(text: str, locale: str, lexicon: Lexicon | None = None) -> list[Normalized]:
    """Every sentence of `text` (split as the audio stage splits it), normalized."""
    from ..readability import split_sentences

    locale = normalize_locale(locale)
    if lexicon is None:
        lexicon = load_lexicon(locale)
    out = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        for sentence in split_sentences(paragraph, locale):
            if sentence.strip():
                out.append(normalize_text(sentence.strip(), locale, lexicon))
    return out
