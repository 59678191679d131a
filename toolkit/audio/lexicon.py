"""Pronunciation lexicons: the toolkit's own (`toolkit/data/lexicon/<locale>.toml`) under the
coordinator's (`<project>/lexicon/<locale>.toml`, whose entries win).

A lexicon holds what CLDR (through Babel) and num2words do not know: how a locale reads a
range, a clock time or a blood-pressure reading, prescription abbreviations, the gender of
the nouns that change a number's form, what "." and "@" are called in an address, the words
before a phone number. The format is documented in docs/coordinators.md.

Templates (`range = "{a} to {b}"`) may use only their own named fields: an unknown field, a
positional one, attribute or index access (`{a.__class__}`), a conversion or a format spec is
refused when the file is read, naming the file and the key, so that nothing a lexicon says
can reach into the program or fail halfway through a build.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ToolkitError
from ..locales import normalize_locale

#: [numbers] settings a lexicon may set, with their meaning and the template fields allowed.
NUMBER_SETTINGS: dict[str, tuple[str, frozenset[str]]] = {
    "decimal": ("word for the decimal mark: 2.5 -> two point five", frozenset()),
    "decimals": (
        "how decimals are read: digits (2.25: two five) | number (twenty-five)",
        frozenset(),
    ),
    "spell": ("words (default) | digits: leave numbers as digits for the voice", frozenset()),
    "range": ("template for 2-3", frozenset({"a", "b"})),
    "blood_pressure": ("template for 120/80", frozenset({"a", "b"})),
    "per": ("template for mg/kg", frozenset({"a", "b"})),
    "fraction": ("template for a fraction the [fractions] table lacks", frozenset({"n", "d"})),
    "year": ("how a date's year is spoken: cardinal | year | digits", frozenset()),
    "day": ("how a date's day is spoken: cardinal | ordinal", frozenset()),
    "year_suffix": ("a four-digit number followed by this is a year (Chinese 年)", frozenset()),
    "time": ("template for 8:30", frozenset({"hour", "minute", "hour_ordinal"})),
    "time_oclock": ("template for 8:00", frozenset({"hour", "hour_ordinal"})),
    "minute_leading_zero": (
        "word said before a one-digit minute: 8:05 -> eight oh five",
        frozenset(),
    ),
    "time_period": ("template for 8:30 am: the time and am/pm", frozenset({"time", "period"})),
    "hour_period": ("template for 8 am: the hour and am/pm", frozenset({"hour", "period"})),
    "am": ("what follows a morning time written 8:00 am / a.m.", frozenset()),
    "pm": ("what follows an afternoon time written 8:00 pm / p.m.", frozenset()),
    "hour_gender": ("feminine | masculine: the gender of the hour in a clock time", frozenset()),
    "negative": ("word for a minus sign before a number", frozenset()),
    "group": ("what is said between the groups of a phone number (a pause: ',')", frozenset()),
}
TABLES = (
    "numbers",
    "units",
    "counted",
    "abbreviations",
    "words",
    "nouns",
    "fractions",
    "symbols",
    "phone",
)
#: CLDR's plural categories: a counted noun's form per category (Babel's `plural_form`)
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
GENDERS = ("feminine", "masculine", "measure")
PHONE_KEYS = ("numbers", "call_words")


@dataclass(frozen=True, eq=False)  # hashed by identity: normalizers are cached per lexicon
class Lexicon:
    """A locale's pronunciation lexicon: the shipped one with the coordinator's on top."""

    locale: str
    numbers: Mapping[str, str] = field(default_factory=dict)
    #: unit symbol (case-sensitive) -> (singular, plural); either may hold a `{n}` template.
    #: Overrides CLDR's unit names, which are used for every unit not listed.
    units: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: unit symbol or noun as written after a number -> its form per CLDR plural category
    #: ({"two": "ساعتين", "few": "{n} ساعات", …}): languages whose nouns change with the
    #: count beyond singular and plural (Arabic duals, the 3-10 plural)
    counted: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: abbreviation as written (case-sensitive) -> spoken words
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    #: word (case-insensitive, whole word) -> respelling or spoken form
    words: Mapping[str, str] = field(default_factory=dict)
    #: noun (case-insensitive) -> feminine | masculine | measure (a Chinese measure word)
    nouns: Mapping[str, str] = field(default_factory=dict)
    #: "1/2" -> (as said alone or before a masculine noun, before a feminine noun)
    fractions: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: "." "@" "/" "-" "_" in addresses -> their spoken names
    symbols: Mapping[str, str] = field(default_factory=dict)
    #: numbers always read digit by digit (crisis lines), and the words before a phone number
    phone_numbers: tuple[str, ...] = ()
    call_words: tuple[str, ...] = ()
    #: the files it was read from, lowest priority first (part of what makes audio outdated)
    sources: tuple[str, ...] = ()

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with `other`'s entries on top."""
        return Lexicon(
            locale=self.locale,
            numbers={**self.numbers, **other.numbers},
            units={**self.units, **other.units},
            counted={**self.counted, **other.counted},
            abbreviations={**self.abbreviations, **other.abbreviations},
            words={**self.words, **other.words},
            nouns={**self.nouns, **other.nouns},
            fractions={**self.fractions, **other.fractions},
            symbols={**self.symbols, **other.symbols},
            phone_numbers=tuple(dict.fromkeys(self.phone_numbers + other.phone_numbers)),
            call_words=tuple(dict.fromkeys(self.call_words + other.call_words)),
            sources=self.sources + other.sources,
        )

    def with_phone_numbers(self, numbers: tuple[str, ...]) -> Lexicon:
        """This lexicon plus the configured numbers read digit by digit."""
        if not numbers:
            return self
        return self.merged(Lexicon(locale=self.locale, phone_numbers=tuple(numbers)))


