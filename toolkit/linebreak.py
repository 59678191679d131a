"""Line breaking as GNU gettext does it, so catalogs wrap exactly as msgcat/msgmerge wrap them.

gettext 0.21 breaks strings with libunistring 1.0: Unicode line breaking (UAX #14, with a pair
table) and column widths (wide East Asian characters count 2). This is that algorithm, with
its tables generated from Unicode 14.0 and checked against libunistring itself
(tests/test_catalogs.py compares both on random text, and msgcat on whole catalogs).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from string import ascii_letters

from .linebreak_table import CLASSES, PAIR, RANGE_CLASSES, RANGE_STARTS, WIDTH_STARTS, WIDTHS

_CODES = tuple(ascii_letters.index(letter) for letter in "".join(RANGE_CLASSES))
_INDEX = {name: i for i, name in enumerate(CLASSES)}
_PAIRED = _INDEX["BK"]  # the classes before BK index the pair table
BK, SP, ZW, CM, ZWJ = (_INDEX[name] for name in ("BK", "SP", "ZW", "CM", "ZWJ"))
AL, ID, IS, RI, HL, HY, BA = (_INDEX[name] for name in ("AL", "ID", "IS", "RI", "HL", "HY", "BA"))

#: break values, as libunistring names them
PROHIBITED, POSSIBLE, MANDATORY = 1, 2, 3

_WIDTHS = "".join(WIDTHS)


@lru_cache(maxsize=4096)
def line_break_class(char: str) -> int:
    return _CODES[bisect_right(RANGE_STARTS, ord(char)) - 1]


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Columns a character takes, as libunistring's uc_width counts them (-1: control)."""
    width = _WIDTHS[bisect_right(WIDTH_STARTS, ord(char)) - 1]
    return -1 if width == "-" else int(width)


_CONTROL = re.compile("[\x00-\x1f\x7f]")
_RULES = tuple({"P": 0, "I": 1, "D": 2}[rule] for rule in "".join(PAIR))
_ASCII_CLASSES = bytes(line_break_class(chr(code)) for code in range(128)) + bytes(128)
_ASCII_WIDTHS = tuple(char_width(chr(code)) for code in range(128))


def _classes(text: str) -> bytes | list[int]:
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_CLASSES)
    return [line_break_class(char) for char in text]


def possible_linebreaks(text: str) -> list[int]:
    """For each character, whether a line may break before it (libunistring's algorithm)."""
    out = [PROHIBITED] * len(text)
    for i, value in _opportunities(text).items():
        out[i] = value
    return out


_BASE = 0xE000  # classes as private-use characters: nothing special to a regex


class _ClassLetters(dict):  # type: ignore[type-arg]
    """str.translate table: a character -> one letter naming its line-break class."""

    def __missing__(self, code: int) -> str:
        letter = chr(_BASE + line_break_class(chr(code)))
        self[code] = letter
        return letter


_LETTERS = _ClassLetters()
_SPACE = chr(_BASE + SP)
#: classes with rules of their own (marks, joiners, flags, Hebrew, mandatory breaks, ZW)
_SPECIAL = re.compile("[" + "".join(chr(_BASE + c) for c in (BK, ZW, CM, ZWJ, RI, HL)) + "]")
#: a character after spaces, with the last character before the spaces (group 1)
_AFTER_SPACES = re.compile(f"([^{_SPACE}]){_SPACE}+(?=[^{_SPACE}])")


def _direct_breaks() -> re.Pattern[str]:
    """Two characters a line may break between: one alternative per set of second classes."""
    by_after: dict[frozenset[int], list[int]] = {}
    for before in range(_PAIRED):
        row = _RULES[before * _PAIRED : (before + 1) * _PAIRED]
        after = frozenset(a for a, rule in enumerate(row) if rule == 2)
        if after:
            by_after.setdefault(after, []).append(before)
    return re.compile(
        "|".join(
            f"[{''.join(chr(_BASE + b) for b in befores)}]"
            f"(?=[{''.join(chr(_BASE + a) for a in sorted(after))}])"
            for after, befores in by_after.items()
        )
    )


_DIRECT = _direct_breaks()


