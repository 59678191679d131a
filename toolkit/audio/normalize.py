"""Text normalization before synthesis: what a voice should say for what the page shows.

Speech engines read "2.5 mg" as "two dot five em-gee" and "120/80" as "one hundred twenty
slash eighty". Every sentence is rewritten per locale before it reaches an engine, from a
pronunciation lexicon: the toolkit's own (`toolkit/data/lexicon/<locale>.toml`) under the
coordinator's (`<project>/lexicon/<locale>.toml`, whose entries win).

The passes run in a fixed order, each turning digits and symbols into words:
leftover Markdown -> lexicon words (respellings, "911") -> abbreviations -> dates -> times
-> blood-pressure readings -> ranges -> numbers with units -> ordinals -> other numbers.
Earlier passes keep digits in their output ("120/80" -> "120 over 80") so that the number
pass spells every number the same way.

Numbers are spelled by `num2words` where it knows the language, and by a small speller for
Chinese (which `num2words` 0.5.14 lacks). A language neither knows keeps its digits: the
engine reads them in its own way, which beats a wrong language's words.
"""

from __future__ import annotations

import datetime
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ToolkitError
from ..locales import normalize_locale

#: [numbers] settings a lexicon may set, with their meaning (documented in the shipped files).
NUMBER_SETTINGS = {
    "decimal": "word between the whole and the decimal digits: 2.5 -> two point five",
    "one": "the word for 1 before a unit (Spanish 'un' miligramo); default: the number's word",
    "range": "template for 2-3: '{a} to {b}'",
    "blood_pressure": "template for 120/80: '{a} over {b}'",
    "per": "template for mg/kg: '{a} per {b}'",
    "year": "how a date's year is spoken: cardinal | year | digits",
    "day": "how a date's day is spoken: cardinal | ordinal",
    "year_suffix": "a four-digit number followed by this is a year (Chinese 年)",
    "time": "template for 8:30: '{hour} {minute}'",
    "time_oclock": "template for 8:00: '{hour} o'clock'",
    "minute_leading_zero": "word said before a one-digit minute: 8:05 -> eight oh five",
}
TABLES = ("numbers", "units", "abbreviations", "words")


@dataclass(frozen=True, eq=False)  # hashed by identity: normalizers are cached per lexicon
class Lexicon:
    """A locale's pronunciation lexicon: the shipped one with the coordinator's on top."""

    locale: str
    numbers: Mapping[str, str] = field(default_factory=dict)
    #: unit symbol (case-sensitive) -> (singular, plural); either may hold a `{n}` template
    units: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: abbreviation as written (case-sensitive) -> spoken words
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    #: word (case-insensitive, whole word) -> respelling or spoken form
    words: Mapping[str, str] = field(default_factory=dict)
    #: the files it was read from, lowest priority first (part of what makes audio outdated)
    sources: tuple[str, ...] = ()

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with `other`'s entries on top."""
        return Lexicon(
            locale=self.locale,
            numbers={**self.numbers, **other.numbers},
            units={**self.units, **other.units},
            abbreviations={**self.abbreviations, **other.abbreviations},
            words={**{k.casefold(): v for k, v in self.words.items()}, **other.words},
            sources=self.sources + other.sources,
        )


# -- loading -----------------------------------------------------------------------------


def _candidates(locale: str) -> list[str]:
    """`zh_Hant_TW` -> [`zh`, `zh_Hant`, `zh_Hant_TW`]: general first, so specific wins."""
    parts = normalize_locale(locale).split("_")
    return ["_".join(parts[:n]) for n in range(1, len(parts) + 1)]


def load_lexicon(locale: str, project_lexicon: Callable[[str], Path] | None = None) -> Lexicon:
    """The lexicon for `locale`: shipped files, then the project's (`ProjectPaths.lexicon`).

    Raises ToolkitError naming the file and line when a file is not valid TOML or holds an
    entry of the wrong shape.
    """
    locale = normalize_locale(locale)
    lexicon = Lexicon(locale=locale)
    shipped = resources.files("toolkit") / "data" / "lexicon"
    for code in _candidates(locale):
        entry = shipped / f"{code}.toml"
        if entry.is_file():
            lexicon = lexicon.merged(
                _parse(entry.read_text(encoding="utf-8"), f"toolkit/data/lexicon/{code}.toml")
            )
    if project_lexicon is not None:
        for code in _candidates(locale):
            path = project_lexicon(code)
            if path.is_file():
                lexicon = lexicon.merged(_read(path))
    return Lexicon(
        locale=locale,
        numbers=lexicon.numbers,
        units=lexicon.units,
        abbreviations=lexicon.abbreviations,
        words=lexicon.words,
        sources=lexicon.sources,
    )


