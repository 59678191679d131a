"""Per-entry translation QA: pure functions from one catalog entry to its findings.

Each check has a stable name and a severity (see docs/checks.md). Errors keep a pair from
being published; warnings are advice for the translator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..config import ChecksConfig
from ..glossary import EMPTY, Glossary
from ..locales import language
from ..models import Entry, Finding
from . import numbers
from .shape import INLINE_KINDS, Shape, shape

Severity = Literal["error", "warning"]

#: every QA check, by stable name, with its severity
CHECKS: dict[str, Severity] = {
    "numbers": "error",
    "urls": "error",
    "markup": "error",
    "no-translate": "error",
    "html": "error",
    "identical": "warning",
    "length-ratio": "warning",
    "glossary": "warning",
}

#: how many characters a translation normally has per source (English) character, for
#: scripts that write a word in far fewer characters; the configured ratio range is scaled
#: by it (Chinese 0.4-2.5 becomes 0.12-0.75)
LENGTH_FACTOR = {"zh": 0.3, "yue": 0.3, "ja": 0.5, "ko": 0.5}
#: strings shorter than this (visible characters of the source) are not ratio-checked
MIN_RATIO_LENGTH = 20
#: kinds of block that must stay on one line in the rendered Markdown
SINGLE_LINE = {"title", "heading", "table cell"}

_DANGEROUS = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|form|svg|math|link|meta|base)\b"
    r"|(?<![\w-])on[a-z]+\s*=|(?:javascript|vbscript)\s*:|data\s*:\s*text/html",
    re.IGNORECASE,
)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_LETTER = re.compile(r"[^\W\d_]")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class _Pair:
    """One entry's two sides with everything the checks need."""

    entry: Entry
    locale: str
    source: Shape
    target: Shape
    no_translate: tuple[str, ...]
    glossary: Glossary
    config: ChecksConfig


def entry_findings(
    entry: Entry,
    *,
    locale: str,
    file: str,
    no_translate: Iterable[str] = (),
    glossary: Glossary = EMPTY,
    config: ChecksConfig | None = None,
    source_locale: str = "en",
) -> list[Finding]:
    """Every QA finding of one translated entry (untranslated and fuzzy entries have none:
    they are counted, not checked)."""
    if not entry.translated:
        return []
    pair = _Pair(
        entry,
        locale,
        shape(entry.msgid),
        shape(entry.msgstr),
        tuple(t for t in no_translate if t),
        glossary,
        config or ChecksConfig(),
    )
    findings = []
    for name, check in _CHECKS:
        if name == "identical" and language(locale) == language(source_locale):
            continue  # en_GB from en: a copy is often right
        for message in check(pair, source_locale):
            findings.append(Finding(CHECKS[name], name, file, entry.line, entry.msgid, message))
    return findings


# --- errors -------------------------------------------------------------------------------


def check_numbers(pair: _Pair, source_locale: str) -> list[str]:
    src = numbers.quantities(pair.source.text, source_locale)
    tgt = numbers.quantities(pair.target.text, pair.locale)
    missing, extra, units = numbers.compare(src, tgt)
    if missing or extra:
        decimal, _ = numbers.separators(pair.locale)
        if missing and extra:
            what = f"the source has {_list(missing)} where the translation has {_list(extra)}"
        elif missing:
            what = f"the source has {_list(missing)} and the translation does not"
        else:
            what = f"the translation has {_list(extra)} and the source does not"
        return [
            f"numbers differ: {what}. Copy every number and dose with the same value (in "
            f"{pair.locale} a decimal may be written with {decimal!r}, e.g. 2{decimal}5)"
        ]
    if units:
        return [
            f"units differ: {'; '.join(units)}. Keep each unit symbol (mg, mL, %, …) with its "
            "number, as in the source"
        ]
    return []


def check_urls(pair: _Pair, _: str) -> list[str]:
    if pair.source.urls == pair.target.urls:
        return []
    missing = sorted((pair.source.urls - pair.target.urls).elements())
    extra = sorted((pair.target.urls - pair.source.urls).elements())
    parts = []
    if missing:
        parts.append(f"missing {_list(missing)}")
    if extra:
        parts.append(f"not in the source {_list(extra)}")
    return [
        f"links or URLs differ ({'; '.join(parts)}). Keep every link target exactly as in the "
        "source; translate only the link text inside [ ]"
    ]


