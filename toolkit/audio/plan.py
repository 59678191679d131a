"""Planning: an article's blocks -> the sentences to speak, each normalized and keyed.

Nothing here speaks: the sentences (what the page shows, what the voice is given, which voice,
and the audio cache key) are plain data, planned in the parent and shipped to whichever
executor speaks them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..config import AudioConfig
from ..locales import normalize_locale
from ..models import TextBlock
from .cache import cache_key
from .engines.base import Engine
from .normalize import Lexicon, normalize_text

log = logging.getLogger(__name__)

#: the share of an article's time that its pauses take: sentences are asked for at
#: rate / (1 - share), so that with the pauses the whole runs at the rate
PAUSE_SHARE = 0.14


def speech_rate(rate: int) -> int:
    """Words a minute the sentences themselves are spoken at, for a result at `rate`."""
    return round(rate / (1 - PAUSE_SHARE))


@dataclass(frozen=True)
class Sentence:
    """One sentence to speak: as the page shows it, and as the voice says it."""

    text: str  #: the caption: what the page says
    spoken: str  #: normalized for the voice
    locale: str
    voice: str
    block: int  #: index of its block
    kind: str  #: its block's kind (title, heading, paragraph…)
    key: str  #: audio cache key


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def count_words(text: str) -> int:
    """Spoken words: whitespace-separated words, and each CJK character as one (a syllable
    in Chinese; Vietnamese words are counted per written syllable too). A number left in
    digits for the voice (Arabic) counts as the words it is read as: one per non-zero digit,
    the "and"s between them, and the decimal mark (120 is three, 2.5 is three)."""
    cjk = len(_CJK.findall(text))
    text = _CJK.sub(" ", text)
    spoken_digits = 0
    for number in _DIGITS.findall(text):
        for run in re.split(r"[.,]", number):
            nonzero = sum(ch != "0" for ch in run)
            spoken_digits += max(1, 2 * nonzero - 1)
        spoken_digits += len(re.findall(r"[.,]", number))
    words = len(_WORD.findall(_DIGITS.sub(" ", text)))
    return cjk + words + spoken_digits


def _split(text: str, locale: str) -> list[str]:
    from ..readability import split_sentences

    return [s.strip() for s in split_sentences(text, locale) if s.strip()]


def _speakable(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


_warned: set[tuple[str, str]] = set()


def _warn_once(locale: str, warning: str) -> None:
    """What a locale cannot say, once per process (an article repeats its tokens)."""
    if (locale, warning) not in _warned:
        _warned.add((locale, warning))
        log.warning("%s: %s", locale, warning)


def plan(
    blocks: Sequence[TextBlock],
    locale: str,
    engine: Engine,
    voice: str,
    config: AudioConfig,
    lexicon_for: Callable[[str], Lexicon],
    voice_for: Callable[[str], str],
) -> list[Sentence]:
    """The sentences to speak, in order. Code blocks are not spoken (they are not translated
    prose); a block that fell back to the source language is read by that language's voice."""
    version = engine.version()
    sentences = []
    for index, block in enumerate(blocks):
        if block.kind == "code" or not block.text.strip():
            continue
        block_locale = normalize_locale(block.lang) if block.lang else locale
        block_voice = voice if block_locale == locale else voice_for(block_locale)
        lexicon = lexicon_for(block_locale)
        for text in _split(block.text, block_locale):
            normalized = normalize_text(text, block_locale, lexicon)
            spoken = normalized.text
            for warning in normalized.warnings:
                _warn_once(block_locale, warning)
            if not _speakable(spoken):
                continue
            key = cache_key(engine.name, version, block_voice, speech_rate(config.rate), spoken)
            sentences.append(
                Sentence(text, spoken, block_locale, block_voice, index, block.kind, key)
            )
    return sentences
