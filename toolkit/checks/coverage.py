"""Locales whose meaning checks cannot run, said once per locale and check run.

A locale without a meaning-check vocabulary (`toolkit/data/qa/<locale>.toml`, or the
project's `qa/<locale>.toml`) gets no negation, frequency, comparison or time-of-day checks:
its entries simply have nothing to compare with. Saying nothing would let a dropped Polish
"nie" (not) publish with 0 errors, so `check` and `status` name the locale and what to do.

The decision is per locale (the same vocabulary `qa_findings` uses, shipped file found
through the locale fallback `pt_BR` -> `pt`, `zh_CN` -> `zh_Hans`), never per entry: it
adds nothing to the checks of a locale that has a table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .numbers import ELIDED_UNITS
from .vocab import SHIPPED_LOCALES, Vocabulary

if TYPE_CHECKING:
    from ..project import Project

#: the check name of the warning (documented in docs/checks.md with the other checks)
MEANING_UNCHECKED = "meaning-unchecked"
#: checks about a whole locale, not an entry: name -> severity
LOCALE_CHECKS: dict[str, Literal["error", "warning"]] = {MEANING_UNCHECKED: "warning"}

#: what each table lets the checks see, as a reader would name it
_CONCEPTS = {
    "negation": "a dropped or added negation ('not', 'never', 'do not')",
    "frequency": "a changed count of times or period ('once a day' -> 'twice a week')",
    "comparison": "a turned comparator or before/after ('under 120' -> 'over 120')",
    "schedule": "doses swapped between times of day ('1 in the morning, 2 at night')",
}


@dataclass(frozen=True)
class LocaleFinding:
    """A finding about a whole locale of the run (not one entry of one catalog)."""

    severity: Literal["error", "warning"]
    check: str
    locale: str
    file: str  #: the project file that would fix it, relative to the project
    message: str

    def as_dict(self) -> dict[str, Any]:
        # the keys of an entry's finding, plus the locale: one reader handles both
        return {
            "severity": self.severity,
            "check": self.check,
            "locale": self.locale,
            "file": self.file,
            "line": 0,
            "msgid": "",
            "message": self.message,
        }

    def line_text(self) -> str:
        return f"{self.locale}: {self.severity} [{self.check}] {self.message}"


def missing_tables(vocab: Vocabulary) -> list[str]:
    """The meaning tables (`_CONCEPTS` keys) `vocab` gives the checks nothing for."""
    if not vocab.known:
        return list(_CONCEPTS)
    data = vocab.data
    missing = []
    if vocab.negation is None:
        missing.append("negation")
    if not data.get("units", {}).get("times") and not vocab.implicit and not vocab.periods:
        missing.append("frequency")
    if not vocab.comparison:
        missing.append("comparison")
    if not vocab.schedule:
        missing.append("schedule")
    return missing


def meaning_coverage(project: Project, locales: Iterable[str]) -> list[LocaleFinding]:
    """One `meaning-unchecked` warning per locale of `locales` whose meaning checks (some or
    all) cannot run; when the source language itself has no vocabulary, one for it (then no
    translation's meaning is checked). The source locale is never warned about otherwise."""
    from .report import _vocabulary

    source = project.source_locale
    qa_dir = project.config.checks.qa_dir.rstrip("/") or "qa"
    findings = []
    source_missing = missing_tables(_vocabulary(project, source))
    if len(source_missing) == len(_CONCEPTS):
        findings.append(_finding(source, qa_dir, source_missing, source=True))
    for locale in sorted(set(locales) - {source}):
        vocab = _vocabulary(project, locale)
        missing = missing_tables(vocab)
        if missing:
            unnamed = [unit for unit in sorted(ELIDED_UNITS) if unit not in vocab.named_units]
            findings.append(_finding(locale, qa_dir, missing, unnamed=unnamed))
    return findings


def _finding(
    locale: str,
    qa_dir: str,
    missing: list[str],
    source: bool = False,
    unnamed: Iterable[str] = (),
) -> LocaleFinding:
    file = f"{qa_dir}/{locale}.toml"
    lost = "; ".join(_CONCEPTS[name] for name in missing)
    todo = (
        f"add {file} to the project with the tables of the shipped files "
        "(toolkit/data/qa/<locale>.toml; docs/checks.md, 'Extending the vocabulary in a "
        "project'), reviewed by a speaker of the language"
    )
    if source:
        what = (
            f"the source language {locale} has no meaning-check vocabulary, so no "
            f"translation's meaning is checked: {lost} will not be caught in any locale"
        )
    elif len(missing) == len(_CONCEPTS):
        what = (
            f"no meaning-check vocabulary for {locale} (toolkit ships one for "
            f"{', '.join(SHIPPED_LOCALES)}): in {locale} translations {lost} will not be "
            "caught, and pairs publish without these checks"
        )
    else:
        what = (
            f"the {locale} meaning-check vocabulary has no {' or '.join(missing)} table: "
            f"in {locale} translations {lost} will not be caught"
        )
    kept = "Numbers, units, links and markup are still checked"
    if unnamed:
        # `numbers.unit_changes`'s `unnamed`: no words of the locale for these are known
        forms = ", ".join(f"{unit}s" for unit in unnamed)
        kept += f", but not whether a number keeps its {forms} (no {locale} words for them)"
    message = f"{what}. {kept}. To fix: {todo}"
    return LocaleFinding(LOCALE_CHECKS[MEANING_UNCHECKED], MEANING_UNCHECKED, locale, file, message)
