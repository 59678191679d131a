"""Syllables of Polish and Turkish, whose spelling writes one vowel letter per syllable.

- Turkish: every syllable has exactly one vowel (a, e, ı, i, o, ö, u, ü; â, î, û in loans) and
  two vowels side by side are two syllables (sa-at, ma-ale-sef): the syllable count is the
  vowel count (Türk Dil Kurumu, *Yazım Kılavuzu*, on dividing words at syllables; G. Lewis,
  *Turkish Grammar*, OUP 2000).
- Polish: a, ą, e, ę, i, o, ó, u, y are vowels and each is a syllable (na-u-ka, za-u-wa-żyć),
  except an i between a consonant and a vowel, which only marks the consonant as soft (nie,
  się, cia-ło, pie-lęg-niar-ka: Wielki słownik ortograficzny PWN, "Podział wyrazów na
  sylaby"; R. Nagórko, *Zarys gramatyki polskiej*, PWN). Loans with au/eu (au-to,
  Eu-ro-pa) are counted one syllable long: the spelling does not tell them from na-u-ka.

A word with no vowel letter (the prepositions w, z; digits) counts 1, as pyphen + 1 does.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: languages counted here rather than by pyphen
VOWEL_LANGUAGES = frozenset({"pl", "tr"})

_VOWELS = {
    "tr": frozenset("aeıioöuüâîû"),
    "pl": frozenset("aąeęioóuy"),
}


@lru_cache(maxsize=100_000)
def vowel_syllables(word: str, language: str) -> int:
    """Syllables of one lowercase `word` in `language` ("pl" or "tr")."""
    vowels = _VOWELS[language]
    # "İ".lower() is "i" + a combining dot: drop combining marks, keep the letters
    letters = [ch for ch in unicodedata.normalize("NFC", word) if not unicodedata.combining(ch)]
    count = 0
    for index, letter in enumerate(letters):
        if letter not in vowels:
            continue
        if language == "pl" and letter == "i" and _soft_i(letters, index, vowels):
            continue
        count += 1
    return max(1, count)


def _soft_i(letters: list[str], index: int, vowels: frozenset[str]) -> bool:
    """Polish i after a consonant and before a vowel: it softens the consonant (nie, cia)."""
    if index == 0 or index + 1 >= len(letters):
        return False
    before, after = letters[index - 1], letters[index + 1]
    return before.isalpha() and before not in vowels and after in vowels
