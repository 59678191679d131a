"""Readability for the languages without a formula textstat knows: Polish (FOG-PL), Turkish
(Ateşman), Japanese (Tateisi et al.), and the reference-corpus proxies of Korean, Thai,
Tagalog, Haitian Creole and Persian. Every target must separate toolkit's own easy texts
from its hard ones (toolkit/data/readability/reference/), and `check` must be able to fail."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.project import Project
from toolkit.readability import (
    _sentence_counts,
    language_of,
    score_text,
    sentence_counts,
    sentence_flags,
)
from toolkit.readability import formulas as f
from toolkit.readability.formulas import has_own_formula
from toolkit.readability.japanese import script_runs
from toolkit.readability.reference import reference_target, reference_texts
from toolkit.readability.thai import phrases
from toolkit.readability.vowels import vowel_syllables

# --- formulas, hand-computed ------------------------------------------------------------------


def test_fog_pl_hand_computed() -> None:
    # 100 words, 5 sentences, 8 words of 4+ syllables: 0.4 (20 + 8) = 11.2
    counts = f.Counts(sentences=5, words=100, hard_words=8)
    assert f.FORMULAS["fog_pl"].compute(counts) == pytest.approx(11.2, abs=1e-9)


def test_atesman_hand_computed() -> None:
    # 100 words, 5 sentences, 260 syllables: 198.825 - 40.175 × 2.6 - 2.61 × 20 = 42.17
    counts = f.Counts(sentences=5, words=100, syllables=260)
    assert f.FORMULAS["atesman"].compute(counts) == pytest.approx(42.17, abs=1e-9)


def test_characters_per_phrase_hand_computed() -> None:
    assert f.FORMULAS["characters_per_phrase"].compute(
        f.Counts(sentences=1, words=4, characters=60, phrases=4)
    ) == pytest.approx(15)


def test_tateisi_hand_computed_end_to_end() -> None:
    # 毎日 、 薬 を 飲 みます 。: kanji runs 毎日, 薬, 飲 (3 runs, 4 letters); hiragana runs
    # を, みます (2 runs, 4 letters); 8 letters in 1 sentence; 1 touten.
    # RS' = -0.12×8 + 7.4×(4/2) - 23.18×(4/3) - 4.67×1 + 115.79 = 94.0533
    runs = script_runs("毎日、薬を飲みます。")
    assert runs == {
        "alphabet_runs": 0,
        "alphabet_letters": 0,
        "hiragana_runs": 2,
        "hiragana_letters": 4,
        "kanji_runs": 3,
        "kanji_letters": 4,
        "katakana_runs": 0,
        "katakana_letters": 0,
        "touten": 1,
    }
    score = score_text("毎日、薬を飲みます。", "ja")
    assert (score.formula, score.proxy, score.direction) == ("tateisi", False, "min")
    assert score.value == pytest.approx(94.05, abs=0.005)
    # アンジオテンシン (katakana, 8 with ン) と (hiragana) ACE (alphabet, 3): 12 letters, no touten
    # RS' = -0.12×12 - 1.37×3 + 7.4×1 - 5.4×8 + 115.79 = 74.44
    assert score_text("アンジオテンシンとACE。", "ja").value == pytest.approx(74.44, abs=0.005)


# --- counting, by hand ------------------------------------------------------------------------

#: Polish syllables counted by hand (division after the PWN dictionary's rules: an i between a
#: consonant and a vowel softens the consonant and is no syllable)
POLISH = {
    "nie": 1,  # nie
    "się": 1,  # się
    "w": 1,  # no vowel: counted as one word-syllable, like pyphen + 1
    "lekarz": 2,  # le-karz
    "ciało": 2,  # cia-ło
    "dziecko": 2,  # dzie-cko
    "szklanką": 2,  # szklan-ką
    "nauka": 3,  # na-u-ka
    "historia": 3,  # hi-sto-ria
    "historii": 3,  # hi-sto-rii
    "tabletkę": 3,  # ta-blet-kę
    "gorączkę": 3,  # go-rącz-kę
    "ciśnienie": 3,  # ci-śnie-nie
    "pielęgniarka": 4,  # pie-lęg-niar-ka
    "zauważyć": 4,  # za-u-wa-żyć
    "niepożądanych": 5,  # nie-po-żą-da-nych
    "antybiotykoterapii": 8,  # an-ty-bio-ty-ko-te-ra-pii
}
#: Turkish syllables counted by hand: one per vowel
TURKISH = {
    "su": 1,
    "doktor": 2,  # dok-tor
    "saat": 2,  # sa-at
    "ilaç": 2,  # i-laç
    "i̇laç": 2,  # "İlaç".lower(): i + a combining dot
    "tansiyon": 3,  # tan-si-yon
    "ilacınızı": 5,  # i-la-cı-nı-zı
    "gerçekleştirilmesi": 7,  # ger-çek-leş-ti-ril-me-si
}


@pytest.mark.parametrize(("language", "words"), [("pl", POLISH), ("tr", TURKISH)])
def test_syllables_against_hand_counts(language: str, words: dict[str, int]) -> None:
    assert {w: vowel_syllables(w, language) for w in words} == words


def test_turkish_capital_dotted_i_counts_as_a_vowel() -> None:
    [(_, counts)] = sentence_counts("İlacınızı alın.", "tr")
    assert (counts.words, counts.syllables) == (2, 7)  # i-la-cı-nı-zı a-lın


def test_thai_phrases_end_at_spaces_and_numbers_are_no_phrase() -> None:
    assert phrases("กินยาวันละ 2 ครั้ง หลังอาหาร") == 3  # กินยาวันละ / ครั้ง / หลังอาหาร
    assert phrases("ดื่มน้ำมาก ๆ") == 1  # ๆ repeats the word before it
    score = score_text("กินยาวันละ 2 ครั้ง หลังอาหาร", "th")
    assert score.formula == "characters_per_phrase (proxy)" and score.proxy


def test_korean_counts_eojeol_as_words_and_is_flagged_by_words() -> None:
    score = score_text("하루에 두 번 약을 드세요.", "ko")
    assert score.formula == "words_per_sentence (proxy)" and score.value == 5
    # 38 Hangul syllables in 12 eojeol: a normal sentence, not a "long" one
    sentence = "약 먹는 것을 잊으면 생각났을 때 바로 드시고 다음 약은 원래 시간에 드세요."
    assert sentence_flags(sentence, "ko") == []
    assert sentence_flags(" ".join(["약을"] * 21) + ".", "ko")[0][1] == (
        "long sentence: 21 words (over 20)"
    )


# --- targets against the reference corpora ----------------------------------------------------

PUBLISHED = [("pl", "fog_pl", f.FOG_PL_TARGET), ("tr", "atesman", f.ATESMAN_TARGET)]
CORPUS_TARGETS = [
    ("ja", "tateisi", False),
    ("ko", "words_per_sentence", True),
    ("th", "characters_per_phrase", True),
    ("tl", "words_per_sentence", True),
    ("ht", "lix", True),
    ("fa", "lix", True),
]


@pytest.mark.parametrize(("language", "formula", "target"), PUBLISHED)
def test_published_targets_pass_the_easy_texts_and_fail_the_hard_ones(
    language: str, formula: str, target: float
) -> None:
    _sentence_counts.cache_clear()
    texts = reference_texts(language)
    assert len(texts["easy"]) >= 5 and len(texts["hard"]) >= 5
    for group, items in texts.items():
        for name, text in items:
            score = score_text(text, language)
            assert (score.formula, score.proxy, score.target) == (formula, False, target)
            assert score.passes == (group == "easy"), (name, score.value)


@pytest.mark.parametrize(("language", "formula", "proxy"), CORPUS_TARGETS)
def test_corpus_targets_are_the_midpoint_and_can_fail(
    language: str, formula: str, proxy: bool
) -> None:
    _sentence_counts.cache_clear()
    found = reference_target(language, formula)
    assert found["separates"]
    assert len(found["easy"]) >= 5 and len(found["hard"]) >= 5
    assert found["target"] == f.REFERENCE_TARGETS[language]
    for group, items in reference_texts(language).items():
        for name, text in items:
            score = score_text(text, language)
            assert score.proxy is proxy
            assert score.formula == (f"{formula} (proxy)" if proxy else formula)
            assert score.target == f.REFERENCE_TARGETS[language]
            assert score.passes == (group == "easy"), (name, score.value)


def _shipped_languages() -> set[str]:
    data = files("toolkit") / "data"
    stems = {
        entry.name.split(".")[0]
        for folder in ("lexicon", "qa", "ui")
        for entry in (data / folder).iterdir()
        if entry.name.endswith((".toml", ".po"))
    }
    return {language_of(stem) for stem in stems - {"all"}}


def test_every_language_toolkit_ships_data_for_has_its_own_target() -> None:
    languages = _shipped_languages() | {"ja", "th", "ht"}
    assert {"pl", "tr", "ko", "tl", "fa"} <= languages
    assert [lang for lang in sorted(languages) if not has_own_formula(lang)] == []


def test_docs_name_every_reference_corpus_and_its_target() -> None:
    from conftest import REPO

    doc = (REPO / "docs" / "readability.md").read_text(encoding="utf-8")
    for language, target in f.REFERENCE_TARGETS.items():
        assert f"toolkit/data/readability/reference/{language})" in doc, language
        assert f"{target:g}" in doc, (language, target)


# --- `check` and `status` can fail ------------------------------------------------------------

TAGALOG_EASY = {
    "Taking your blood pressure at home": "Pagsukat ng presyon ng dugo sa bahay",
    "How to measure your blood pressure and what the numbers mean.": (
        "Paano sukatin ang presyon ng dugo. Ano ang ibig sabihin ng mga numero."
    ),
    "Why measure at home": "Bakit sumukat sa bahay",
    "Your nurse may ask you to check your blood pressure **twice a day**.": (
        "Maaaring sabihin ng nars na sukatin mo ang presyon mo **dalawang beses sa isang araw**."
    ),
    "What you need": "Ang kailangan mo",
    "A cuff that fits your arm": "Isang cuff na kasya sa braso mo",
    "A notebook, or the [record sheet](https://example.org/sheet.pdf)": (
        "Isang kuwaderno, o ang [talaan](https://example.org/sheet.pdf)"
    ),
    "Write the date": "Isulat ang petsa",
    "Write both numbers": "Isulat ang dalawang numero",
    "Reading": "Sukat",
    "What it means": "Ibig sabihin",
    "120/80": "120/80",
    "Normal": "Normal",
    "140/90": "140/90",
    "High": "Mataas",
    "Call 911 if you have chest pain.": "Tumawag sa 911 kung masakit ang dibdib mo.",
    "Take 2.5 mg of the tablet with water.": "Uminom ng 2.5 mg ng tableta kasama ng tubig.",
}


POLISH_EASY = {
    "Taking your blood pressure at home": "Mierzenie ciśnienia krwi w domu",
    "How to measure your blood pressure and what the numbers mean.": (
        "Jak mierzyć ciśnienie krwi. Co znaczą wyniki."
    ),
    "Why measure at home": "Po co mierzyć w domu",
    "Your nurse may ask you to check your blood pressure **twice a day**.": (
        "Pielęgniarka może cię poprosić, żebyś mierzył ciśnienie **dwa razy dziennie**."
    ),
    "What you need": "Czego potrzebujesz",
    "A cuff that fits your arm": "Mankiet, który pasuje na ramię",
    "A notebook, or the [record sheet](https://example.org/sheet.pdf)": (
        "Zeszyt albo [karta pomiarów](https://example.org/sheet.pdf)"
    ),
    "Write the date": "Zapisz datę",
    "Write both numbers": "Zapisz obie liczby",
    "Reading": "Wynik",
    "What it means": "Co to znaczy",
    "120/80": "120/80",
    "Normal": "W normie",
    "140/90": "140/90",
    "High": "Wysokie",
    "Call 911 if you have chest pain.": "Zadzwoń pod 911, jeśli boli cię w klatce piersiowej.",
    "Take 2.5 mg of the tablet with water.": "Weź 2,5 mg tabletki i popij wodą.",
}


def _run(project: Path, *args: str):
    return CliRunner(mix_stderr=False).invoke(main, ["--project", str(project), *args])


def _translate(project: Path, locale: str, easy: dict[str, str], hard: bool) -> None:
    """Every msgstr from `easy`; with `hard`, each one without a number or a link replaced by
    one of the language's hard reference texts."""
    assert _run(project, "extract").exit_code == 0
    assert _run(project, "init", locale).exit_code == 0
    path = Project.load(project).paths.catalog(locale, "blood-pressure")
    po = polib.pofile(str(path))
    hard_texts = [text.strip() for _, text in reference_texts(locale)["hard"]]
    for index, entry in enumerate(po):
        plain = easy[entry.msgid]
        keep = any(ch.isdigit() for ch in plain) or "](" in plain
        entry.msgstr = hard_texts[index % len(hard_texts)] if hard and not keep else plain
    po.save(str(path))