def candidates(locale: str) -> list[str]:
    """`zh_Hant_TW` -> [`zh`, `zh_Hant`, `zh_Hant_TW`]: general first, so specific wins."""
    parts = normalize_locale(locale).split("_")
    return ["_".join(parts[:n]) for n in range(1, len(parts) + 1)]


def load_lexicon(locale: str, project_lexicon: Callable[[str], Path] | None = None) -> Lexicon:
    """The lexicon for `locale`: shipped files, then the project's (`ProjectPaths.lexicon`).

    Raises ToolkitError naming the file and line when a file is not valid TOML, and the file
    and key when an entry has the wrong shape or a template uses a field it may not.
    """
    locale = normalize_locale(locale)
    lexicon = Lexicon(locale=locale)
    shipped = resources.files("toolkit") / "data" / "lexicon"
    for code in ["all", *candidates(locale)]:
        entry = shipped / f"{code}.toml"
        if entry.is_file():
            lexicon = lexicon.merged(
                parse_lexicon(
                    entry.read_text(encoding="utf-8"), f"toolkit/data/lexicon/{code}.toml"
                )
            )
    if project_lexicon is not None:
        for code in candidates(locale):
            path = project_lexicon(code)
            if path.is_file():
                lexicon = lexicon.merged(_read(path))
    return Lexicon(**{**lexicon.__dict__, "locale": locale})


def _read(path: Path) -> Lexicon:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ToolkitError(f"{path}: not UTF-8 text ({exc}): save the lexicon as UTF-8") from None
    return parse_lexicon(text, str(path))


_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def template_problem(template: str, allowed: frozenset[str]) -> str | None:
    """Why `template` may not be used (None when it is fine): only `allowed` named fields,
    no attribute or index access, no conversion, no format spec."""
    shown = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "no fields"
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"{template!r} is not a valid template ({exc}); allowed: {shown}"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed:
            return f"{template!r} uses {{{name}}}, which is not allowed here (allowed: {shown})"
        if spec or conversion:
            return f"{template!r}: write {{{name}}} without a conversion or format spec"
    return None


