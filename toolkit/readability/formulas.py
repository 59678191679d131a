"""Readability formulas as pure functions of counts, and which language uses which.

textstat's own functions take a whole text and count it their own way (sentences included), and
some carry known defects (FACTS.md): Coleman-Liau uses 0.058 instead of 0.0588, ARI and
Gulpease count punctuation as characters. Here every formula takes counts, so the published
reference values can be checked and the counts come from our segmenter.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Counts:
    """What a text contains, counted once: every formula reads from these."""

    sentences: int
    words: int
    syllables: int = 0
    polysyllables: int = 0  #: words of 3 or more syllables
    monosyllables: int = 0
    long_words: int = 0  #: words of more than 6 letters (LIX, Wiener Sachtextformel)
    letters: int = 0  #: letters and digits inside words (no punctuation)
    characters: int = 0  #: word characters, for scripts written without spaces
    #: words a reader of this language finds hard (see `HARD_WORD_SYLLABLES`): per-sentence flags
    hard_words: int = 0
    #: Chinese: words above HSK level 4 or on no HSK list (`chinese.py`)
    difficult_words: int = 0
    #: Arabic, counted on diacritized text (`arabic.py`): OSMAN's counts
    arabic_syllables: int = 0
    arabic_long_words: int = 0  #: more than 5 letters, diacritics left out
    arabic_complex_words: int = 0  #: more than 5 short vowels, tanween or shadda
    faseeh_words: int = 0  #: more than 5 syllables and a faseeh letter or pair
    #: Japanese, for Tateisi et al.'s formula (`japanese.py`): runs of one script and their
    #: letters, and touten (、) marks
    alphabet_runs: int = 0
    alphabet_letters: int = 0
    hiragana_runs: int = 0
    hiragana_letters: int = 0
    kanji_runs: int = 0
    kanji_letters: int = 0
    katakana_runs: int = 0
    katakana_letters: int = 0
    touten: int = 0
    #: Thai: space-separated phrases (`thai.py`)
    phrases: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))


def total(counts: Iterable[Counts]) -> Counts:
    """The sum of many counts, at once (faster than adding them one by one)."""
    columns = list(zip(*map(_values, counts), strict=True))
    return Counts(*map(sum, columns)) if columns else Counts(0, 0)


_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Counts)))
#: every field of `Counts` with its default (sentences and words have none: always given)
_DEFAULTS = {
    f.name: f.default for f in dataclasses.fields(Counts) if f.default is not dataclasses.MISSING
}


def counts_of(**values: int) -> Counts:
    """`Counts(**values)`, for the one built per sentence: the frozen dataclass's `__init__`
    sets each of its 24 fields through `object.__setattr__`, a third of a sentence's count;
    this fills the instance's dict at once (the same object: equal, same repr and hash)."""
    counts = object.__new__(Counts)
    state = counts.__dict__
    state.update(_DEFAULTS)
    state.update(values)
    return counts


# --- the formulas, as published -----------------------------------------------------------


def flesch_reading_ease(
    words: int,
    sentences: int,
    syllables: int,
    base: float = 206.835,
    per_sentence: float = 1.015,
    per_syllable: float = 84.6,
) -> float:
    """Flesch (1948), and its per-language refits through the three coefficients.

    Not clamped: very short, simple text scores above 100 ("The cat in the hat ate breakfast."
    gives 103.04, the published value), hard text below 0. Both ends simply mean "very".
    """
    return base - per_sentence * words / sentences - per_syllable * syllables / words


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """Kincaid et al. (1975): US school grade."""
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def smog_grade(polysyllables: int, sentences: int) -> float:
    """McLaughlin (1969), the regression form: 1.043 √(polysyllables × 30 / sentences) + 3.1291.

    Defined on 30 sentences; shorter texts are scaled to 30, as textstat and most tools do.
    """
    return 1.043 * math.sqrt(polysyllables * 30 / sentences) + 3.1291


def coleman_liau(letters: int, words: int, sentences: int) -> float:
    """Coleman & Liau (1975): 0.0588 L − 0.296 S − 15.8 (textstat 0.7.13 uses 0.058)."""
    return 0.0588 * letters * 100 / words - 0.296 * sentences * 100 / words - 15.8


