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
from collections.abc import Iterable, Mapping
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
    "pl", "tr", "nl", "ja", "fa", "ht", "zh_Hant",
)  # fmt: skip
NUMBER_NEAR = r"(?=[^.!?。！？\n]{0,24}?[\d零〇一二两兩三四五六七八九十百])"
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f' .-]+")
# Traditional Chinese writes 兩 (两), 萬 (万) and 點 (点)
_CJK_NUMERAL = re.compile(
    r"[零〇一二两兩三四五六七八九十百千万萬]+(?:[点點][零〇一二三四五六七八九]+)?"
)
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
_CJK_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CJK_POWERS = {"十": 10, "百": 100, "千": 1000}


#: languages whose shipped table is filed under another code: CLDR names Filipino `fil`,
#: the standardized form of Tagalog that the `tl` table is written in (ISO 639-2 and -3)
LANGUAGE_ALIASES = {"fil": "tl"}


def data_file(locale: str) -> str | None:
    """The shipped file for `locale` (`zh_Hans`, then `zh`, `pt_BR` then `pt`), or None.
    Chinese of Taiwan, Hong Kong and Macau and `zh_Hant*` read Traditional characters."""
    names = [locale, locale.split("_")[0]]
    if names[1] in LANGUAGE_ALIASES:
        names.append(LANGUAGE_ALIASES[names[1]])
    if locale.split("_")[0] == "zh":
        parts = set(locale.split("_")[1:])
        traditional = "Hant" in parts or ("Hans" not in parts and bool({"TW", "HK", "MO"} & parts))
        names.insert(1, "zh_Hant" if traditional else "zh_Hans")
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


