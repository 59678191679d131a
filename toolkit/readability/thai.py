"""Thai phrases: Thai writes no space between words and a space where English puts a full stop
or a comma (the Royal Institute of Thailand's spacing rules, หลักเกณฑ์การเว้นวรรค), so a
space-separated run of Thai text is a phrase or a sentence. Without an offline word segmenter
(pythainlp 5.4.0, whose dictionary tokenizer would do, is a 21.9 MB wheel), characters per
phrase is the measure: a proxy, labelled as one. A chunk with no Thai consonant (a number such
as the "2" of "วันละ 2 ครั้ง", a Latin word) is no phrase of its own.
"""

from __future__ import annotations

import re

#: a Thai consonant: every Thai syllable has one (ๆ, the repetition mark, is no phrase)
_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")


def phrases(sentence: str) -> int:
    """Space-separated chunks of `sentence` that hold a Thai consonant (at least 1)."""
    return max(1, sum(bool(_THAI_LETTER.search(chunk)) for chunk in sentence.split()))


_WORD_CHARACTER = re.compile(r"\w")


def longest_phrase(sentence: str) -> int:
    """Word characters in the longest space-separated phrase of `sentence` (0 without one)."""
    return max((len(_WORD_CHARACTER.findall(chunk)) for chunk in sentence.split()), default=0)
