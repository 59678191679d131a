"""Sentence segmentation: pysbd where it knows the language, a small rule set elsewhere.

textstat's own sentence count drops sentences of two words or fewer ("Call 911."), splits on
decimals and abbreviations (2.5, Dr., a.m.) and does not know `。`, `؟` or `।`: every score here
counts sentences with this module instead.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

#: languages whose pysbd 0.3.4 rules we use; pysbd also has Arabic and Persian, but those split
#: at every colon (and, in Arabic, at every comma "،"): the fallback below does better there
PYSBD_LANGUAGES = frozenset(
    ["am", "bg", "da", "de", "el", "en", "es", "fr", "hi", "hy", "it", "ja", "kk"]
    + ["mr", "my", "nl", "pl", "ru", "sk", "ur", "zh"]
)

# Sentence-final marks that need no space after them (full-width, Arabic, Devanagari, Urdu).
_HARD_TERMINALS = "。．！？؟।॥۔"
_CLOSERS = "\"'”’»)]」』）"
_FALLBACK_BOUNDARY = re.compile(
    rf"[.!?…]+[{re.escape(_CLOSERS)}]*(?=\s)|[{_HARD_TERMINALS}]+[{re.escape(_CLOSERS)}]*"
)
# Titles that are followed by a name in many languages written with Latin script.
_TITLES = frozenset(
    ["dr", "dra", "mr", "mrs", "ms", "sr", "sra", "srta", "sres", "prof", "st", "mt", "no"]
    + ["nº", "ca", "vs"]
)
#: titles before a name, which never end a sentence ("no." and "vs." can)
_PERSON_TITLES = frozenset(["dr", "dra", "mr", "mrs", "ms", "sr", "sra", "srta", "sres", "prof"])
_INITIALS = re.compile(r"^(?:\w\.)*\w$")  # "e.g", "a.m", "J": single letters between dots
# A line with no terminal mark followed by more text is one sentence: no segmenter needed.
_MAYBE_SEVERAL = re.compile(rf"[.!?…{_HARD_TERMINALS}]\S*\s*\S")

# pysbd is exact but slow (about 90 % of scoring time). Most lines of plain-language text only
# have clear boundaries: a word of two or more letters, one `.`/`!`/`?`, a space, a capital
# (pysbd never splits a decimal such as 2.5 or 10.30). Those
# lines are split here; everything else (abbreviations, initials, ellipses, quotes, brackets,
# list markers, other scripts) goes to pysbd. Tests check that both always agree.
# (the mark first, then the look-behind at the two letters before it: a pattern that starts
# with a character set is scanned for in C, one that starts with a look-behind is tried at
# every position; the matches are those of `(?<=[^\W\d_]{2})[.!?] +(?=[^\W\d_])`)
_CLEAR_BOUNDARY = re.compile(r"[.!?](?<=[^\W\d_]{2}[.!?]) +(?=[^\W\d_])")
_ANY_TERMINAL = re.compile(r"[.!?]")
_INNER_PERIOD = re.compile(r"(?<=\d)\.(?=\d)")  # 2.5 mg, 10.30
_LIST_MARKER = re.compile(r"(?:^|\s)\(?(?:[^\W\d_]|[ivxIVX]+|\d+)[.)](?=\s|$)")
_UNCLEAR = re.compile(
    rf"[…•\"“”„«»‹›()\[\]{{}}「」{_HARD_TERMINALS}]"  # quoted or bracketed spans: pysbd
    r"|(?<![^\W\d_])['‘’]|['‘’](?![^\W\d_])"  # a quote mark that is no apostrophe in a word
)
#: a character every `_UNCLEAR` match holds: most lines have none, found by a fast scan
_UNCLEAR_CHARACTER = re.compile(rf"[…•\"“”„«»‹›()\[\]{{}}「」{_HARD_TERMINALS}'‘’]")
#: languages using pysbd's standard `.`, `!`, `?` rules, where the fast path is checked
_FAST_LANGUAGES = frozenset(["en", "es", "fr", "de", "it", "nl", "ru", "pl", "da"])
_WORD_BEFORE = re.compile(r"(\w+)[.!?] +$")

_local = threading.local()


@lru_cache(maxsize=64)
def _abbreviations(language: str) -> frozenset[str]:
    from pysbd.languages import Language

    rules = Language.get_language_code(language).Abbreviation
    names = ("ABBREVIATIONS", "PREPOSITIVE_ABBREVIATIONS", "NUMBER_ABBREVIATIONS")
    return frozenset(a.strip().lower() for name in names for a in getattr(rules, name, ()))


def clear_split(line: str, language: str) -> list[str] | None:
    """Split `line` when every boundary in it is unambiguous, else None (ask pysbd)."""
    line = line.strip()
    if language not in _FAST_LANGUAGES:
        return None
    if (_UNCLEAR_CHARACTER.search(line) and _UNCLEAR.search(line)) or _LIST_MARKER.search(line):
        return None
    cuts = [m.end() for m in _CLEAR_BOUNDARY.finditer(line)]
    # every terminal mark must be a clear boundary, inside a word or number, or the line's end
    marks = len(_ANY_TERMINAL.findall(line)) - len(_INNER_PERIOD.findall(line))
    marks -= bool(_ANY_TERMINAL.match(line[-1:]))
    if marks != len(cuts):
        return None
    abbreviations = _abbreviations(language)
    pieces: list[str] = []
    start = 0
    for cut in cuts:
        piece = line[start:cut]
        word = _WORD_BEFORE.search(piece)
        before = word.group(1).lower() if word else ""
        known = before in abbreviations or before in _PERSON_TITLES
        if word is None or known or not line[cut].isupper():
            return None
        pieces.append(piece.strip())
        start = cut
    pieces.append(line[start:])
    return pieces


def _pysbd(language: str):  # pysbd.Segmenter keeps the text on itself: one per thread
    cache = getattr(_local, "segmenters", None)
    if cache is None:
        cache = _local.segmenters = {}
    if language not in cache:
        import pysbd

        cache[language] = pysbd.Segmenter(language=language, clean=False)
    return cache[language]


def fallback_segment(line: str) -> list[str]:
    """Split one line into sentences for a language pysbd lacks (Portuguese, Vietnamese…).

    Splits after `.`, `!`, `?`, `…` followed by a space (not before a lowercase letter, not after
    an initial such as "e.g." or a title such as "Dr."), and right after `。 ． ！ ？ ؟ । ۔`.
    """
    sentences: list[str] = []
    start = 0
    for match in _FALLBACK_BOUNDARY.finditer(line):
        end = match.end()
        following = line[end:].lstrip()
        if not following:
            continue
        if match.group()[0] in ".!?…":
            if following[0].islower():
                continue  # "…then", "a.m. every day": the sentence goes on
            if match.group()[0] == ".":
                token = line[start : match.start()].split()[-1:] or [""]
                word = token[0].lower()
                if word in _TITLES or _INITIALS.match(word):
                    continue
        sentences.append(line[start:end].strip())
        start = end
    sentences.append(line[start:].strip())
    return [s for s in sentences if s]


def _join_after_titles(pieces: list[str]) -> list[str]:
    """pysbd's lists lack some titles ("Dra." in Spanish): a piece ending in one of
    `_PERSON_TITLES` goes on in the next piece ("Llame a la Dra. Ruiz")."""
    joined: list[str] = []
    for piece in pieces:
        if joined:
            last = joined[-1].split()[-1].lower()
            if last.endswith(".") and last[:-1] in _PERSON_TITLES:
                joined[-1] = f"{joined[-1]} {piece}"
                continue
        joined.append(piece)
    return joined


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TABLE_ROW = " | "


def paragraph_lines(text: str) -> list[str]:
    """The units sentences are split from: each paragraph (text between blank lines) as one
    line, its hard line wraps joined with a space, so a sentence wrapped over two lines is one
    sentence. Rows of a rendered table (cells joined by " | ") stay lines of their own."""
    units: list[str] = []
    for paragraph in _BLANK_LINE.split(text):
        current: list[str] = []
        row = False
        for line in paragraph.splitlines():
            line = line.strip()
            if not line:
                continue
            is_row = _TABLE_ROW in line
            if current and (is_row or row):
                units.append(" ".join(current))
                current = []
            current.append(line)
            row = is_row
        if current:
            units.append(" ".join(current))
    return units


@lru_cache(maxsize=1024)
def _split(text: str, language: str) -> tuple[str, ...]:
    sentences: list[str] = []
    # Blocks of rendered text are separated by blank lines: a heading or list item without a
    # full stop is still a sentence of its own, never glued to the next paragraph; a line
    # break inside a block is a wrap, never a sentence end.
    for line in paragraph_lines(text):
        if not _MAYBE_SEVERAL.search(line):
            sentences.append(line)
        elif language in PYSBD_LANGUAGES:
            clear = clear_split(line, language)
            if clear is None:
                pieces = [s.strip() for s in _pysbd(language).segment(line) if s.strip()]
                clear = _join_after_titles(pieces)
            sentences.extend(clear)
        else:
            sentences.extend(fallback_segment(line))
    return tuple(sentences)


def split_sentences_for(text: str, language: str) -> tuple[str, ...]:
    """Sentences of `text` for a bare language code (`en`, `zh`); cached, thread-safe."""
    return _split(text, language)
