"""Reference corpora: toolkit's own easy and hard texts, which set the proxy targets.

A language without a validated formula cannot borrow a published target, so its proxy's target
is set where it separates toolkit's own easy texts from its hard ones
(`toolkit/data/readability/reference/<language>/easy-*.txt`, `hard-*.txt`): the midpoint
between the hardest easy text and the easiest hard text. The target then means something
(an article scoring like the hard texts fails) and can be checked: tests recompute it.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any


def reference_texts(language: str) -> dict[str, list[tuple[str, str]]]:
    """{"easy": [(name, text), ...], "hard": [...]} for `language` (empty when none)."""
    folder = files("toolkit") / "data" / "readability" / "reference" / language
    groups: dict[str, list[tuple[str, str]]] = {"easy": [], "hard": []}
    if not folder.is_dir():
        return groups
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        group = entry.name.split("-", 1)[0]
        if group in groups and entry.name.endswith(".txt"):
            groups[group].append((entry.name, entry.read_text(encoding="utf-8")))
    return groups


def reference_scores(language: str, formula: str) -> dict[str, list[tuple[str, float]]]:
    """`formula`'s value on each reference text of `language`, by group."""
    from . import sentence_counts
    from .formulas import FORMULAS, total

    scores: dict[str, list[tuple[str, float]]] = {}
    for group, texts in reference_texts(language).items():
        scores[group] = []
        for name, text in texts:
            counts = total(c for _, c in sentence_counts(text, language))
            scores[group].append((name, FORMULAS[formula].compute(counts)))
    return scores


def reference_target(language: str, formula: str) -> dict[str, Any]:
    """The midpoint target for `formula` in `language`, with the corpus values it comes from."""
    from .formulas import FORMULAS

    scores = reference_scores(language, formula)
    easy = [value for _, value in scores["easy"]]
    hard = [value for _, value in scores["hard"]]
    if not easy or not hard:
        raise ValueError(f"no reference corpus for {language!r}")
    lower_is_easier = FORMULAS[formula].direction == "max"
    easy_edge = max(easy) if lower_is_easier else min(easy)
    hard_edge = min(hard) if lower_is_easier else max(hard)
    return {
        "target": round((easy_edge + hard_edge) / 2, 1),
        "easy": scores["easy"],
        "hard": scores["hard"],
        "separates": easy_edge < hard_edge if lower_is_easier else easy_edge > hard_edge,
    }