def check_markup(pair: _Pair, _: str) -> list[str]:
    messages = []
    src, tgt = pair.source, pair.target
    diffs = [
        f"{INLINE_KINDS[kind]}: {src.inline[kind]} in the source, {tgt.inline[kind]} here"
        for kind in INLINE_KINDS
        if src.inline[kind] != tgt.inline[kind]
    ]
    if diffs:
        messages.append(
            f"Markdown markup differs ({'; '.join(diffs)}). Keep the same markup as the source "
            "around the translated words: every ** or * closed, [text](link) complete"
        )
    elif src.code != tgt.code:
        changed = sorted((src.code - tgt.code).elements())
        messages.append(
            f"inline code changed: {_list(changed)} must stay exactly as written, including the "
            "backticks; do not translate text inside `…`"
        )
    if src.blocks != tgt.blocks and not (tgt.html and not src.html):
        messages.append(
            "the translation changes the block structure (it starts a list, heading, quote or "
            "table, or splits the text): do not start it with -, *, #, > or '1.' and keep it "
            "one block"
        )
    entry = pair.entry
    if entry.kind in SINGLE_LINE and "\n" not in entry.msgid and "\n" in entry.msgstr.strip():
        messages.append(f"a {entry.kind} must stay on one line: remove the line break")
    if entry.kind == "table cell":
        extra_pipes = len(_UNESCAPED_PIPE.findall(entry.msgstr)) - len(
            _UNESCAPED_PIPE.findall(entry.msgid)
        )
        if extra_pipes > 0:
            messages.append("a '|' in a table cell splits the table: write it as '\\|' or reword")
    return messages


def check_no_translate(pair: _Pair, _: str) -> list[str]:
    missing = [
        term
        for term in pair.no_translate
        if _term(term).search(pair.entry.msgid) and term not in pair.entry.msgstr
    ]
    if not missing:
        return []
    return [
        f"{_list(missing)} must appear exactly as written (the article's no_translate list): "
        "copy it unchanged, with the same capitals"
    ]


def check_html(pair: _Pair, _: str) -> list[str]:
    msgstr = _CODE_SPAN.sub(" ", pair.entry.msgstr)
    source_tags = {_norm_tag(t) for t in _TAG.findall(_CODE_SPAN.sub(" ", pair.entry.msgid))}
    dangerous = sorted({m.group().strip() for m in _DANGEROUS.finditer(msgstr)})
    tags = sorted(
        {t for t in _TAG.findall(msgstr) if _norm_tag(t) not in source_tags}
        | {h for h in pair.target.html if _norm_tag(h) not in source_tags}
    )
    if dangerous:
        return [
            f"script or active content in the translation ({_list(dangerous)}): remove it; "
            "translations may contain only text and Markdown"
        ]
    if tags:
        return [
            f"raw HTML in the translation ({_list(tags)}): remove the tags and use Markdown "
            "(**bold**, *emphasis*, [text](link)) as the source does"
        ]
    return []


# --- warnings -----------------------------------------------------------------------------


def check_identical(pair: _Pair, _: str) -> list[str]:
    entry = pair.entry
    if entry.msgstr.strip() != entry.msgid.strip():
        return []
    words = pair.source.text
    for term in pair.no_translate:
        words = words.replace(term, " ")
    # names, brands, cognates and bare numbers or URLs are legitimately copied: only text of
    # two or more words with letters is suspicious
    if sum(1 for w in words.split() if _LETTER.search(w)) < 2:
        return []
    return [
        "the translation is a copy of the source text: translate it (if it must stay as is, "
        "e.g. a name, ask the coordinator to add it to no_translate)"
    ]


def check_length_ratio(pair: _Pair, _: str) -> list[str]:
    src, tgt = pair.source.text, pair.target.text
    if len(src) < MIN_RATIO_LENGTH or src == tgt:
        return []
    factor = LENGTH_FACTOR.get(language(pair.locale), 1.0)
    low = pair.config.length_ratio_min * factor
    high = pair.config.length_ratio_max * factor
    ratio = len(tgt) / len(src)
    if low <= ratio <= high:
        return []
    hint = "part of the text may be missing" if ratio < low else "text may be repeated or added"
    return [
        f"the translation is {ratio:.2f} times the length of the source (normal for "
        f"{pair.locale}: {low:.2f}-{high:.2f}): {hint}; check it says all the source says, "
        "and no more"
    ]


def check_glossary(pair: _Pair, _: str) -> list[str]:
    messages = []
    for term in pair.glossary.terms:
        if term.found_in(pair.source.text) and not term.used_in(pair.target.text):
            wanted = " or ".join(f'"{t}"' for t in term.translations)
            note = f" ({term.note})" if term.note else ""
            messages.append(
                f'glossary term "{term.source}" should be translated as {wanted}{note}: use the '
                f"agreed term ({pair.glossary.file}:{term.line})"
            )
    return messages


_CHECKS: list[tuple[str, Callable[[_Pair, str], list[str]]]] = [
    ("numbers", check_numbers),
    ("urls", check_urls),
    ("markup", check_markup),
    ("no-translate", check_no_translate),
    ("html", check_html),
    ("identical", check_identical),
    ("length-ratio", check_length_ratio),
    ("glossary", check_glossary),
]


def _term(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)")


def _norm_tag(tag: str) -> str:
    return " ".join(tag.lower().split())


def _list(items: Iterable[str]) -> str:
    return ", ".join(f'"{i}"' for i in items)