def automated_readability_index(letters: int, words: int, sentences: int) -> float:
    """Smith & Senter (1967); characters are letters and digits, not punctuation."""
    return 4.71 * letters / words + 0.5 * words / sentences - 21.43


def gunning_fog(words: int, sentences: int, complex_words: int) -> float:
    """Gunning (1952): 0.4 (words per sentence + 100 × share of 3+ syllable words)."""
    return 0.4 * (words / sentences + 100 * complex_words / words)


def szigriszt_pazos(words: int, sentences: int, syllables: int) -> float:
    """Szigriszt-Pazos (1993) perspicuity, read on the INFLESZ scale (Barrio-Cantalejo 2008)."""
    return 206.835 - 62.3 * syllables / words - words / sentences


def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """Fernández Huerta (1959), in the corrected form (Law 2011) textstat also uses."""
    return 206.84 - 60 * syllables / words - 1.02 * words / sentences


def kandel_moles(words: int, sentences: int, syllables: int) -> float:
    """Kandel & Moles (1958): Flesch refitted for French."""
    return flesch_reading_ease(words, sentences, syllables, 207, 1.015, 73.6)


def amstad(words: int, sentences: int, syllables: int) -> float:
    """Amstad (1978): Flesch refitted for German."""
    return flesch_reading_ease(words, sentences, syllables, 180, 1.0, 58.5)


def douma(words: int, sentences: int, syllables: int) -> float:
    """Douma (1960): Flesch refitted for Dutch."""
    return flesch_reading_ease(words, sentences, syllables, 206.835, 0.93, 77)


def oborneva(words: int, sentences: int, syllables: int) -> float:
    """Oborneva (2006): Flesch refitted for Russian."""
    return flesch_reading_ease(words, sentences, syllables, 206.835, 1.3, 60.1)


def wiener_sachtextformel(
    words: int, sentences: int, polysyllables: int, long_words: int, monosyllables: int
) -> float:
    """Bamberger & Vanecek (1984), first variant (non-fiction): a German school grade, 4-15."""
    ms = 100 * polysyllables / words
    iw = 100 * long_words / words
    es = 100 * monosyllables / words
    return 0.1935 * ms + 0.1672 * words / sentences + 0.1297 * iw - 0.0327 * es - 0.875


def gulpease(letters: int, words: int, sentences: int) -> float:
    """Lucisano & Piemontese (1988): 89 + (300 sentences − 10 letters) / words; 0-100.

    Letters, not characters: textstat 0.7.13 counts punctuation too.
    """
    return 89 + (300 * sentences - 10 * letters) / words


def lix(words: int, sentences: int, long_words: int) -> float:
    """Björnsson (1968): words per sentence + percentage of words over 6 letters."""
    return words / sentences + 100 * long_words / words


def flesch_portuguese(words: int, sentences: int, syllables: int) -> float:
    """Martins et al. (1996): Flesch reading ease adapted to Brazilian Portuguese (+42)."""
    return flesch_reading_ease(words, sentences, syllables, 248.835, 1.015, 84.6)


def cldc(words: int, sentences: int, difficult_words: int) -> float:
    """Chinese language difficulty coefficient (Wang et al., BMJ Open 2020): average sentence
    length in words + difficult words per hundred words."""
    return words / sentences + 100 * difficult_words / words


def osman(
    words: int,
    sentences: int,
    syllables: int,
    long_words: int,
    complex_words: int,
    faseeh_words: int,
) -> float:
    """OSMAN (El-Haj & Rayson, LREC 2016), on diacritized Arabic, as textstat computes it:
    200.791 − 1.015 words/sentence − 24.181 (complex + syllables + faseeh + long) / words."""
    per_word = (complex_words + syllables + faseeh_words + long_words) / words
    return 200.791 - 1.015 * words / sentences - 24.181 * per_word