@lru_cache(maxsize=64)
def extended(vocab: Vocabulary, fallback: Vocabulary) -> Vocabulary:
    """`vocab` that also knows `fallback`'s words (the source language's), for reading a
    translation: a term left in the source language ("twice" in a Spanish text) still says
    what it says. Adding a negation is judged by `vocab`'s own words only."""
    if vocab.locale == fallback.locale or not vocab.data:
        return vocab
    base = {k: v for k, v in fallback.data.items() if k != "script"}
    return Vocabulary(vocab.locale, merge(base, vocab.data), own=vocab)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    locale: str
    data: Mapping[str, Any] = field(repr=False)
    own: Vocabulary | None = field(default=None, repr=False)  #: before `extended`

    def warm(self) -> None:
        """Build every table now (number words, CLDR unit names, matchers), e.g. before
        worker processes are forked, so that each does not build its own."""
        tables = [
            self.unit_pattern,
            self._unit_first_words,
            self.number_words,
            self.implicit,
            self.negation,
        ]
        tables += [self._ignore, self.implied_negation, self._frequency_any, self._times_any]
        tables += [self.frequency_ignore, self._strong()]
        self.number_spans("")
        for section in ("comparison", "schedule", "frequency.periods"):
            self.matcher(section)

    @property
    def known(self) -> bool:
        """Whether the locale has a vocabulary of its own (else no meaning checks)."""
        return bool((self.own or self).data)

    # --- matching ------------------------------------------------------------------------

    def matcher(self, name: str, classes: Mapping[str, list[str]] | None = None) -> Matcher:
        """The (cached) matcher of a section ("comparison", "frequency.periods"), or of
        `classes` under `name`."""
        cache = self.__dict__.setdefault("_matchers", {})
        if name not in cache:
            if classes is None:
                table: Any = self.data
                for key in name.split("."):
                    table = table.get(key, {})
                classes = {n: list(ps) for n, ps in table.items() if isinstance(ps, list)}
            cache[name] = Matcher(self, classes)
        return cache[name]

    def tag(self, text: str, section: str) -> list[tuple[int, int, str]]:
        """(start, end, class) of the section's phrases in `text`."""
        return self.matcher(section).find(text)

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
            if not self.spaced and _LATIN.fullmatch(body):
                # a Latin word in Chinese or Korean text ("no" of the source language) must
                # still be a whole word: not the "no" in "lisinopril"
                regex = r"(?<![A-Za-z\u00c0-\u024f])" + regex + r"(?![A-Za-z\u00c0-\u024f])"
            elif self.spaced:
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
    def _negation_section(self) -> Mapping[str, Any]:
        return self.data.get("negation", {})

    @cached_property
    def negation(self) -> Matcher | None:
        """Every negation, strong ("not", "never") and weak ("without")."""
        section = self._negation_section
        words = [*section.get("words", []), *section.get("weak", [])]
        return self.matcher("negation:all", {"neg": words}) if words or self._patterns else None

    @cached_property
    def _patterns(self) -> re.Pattern[str] | None:
        patterns = list(self._negation_section.get("patterns", []))
        return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def _strong(self) -> Matcher:
        own = self.own or self
        return own._strong_matcher

    @cached_property
    def _strong_matcher(self) -> Matcher:
        return self.matcher(
            "negation:strong", {"neg": list(self._negation_section.get("words", []))}
        )

    @cached_property
    def implied_negation(self) -> Matcher:
        """Words that say "not" without a negation ("avoid", "stop", "prevent"): a
        translation may render them with one."""
        return self.matcher(
            "negation:implied", {"i": list(self._negation_section.get("implied", []))}
        )

    def implies_negation(self, text: str) -> bool:
        return bool(_find(self.implied_negation, text))

    @cached_property
    def _ignore(self) -> Matcher:
        return self.matcher(
            "negation:ignore", {"x": list(self._negation_section.get("ignore", []))}
        )

    def negated(self, sentence: str, strong: bool = False) -> bool:
        matcher = self._strong() if strong else self.negation
        if matcher is None:
            return False
        hits = matcher.find(sentence)
        patterns = (self.own or self)._patterns if strong else self._patterns
        if patterns is not None and ("'" in sentence or "’" in sentence or not self.spaced):
            hits += [(m.start(), m.end(), "neg") for m in patterns.finditer(sentence)]
        if not hits:
            return False
        ignored = self._ignore.find(sentence)
        return any(not any(a <= start < b for a, b, _ in ignored) for start, _, _ in hits)

    @cached_property
    def frequency_ignore(self) -> Matcher:
        """Phrases with a count word that count nothing ("at once")."""
        return self.matcher(
            "frequency:ignore", {"x": list(self.data.get("frequency", {}).get("ignore", []))}
        )

    @cached_property
    def _frequency_any(self) -> Matcher:
        words = [
            *self.data.get("units", {}).get("times", []),
            *self.implicit,
            *(p for ps in self.data.get("frequency", {}).get("periods", {}).values() for p in ps),
        ]
        return self.matcher("frequency:any", {"f": words})

    @cached_property
    def _times_any(self) -> Matcher:
        words = [*self.data.get("units", {}).get("times", []), *self.implicit]
        return self.matcher("frequency:times", {"t": words})

    def mentions_times(self, text: str) -> bool:
        """Any word for "times" or a word such as "twice"."""
        return bool(_find(self._times_any, text))

    def mentions_frequency(self, text: str) -> bool:
        """Any count or period word at all: most texts have none, and need no more work."""
        return bool(_find(self._frequency_any, text))

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
    def not_numbers(self) -> re.Pattern[str] | None:
        """`[numbers] not_numbers`: regular expressions of text whose digits are no quantity
        (Japanese 1日2回, "twice a day", holds a 1 that English does not write); None
        when the locale has none (every locale but Japanese)."""
        patterns = list(self.data.get("numbers", {}).get("not_numbers", []))
        return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    @cached_property
    def implicit(self) -> dict[str, tuple[Decimal, str]]:
        table = self.data.get("numbers", {}).get("implicit", {})
        return {_fold(w): (Decimal(str(v[0])), str(v[1])) for w, v in table.items()}

    def number_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of the number words ("n") and implicit words ("i") in `text`."""
        if self.locale.startswith("zh"):
            spans = [(m.start(), m.end(), "n") for m in _CJK_NUMERAL.finditer(text)]
            implicit = self.matcher("numbers:implicit", {"i": list(self.implicit)}).find(text)
            taken = [(a, b) for a, b, _ in implicit]
            return implicit + [s for s in spans if not any(a <= s[0] < b for a, b in taken)]
        return self.matcher(
            "numbers:words", {"n": list(self.number_words), "i": list(self.implicit)}
        ).find(text)

    def word_value(self, written: str) -> tuple[Decimal, str] | None:
        """The value (and unit, for an implicit word) of a matched number word."""
        folded = _fold(written)
        candidates = [folded]
        for prefix in self.data.get("script", {}).get("prefixes", []):
            if folded.startswith(prefix):
                candidates.append(folded[len(prefix) :])
        for word in candidates:
            if word in self.implicit:
                return self.implicit[word]
            if word in self.number_words:
                return self.number_words[word], ""
        if self.locale.startswith("zh"):
            value = chinese_number(written)
            return (value, "") if value is not None else None
        return None

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
    def named_units(self) -> frozenset[str]:
        """The units the locale's own words name (CLDR's and its data file's, not the source
        language's words that `extended` adds)."""
        return frozenset((self.own or self).unit_names.values())

    @cached_property
    def _unit_first_words(self) -> frozenset[str]:
        return frozenset(w[0] for name in self.unit_names if (w := _TOKEN.findall(name)))

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
        if self.spaced:
            # the big alternation runs only when the next word can start a unit name
            start = pos + 1 if text[pos : pos + 1] in (" ", "\u00a0") else pos
            word = _TOKEN.match(text, start)
            if word is not None and word.group().casefold() not in self._unit_first_words:
                return None
        match = self.unit_pattern.match(text, pos)
        if match is None:
            return None
        return self.unit_names.get(_fold(" ".join(match.group(1).split())), ""), match.end()

    # --- frequency, comparison, schedule ---------------------------------------------------

    @property
    def periods(self) -> Matcher:
        return self.matcher("frequency.periods")

    @property
    def comparison(self) -> Matcher:
        return self.matcher("comparison")

    @property
    def schedule(self) -> Matcher:
        return self.matcher("schedule")


