"""Arabic: OSMAN's counts on text diacritized offline, when a diacritizer is installed.

OSMAN (El-Haj & Rayson, "OSMAN – A Novel Arabic Readability Metric", LREC 2016) counts
syllables from the short vowels (harakat), which patient material rarely writes. piper-tts
1.8.0 (the optional `toolkit[piper]` extra) ships libtashkeel's Arabic diacritizer as an ONNX
model inside its wheel (`piper/tashkeel/model.onnx`, 4.8 MB), which runs offline on
onnxruntime: with it, the text is diacritized sentence by sentence and scored with OSMAN.
Without it, Arabic gets the proxy documented in docs/readability.md.

The counts follow textstat 0.7.13's (`count_arabic_syllables`, `count_arabic_long_words`,
`count_complex_arabic_words`, `count_faseeh`), per sentence, with one defect fixed: textstat
strips the diacritics with the punctuation before counting them (see `_PUNCTUATION`).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()

_SHORT_VOWELS = "\u064e\u064f\u0650"  # fatha, damma, kasra
_LONG_AFTER = "\u0627\u0648\u064a"  # alef, waw, yaa
_STRESS = re.compile("[\u064b\u064c\u064d\u0651]")  # tanween fath, damm, kasr; shadda
_COMPLEX_MARKS = re.compile("[\u064e\u064b\u064f\u064c\u0650\u064d\u0651]")
_TASHKEEL = re.compile("[\u064e\u064b\u064f\u064c\u0650\u064d\u0651\u0652\u0653\u0657\u0658]")
_FASEEH_ONE = re.compile("[\u0626\u0621\u0624\u0630\u0638]")
_FASEEH_TWO = re.compile("(\u0648\u0627|\u0648\u0646)")
_NO_SHORT_VOWEL_STRIP = re.compile(r"[\u0627\u0649\?\.\!\,\s*]")
#: punctuation, but not the diacritics: textstat 0.7.13 removes `[^\w\s]`, which strips the
#: harakat (combining marks) too, so its OSMAN never sees a short vowel on diacritized text
#: and falls back to counting letters
_PUNCTUATION = re.compile(r"[^\w\s\u064b-\u0652\u0653\u0657\u0658\u0670]")


@lru_cache(maxsize=1)
def _diacritizer() -> Any:
    try:
        from piper.tashkeel import TashkeelDiacritizer
    except ImportError:
        return None
    with _lock:
        return TashkeelDiacritizer()


def diacritizer_available() -> bool:
    """Is an offline Arabic diacritizer installed (piper-tts's libtashkeel)?"""
    try:
        import importlib.util

        return importlib.util.find_spec("piper.tashkeel") is not None
    except (ImportError, ValueError):
        return False


@lru_cache(maxsize=4096)
def diacritize(sentence: str) -> str:
    model = _diacritizer()
    if model is None:
        raise RuntimeError("no Arabic diacritizer installed (pip install 'toolkit[piper]')")
    with _lock:  # one ONNX session, shared
        return model.diacritize(sentence)


def _words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", text).split()


def syllables(text: str) -> int:
    """textstat's count: short vowels, those before alef/waw/yaa (long) and the stress marks
    (tanween, shadda) counted double."""
    chars = [c for w in _words(text) for c in w]
    short = long = 0
    for i, c in enumerate(chars):
        if c not in _SHORT_VOWELS:
            continue
        if i + 1 < len(chars) and chars[i + 1] in _LONG_AFTER:
            long += 1
        else:
            short += 1
    stress = len(_STRESS.findall(text))
    if short == 0:  # undiacritized: textstat's rough letter count
        short = len(_NO_SHORT_VOWEL_STRIP.sub("", text)) - 2
    return short + 2 * (long + stress)


def counts(sentence: str) -> dict[str, int]:
    """OSMAN's counts of one diacritized sentence."""
    words = _words(sentence)
    return {
        "arabic_syllables": syllables(sentence),
        "arabic_long_words": sum(len(w) > 5 for w in _words(_TASHKEEL.sub("", sentence))),
        "arabic_complex_words": sum(len(_COMPLEX_MARKS.findall(w)) > 5 for w in words),
        "faseeh_words": sum(
            syllables(w) > 5 and bool(_FASEEH_ONE.search(w) or _FASEEH_TWO.search(w)) for w in words
        ),
    }