def fog_pl(words: int, sentences: int, hard_words: int) -> float:
    """FOG-PL: Gunning's Fog with Polish hard words, those of 4 or more syllables (the FOG-PL
    and Logios tools of the Pracownia Prostej Polszczyzny, Wrocław; Broda et al., LREC 2014):
    0.4 (words per sentence + 100 × share of hard words)."""
    return 0.4 * (words / sentences + 100 * hard_words / words)


def atesman(words: int, sentences: int, syllables: int) -> float:
    """Ateşman (1997), Flesch refitted for Turkish: 198.825 − 40.175 syllables per word
    − 2.610 words per sentence; 0-100, higher is easier."""
    return 198.825 - 40.175 * syllables / words - 2.610 * words / sentences


def tateisi(c: Counts) -> float:
    """Tateisi, Ono & Yamada (COLING 1988), the reduced formula RS': from the runs of one
    script (alphabet, hiragana, kanji, katakana) and sentence length, no word segmentation:
    −0.12 ls − 1.37 la + 7.4 lh − 23.18 lc − 5.4 lk − 4.67 cp + 115.79, where ls is letters
    per sentence, la, lh, lc, lk letters per run of each script and cp touten per sentence.
    Scaled to a mean of 50 and a deviation of 10 on the authors' corpus; higher is easier."""

    def per_run(letters: int, runs: int) -> float:
        return letters / runs if runs else 0.0

    return (
        -0.12 * c.characters / c.sentences
        - 1.37 * per_run(c.alphabet_letters, c.alphabet_runs)
        + 7.4 * per_run(c.hiragana_letters, c.hiragana_runs)
        - 23.18 * per_run(c.kanji_letters, c.kanji_runs)
        - 5.4 * per_run(c.katakana_letters, c.katakana_runs)
        - 4.67 * c.touten / c.sentences
        + 115.79
    )


def characters_per_phrase(characters: int, phrases: int) -> float:
    """Thai: word characters per space-separated phrase (Thai puts no space between words and
    a space where English puts a full stop or a comma)."""
    return characters / phrases


def words_per_sentence(words: int, sentences: int) -> float:
    """Mean sentence length in words (in Vietnamese, written syllables)."""
    return words / sentences