@pytest.mark.parametrize(
    ("locale", "easy", "formula", "target"),
    [("tl", TAGALOG_EASY, "words_per_sentence (proxy)", 16.8), ("pl", POLISH_EASY, "fog_pl", 9)],
)
@pytest.mark.parametrize("hard", [False, True])
def test_check_and_status_give_a_verdict_that_can_fail(
    project: Path, locale: str, easy: dict[str, str], formula: str, target: float, hard: bool
) -> None:
    _translate(project, locale, easy, hard)
    result = _run(project, "check", "--format", "json", "--locale", locale)
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)["reports"]
    readability = report["readability"]
    assert (readability["formula"], readability["target"]) == (formula, target)
    assert readability["passes"] is (not hard), readability["value"]
    text = _run(project, "check", "--locale", locale).output
    assert ("MISSED" in text) is hard and formula in text
    strict = _run(project, "check", "--strict", "--locale", locale)
    assert strict.exit_code == (3 if hard else 0), strict.output
    status = _run(project, "status", "--format", "json")
    assert status.exit_code == 0, status.output
    [pair] = [p for p in json.loads(status.stdout)["pairs"] if p["locale"] == locale]
    assert pair["readability"]["passes"] is (not hard)
    assert ("MISSED" in _run(project, "status").output) is hard


