"""Per-locale vocabulary of the meaning checks: negation, count and period words, unit names,
comparators, before/after and times of day.

The tables ship in `toolkit/data/qa/<locale>.toml` (written from dictionaries and grammar
references, see docs/checks.md) and a project extends them in `<project>/qa/<locale>.toml`:
lists are added to, tables merged (the project's entry wins). Unit names also come from CLDR
through Babel, and number words from num2words (0-100, the hundreds, a thousand), so a
spelled-out number and its digits are the same number.

A phrase matches whole words in any case (Arabic also with a clitic such as و / ف / ب / ل in
front); in scripts written without spaces (Chinese, Korean) it matches anywhere. A phrase
ending in ` #` counts only with a number close after it ("over 120", not "over time").
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError

#: CLDR unit ids -> the canonical symbols the checks compare
CLDR_UNITS = {
    "mass-milligram": "mg",
    "mass-microgram": "mcg",
    "mass-gram": "g",
    "mass-kilogram": "kg",
    "volume-milliliter": "mL",
    "volume-liter": "L",
    "volume-deciliter": "dL",
    "pressure-millimeter-ofhg": "mmHg",
    "concentr-percent": "%",
    "duration-second": "s",
    "duration-minute": "min",
    "duration-hour": "h",
    "duration-day": "d",
    "duration-week": "wk",
    "duration-month": "mo",
    "duration-year": "yr",
    "length-centimeter": "cm",
    "length-millimeter": "mm",
    "temperature-celsius": "°C",
    "temperature-fahrenheit": "°F",
}
#: units that are times of an event (frequency), not a quantity's unit
TIMES = "times"
#: units written as words (time units, dose forms): their changes are `units` findings, the
#: symbols' (mg, mL, %) are `numbers` findings
WORD_UNITS = frozenset({"s", "min", "h", "d", "wk", "mo", "yr", "tablet", "drop", "puff"})
#: units of a dose, for the ISMP style warnings
DOSE_UNITS = frozenset({"mg", "mcg", "g", "kg", "mL", "L", "dL", "IU", "mmol", "mEq", "ng"})
SHIPPED_LOCALES = (
    "en", "es", "fr", "de", "pt", "it", "ru", "ar", "zh_Hans", "vi", "tl", "ko",
)  # fmt: skip
NUMBER_NEAR = r"(?=[^.!?。！？\n]{0,24}?[\d零〇一二两三四五六七八九十百])"
_CJK_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万]+(?:点[零〇一二三四五六七八九]+)?")
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CJK_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CJK_POWERS = {"十": 10, "百": 100, "千": 1000}


def data_file(locale: str) -> str | None:
    """The shipped file for `locale` (`zh_Hans`, then `zh`, `pt_BR` then `pt`), or None."""
    names = [locale, locale.split("_")[0]]
    if locale.split("_")[0] == "zh":
        names.insert(1, "zh_Hans")
    folder = resources.files("toolkit") / "data" / "qa"
    for name in names:
        if (folder / f"{name}.toml").is_file():
            return name
    return None


def _read_toml(text: str, shown: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: not valid TOML ({exc}): fix the line it names") from None


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """`extra` over `base`: lists are concatenated, tables merged, other values replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(dict(out[key]), value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = [*out[key], *value]
        else:
            out[key] = value
    return out


def load_vocabulary(locale: str, project_file: Path | None = None, shown: str = "") -> Vocabulary:
    """The vocabulary of `locale`: the shipped table, extended by `project_file` if it exists."""
    extra_text = ""
    if project_file is not None:
        try:
            extra_text = project_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            extra_text = ""
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{shown or project_file}: cannot read it ({exc})") from None
    return _vocabulary(locale, extra_text, shown or str(project_file or ""))


@lru_cache(maxsize=64)
def _vocabulary(locale: str, extra_text: str, shown: str) -> Vocabulary:
    name = data_file(locale)
    data: dict[str, Any] = {}
    if name is not None:
        text = (resources.files("toolkit") / "data" / "qa" / f"{name}.toml").read_text("utf-8")
        data = _read_toml(text, f"toolkit/data/qa/{name}.toml")
    if extra_text:
        data = merge(data, _read_toml(extra_text, shown))
    return Vocabulary(locale, data)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    locale: str
    data: Mapping[str, Any] = field(repr=False)

    # --- matching ------------------------------------------------------------------------

    @cached_property
    def spaced(self) -> bool:
        return bool(self.data.get("script", {}).get("spaces", True))

    @cached_property
    def _prefix(self) -> str:
        prefixes = self.data.get("script", {}).get("prefixes", [])
        if not prefixes:
            return ""
        return (
            "(?:" + "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)) + ")?"
        )

    def pattern(self, phrases: list[str], capture: bool = True) -> re.Pattern[str] | None:
        """One regex for `phrases` (longest first); None when there are none."""
        parts = []
        for phrase in sorted({p for p in phrases if p.strip()}, key=len, reverse=True):
            near = phrase.endswith(" #")
            body = phrase[:-2] if near else phrase
            words = [re.escape(w) for w in body.split()]
            regex = r"[\s\u00a0]+".join(words)
            if self.spaced:
                regex = (
                    r"(?<![\w])" + self._prefix + regex + (r"(?!\w)" if body[-1].isalnum() else "")
                )
            parts.append(regex + (NUMBER_NEAR if near else ""))
        if not parts:
            return None
        return re.compile(("(" if capture else "(?:") + "|".join(parts) + ")", re.IGNORECASE)

    def find(self, phrases: list[str], text: str) -> list[str]:
        regex = self.pattern(phrases)
        return [m.group(1) for m in regex.finditer(text)] if regex else []

    # --- negation ------------------------------------------------------------------------

    @cached_property
    def negation(self) -> re.Pattern[str] | None:
        """Every negation, strong ("not", "never") and weak ("without")."""
        section = self.data.get("negation", {})
        words = [*section.get("words", []), *section.get("weak", [])]
        return self._negation(words, list(section.get("patterns", [])))

    @cached_property
    def strong_negation(self) -> re.Pattern[str] | None:
        """Negations a translation may not add: "sin moverse" may well say "sit still"."""
        section = self.data.get("negation", {})
        return self._negation(list(section.get("words", [])), list(section.get("patterns", [])))

    def _negation(self, words: list[str], patterns: list[str]) -> re.Pattern[str] | None:
        literal = self.pattern(words, capture=False)
        regexes = [literal.pattern] if literal else []
        regexes += patterns
        return re.compile("|".join(regexes), re.IGNORECASE) if regexes else None

    @cached_property
    def implied_negation(self) -> re.Pattern[str] | None:
        """Words that say "not" without a negation ("avoid", "stop", "prevent"): a
        translation may render them with one."""
        return self.pattern(list(self.data.get("negation", {}).get("implied", [])), capture=False)

    @cached_property
    def frequency_ignore(self) -> re.Pattern[str] | None:
        """Phrases with a count word that count nothing ("at once")."""
        return self.pattern(list(self.data.get("frequency", {}).get("ignore", [])), capture=False)

    @cached_property
    def negation_ignore(self) -> re.Pattern[str] | None:
        return self.pattern(list(self.data.get("negation", {}).get("ignore", [])), capture=False)

    def negated(self, sentence: str, strong: bool = False) -> bool:
        regex = self.strong_negation if strong else self.negation
        if regex is None:
            return False
        if self.negation_ignore is not None:
            sentence = self.negation_ignore.sub(" ", sentence)
        return bool(regex.search(sentence))

    # --- numbers in words ----------------------------------------------------------------

    @cached_property
    def number_words(self) -> dict[str, Decimal]:
        words: dict[str, Decimal] = {}
        language = self.locale.split("_")[0]
        if language not in ("zh", "ko", "ja", "tl"):
            words.update(_num2words(language))
        for word, value in self.data.get("numbers", {}).get("words", {}).items():
            words[_fold(word)] = Decimal(str(value))
        return words

    @cached_property
    def implicit(self) -> dict[str, tuple[Decimal, str]]:
        table = self.data.get("numbers", {}).get("implicit", {})
        return {_fold(w): (Decimal(str(v[0])), str(v[1])) for w, v in table.items()}

    @cached_property
    def number_word_pattern(self) -> re.Pattern[str] | None:
        words = list(self.number_words)
        if self.locale.startswith("zh"):
            return _CJK_NUMERAL
        return self.pattern(words)

    @cached_property
    def implicit_pattern(self) -> re.Pattern[str] | None:
        return self.pattern(list(self.implicit))

    def number_value(self, written: str) -> Decimal | None:
        if self.locale.startswith("zh"):
            return chinese_number(written)
        return self.number_words.get(_fold(written))

    # --- units ---------------------------------------------------------------------------

    @cached_property
    def unit_names(self) -> dict[str, str]:
        """Every spelled unit name of the locale (folded) -> canonical symbol."""
        names = dict(_cldr_unit_names(self.locale))
        for symbol, spellings in self.data.get("units", {}).items():
            if symbol == "prefixes":
                continue
            for spelling in spellings:
                names[_fold(spelling)] = symbol
        return names

    @cached_property
    def unit_prefixes(self) -> dict[str, str]:
        return dict(self.data.get("units", {}).get("prefixes", {}))

    @cached_property
    def unit_pattern(self) -> re.Pattern[str]:
        parts = []
        for name in sorted(self.unit_names, key=len, reverse=True):
            regex = r"[\s\u00a0]+".join(re.escape(w) for w in name.split())
            if self.spaced and name[-1].isalnum():
                regex += r"(?!\w)"
            parts.append(regex)
        return re.compile(r"[\s\u00a0]?(" + "|".join(parts) + ")", re.IGNORECASE)

    def unit_at(self, text: str, pos: int) -> tuple[str, int] | None:
        """(canonical unit, end) of a unit name starting at `pos` (after optional space)."""
        if not self.unit_names:
            return None
        match = self.unit_pattern.match(text, pos)
        if match is None:
            return None
        return self.unit_names.get(_fold(" ".join(match.group(1).split())), ""), match.end()

    # --- frequency, comparison, schedule ---------------------------------------------------

    @cached_property
    def periods(self) -> dict[str, re.Pattern[str]]:
        table = self.data.get("frequency", {}).get("periods", {})
        out = {}
        for name, phrases in table.items():
            regex = self.pattern(list(phrases))
            if regex is not None:
                out[name] = regex
        return out

    def classes(self, section: str) -> dict[str, re.Pattern[str]]:
        return _classes(self, section)

    @cached_property
    def comparison(self) -> dict[str, re.Pattern[str]]:
        return self.classes("comparison")

    @cached_property
    def schedule(self) -> dict[str, re.Pattern[str]]:
        return self.classes("schedule")