def characters_per_sentence(characters: int, sentences: int) -> float:
    """Mean sentence length in characters, for scripts without spaces between words."""
    return characters / sentences


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula usable as a score: how to compute it from counts, and which way is easier."""

    name: str
    title: str
    direction: Literal["max", "min"]  #: "max": lower is easier (grades, LIX)
    compute: Callable[[Counts], float]
    needs_syllables: bool = True
    proxy: bool = False  #: not validated for the language it is used on
    #: counts only one language has: "hsk" (Chinese words graded), "diacritics" (Arabic)
    needs: str = ""


def _f(name: str, title: str, direction: Literal["max", "min"], compute, **kw) -> Formula:
    return Formula(name, title, direction, compute, **kw)


def _flesch(c: Counts) -> float:
    return flesch_reading_ease(c.words, c.sentences, c.syllables)


FORMULAS: dict[str, Formula] = {
    f.name: f
    for f in [
        _f("smog", "SMOG grade", "max", lambda c: smog_grade(c.polysyllables, c.sentences)),
        _f(
            "flesch_kincaid_grade",
            "Flesch-Kincaid grade",
            "max",
            lambda c: flesch_kincaid_grade(c.words, c.sentences, c.syllables),
        ),
        _f("flesch_reading_ease", "Flesch reading ease", "min", _flesch),
        _f(
            "gunning_fog",
            "Gunning Fog index",
            "max",
            lambda c: gunning_fog(c.words, c.sentences, c.polysyllables),
        ),
        _f(
            "coleman_liau",
            "Coleman-Liau index",
            "max",
            lambda c: coleman_liau(c.letters, c.words, c.sentences),
            needs_syllables=False,
        ),
        _f(
            "automated_readability_index",
            "Automated Readability Index",
            "max",
            lambda c: automated_readability_index(c.letters, c.words, c.sentences),
            needs_syllables=False,
        ),
        _f(
            "szigriszt_pazos",
            "Szigriszt-Pazos perspicuity (INFLESZ scale)",
            "min",
            lambda c: szigriszt_pazos(c.words, c.sentences, c.syllables),
        ),
        _f(
            "fernandez_huerta",
            "Fernández-Huerta",
            "min",
            lambda c: fernandez_huerta(c.words, c.sentences, c.syllables),
        ),
        _f(
            "kandel_moles",
            "Kandel-Moles",
            "min",
            lambda c: kandel_moles(c.words, c.sentences, c.syllables),
        ),
        _f("amstad", "Amstad", "min", lambda c: amstad(c.words, c.sentences, c.syllables)),
        _f(
            "wiener_sachtextformel",
            "Wiener Sachtextformel (1st)",
            "max",
            lambda c: wiener_sachtextformel(
                c.words, c.sentences, c.polysyllables, c.long_words, c.monosyllables
            ),
        ),
        _f(
            "gulpease",
            "Gulpease",
            "min",
            lambda c: gulpease(c.letters, c.words, c.sentences),
            needs_syllables=False,
        ),
        _f("douma", "Douma", "min", lambda c: douma(c.words, c.sentences, c.syllables)),
        _f("oborneva", "Oborneva", "min", lambda c: oborneva(c.words, c.sentences, c.syllables)),
        _f(
            "lix",
            "LIX",
            "max",
            lambda c: lix(c.words, c.sentences, c.long_words),
            needs_syllables=False,
            proxy=True,
        ),
        _f(
            "flesch_portuguese",
            "Flesch reading ease for Portuguese (Martins et al. 1996)",
            "min",
            lambda c: flesch_portuguese(c.words, c.sentences, c.syllables),
        ),
        _f(
            "cldc",
            "Chinese language difficulty coefficient (CLDC)",
            "max",
            lambda c: cldc(c.words, c.sentences, c.difficult_words),
            needs_syllables=False,
            needs="hsk",
        ),
        _f(
            "osman",
            "OSMAN",
            "min",
            lambda c: osman(
                c.words,
                c.sentences,
                c.arabic_syllables,
                c.arabic_long_words,
                c.arabic_complex_words,
                c.faseeh_words,
            ),
            needs_syllables=False,
            needs="diacritics",
        ),
        _f(
            "fog_pl",
            "FOG-PL (Gunning Fog, Polish hard words of 4+ syllables)",
            "max",
            lambda c: fog_pl(c.words, c.sentences, c.hard_words),
        ),
        _f("atesman", "Ateşman", "min", lambda c: atesman(c.words, c.sentences, c.syllables)),
        _f(
            "tateisi",
            "Tateisi et al. (1988) RS'",
            "min",
            tateisi,
            needs_syllables=False,
            needs="script-runs",
        ),
        _f(
            "characters_per_phrase",
            "characters per phrase",
            "max",
            lambda c: characters_per_phrase(c.characters, c.phrases),
            needs_syllables=False,
            proxy=True,
            needs="phrases",
        ),
        _f(
            "words_per_sentence",
            "words per sentence",
            "max",
            lambda c: words_per_sentence(c.words, c.sentences),
            needs_syllables=False,
            proxy=True,
        ),
        _f(
            "characters_per_sentence",
            "characters per sentence",
            "max",
            lambda c: characters_per_sentence(c.characters, c.sentences),
            needs_syllables=False,
            proxy=True,
        ),
    ]
}


@dataclass(frozen=True)
class Target:
    """One row of the documented table: a language's formula, its target and where it is from."""

    language: str  #: a language code, or a group such as "other (space-separated)"
    formula: str
    role: Literal["primary", "also reported", "proxy"]
    target: float
    source: str

    @property
    def direction(self) -> str:
        return FORMULAS[self.formula].direction


_PATIENT = (
    "Patient material at grade 6 or below and never above 8 (Weiss, AMA 2007; NIH/NLM "
    "MedlinePlus guidance); SMOG preferred for health text (Wang et al., Res Social Adm "
    "Pharm 2013)"
)

