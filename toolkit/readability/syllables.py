"""Rule-based syllable counts for languages whose spelling shows their syllables.

pyphen's hyphenation patterns say where a word may be broken at a line end, not how many
syllables it has: they never break a vowel pair (día, oír, idea, país stay whole), so Spanish
counts come out low and ease scores high. Spanish, Italian and Portuguese spell their vowels
regularly enough that the syllable count follows from rules on vowel sequences:

- Spanish: Real Academia Española, *Ortografía de la lengua española* (2010), §1.5.1.1
  (diptongos, triptongos e hiatos for orthographic purposes): a, e, o are open vowels, i, u
  (and y at the end of a word) closed; two open vowels are a hiatus (le-er, po-e-ta); an open and
  an unstressed closed vowel, or two different closed vowels, are a diphthong (a-gua, ciu-dad,
  cui-da-do) — by that convention "guion", "truhan" and "fie" are monosyllables; a stressed
  closed vowel next to an open one is a hiatus, and it always carries the written accent (dí-a,
  pa-ís, o-ír, ba-úl); an h between vowels does not prevent a diphthong (ahu-ma-do, prohi-bir);
  the u of que, qui, gue, gui is not pronounced, the ü of güe, güi is.
- Italian: L. Serianni, *Grammatica italiana* (UTET 1989), I.30-I.46 (dittonghi, trittonghi,
  iato, divisione in sillabe): i, u unstressed beside another vowel form a diphthong
  (pie-de, uo-mo, cau-sa); two of a, e, o are a hiatus (pa-e-se, be-a-to); the i of ci, gi,
  sci, gli before a vowel only marks the consonant (cia-o, già, fi-glio). Italian writes the
  stress only on a final vowel, so a stressed i or u in hiatus (far-ma-cì-a, pa-ù-ra, mì-o) is
  invisible in the spelling: those come from `ITALIAN_HIATUS_WORDS` and the suffixes in
  `ITALIAN_HIATUS_ENDINGS` (-logia, -patia… are stressed on the i).
- Portuguese: the 1990 Orthographic Agreement (Acordo Ortográfico, Bases VIII-X and XX) and the
  syllable division of the Priberam dictionary: falling diphthongs (vowel + unstressed i/u:
  pai, cau-sa, mui-to) and nasal ones (mãe, pão, põe) are one syllable; a rising sequence
  i/u + vowel is divided (di-a, his-tó-ri-a, ci-ên-ci-a) except after q and g (quan-do, á-gua);
  two of a, e, o are a hiatus (co-e-lho, vo-o); a stressed í/ú is a hiatus (sa-ú-de, pa-ís), and
  so is an unmarked i/u followed in its syllable by l, m, n, r, z or by nh (ca-ir, ju-iz,
  ru-im, a-in-da, ra-i-nha: Base IX 9, the cases that need no accent).

Every rule is tested against hand-counted word lists (tests/data/syllables/).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

#: the languages counted here rather than by pyphen
RULE_LANGUAGES = frozenset(["es", "it", "pt"])

_OPEN = set("aeoáéóàèòâêôãõ")
_CLOSED = set("iuü")
_STRESSED_CLOSED = set("íúìù")
_VOWELS = _OPEN | _CLOSED | _STRESSED_CLOSED | {"y"}
_CONSONANTS_CLOSING_PT = set("lmnrz")

#: Italian words whose unmarked stressed i or u stands in hiatus (Serianni I.38): common ones
ITALIAN_HIATUS_WORDS = frozenset(
    [
        "mio",
        "mia",
        "tuo",
        "tua",
        "suo",
        "sua",
        "zio",
        "zia",
        "zie",
        "via",
        "vie",
        "spia",
        "dio",
        "io",
        "brio",
        "pio",
        "paura",
        "paure",
        "baule",
        "maestro",
        "maestra",
        "poeta",
        "poesia",
        "farmacia",
        "farmacie",
        "malattia",
        "malattie",
        "energia",
        "bugia",
        "scia",
        "fruscio",
        "leggio",
        "pendio",
        "addio",
    ]
)
#: word endings stressed on an i in hiatus (Greek -ìa suffixes and their plurals)
ITALIAN_HIATUS_ENDINGS = (
    "logia",
    "logie",
    "patia",
    "patie",
    "grafia",
    "grafie",
    "scopia",
    "scopie",
    "tomia",
    "tomie",
    "terapia",
    "terapie",
    "emia",
    "emie",
    "algia",
    "algie",
    "urgia",
    "urgie",
    "fobia",
    "fobie",
    "plegia",
    "plegie",
    "tenia",
    "filia",
    "crazia",
    "cardia",
)


def count_syllables(word: str, language: str) -> int:
    """The syllables of one word (at least 1 for any word, such as "mg" or "5")."""
    return _count(word.lower(), language)


@lru_cache(maxsize=200_000)
def _count(word: str, language: str) -> int:
    word = unicodedata.normalize("NFC", word)
    if language == "es":
        return max(1, _spanish(word))
    if language == "it":
        return max(1, _italian(word))
    if language == "pt":
        return max(1, _portuguese(word))
    raise ValueError(f"no syllable rules for {language!r}")


def _runs(word: str, vowel_at: list[bool]) -> list[tuple[int, int]]:
    """(start, end) of each run of vowels; an h between two vowels joins their runs."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(word):
        if not vowel_at[i]:
            i += 1
            continue
        start = i
        while i < len(word) and (
            vowel_at[i] or (word[i] == "h" and i + 1 < len(word) and vowel_at[i + 1])
        ):
            i += 1
        runs.append((start, i))
    return runs