# --- sentences, counted by hand ---------------------------------------------------------------

#: each text: a heading without a full stop, a hard wrap inside a paragraph, a decimal dose and
#: (where the language writes one) a title before a name
HAND_COUNTED_SENTENCES = [
    ("pl", "Jak go brać\n\nWeź 2,5 mg rano. Zadzwoń do dr. Nowaka, jeśli\nmasz zawroty głowy.", 3),
    ("tr", "Nasıl alınır\n\nSabah 2,5 mg alın. Başınız dönerse\nDr. Yılmaz'ı arayın.", 3),
    ("ja", "飲み方\n\n毎朝2.5mgを飲みます。めまいがしたら、\n医師に電話してください。", 3),
    ("ko", "복용 방법\n\n매일 아침 2.5mg을 드세요. 어지러우면\n의사에게 전화하세요.", 3),
    (
        "tl",
        "Paano ito inumin\n\nUminom ng 2.5 mg tuwing umaga. Tumawag kay Dr. Cruz kung\nnahihilo ka.",
        3,
    ),
    ("ht", "Kijan pou pran l\n\nPran 2.5 mg chak maten. Rele Dr. Jean si\ntèt ou vire.", 3),
    ("fa", "روش مصرف\n\nهر صبح ۲٫۵ میلی‌گرم بخورید. اگر سرگیجه\nداشتید، به پزشک زنگ بزنید.", 3),
]