#: Languages written without spaces between words: LIX's "words" do not exist there. Korean
#: is not one: it puts a space between eojeol (a word with its particles), which count as words.
UNSPACED_LANGUAGES = frozenset(["zh", "ja", "th", "lo", "km", "my", "bo"])
OTHER_SPACED = "other (space-separated)"
OTHER_UNSPACED = "zh, ja, th, lo, km, my, bo"

#: CLDC at most this: below Wang et al.'s "intermediate" band (20-30; above 30 "difficult")
CLDC_TARGET = 20
#: OSMAN at least this (Flesch's "standard" band starts at 60)
OSMAN_TARGET = 60
#: proxy targets set from the reference corpora (`reference.py`; a test recomputes them)
REFERENCE_TARGETS = {
    "ar": 30.7,
    "vi": 25.4,
    "fa": 27.2,
    "ht": 20.3,
    "ja": 78.7,
    "ko": 13.1,
    "th": 34.3,
    "tl": 16.8,
}
#: FOG-PL at most this: 7-9 is "simple language, understood by lower-secondary pupils" in the
#: Jasnopis/Logios bands, like English grade 8-9
FOG_PL_TARGET = 9
#: Ateşman at least this: 70-89 is "easy" (Ateşman 1997)
ATESMAN_TARGET = 70


def _corpus(name: str, code: str) -> str:
    return (
        f"midpoint between the easy and the hard texts of toolkit's {name} reference corpus "
        f"(toolkit/data/readability/reference/{code})"
    )