_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?。！？\n]")


@lru_cache(maxsize=512)  # only needed while one entry is checked: small keeps memory low
def _token_set(text: str) -> frozenset[str]:
    return frozenset(_TOKEN.findall(text.casefold()))


@lru_cache(maxsize=512)
def _token_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed lengths (ß -> ss): fold word by word
        return tuple([(m.start(), m.end(), m.group().casefold()) for m in _TOKEN.finditer(text)])
    return tuple([(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)])


class Matcher:
    """Finds the phrases of named classes in a text.

    In scripts written with spaces the text is split into words once and phrases are looked up
    by their first word (fast: no regular expression per phrase); elsewhere (Chinese, Korean)
    one regular expression per class runs. Longest phrase first, matches do not overlap.
    """

    def __init__(self, vocab: Vocabulary, classes: Mapping[str, list[str]]):
        self.spaced = vocab.spaced
        prefixes = vocab.data.get("script", {}).get("prefixes", [])
        self.prefixes = sorted(prefixes, key=len, reverse=True)
        self.index: dict[str, list[tuple[tuple[str, ...], str, bool, str]]] = {}
        self.regexes: dict[str, re.Pattern[str]] = {}
        for name, phrases in classes.items():
            if self.spaced:
                for phrase in phrases:
                    near = phrase.endswith(" #")
                    body = phrase.removesuffix(" #").strip()
                    words = tuple(_TOKEN.findall(_fold(body)))
                    # a phrase ending in punctuation ("không?", a question) needs it after it
                    follow = body[len(body.rstrip("?!.,;:？！。")) :]
                    if words:
                        self.index.setdefault(words[0], []).append((words, name, near, follow))
            else:
                regex = vocab.pattern(list(phrases))
                if regex is not None:
                    self.regexes[name] = regex
        for candidates in self.index.values():
            candidates.sort(key=lambda c: -len(c[0]))
        self.names = frozenset(c[1] for cs in self.index.values() for c in cs)
        self.first_words = frozenset(self.index)
        # the longest word of each phrase: a text with none of them has no phrase at all
        # ("a day" needs "day": most texts have an "a")
        self.gate_words = frozenset(max(c[0], key=len) for cs in self.index.values() for c in cs)
        self.names |= frozenset(self.regexes)
        parts = [r.pattern for r in self.regexes.values()]
        self.any = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def __bool__(self) -> bool:
        return bool(self.index or self.regexes)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        return list(_find(self, text))

    def _candidates(self, word: str) -> list[tuple[tuple[str, ...], str, bool, str]]:
        found = list(self.index.get(word, ()))
        for prefix in self.prefixes:
            if word.startswith(prefix) and len(word) > len(prefix) + 1:
                found += self.index.get(word[len(prefix) :], ())
        return found

    def _scan(self, text: str) -> tuple[tuple[int, int, str], ...]:
        if not self.spaced:
            return _regex_find(text, self.regexes, self.any)
        if self.prefixes:  # Arabic: a clitic may be written onto any word
            tokens = _token_spans(text)
            starts: Iterable[int] = range(len(tokens))
        else:
            present = _token_set(text)
            if present.isdisjoint(self.gate_words):
                return ()  # the usual case, decided by one set operation
            tokens = _token_spans(text)
            hits = present & self.first_words
            starts = [i for i, token in enumerate(tokens) if token[2] in hits]
        out = []
        after = -1  # matches do not overlap
        for i in starts:
            if i < after:
                continue
            for phrase, name, near, follow in self._candidates(tokens[i][2]):
                n = len(phrase)
                # a one-word phrase matched by the look-up (most do): nothing more to compare
                if n > 1 and (
                    i + n > len(tokens) or any(tokens[i + k][2] != phrase[k] for k in range(1, n))
                ):
                    continue
                end = tokens[i + n - 1][1]
                if near and not _number_near(text, end):
                    continue
                if follow and not text[end:].lstrip().startswith(follow):
                    continue
                out.append((tokens[i][0], end, name))
                after = i + n
                break
        return tuple(out)


@lru_cache(maxsize=4096)
def _find(matcher: Matcher, text: str) -> tuple[tuple[int, int, str], ...]:
    return matcher._scan(text)


def _number_near(text: str, end: int) -> bool:
    after = text[end : end + 25]
    stop = _SENTENCE_END.search(after)
    after = after[: stop.start()] if stop else after
    return any(ch.isdigit() or ch in "零〇一二两兩三四五六七八九十百" for ch in after)


def _regex_find(
    text: str, classes: Mapping[str, re.Pattern[str]], any_: re.Pattern[str] | None
) -> tuple[tuple[int, int, str], ...]:
    if any_ is None or not any_.search(text):
        return ()
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
    return tuple(out)


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
    written = written.replace("點", "点").replace("萬", "万")  # Traditional forms
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