def _read(path: Path) -> Lexicon:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ToolkitError(f"{path}: not UTF-8 text ({exc}): save the lexicon as UTF-8") from None
    return _parse(text, str(path))


_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse(text: str, where: str) -> Lexicon:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_LINE.search(message)
        line = f":{found.group(1)}" if found else ""
        reason = _TOML_LINE.sub("", message).strip()
        raise ToolkitError(
            f"{where}{line}: not valid TOML ({reason}): fix the pronunciation lexicon"
        ) from None
    problems: list[str] = []
    for key in data:
        if key not in TABLES:
            problems.append(f"[{key}]: unknown table (known: {', '.join(TABLES)})")
    numbers = _strings(data.get("numbers", {}), "numbers", problems)
    for key in numbers:
        if key not in NUMBER_SETTINGS:
            problems.append(f"numbers.{key}: unknown setting (known: {', '.join(NUMBER_SETTINGS)})")
    units: dict[str, tuple[str, str]] = {}
    raw_units = data.get("units", {})
    if not isinstance(raw_units, dict):
        problems.append("[units] must be a table")
        raw_units = {}
    for key, value in raw_units.items():
        if isinstance(value, str):
            units[key] = (value, value)
        elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            units[key] = (value[0], value[1])
        else:
            problems.append(f"units.{key}: expected a string or [singular, plural], got {value!r}")
    abbreviations = _strings(data.get("abbreviations", {}), "abbreviations", problems)
    words = _strings(data.get("words", {}), "words", problems)
    if problems:
        raise ToolkitError(
            f"{where}: {len(problems)} problem(s) in the pronunciation lexicon:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return Lexicon(
        locale="",
        numbers=numbers,
        units=units,
        abbreviations=abbreviations,
        words={k.casefold(): v for k, v in words.items()},
        sources=(where,),
    )


def _strings(table: Any, name: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table")
        return {}
    out = {}
    for key, value in table.items():
        if isinstance(value, str):
            out[key] = value
        else:
            problems.append(f"{name}.{key}: expected a string, got {value!r}")
    return out


# -- spelling numbers ----------------------------------------------------------------------

_ZH_DIGITS = "零一二三四五六七八九"


def _zh_group(n: int) -> str:
    """0 < n < 10000 in Chinese, with the zero rule (一千零五)."""
    out, pending_zero = "", False
    for power, unit in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
        digit = n // 10**power % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _ZH_DIGITS[digit] + unit
    return out


def spell_chinese(n: int) -> str:
    """A whole number in Mandarin (simplified): 120 -> 一百二十, 10005 -> 一万零五."""
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        if out and group < 1000:
            out += "零"
        out += _zh_group(group) + ("", "万", "亿", "万亿")[index]
    if out.startswith("一十"):
        out = out[1:]  # 十五, not 一十五
    return out


@cache
def _num2words_lang(language: str) -> str | None:
    from num2words import CONVERTER_CLASSES

    return language if language in CONVERTER_CLASSES else None


def spell_integer(n: int, locale: str, how: str = "cardinal") -> str:
    """`n` in words for `locale` (`how`: cardinal, ordinal, year, digits)."""
    language = locale.split("_")[0]
    if how == "digits":
        return (
            " ".join(spell_integer(int(d), locale) for d in str(n))
            if language != "zh"
            else ("".join("〇一二三四五六七八九"[int(d)] for d in str(n)))
        )
    if language == "zh":
        return spell_chinese(n)
    code = _num2words_lang(language)
    if code is None:
        return str(n)  # the engine reads digits its own way: better than a wrong language
    from num2words import num2words

    try:
        if how in ("ordinal", "year"):
            return num2words(n, lang=code, to=how)
    except (NotImplementedError, AttributeError, TypeError):
        pass
    return num2words(n, lang=code)


# -- the passes ----------------------------------------------------------------------------

_SPACE = "[ \u00a0\u202f]"
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
    return text.replace("\u066b", ".").replace("\u066c", ",")


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def _alternation(keys: Iterable[str], *, ignore_case: bool) -> re.Pattern[str] | None:
    parts = []
    for key in sorted(keys, key=len, reverse=True):
        if not key:
            continue
        before = "" if _is_cjk(key[0]) or not key[0].isalnum() else r"(?<!\w)"
        after = "" if _is_cjk(key[-1]) or not key[-1].isalnum() else r"(?!\w)"
        parts.append(before + re.escape(key) + after)
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE if ignore_case else 0)


