"""Sentence segmentation: pysbd where it knows the language, a small rule set elsewhere.

textstat's own sentence count drops sentences of two words or fewer ("Call 911."), splits on
decimals and abbreviations (2.5, Dr., a.m.) and does not know `。`, `؟` or `।`: every score here
counts sentences with this module instead.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

#: languages pysbd 0.3.4 has rules for
PYSBD_LANGUAGES = frozenset(
    [
        "am",
        "ar",
        "bg",
        "da",
        "de",
        "el",
        "en",
        "es",
        "fa",
        "fr",
        "hi",
        "hy",
        "it",
        "ja",
        "kk",
        "mr",
        "my",
        "nl",
        "pl",
        "ru",
        "sk",
        "ur",
        "zh",
    ]
)

# Sentence-final marks that need no space after them (full-width, Arabic, Devanagari, Urdu).
_HARD_TERMINALS = "。．！？؟।॥۔"
_CLOSERS = "\"'”’»)]」』）"
_FALLBACK_BOUNDARY = re.compile(
    rf"[.!?…]+[{re.escape(_CLOSERS)}]*(?=\s)|[{_HARD_TERMINALS}]+[{re.escape(_CLOSERS)}]*"
)
# Titles that are followed by a name in many languages written with Latin script.
_TITLES = frozenset(
    [
        "dr",
        "dra",
        "mr",
        "mrs",
        "ms",
        "sr",
        "sra",
        "srta",
        "sres",
        "prof",
        "st",
        "mt",
        "no",
        "nº",
        "ca",
        "vs",
    ]
)
_INITIALS = re.compile(r"^(?:\w\.)*\w$")  # "e.g", "a.m", "J": single letters between dots
# A line with no terminal mark followed by more text is one sentence: no segmenter needed.
_MAYBE_SEVERAL = re.compile(rf"[.!?…{_HARD_TERMINALS}]\S*\s*\S")

_local = threading.local()


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


@lru_cache(maxsize=1024)
def _split(text: str, language: str) -> tuple[str, ...]:
    sentences: list[str] = []
    # Blocks of rendered text are separated by line breaks: a heading or list item without a
    # full stop is still a sentence of its own, never glued to the next paragraph.
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not _MAYBE_SEVERAL.search(line):
            sentences.append(line)
        elif language in PYSBD_LANGUAGES:
            sentences.extend(s.strip() for s in _pysbd(language).segment(line) if s.strip())
        else:
            sentences.extend(fallback_segment(line))
    return tuple(sentences)


def split_sentences_for(text: str, language: str) -> tuple[str, ...]:
    """Sentences of `text` for a bare language code (`en`, `zh`); cached, thread-safe."""
    return _split(text, language)
