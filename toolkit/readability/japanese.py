"""Japanese counts for Tateisi, Ono & Yamada's readability formula (COLING 1988).

The formula needs no word segmentation, which no offline package installed here provides
for Japanese: it reads runs of one script. A run is a maximal sequence of letters of one
script: hiragana, katakana (with the long-vowel mark ー), kanji (with the repetition mark 々)
or the Latin alphabet (half or full width). Punctuation and digits end a run; a space ends
only a Latin one (a space between kana is a hard wrap). touten are the 、 and ， commas.
"""

from __future__ import annotations

SCRIPTS = ("alphabet", "hiragana", "kanji", "katakana")
TOUTEN = frozenset("、，")


def script_of(ch: str) -> str:
    """The script of one character for Tateisi's runs, or "" (it ends a run)."""
    code = ord(ch)
    if 0x3041 <= code <= 0x309F:
        return "hiragana"
    if 0x30A1 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "katakana"  # ー (U+30FC) and the half-width forms included
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or ch in "々〆":
        return "kanji"
    if (
        ("a" <= ch <= "z")
        or ("A" <= ch <= "Z")
        or 0xFF21 <= code <= 0xFF3A
        or 0xFF41 <= code <= 0xFF5A
    ):
        return "alphabet"
    return ""


def script_runs(sentence: str) -> dict[str, int]:
    """{"<script>_runs": n, "<script>_letters": n for each script, "touten": n}."""
    counts = {f"{script}_{kind}": 0 for script in SCRIPTS for kind in ("runs", "letters")}
    previous = ""
    for ch in sentence:
        if ch.isspace():
            # Japanese puts no space between words: a space inside kana or kanji is a hard
            # wrap joined by the segmenter, and does not end the run; it ends a Latin word
            if previous == "alphabet":
                previous = ""
            continue
        script = script_of(ch)
        if script:
            counts[f"{script}_letters"] += 1
            if script != previous:
                counts[f"{script}_runs"] += 1
        previous = script
    counts["touten"] = sum(ch in TOUTEN for ch in sentence)
    return counts