@pytest.mark.parametrize(("language", "text", "sentences"), HAND_COUNTED_SENTENCES)
def test_sentence_counts_against_hand_counts(language: str, text: str, sentences: int) -> None:
    from toolkit.readability import split_sentences

    assert len(split_sentences(text, language)) == sentences, split_sentences(text, language)


@pytest.mark.xfail(
    strict=True,
    reason="known: the fallback segmenter ends a sentence at a Thai abbreviation's full stop "
    "(มก., milligram) before a space, since Thai has no lowercase to tell it from an end",
)
def test_thai_abbreviation_does_not_end_a_sentence() -> None:
    from toolkit.readability import split_sentences

    # two blocks (Thai ends sentences with a space, so a block is one sentence)
    assert len(split_sentences("วิธีกินยา\n\nกินยา 2.5 มก. ทุกเช้า\nถ้าเวียนหัว ให้โทรหาหมอ", "th")) == 2


@pytest.mark.parametrize(("group", "verdict"), [("easy", "meets"), ("hard", "misses")])
def test_coordinators_report_shows_the_verdict(group: str, verdict: str) -> None:
    import dataclasses

    from toolkit.pages import report_page

    _, text = reference_texts("tl")[group][0]
    score = score_text(text, "tl")
    readability = dataclasses.asdict(score) | {"passes": score.passes}
    published = {"tl": [{"slug": "fever", "readability": readability}]}
    html = report_page(published, [], {"fever": "Fever in children"}, [])
    assert f"{verdict} the target" in html
    assert "Words Per Sentence (proxy)" in html and "≤ 16.8" in html