def _classes(vocab: Vocabulary, section: str) -> dict[str, re.Pattern[str]]:
    out = {}
    for name, phrases in vocab.data.get(section, {}).items():
        regex = vocab.pattern(list(phrases))
        if regex is not None:
            out[name] = regex
    return out


def tagged(text: str, classes: Mapping[str, re.Pattern[str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, class) matches of every class, longest match first."""
    found = []
    for name, regex in classes.items():
        for match in regex.finditer(text):
            found.append((match.start(), match.end(), name))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    out: list[tuple[int, int, str]] = []
    end = -1
    for start, stop, name in found:
        if start >= end:
            out.append((start, stop, name))
            end = stop
        elif stop - start > out[-1][1] - out[-1][0] and start == out[-1][0]:
            out[-1] = (start, stop, name)
            end = stop
    return out


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().replace("-", " ").split())


@lru_cache(maxsize=32)
def _num2words(language: str) -> dict[str, Decimal]:
    try:
        from num2words import num2words
    except ImportError:  # pragma: no cover - a pinned dependency
        return {}
    numbers = [*range(0, 101), *range(200, 1001, 100)]
    out: dict[str, Decimal] = {}
    for n in numbers:
        try:
            word = num2words(n, lang=language)
        except (NotImplementedError, KeyError, TypeError, ValueError, OverflowError):
            return {}
        out.setdefault(_fold(word), Decimal(n))
    return out


@lru_cache(maxsize=64)
def _cldr_unit_names(locale: str) -> dict[str, str]:
    """CLDR's long and short unit names of `locale` (Babel), without the number placeholder.

    A pattern without a placeholder (Arabic "دقيقة" for one minute) is skipped: it is a
    number and a unit at once, which the data files list as `implicit` words instead.
    Names of one letter (`m`, Arabic `د`) are skipped: they are too often something else.
    """
    from babel import Locale, UnknownLocaleError

    try:
        data = Locale.parse(locale)._data["unit_patterns"]
    except (UnknownLocaleError, ValueError, KeyError):
        return {}
    names: dict[str, str] = {}
    for unit_id, symbol in CLDR_UNITS.items():
        for length in ("long", "short"):
            for plural, pattern in dict(data.get(unit_id, {}).get(length, {})).items():
                if plural == "per" or "{0}" not in pattern:
                    continue
                name = _fold(pattern.replace("{0}", " ").replace("\u00a0", " "))
                if len(name) > 1 and not name.isdigit():
                    names.setdefault(name, symbol)
    return names


def chinese_number(written: str) -> Decimal | None:
    """二点五 -> 2.5, 两 -> 2, 一百二十 -> 120, 十五 -> 15, 三千 -> 3000, 一万 -> 10000."""
    if not written:
        return None
    integer, _, fraction = written.partition("点")
    value = _chinese_integer(integer)
    if value is None:
        return None
    if fraction:
        digits = "".join(str(_CJK_DIGITS.get(ch, "")) for ch in fraction)
        if len(digits) != len(fraction):
            return None
        return Decimal(f"{value}.{digits}")
    return Decimal(value)


def _chinese_integer(text: str) -> int | None:
    if not text:
        return None
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = _chinese_integer(high) if high else 1
        low_value = _chinese_integer(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return high_value * 10000 + low_value
    if all(ch in _CJK_DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_CJK_DIGITS[ch]) for ch in text))  # 一二〇 read digit by digit
    total, digit = 0, None
    for ch in text:
        if ch in _CJK_DIGITS:
            digit = _CJK_DIGITS[ch]
        elif ch in _CJK_POWERS:
            total += (1 if digit is None else digit) * _CJK_POWERS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)
