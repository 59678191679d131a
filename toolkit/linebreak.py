"""Line breaking as GNU gettext does it, so catalogs wrap exactly as msgcat/msgmerge wrap them.

gettext 0.21 breaks strings with libunistring 1.0: Unicode line breaking (UAX #14, with a pair
table) and column widths (wide East Asian characters count 2). This is that algorithm, with
its tables generated from Unicode 14.0 and checked against libunistring itself
(tests/test_catalogs.py compares both on random text, and msgcat on whole catalogs).
"""

from __future__ import annotations

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


def possible_linebreaks(text: str) -> list[int]:
    """For each character, whether a line may break before it (libunistring's algorithm)."""
    out = [PROHIBITED] * len(text)
    last = BK  # class of the last character that is not a space or combining mark
    preceding = BK  # class of the character just before
    seen_space = False
    ri_count = 0
    after_hebrew_hyphen = False  # (LB21a) no break after Hebrew + hyphen
    for i, char in enumerate(text):
        prop = line_break_class(char)
        hebrew_hyphen = False
        if prop == BK:
            out[i] = MANDATORY
            last, seen_space = BK, False
        elif prop == SP:
            seen_space = True
        elif prop == ZW:
            last, seen_space = ZW, False
        elif prop in (CM, ZWJ):
            if last == BK:
                last, seen_space = AL, False
            elif last == ZW or seen_space:
                out[i] = POSSIBLE
                last, seen_space = AL, False
        else:
            if last == BK:
                pass
            elif last == ZW:
                out[i] = POSSIBLE
            elif preceding == ZWJ or after_hebrew_hyphen:
                pass
            elif last == IS and char == "<":
                out[i] = POSSIBLE  # libunistring: break before "</P>" after a sentence
            elif last == RI and prop == RI:
                if seen_space or ri_count % 2 == 0:
                    out[i] = POSSIBLE
            else:
                rule = PAIR[last * _PAIRED + prop]
                if rule == "D" or (rule == "I" and seen_space):
                    out[i] = POSSIBLE
            hebrew_hyphen = last == HL and prop in (HY, BA) and not seen_space
            last, seen_space = prop, False
        ri_count = ri_count + 1 if prop == RI else 0
        after_hebrew_hyphen = hebrew_hyphen
        preceding = prop
    return out


def width_linebreaks(
    text: str, width: int, start_column: int, overrides: list[int | None]
) -> list[int]:
    """libunistring's u8_width_linebreaks: greedy breaks so no line passes `width` columns.

    `overrides[i]`, when not None, replaces the break value before character i.
    """
    breaks = possible_linebreaks(text)
    last_break: int | None = None
    last_column = start_column
    piece_width = 0
    for i, char in enumerate(text):
        if overrides[i] is not None:
            breaks[i] = overrides[i]  # type: ignore[assignment]
        value = breaks[i]
        ends_piece = value in (POSSIBLE, MANDATORY)
        if ends_piece and last_break is not None and last_column + piece_width > width:
            breaks[last_break] = POSSIBLE
            last_column = 0
        if value == MANDATORY:
            last_break, last_column, piece_width = None, 0, 0
        else:
            if value == POSSIBLE:
                last_break = i
                last_column += piece_width
                piece_width = 0
            breaks[i] = PROHIBITED
            w = char_width(char)
            if w >= 0:
                piece_width += w
    if last_break is not None and last_column + piece_width > width:
        breaks[last_break] = POSSIBLE
    return breaks