@pytest.mark.parametrize("locale", ["fil", "fil_PH", "tl_PH"])
def test_filipino_is_scored_as_tagalog(locale: str) -> None:
    _, text = reference_texts("tl")["hard"][0]
    assert score_text(text, locale) == score_text(text, "tl")


@pytest.mark.parametrize("language", ["pl", "tr", "ja", "ko", "th", "tl", "ht", "fa"])
def test_long_sentence_flags_find_the_hard_texts_only(language: str) -> None:
    _sentence_counts.cache_clear()
    for group, items in reference_texts(language).items():
        for name, text in items:
            long = [r for _, r in sentence_flags(text, language) if r.startswith("long sentence")]
            assert bool(long) == (group == "hard"), (name, long)


def test_thai_long_sentence_flag_judges_phrases() -> None:
    easy = "กินยาทุกเช้า วันละ 1 ครั้ง ถ้าลืมกินยา ให้กินทันทีที่นึกได้ อย่ากินยาสองครั้งพร้อมกัน"
    assert sentence_flags(easy, "th") == []  # 31 characters a line, none a phrase
    long = "ก" * 31 + " ข"
    assert sentence_flags(long, "th") == [
        (long, "long sentence: a phrase of 31 characters (over 30)")
    ]


def test_japanese_hard_wrap_does_not_split_a_run() -> None:
    wrapped = score_text("めまいが\nしたら、医師に電話してください。", "ja")
    assert wrapped.value == score_text("めまいがしたら、医師に電話してください。", "ja").value
    # a space still ends a Latin word: ACE / inhibitor are two alphabet runs
    runs = script_runs("ACE inhibitor。")
    assert (runs["alphabet_runs"], runs["alphabet_letters"]) == (2, 12)


def test_docs_corpus_figures_match_the_corpora() -> None:
    import re

    from conftest import REPO
    from toolkit.readability.reference import reference_scores

    doc = (REPO / "docs" / "readability.md").read_text(encoding="utf-8")
    rows = re.findall(r"^  \| (\w+) \| [^|]*\(`(\w+)`\) \| ([^|]+) \| ([^|]+) \|", doc, re.M)
    assert len(rows) == 10

    def span(values: list[tuple[str, float]]) -> str:
        numbers = [value for _, value in values]
        return " to ".join(f"{x:.1f}".replace("-", "−") for x in (min(numbers), max(numbers)))

    for language, formula, easy, hard in rows:
        _sentence_counts.cache_clear()
        scores = reference_scores(language, formula)
        assert (easy.strip(), hard.strip()) == (span(scores["easy"]), span(scores["hard"]))


@pytest.mark.parametrize(
    ("formula", "name"),
    [("fog_pl", "FOG-PL"), ("atesman", "Ateşman"), ("tateisi", "Tateisi")],
)
def test_status_and_report_name_the_new_formulas(formula: str, name: str) -> None:
    from toolkit.pages import formula_name

    assert formula_name(formula) == name
