"""Phone numbers in article text, so pages can make them `tel:` links (the words unchanged).

Crisis lines come first: the short numbers a coordinator lists (`[tool.toolkit.site]
crisis_lines`, by default 911 and 988 as in the sample articles; add 112, 999...) are found
wherever they stand as a number of their own, in ASCII or Arabic-Indic digits. Other
numbers are linked only when they are written the way phone numbers are and doses, dates,
ranges and thousands are not: a leading `+`, or parentheses or hyphens between at least
three groups, or a leading 0 with spaces; 7 to 15 digits. A number this misses stays text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

DEFAULT_CRISIS_LINES = ("911", "988")

# not glued to a letter, digit or number punctuation on either side (CJK text may run
# straight into a number, so only Latin letters count as glue)
_BEFORE = r"(?<![0-9A-Za-z\d.,/+\-])"
_AFTER = r"(?![0-9A-Za-z\d/%]|[.,\-]\d)"
_LONG = re.compile(_BEFORE + r"(\+?\(?\d[\d\u00a0 ()\-]{5,}\d)" + _AFTER)
# "Take 112 mg" is a dose, not a call
_NO_UNIT = r"(?![\s\u00a0]*(?:mg|mcg|µg|ml|mL|g|kg|mmHg|mm|cm|IU|%)(?![A-Za-z]))"
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-\d{2,4}$")


def _digit_class(char: str) -> str:
    value = int(char)
    return f"[{value}{chr(0x660 + value)}{chr(0x6F0 + value)}]"


@lru_cache(maxsize=16)
def _crisis_pattern(lines: tuple[str, ...]) -> re.Pattern[str] | None:
    numbers = sorted({n for n in lines if n.isascii() and n.isdigit()}, key=len, reverse=True)
    if not numbers:
        return None
    body = "|".join("".join(_digit_class(c) for c in n) for n in numbers)
    return re.compile(f"{_BEFORE}({body}){_AFTER}{_NO_UNIT}")


def tel_target(number: str) -> str:
    """`+1 (800) 273-8255` -> `+18002738255`; Arabic-Indic digits become ASCII."""
    digits = "".join(str(unicodedata.digit(c)) for c in number if c.isdigit())
    return ("+" if number.lstrip().startswith("+") else "") + digits


def _looks_like_phone(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15 or _DATE.match(text):
        return False
    groups = [g for g in re.split(r"[\s()\-\u00a0]+", text.lstrip("+")) if g]
    if text.startswith("+"):
        return len(groups) >= 1
    if "(" in text or "-" in text:
        return len(groups) >= 3 or bool(re.fullmatch(r"\d{3}-\d{4}", text))
    return text.startswith("0") and len(groups) >= 3


def find_phone_numbers(
    text: str, crisis_lines: tuple[str, ...] = DEFAULT_CRISIS_LINES
) -> list[tuple[int, int, str]]:
    """(start, end, tel: target) of every phone number in `text`, in order."""
    found: list[tuple[int, int, str]] = []
    crisis = _crisis_pattern(tuple(crisis_lines))
    if crisis is not None:
        found += [(m.start(1), m.end(1), tel_target(m.group(1))) for m in crisis.finditer(text)]
    for match in _LONG.finditer(text):
        number = match.group(1).rstrip(" \u00a0-(")
        start, end = match.start(1), match.start(1) + len(number)
        if _looks_like_phone(number) and not any(s < end and start < e for s, e, _ in found):
            found.append((start, end, tel_target(number)))
    return sorted(found)
