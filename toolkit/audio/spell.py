"""Numbers in words: num2words for every language it has, our speller for Chinese, and the
grammar num2words leaves out (the form a number takes before a feminine noun or a Chinese
measure word).

The gender rules are grammar, not vocabulary: Spanish uno -> una / un and -cientos ->
-cientas, Portuguese um -> uma, dois -> duas, -entos -> -entas, French un -> une, Italian
uno -> una / un, German eins -> eine / ein, Polish jeden -> jedna, dwa -> dwie, Russian
through num2words' own `gender`, Chinese 二 -> 两 before a measure word. Which nouns are
feminine is data: the lexicon's [nouns] table.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

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
def num2words_code(locale: str) -> str | None:
    """The num2words converter for `locale` (`pt_BR` before `pt`), or None."""
    from num2words import CONVERTER_CLASSES

    for code in (locale, locale.split("_")[0]):
        if code in CONVERTER_CLASSES:
            return code
    return None


def can_spell(locale: str) -> bool:
    return locale.split("_")[0] == "zh" or num2words_code(locale) is not None


def point_word(locale: str) -> str | None:
    """num2words' word for the decimal mark in `locale` ("point", "virgule")."""
    code = num2words_code(locale)
    if code is None:
        return None
    from num2words import CONVERTER_CLASSES

    word = getattr(CONVERTER_CLASSES[code], "pointword", None)
    return str(word) if word else None


def spell_integer(n: int, locale: str, how: str = "cardinal", gender: str | None = None) -> str:
    """`n` in words for `locale`.

    `how`: cardinal, ordinal, year, digits. `gender`: None (said alone), "masculine" or
    "feminine" (before such a noun), "measure" (before a Chinese measure word or unit).
    Returns the digits when neither num2words nor our speller knows the language.
    """
    language = locale.split("_")[0]
    if how == "digits":
        if language == "zh":
            return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
        return " ".join(spell_integer(int(d), locale) for d in str(n))
    if language == "zh":
        if n == 2 and gender == "measure":
            return "两"
        return spell_chinese(n)
    code = num2words_code(locale)
    if code is None:
        return str(n)
    from num2words import num2words

    if how in ("ordinal", "year"):
        try:
            return num2words(n, lang=code, to=how)
        except (NotImplementedError, AttributeError, TypeError):
            pass
    if language == "ru" and gender == "feminine":
        return num2words(n, lang=code, gender="f")
    return with_gender(num2words(n, lang=code), n, language, gender)


def with_gender(words: str, n: int, language: str, gender: str | None) -> str:
    """Cardinal `words` for `n` in the form the following noun's gender needs."""
    if gender is None or gender == "measure":
        return words
    feminine = gender == "feminine"
    if language == "es":
        if feminine:
            words = re.sub(r"ientos\b", "ientas", words)
            return re.sub(r"(uno)$", "una", words)
        return re.sub(r"veintiuno$", "veintiún", re.sub(r"\buno$", "un", words))
    if language == "pt" and feminine:
        words = re.sub(r"entos\b", "entas", words)
        words = re.sub(r"\bum$", "uma", words)
        return re.sub(r"\bdois$", "duas", words)
    if language == "fr" and feminine:
        return re.sub(r"\bun$", "une", words)
    if language == "it" and n == 1:
        return "una" if feminine else "un"
    if language == "de" and n == 1:
        return "eine" if feminine else "ein"
    if language == "pl" and feminine:
        if n == 1:
            return "jedna"
        return re.sub(r"\bdwa$", "dwie", words)
    return words


def polish_feminine_ordinal(words: str) -> str:
    """ósmy -> ósma, drugi -> druga, trzeci -> trzecia (the hour: godzina is feminine)."""
    out = []
    for word in words.split():
        if word.endswith("ci"):
            word += "a"
        elif word.endswith(("i", "y")):
            word = word[:-1] + "a"
        out.append(word)
    return " ".join(out)


def spell_russian_decimal(value: Decimal) -> str:
    """Russian reads decimals as fractions (две целых пять десятых): num2words knows how."""
    from num2words import num2words

    return num2words(value, lang="ru")