TARGETS: tuple[Target, ...] = (
    Target("en", "smog", "primary", 8, _PATIENT),
    Target(
        "en",
        "flesch_kincaid_grade",
        "also reported",
        8,
        "Patient material at grade 6-8 (Weiss, AMA 2007; NIH/NLM MedlinePlus guidance)",
    ),
    Target(
        "es",
        "szigriszt_pazos",
        "primary",
        55,
        "INFLESZ scale: 55-65 'normal', 65-80 'quite easy' (Barrio-Cantalejo et al., "
        "An Sist Sanit Navar 2008)",
    ),
    Target(
        "es",
        "fernandez_huerta",
        "also reported",
        70,
        "70-80 'fairly easy' (Fernández Huerta, Consigna 1959)",
    ),
    Target(
        "fr",
        "kandel_moles",
        "primary",
        70,
        "Flesch scale, 70-80 'fairly easy' (Kandel & Moles 1958)",
    ),
    Target(
        "de",
        "amstad",
        "primary",
        60,
        "60-70 'medium', 70-80 'fairly easy' (Amstad 1978)",
    ),
    Target(
        "de",
        "wiener_sachtextformel",
        "also reported",
        7,
        "school grade 6-7 for general readers (Bamberger & Vanecek 1984)",
    ),
    Target(
        "it",
        "gulpease",
        "primary",
        60,
        "≥ 60 easy for readers with middle-school education, like English grade 8; "
        "≥ 80 for low literacy (Lucisano & Piemontese 1988)",
    ),
    Target(
        "pt",
        "flesch_portuguese",
        "primary",
        50,
        "50-75 'easy', 5th to 8th grade; 75-100 'very easy' (Martins et al. 1996, "
        "Flesch adapted to Brazilian Portuguese)",
    ),
    Target("nl", "douma", "primary", 70, "Flesch scale, 70-80 'fairly easy' (Douma 1960)"),
    Target("ru", "oborneva", "primary", 70, "Flesch scale, 70-80 'fairly easy' (Oborneva 2006)"),
    Target(
        "zh",
        "cldc",
        "primary",
        CLDC_TARGET,
        "below the 'intermediate' band: CLDC 20-30 'intermediate', above 30 'difficult' (Wang et "
        "al., BMJ Open 2020;10:e038091); difficult words: above HSK 3.0 level 4 or on no list",
    ),
    Target(
        "zh",
        "characters_per_sentence",
        "also reported",
        30,
        "no validated formula: toolkit heuristic, about 20 English words per sentence",
    ),
    Target(
        "ar",
        "osman",
        "primary",
        OSMAN_TARGET,
        "OSMAN is on Flesch's 0-100 scale (El-Haj & Rayson, LREC 2016); 60-70 is Flesch's "
        "'standard' band. Needs piper-tts's offline diacritizer (toolkit[piper])",
    ),
    Target(
        "ar",
        "lix",
        "proxy",
        REFERENCE_TARGETS["ar"],
        "without a diacritizer: midpoint between the easy and the hard texts of toolkit's "
        "Arabic reference corpus (toolkit/data/readability/reference/ar)",
    ),
    Target(
        "vi",
        "words_per_sentence",
        "proxy",
        REFERENCE_TARGETS["vi"],
        "no validated formula: midpoint between the easy and the hard texts of toolkit's "
        "Vietnamese reference corpus (toolkit/data/readability/reference/vi)",
    ),
    Target(
        "pl",
        "fog_pl",
        "primary",
        FOG_PL_TARGET,
        "FOG-PL 7-9: 'simple language', understood by lower-secondary pupils (Jasnopis and "
        "Logios bands, Pracownia Prostej Polszczyzny, Wrocław; Broda et al., LREC 2014); hard "
        "words have 4 or more syllables",
    ),
    Target(
        "tr",
        "atesman",
        "primary",
        ATESMAN_TARGET,
        "70-89 'easy', 50-69 'medium' (Ateşman, Dil Dergisi 58, 1997)",
    ),
    Target(
        "ja",
        "tateisi",
        "primary",
        REFERENCE_TARGETS["ja"],
        "Tateisi, Ono & Yamada (COLING 1988) publish no pass mark (the score has mean 50, SD 10 "
        "on their corpus): " + _corpus("Japanese", "ja"),
    ),
    Target(
        "ja",
        "characters_per_sentence",
        "also reported",
        30,
        "no validated formula: toolkit heuristic, about 20 English words per sentence",
    ),
    Target(
        "ko",
        "words_per_sentence",
        "proxy",
        REFERENCE_TARGETS["ko"],
        "no validated formula computable offline: eojeol (space-separated words) per sentence, "
        + _corpus("Korean", "ko"),
    ),
    Target(
        "th",
        "characters_per_phrase",
        "proxy",
        REFERENCE_TARGETS["th"],
        "no word segmenter offline: characters per space-separated phrase, "
        + _corpus("Thai", "th"),
    ),
    Target(
        "tl",
        "words_per_sentence",
        "proxy",
        REFERENCE_TARGETS["tl"],
        "no validated formula (and LIX's long words are Tagalog's everyday affixed words): "
        + _corpus("Tagalog", "tl"),
    ),
    Target(
        "ht",
        "lix",
        "proxy",
        REFERENCE_TARGETS["ht"],
        "no validated formula: " + _corpus("Haitian Creole", "ht"),
    ),
    Target(
        "fa",
        "lix",
        "proxy",
        REFERENCE_TARGETS["fa"],
        "short vowels are not written, so syllables cannot be counted: " + _corpus("Persian", "fa"),
    ),
    Target(
        OTHER_SPACED,
        "lix",
        "proxy",
        40,
        "no validated formula: LIX < 40 easy, < 30 very easy (Björnsson 1968)",
    ),
    Target(
        OTHER_UNSPACED,
        "characters_per_sentence",
        "proxy",
        30,
        "no validated formula: toolkit heuristic, about 20 English words per sentence",
    ),
)

#: language -> the metrics reported besides its primary score (no target of their own)
EXTRA_METRICS: dict[str, tuple[str, ...]] = {
    "en": ("flesch_reading_ease", "gunning_fog", "coleman_liau", "automated_readability_index"),
}


def targets_for(language: str) -> list[Target]:
    """The rows of TARGETS that apply to `language` (its own, else the proxy for its script)."""
    own = [t for t in TARGETS if t.language == language]
    if own:
        return own
    group = OTHER_UNSPACED if language in UNSPACED_LANGUAGES else OTHER_SPACED
    return [t for t in TARGETS if t.language == group]


def has_own_formula(language: str) -> bool:
    return any(t.language == language for t in TARGETS)


def proxy_targets() -> list[Target]:
    return [t for t in TARGETS if t.role == "proxy"]