def parse_lexicon(text: str, where: str) -> Lexicon:
    """One lexicon file's text (`where` names it in errors)."""
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
    for key, value in numbers.items():
        if key not in NUMBER_SETTINGS:
            problems.append(f"numbers.{key}: unknown setting (known: {', '.join(NUMBER_SETTINGS)})")
            continue
        problem = template_problem(value, NUMBER_SETTINGS[key][1])
        if problem:
            problems.append(f"numbers.{key}: {problem}")
    raw_units = data.get("units", {})
    counted = _counted(data.get("counted", {}), "counted", problems)
    if isinstance(raw_units, dict):  # a unit may be given per plural category too
        tables = {k: v for k, v in raw_units.items() if isinstance(v, dict)}
        counted.update(_counted(tables, "units", problems))
        raw_units = {k: v for k, v in raw_units.items() if not isinstance(v, dict)}
    units = _pairs(raw_units, "units", problems, "[singular, plural]")
    for key, pair in units.items():
        for value in pair:
            problem = template_problem(value, frozenset({"n"}))
            if problem:
                problems.append(f"units.{key}: {problem}")
                break
    abbreviations = _strings(data.get("abbreviations", {}), "abbreviations", problems)
    words = _strings(data.get("words", {}), "words", problems)
    nouns = _strings(data.get("nouns", {}), "nouns", problems)
    for key, value in nouns.items():
        if value not in GENDERS:
            problems.append(f"nouns.{key}: expected one of {', '.join(GENDERS)}, got {value!r}")
    fractions = _pairs(data.get("fractions", {}), "fractions", problems, "[masculine, feminine]")
    for key in fractions:
        if not re.fullmatch(r"\d+/\d+", key):
            problems.append(f'fractions.{key}: the key must be a fraction such as "1/2"')
    for key, pair in fractions.items():
        for value in pair:
            problem = template_problem(value, frozenset())
            if problem:
                problems.append(f"fractions.{key}: {problem}")
                break
    symbols = _strings(data.get("symbols", {}), "symbols", problems)
    for table, values in (("abbreviations", abbreviations), ("words", words), ("symbols", symbols)):
        for key, value in values.items():
            problem = template_problem(value, frozenset())
            if problem:
                problems.append(f"{table}.{key}: {problem}")
    phone = data.get("phone", {})
    lists: dict[str, tuple[str, ...]] = {}
    if not isinstance(phone, dict):
        problems.append("[phone] must be a table")
        phone = {}
    for key, value in phone.items():
        if key not in PHONE_KEYS:
            problems.append(f"phone.{key}: unknown setting (known: {', '.join(PHONE_KEYS)})")
        elif not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"phone.{key}: expected a list of strings, got {value!r}")
        else:
            lists[key] = tuple(value)
    for number in lists.get("numbers", ()):
        if not re.fullmatch(r"[0-9][0-9 -]*", number):
            problems.append(f"phone.numbers: {number!r} is not a number (digits, spaces, -)")
    if problems:
        raise ToolkitError(
            f"{where}: {len(problems)} problem(s) in the pronunciation lexicon:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return Lexicon(
        locale="",
        numbers=numbers,
        units=units,
        counted=counted,
        abbreviations=abbreviations,
        words={k.casefold(): v for k, v in words.items()},
        nouns={k.casefold(): v for k, v in nouns.items()},
        fractions=fractions,
        symbols=symbols,
        phone_numbers=lists.get("numbers", ()),
        call_words=lists.get("call_words", ()),
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


def _pairs(table: Any, name: str, problems: list[str], shape: str) -> dict[str, tuple[str, str]]:
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table")
        return {}
    out: dict[str, tuple[str, str]] = {}
    for key, value in table.items():
        if isinstance(value, str):
            out[key] = (value, value)
        elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            out[key] = (value[0], value[1])
        else:
            problems.append(f"{name}.{key}: expected a string or {shape}, got {value!r}")
    return out


def _counted(table: Any, name: str, problems: list[str]) -> dict[str, dict[str, str]]:
    """{noun: {category: template}}; a string value names another noun of the table (the
    plural written form sharing the singular's forms)."""
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table")
        return {}
    out: dict[str, dict[str, str]] = {}
    aliases: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, str):
            aliases[key] = value
            continue
        if not isinstance(value, dict) or "other" not in value:
            problems.append(
                f"{name}.{key}: expected a table of CLDR plural categories with at least "
                f"'other' ({', '.join(PLURAL_CATEGORIES)}), got {value!r}"
            )
            continue
        forms: dict[str, str] = {}
        for category, template in value.items():
            if category not in PLURAL_CATEGORIES:
                problems.append(
                    f"{name}.{key}.{category}: not a CLDR plural category "
                    f"({', '.join(PLURAL_CATEGORIES)})"
                )
            elif not isinstance(template, str):
                problems.append(f"{name}.{key}.{category}: expected a string, got {template!r}")
            else:
                problem = template_problem(template, frozenset({"n"}))
                if problem:
                    problems.append(f"{name}.{key}.{category}: {problem}")
                forms[category] = template
        out[key] = forms
    for key, target in aliases.items():
        if target not in out:
            problems.append(f"{name}.{key}: {target!r} is not a noun of this table")
        else:
            out[key] = out[target]
    return out