def _vowel_positions(word: str) -> list[bool]:
    at = [ch in _VOWELS for ch in word]
    for i, ch in enumerate(word):
        following = word[i + 1] if i + 1 < len(word) else ""
        if ch == "y":
            # y is a vowel alone ("y") or at a word end after a vowel (hoy, muy, rey)
            at[i] = len(word) == 1 or (i == len(word) - 1 and i > 0 and word[i - 1] in _VOWELS)
        elif ch == "u" and i > 0 and word[i - 1] in "qg" and following in _VOWELS:
            # que, qui, gue, gui (silent u), qua, gua (a glide): the u is no syllable of its own
            at[i] = False
    return at


def _nuclei(run: str, offset: int, boundary: Callable[[str, str, int], bool]) -> int:
    """1 + the syllable boundaries inside one run of vowels (h left out)."""
    vowels = [(offset + i, ch) for i, ch in enumerate(run) if ch != "h"]
    return 1 + sum(boundary(a, b, j) for (_, a), (j, b) in zip(vowels, vowels[1:], strict=False))


def _spanish(word: str) -> int:
    def boundary(a: str, b: str, _j: int) -> bool:
        if a in _OPEN and b in _OPEN:
            return True  # le-er, po-e-ta, a-é-re-o
        # dí-a, pa-ís, o-ír; two closed vowels stay one syllable (ciu-dad, cons-truí)
        return (a in _STRESSED_CLOSED and b in _OPEN) or (a in _OPEN and b in _STRESSED_CLOSED)

    at = _vowel_positions(word)
    return sum(_nuclei(word[s:e], s, boundary) for s, e in _runs(word, at))


def _italian(word: str) -> int:
    hiatus_word = word in ITALIAN_HIATUS_WORDS or word.endswith(ITALIAN_HIATUS_ENDINGS)
    at = _vowel_positions(word)
    runs = _runs(word, at)
    # the run holding the unmarked stressed i/u of a hiatus word: its last run of 2+ vowels
    long_runs = [r for r in runs if len(word[r[0] : r[1]].replace("h", "")) > 1]
    stressed_run = long_runs[-1] if hiatus_word and long_runs else None
    # ci, gi, sci, gli + vowel: the i only marks the consonant (not in far-ma-cì-a)
    for i in range(1, len(word) - 1):
        if word[i] != "i" or word[i + 1] not in _OPEN | {"u", "ù"}:
            continue
        in_stressed = stressed_run is not None and stressed_run[0] <= i < stressed_run[1]
        if (word[i - 1] in "cg" or word[i - 2 : i] == "gl") and not in_stressed:
            at[i] = False
    runs = _runs(word, at)

    def boundary(a: str, b: str, j: int) -> bool:
        if a in _OPEN and b in _OPEN:
            return True  # pa-e-se, be-a-to
        if (a in _STRESSED_CLOSED and b in _OPEN) or (a in _OPEN and b in _STRESSED_CLOSED):
            return True
        # an i between two vowels starts a syllable: a-iuo-la, no-ia, bu-io
        if b == "i" and j + 1 < len(word) and at[j + 1] and word[j + 1] != "h":
            return True
        # mì-o, far-ma-cì-a, pa-ù-ra: the stressed i/u of a hiatus word
        in_stressed = stressed_run is not None and stressed_run[0] <= j < stressed_run[1]
        return in_stressed and (a in "iu") != (b in "iu")

    return sum(_nuclei(word[s:e], s, boundary) for s, e in runs)


def _portuguese(word: str) -> int:
    def boundary(a: str, b: str, j: int) -> bool:
        if a in "ãõ" and b in "eoi":
            return False  # mãe, pão, põe, cãibra
        if a in _OPEN and b in _OPEN:
            return True  # co-e-lho, vo-o, le-em
        if b in _STRESSED_CLOSED or (a in _STRESSED_CLOSED and b not in _CLOSED):
            return True  # sa-ú-de, pa-ís, í-a-mos
        if a in _CLOSED and b in _OPEN:
            return True  # a rising i/u + vowel is divided: di-a, his-tó-ri-a
        if b in "iu":
            return _portuguese_unmarked_hiatus(word, j)
        return False

    at = _vowel_positions(word)
    return sum(_nuclei(word[s:e], s, boundary) for s, e in _runs(word, at))


def _portuguese_unmarked_hiatus(word: str, k: int) -> bool:
    """Is the i/u at `k` (after a vowel) stressed in hiatus without an accent (Base IX 9)?
    So when l, m, n, r or z follow it in its own syllable (ca-ir, ju-iz, ru-im, a-in-da), or
    nh follows (ra-i-nha); and in a final -iu after a vowel (sa-iu, ca-iu)."""
    rest = word[k + 1 :]
    if rest.startswith("nh"):
        return True
    if word[k] == "i" and rest == "u":
        return True
    if not rest or rest[0] not in _CONSONANTS_CLOSING_PT:
        return False
    after = rest[1:2]
    if after == rest[0]:
        return False  # bair-ro: rr is divided, the r starts the next syllable
    return after == "" or (after not in _VOWELS and after != "h")