_NUMBER = r"\d+(?:[.,]\d+)*"
_ISO_DATE = re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,4})/(\d{1,2})/(\d{2,4})(?![\d/])")
_TIME = re.compile(r"(?<![\d:.,])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
_BLOOD_PRESSURE = re.compile(r"(?<![\d/.,])(\d{2,3})/(\d{2,3})(?![\d/])")
_RANGE = re.compile(rf"(?<![\d.,])({_NUMBER}){_SPACE}?[-\u2013]{_SPACE}?({_NUMBER})(?![\d])")
_ORDINAL_EN = re.compile(r"(?<![\d.,])(\d+)(st|nd|rd|th)\b")
_PLAIN_NUMBER = re.compile(rf"(?<![\w.,])-?{_NUMBER}|(?<=[^\W\d])-?{_NUMBER}")
_ANY_NUMBER = re.compile(_NUMBER)


@dataclass(frozen=True)
class _Parsed:
    whole: int
    decimals: str  #: the digits after the decimal mark, as written ("05" in 2.05)

    @property
    def is_one(self) -> bool:
        return self.whole == 1 and not self.decimals.strip("0")


def _parse_number(text: str, locale: str) -> _Parsed | None:
    """Read "1,000", "2.5", "2,5", "1.000,5" the way a reader of `locale` would.

    The locale's decimal mark (from Babel) is decimal; its group mark followed by exactly
    three digits groups thousands; a group mark followed by other than three digits is read
    as a decimal mark (translators often keep "2.5" in a Spanish sentence).
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    decimal_mark = get_decimal_symbol(locale)
    group_mark = get_group_symbol(locale)
    pieces = re.split(r"([.,])", text)
    numbers, marks = pieces[0::2], pieces[1::2]
    whole, decimals = numbers[0], ""
    for i, mark in enumerate(marks):
        digits = numbers[i + 1]
        last = i == len(marks) - 1
        if mark == group_mark and len(digits) == 3 and (not last or mark != decimal_mark):
            whole += digits
        elif last:
            decimals = digits
        else:
            return None  # "1.2.3": a version or a list, not a number
    return _Parsed(int(whole), decimals)


class _Normalizer:
    def __init__(self, locale: str, lexicon: Lexicon) -> None:
        self.locale = normalize_locale(locale)
        self.language = self.locale.split("_")[0]
        self.lex = lexicon
        self.n = dict(lexicon.numbers)
        self.words = _alternation(lexicon.words, ignore_case=True)
        self.abbreviations = _alternation(lexicon.abbreviations, ignore_case=False)
        units = sorted(lexicon.units, key=len, reverse=True)
        unit = "|".join(re.escape(u) for u in units)
        self.unit_pattern = (
            re.compile(
                rf"(?<![0-9A-Za-z.,])({_NUMBER}){_SPACE}?((?:{unit}))(?:/({unit}))?(?![A-Za-z])"
            )
            if units
            else None
        )
        self.lone_unit_pattern = (
            re.compile(rf"(?<![\w/])({unit})/({unit})(?![A-Za-z])") if units else None
        )

    # spelling
    def number(self, text: str) -> str:
        parsed = _parse_number(text.lstrip("-"), self.locale)
        if parsed is None:
            # "1.2.3": a version or a list, read digit group by digit group
            point = self.n.get("decimal", ".")
            return f" {point} ".join(self.number(part) for part in re.findall(r"\d+", text))
        words = spell_integer(parsed.whole, self.locale)
        if parsed.decimals:
            point = self.n.get("decimal", ".")
            digits = [spell_integer(int(d), self.locale) for d in parsed.decimals]
            joiner = "" if self.language == "zh" else " "
            words = joiner.join([words, point, *digits])
        return words

    def unit_words(self, symbol: str, amount: _Parsed | None) -> str:
        singular, plural = self.lex.units[symbol]
        return singular if amount is not None and amount.is_one else plural

    # passes
    def run(self, text: str) -> str:
        text = unicodedata.normalize("NFC", strip_markdown(text))
        text = _ascii_digits(text)
        if self.words:
            text = self.words.sub(lambda m: self.lex.words[m.group(0).casefold()], text)
        if self.abbreviations:
            text = self.abbreviations.sub(lambda m: self.lex.abbreviations[m.group(0)], text)
        text = _ISO_DATE.sub(self._iso_date, text)
        text = _SLASH_DATE.sub(self._slash_date, text)
        text = _TIME.sub(self._time, text)
        template = self.n.get("blood_pressure")
        if template:
            text = _BLOOD_PRESSURE.sub(lambda m: template.format(a=m.group(1), b=m.group(2)), text)
        if "range" in self.n:
            text = _RANGE.sub(lambda m: self.n["range"].format(a=m.group(1), b=m.group(2)), text)
        if self.unit_pattern is not None:
            text = self.unit_pattern.sub(self._with_unit, text)
            text = self.lone_unit_pattern.sub(  # type: ignore[union-attr]
                lambda m: self._per(self.unit_words(m.group(1), None), m.group(2)), text
            )
        if self.language == "en":
            text = _ORDINAL_EN.sub(
                lambda m: spell_integer(int(m.group(1)), self.locale, "ordinal"), text
            )
        suffix = self.n.get("year_suffix")
        if suffix:
            year = re.compile(rf"(?<!\d)(\d{{4}})(?={re.escape(suffix)})")
            text = year.sub(lambda m: spell_integer(int(m.group(1)), self.locale, "digits"), text)
        text = _PLAIN_NUMBER.sub(lambda m: self._spaced(m, self._signed(m.group(0))), text)
        return re.sub(r"\s+", " ", text).strip()

    def _spaced(self, match: re.Match[str], words: str) -> str:
        """Words for a number glued to letters ("x2") get a space; Chinese needs none."""
        if self.language == "zh":
            return words
        text = match.string
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        return (" " if before.isalpha() else "") + words + (" " if after.isalpha() else "")

    def _signed(self, text: str) -> str:
        if text.startswith("-"):
            return f"{self.n.get('negative', '-')} {self.number(text[1:])}"
        return self.number(text)

    def _with_unit(self, match: re.Match[str]) -> str:
        amount = _parse_number(match.group(1), self.locale)
        number_words = self.number(match.group(1))
        if amount is not None and amount.is_one and "one" in self.n:
            number_words = self.n["one"]
        unit = self.unit_words(match.group(2), amount)
        if "{n}" in unit:
            spoken = unit.format(n=number_words)
        else:
            joiner = "" if self.language == "zh" else " "
            spoken = f"{number_words}{joiner}{unit}"
        if match.group(3):
            spoken = self._per(spoken, match.group(3))
        return spoken

    def _per(self, amount: str, denominator: str) -> str:
        template = self.n.get("per", "{a} / {b}")
        return template.format(a=amount, b=self.lex.units[denominator][0].replace("{n}", ""))

    def _date(self, year: int, month: int, day: int, original: str) -> str:
        from babel.dates import get_date_format, get_month_names

        try:
            datetime.date(year, month, day)
        except ValueError:
            return original
        pattern = get_date_format("long", locale=self.locale)
        month_name = get_month_names("wide", locale=self.locale)[month]
        month_name = _ANY_NUMBER.sub(lambda m: self.number(m.group(0)), month_name)
        spoken = {
            "d": spell_integer(day, self.locale, self.n.get("day", "cardinal")),
            "M": spell_integer(month, self.locale),
            "MMM": month_name,
            "y": spell_integer(year, self.locale, self.n.get("year", "cardinal")),
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

    def _time(self, match: re.Match[str]) -> str:
        hour, minute = int(match.group(1)), int(match.group(2))
        hour_words = spell_integer(hour, self.locale)
        if minute == 0 and "time_oclock" in self.n:
            return self.n["time_oclock"].format(hour=hour_words)
        minute_words = spell_integer(minute, self.locale)
        if minute < 10 and "minute_leading_zero" in self.n:
            minute_words = f"{self.n['minute_leading_zero']} {minute_words}"
        template = self.n.get("time", "{hour} {minute}")
        return template.format(hour=hour_words, minute=minute_words)


@lru_cache(maxsize=64)
def _normalizer(locale: str, lexicon: Lexicon) -> _Normalizer:
    return _Normalizer(locale, lexicon)


def normalize(text: str, locale: str, lexicon: Lexicon | None = None) -> str:
    """`text` as `locale`'s voice should say it: numbers, units, dates, times in words."""
    if lexicon is None:
        lexicon = load_lexicon(locale)
    return _normalizer(normalize_locale(locale), lexicon).run(text)