def _opportunities(text: str) -> dict[int, int]:
    """{index: POSSIBLE or MANDATORY} for the characters a line may break before."""
    letters = text.translate(_LETTERS)
    if _SPECIAL.search(letters):
        return _opportunities_slowly(text)
    # no special class: only the pair table decides, which two regular expressions can ask
    out = {match.end(): POSSIBLE for match in _DIRECT.finditer(letters)}
    rules, paired = _RULES, _PAIRED
    for match in _AFTER_SPACES.finditer(letters):
        before, after = ord(match.group(1)) - _BASE, ord(letters[match.end()]) - _BASE
        if rules[before * paired + after]:
            out[match.end()] = POSSIBLE
    if "<" in text:  # libunistring: break before "</P>" after a sentence
        for i, char in enumerate(text):
            if char == "<" and i and _last_class(letters, i) == IS:
                out[i] = POSSIBLE
    return out


def _last_class(letters: str, i: int) -> int:
    stripped = letters[:i].rstrip(_SPACE)
    return ord(stripped[-1]) - _BASE if stripped else BK


def _opportunities_slowly(text: str) -> dict[int, int]:
    """{index: POSSIBLE or MANDATORY}, character by character (libunistring's loop)."""
    out: dict[int, int] = {}
    rules, paired = _RULES, _PAIRED
    last = BK  # class of the last character that is not a space or combining mark
    preceding = BK  # class of the character just before
    seen_space = False
    ri_count = 0
    after_hebrew_hyphen = False  # (LB21a) no break after Hebrew + hyphen
    for i, prop in enumerate(_classes(text)):
        hebrew_hyphen = False
        if prop < paired:  # the common case: a class of the pair table
            if last >= paired:
                if last == ZW:
                    out[i] = POSSIBLE
            elif preceding == ZWJ or after_hebrew_hyphen:
                pass
            elif last == IS and text[i] == "<":
                out[i] = POSSIBLE  # libunistring: break before "</P>" after a sentence
            elif last == RI and prop == RI:
                if seen_space or ri_count % 2 == 0:
                    out[i] = POSSIBLE
            else:
                rule = rules[last * paired + prop]
                if rule == 2 or (rule == 1 and seen_space):
                    out[i] = POSSIBLE
            hebrew_hyphen = last == HL and prop in (HY, BA) and not seen_space
            last, seen_space = prop, False
        elif prop == SP:
            seen_space = True
        elif prop == BK:
            out[i] = MANDATORY
            last, seen_space = BK, False
        elif prop == ZW:
            last, seen_space = ZW, False
        else:  # CM, ZWJ
            if last == BK:
                last, seen_space = AL, False
            elif last == ZW or seen_space:
                out[i] = POSSIBLE
                last, seen_space = AL, False
        ri_count = ri_count + 1 if prop == RI else 0
        after_hebrew_hyphen = hebrew_hyphen
        preceding = prop
    return out


def line_breaks(
    text: str, width: int, start_column: int, overrides: dict[int, int] | None = None
) -> list[int]:
    """Where libunistring's u8_width_linebreaks breaks `text` so no line passes `width`
    columns: the indices of the characters that start a new line.

    `overrides` ({index: POSSIBLE or PROHIBITED}) replaces the break value before a character.
    """
    opportunities = _opportunities(text)
    if overrides:
        opportunities.update(overrides)
    candidates = sorted(i for i, value in opportunities.items() if value != PROHIBITED)
    if text.isascii():
        if not _CONTROL.search(text):
            columns: list[int] | range = range(len(text) + 1)
        else:
            columns = _prefix_widths([_ASCII_WIDTHS[ord(c)] for c in text])
    else:
        columns = _prefix_widths([char_width(c) for c in text])
    out: list[int] = []
    last_break: int | None = None
    last_column = start_column
    piece_start = 0
    for i in candidates:
        piece = columns[i] - columns[piece_start]
        if last_break is not None and last_column + piece > width:
            out.append(last_break)
            last_column = 0
        if opportunities[i] == MANDATORY:
            last_break, last_column, piece_start = None, 0, i + 1
        else:
            last_break = i
            last_column += piece
            piece_start = i
    piece = columns[len(text)] - columns[piece_start]
    if last_break is not None and last_column + piece > width:
        out.append(last_break)
    return out


def _prefix_widths(widths: list[int]) -> list[int]:
    out = [0]
    total = 0
    for width in widths:
        if width > 0:
            total += width
        out.append(total)
    return out


def width_linebreaks(
    text: str, width: int, start_column: int, overrides: list[int | None]
) -> list[int]:
    """libunistring's u8_width_linebreaks, value per character (for tests against it)."""
    chosen = {i: value for i, value in enumerate(overrides) if value is not None}
    opportunities = _opportunities(text)
    out = [PROHIBITED] * len(text)
    for i, value in (opportunities | chosen).items():
        if value == MANDATORY:
            out[i] = MANDATORY
    for i in line_breaks(text, width, start_column, chosen):
        out[i] = POSSIBLE
    return out
