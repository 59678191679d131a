"""Plain-language coaching for authors: findings an author can act on, per article.

PEMAT-informed, not PEMAT: each rule checks by machine one thing that an item of the Patient
Education Materials Assessment Tool for printable materials (PEMAT-P, AHRQ 2013, items 1-26)
or of the CDC Clear Communication Index (CDC 2014, items 1-20) asks a person to judge, and
names that item. A rule passing does not mean the item would be scored "agree": people score
PEMAT; these are hints for the author before they do. Findings are warnings, never a gate.

Rules work on rendered text blocks (`TextBlock`: headings, paragraphs, list items…) in English
and Spanish; other languages get no coaching (`COACHED_LANGUAGES`). The medical-term list is
shipped in `toolkit/data/coaching/plain_words.<language>.tsv` and extended per project in
`[tool.toolkit.coaching.plain_words.<language>]`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from .models import TextBlock

COACHED_LANGUAGES = frozenset(["en", "es"])

#: rule -> the PEMAT-P and CDC Clear Communication Index items it comes from
ITEMS: dict[str, str] = {
    "summary-first": "PEMAT-P item 11 (summary); CDC Index items 2 and 10 (main message and "
    "summary at the top)",
    "headings": "PEMAT-P items 8-9 (short sections, informative headers); CDC Index item 9 "
    "(chunks with headings)",
    "list-length": "PEMAT-P item 8 (chunks); CDC Index item 8 (bulleted or numbered lists, "
    "7 items or fewer)",
    "action": "PEMAT-P item 20 (at least one action); CDC Index item 5 (call to action)",
    "steps-in-order": "PEMAT-P item 22 (actions in manageable, explicit steps); CDC Index "
    "item 14 (directions for the behavior)",
    "you": "PEMAT-P item 21 (addresses the user directly)",
    "passive-voice": "PEMAT-P item 5 (active voice); CDC Index item 7 (active voice)",
    "acronyms": "PEMAT-P item 4 (medical terms defined); CDC Index item 6 (words the audience "
    "uses)",
    "medical-terms": "PEMAT-P items 3-4 (everyday language, medical terms defined); CDC Index "
    "item 6 (words the audience uses)",
    "number-words": "PEMAT-P item 6 (clear numbers); CDC Index item 15 (numbers the audience uses)",
    "fractions-percentages": "PEMAT-P items 6-7 (clear numbers, no calculations); CDC Index "
    "items 15-17 (familiar numbers, explained, no calculations)",
}

#: more paragraphs than this without a heading need headings
MAX_PARAGRAPHS_WITHOUT_HEADING = 3
#: a list longer than this is hard to take in (CDC Index item 8)
MAX_LIST_ITEMS = 7
#: a share of passive sentences above this gets a finding
MAX_PASSIVE_SHARE = 0.10
#: a first paragraph longer than this is not a summary
MAX_SUMMARY_WORDS = 60


@dataclass(frozen=True)
class Coaching:
    """One finding for the author: which rule, which PEMAT/CDC item, what to change, where."""

    rule: str
    item: str
    message: str
    block: int = -1  #: index of the block it is about (-1: the whole article)
    text: str = ""  #: the sentence or block it is about, shortened
    file: str = ""  #: the source article or catalog, relative to the project (set by `check`)
    line: int = 0  #: its line there (0: the whole file, or not found)

    severity = "warning"  #: always: coaching is never a gate

    @property
    def check(self) -> str:
        return f"coaching-{self.rule}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "check": self.check,
            "rule": self.rule,
            "item": self.item,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "text": self.text,
        }

    def line_text(self) -> str:
        """One line for `check`'s text output."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity} [{self.check}] {self.message} ({self.item})"


def locate(
    findings: Sequence[Coaching],
    blocks: Sequence[TextBlock],
    file: str,
    lines: Sequence[tuple[int, str]],
) -> list[Coaching]:
    """`findings` with `file` set and `line` found: the first of `lines` ((line, text) pairs,
    such as a source file's lines or a catalog's msgstrs) holding the start of the block."""
    import dataclasses

    out = []
    for finding in findings:
        line = 0
        if 0 <= finding.block < len(blocks):
            needle = " ".join(_WORD.findall(blocks[finding.block].text)[:4])
            for number, text in lines:
                if needle and needle in " ".join(_WORD.findall(text)):
                    line = number
                    break
        out.append(dataclasses.replace(finding, file=file, line=line))
    return out


# --- word lists ---------------------------------------------------------------------------

_IMPERATIVES = {
    "en": set(
        [
            "take",
            "call",
            "ask",
            "tell",
            "eat",
            "drink",
            "keep",
            "stop",
            "avoid",
            "use",
            "talk",
            "go",
            "see",
            "check",
            "make",
            "write",
            "bring",
            "try",
            "wash",
            "get",
            "give",
            "do",
            "don't",
            "never",
            "always",
            "start",
            "put",
            "read",
            "sit",
            "stand",
            "walk",
            "rest",
            "sleep",
            "wait",
            "follow",
            "find",
            "choose",
            "plan",
            "look",
            "learn",
            "let",
            "remember",
            "store",
            "throw",
            "measure",
            "note",
            "list",
            "share",
            "seek",
            "contact",
            "visit",
            "add",
            "limit",
            "cut",
            "reduce",
            "wear",
            "open",
            "close",
            "press",
            "hold",
            "breathe",
            "speak",
            "return",
            "apply",
            "skip",
            "mix",
            "follow",
            "keep",
            "please",
        ]
    ),
    "es": set(
        [
            "tome",
            "toma",
            "llame",
            "llama",
            "pregunte",
            "pregunta",
            "hable",
            "habla",
            "beba",
            "bebe",
            "coma",
            "come",
            "evite",
            "evita",
            "use",
            "usa",
            "vaya",
            "ve",
            "mantenga",
            "mantén",
            "deje",
            "deja",
            "consulte",
            "consulta",
            "lleve",
            "lleva",
            "haga",
            "haz",
            "diga",
            "di",
            "pida",
            "pide",
            "siga",
            "sigue",
            "guarde",
            "guarda",
            "lea",
            "lee",
            "escriba",
            "escribe",
            "busque",
            "busca",
            "anote",
            "anota",
            "descanse",
            "descansa",
            "duerma",
            "duerme",
            "camine",
            "camina",
            "espere",
            "espera",
            "empiece",
            "empieza",
            "ponga",
            "pon",
            "lávese",
            "lávate",
            "mida",
            "mide",
            "revise",
            "revisa",
            "recuerde",
            "recuerda",
            "elija",
            "elige",
            "hable",
            "comparta",
            "acuda",
            "acude",
            "vuelva",
            "vuelve",
            "tenga",
            "ten",
            "llámenos",
            "no",
            "nunca",
        ]
    ),
}
_SEQUENCE_WORDS = {
    "en": ("first", "then", "next", "after that", "finally", "second", "third", "last"),
    "es": (
        "primero",
        "luego",
        "después",
        "a continuación",
        "por último",
        "finalmente",
        "segundo",
        "tercero",
    ),
}
_SEQUENCE = {
    language: re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    for language, words in _SEQUENCE_WORDS.items()
}
_SECOND_PERSON = {
    "en": re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE),
    "es": re.compile(
        r"\b(usted|ustedes|su|sus|suyo|suya|tú|tu|tus|te|ti|contigo|le|les)\b", re.IGNORECASE
    ),
}
_THIRD_PERSON_READER = {
    "en": re.compile(r"\b(the patient|patients|the reader|one should)\b", re.IGNORECASE),
    "es": re.compile(r"\b(el paciente|los pacientes|la paciente|las pacientes)\b", re.IGNORECASE),
}
_EN_IRREGULAR_PARTICIPLES = [
    "done",
    "given",
    "taken",
    "seen",
    "made",
    "known",
    "shown",
    "written",
    "told",
    "found",
    "kept",
    "held",
    "brought",
    "thought",
    "paid",
    "sent",
    "left",
    "felt",
    "put",
    "set",
    "cut",
    "hurt",
    "read",
    "built",
    "bought",
    "caught",
    "taught",
    "chosen",
    "driven",
    "eaten",
    "fallen",
    "forgotten",
    "frozen",
    "hidden",
    "spoken",
    "stolen",
    "worn",
    "born",
    "drawn",
    "grown",
    "thrown",
    "understood",
    "prescribed",
]
_PASSIVE = {
    "en": re.compile(
        r"\b(am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?(?:not\s+)?"
        rf"(\w+ed|{'|'.join(_EN_IRREGULAR_PARTICIPLES)})\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"\b(es|son|fue|fueron|será|serán|sea|sean|era|eran|sido|ser)\s+(?:\w+mente\s+)?"
        r"(\w+(?:ado|ada|ados|adas|ido|ida|idos|idas)|hecho|hecha|dicho|dicha|puesto|puesta|"
        r"visto|vista|escrito|escrita|abierto|abierta|cubierto|cubierta|vuelto|vuelta)\b",
        re.IGNORECASE,
    ),
}
#: adjectives ending like participles that follow "is/es" without a passive
_NOT_PASSIVE = {
    "en": {
        "tired",
        "worried",
        "scared",
        "interested",
        "married",
        "used",
        "supposed",
        "concerned",
        "pleased",
        "excited",
        "prepared",
        "need",
        "based",
        "red",
        "bed",
    },
    "es": {
        "cansado",
        "cansada",
        "preocupado",
        "preocupada",
        "casado",
        "casada",
        "todo",
        "nada",
        "vida",
        "medida",
        "comida",
        "salida",
        "bebida",
        "partida",
        "dado",
    },
}
_NUMBER_WORDS = {
    "en": re.compile(
        r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
        r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
        r"eighty|ninety|hundred|thousand)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"\b(dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|"
        r"dieciséis|diecisiete|dieciocho|diecinueve|veinte|treinta|cuarenta|cincuenta|sesenta|"
        r"setenta|ochenta|noventa|cien|ciento|mil)\b",
        re.IGNORECASE,
    ),
}
_NUMBER_WORD_SETS = {
    language: frozenset(pattern.pattern.split("(", 1)[1].split(")", 1)[0].split("|"))
    for language, pattern in _NUMBER_WORDS.items()
}
_FRACTIONS_PERCENTAGES = {
    "en": re.compile(
        r"\d+(?:[.,]\d+)?\s*%|\bper ?cent\b|[½⅓⅔¼¾⅕⅛]|(?<![\d/])\b\d{1,2}/\d{1,2}\b(?![\d/]|\s*mm)"
        r"|\b(?:one|two|three)[- ](?:half|halves|third|thirds|quarter|quarters|fourth|fourths|"
        r"fifth|fifths)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"\d+(?:[.,]\d+)?\s*%|\bpor ciento\b|[½⅓⅔¼¾⅕⅛]|(?<![\d/])\b\d{1,2}/\d{1,2}\b(?![\d/]|\s*mm)"
        r"|\b(?:un|una|dos|tres)\s+(?:medio|media|tercio|tercios|cuarto|cuartos|quinto|quintos)\b",
        re.IGNORECASE,
    ),
}
#: what every match of `_FRACTIONS_PERCENTAGES` contains (a sign, "cent", a fraction
#: character, a slash or the stem of a fraction word): a text without any has no match,
#: and this search, without word boundaries, skips through text far faster
_FRACTIONS_GATE = {
    "en": re.compile(r"%|cent|[½⅓⅔¼¾⅕⅛]|/|half|halv|third|quarter|fourth|fifth", re.IGNORECASE),
    "es": re.compile(r"%|ciento|[½⅓⅔¼¾⅕⅛]|/|medi|tercio|cuarto|quinto", re.IGNORECASE),
}
_ACRONYM = re.compile(r"\b([A-Z][A-Z0-9]{1,5})s?\b")
#: the first two letters of every `_ACRONYM` match: a sentence without such a pair has none
_CAPITAL_PAIR = re.compile(r"[A-Z][A-Z0-9]")
#: acronyms every reader knows, or that are names rather than terms
_KNOWN_ACRONYMS = frozenset(["OK", "TV", "US", "USA", "UK", "EU", "AM", "PM", "ID", "I", "A"])
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=8)
def shipped_plain_words(language: str) -> dict[str, str]:
    """The shipped medical term -> plain words list for `language` (term lowercase)."""
    path = files("toolkit") / "data" / "coaching" / f"plain_words.{language}.tsv"
    if not path.is_file():
        return {}
    words: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, _, plain = line.partition("\t")
        words[term.strip().lower()] = plain.strip()
    return words


def plain_words(language: str, extra: Mapping[str, Mapping[str, str]] | None = None) -> dict:
    """The shipped list for `language`, extended (and overridden) by a project's
    `[tool.toolkit.coaching.plain_words.<language>]`."""
    words = dict(shipped_plain_words(language))
    for term, plain in ((extra or {}).get(language) or {}).items():
        words[str(term).lower()] = str(plain)
    return words


# --- the rules ------------------------------------------------------------------------------


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _sentences(blocks: Sequence[TextBlock], language: str) -> list[tuple[int, str]]:
    from .readability.segmenter import split_sentences_for

    out = []
    for index, block in enumerate(blocks):
        if block.kind in ("code", "title"):
            continue
        out += [(index, s) for s in split_sentences_for(block.text, language)]
    return out


#: words before an imperative that keep it one ("Please call", "Then take", "Luego tome")
_LEAD_WORDS = frozenset(
    ["please", "first", "then", "next", "finally", "also", "now", "por", "favor"]
    + ["primero", "luego", "después", "finalmente", "también", "ahora"]
)


def _first_word(sentence: str) -> str:
    word = ""
    for match in _WORD.finditer(sentence):  # stops at the first word that is no lead word
        word = match.group().lower()
        if word not in _LEAD_WORDS:
            break
    return word


def _is_imperative(sentence: str, language: str) -> bool:
    return _first_word(sentence) in _IMPERATIVES[language]


def _summary_first(blocks: Sequence[TextBlock], language: str, summary: str) -> list[Coaching]:
    if summary.strip():
        return []
    body = [(i, b) for i, b in enumerate(blocks) if b.kind not in ("title", "code")]
    if not body:
        return []
    index, first = body[0]
    if first.kind == "paragraph" and len(_WORD.findall(first.text)) <= MAX_SUMMARY_WORDS:
        return []
    if first.kind == "paragraph":
        message = (
            "the first paragraph is long: open with 1-3 short sentences that say the main "
            "message (or set `summary` in the front matter)"
        )
    else:
        message = (
            "the article starts with a heading or a list: put the main message first, in 1-3 "
            "short sentences before the first heading (or set `summary` in the front matter)"
        )
    return [Coaching("summary-first", ITEMS["summary-first"], message, index, _short(first.text))]


def _headings(blocks: Sequence[TextBlock]) -> list[Coaching]:
    findings = []
    run = 0
    run_start = -1
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            run = 0
            continue
        if block.kind in ("paragraph", "blockquote"):
            if run == 0:
                run_start = index
            run += 1
            if run == MAX_PARAGRAPHS_WITHOUT_HEADING + 1:
                findings.append(
                    Coaching(
                        "headings",
                        ITEMS["headings"],
                        f"more than {MAX_PARAGRAPHS_WITHOUT_HEADING} paragraphs without a "
                        "heading: break the text into short sections, each under a heading "
                        "that says what it is about",
                        run_start,
                        _short(blocks[run_start].text),
                    )
                )
    return findings


def _lists(blocks: Sequence[TextBlock]) -> list[Coaching]:
    """Lists longer than MAX_LIST_ITEMS, counted per list and nesting level."""
    findings = []
    counts: dict[int, tuple[int, int]] = {}  # level -> (items, first block)

    def close(level_above: int) -> None:
        for level in sorted([lv for lv in counts if lv > level_above], reverse=True):
            items, start = counts.pop(level)
            if items > MAX_LIST_ITEMS:
                findings.append(
                    Coaching(
                        "list-length",
                        ITEMS["list-length"],
                        f"a list of {items} items: keep lists to {MAX_LIST_ITEMS} items or "
                        "fewer (split it into groups under their own headings)",
                        start,
                        _short(blocks[start].text),
                    )
                )

    for index, block in enumerate(blocks):
        if block.kind != "list item":
            close(0)
            continue
        if not block.marker:
            continue  # a later paragraph of the same item
        close(block.level)
        items, start = counts.get(block.level, (0, index))
        counts[block.level] = (items + 1, start)
    close(0)
    return sorted(findings, key=lambda f: f.block)


def _action(sentences: list[tuple[int, str]], language: str) -> list[Coaching]:
    if any(_is_imperative(s, language) for _, s in sentences):
        return []
    return [
        Coaching(
            "action",
            ITEMS["action"],
            "no sentence tells the reader what to do: add at least one clear action, "
            'starting with a verb ("Take…", "Call…"; "Tome…", "Llame…")',
        )
    ]


def _steps(
    blocks: Sequence[TextBlock], sentences: list[tuple[int, str]], language: str
) -> list[Coaching]:
    """Several actions written in one paragraph, in an article with no numbered list."""
    if any(b.kind == "list item" and b.marker[:1].isdigit() for b in blocks):
        return []
    actions: dict[int, int] = {}
    for index, sentence in sentences:
        if blocks[index].kind in ("paragraph", "blockquote") and _is_imperative(sentence, language):
            actions[index] = actions.get(index, 0) + 1
    findings = []
    for index, count in sorted(actions.items()):
        if count < 2:
            continue
        text = blocks[index].text
        sequenced = len({m.lower() for m in _SEQUENCE[language].findall(text)})
        if count >= 3 or sequenced >= 2:
            findings.append(
                Coaching(
                    "steps-in-order",
                    ITEMS["steps-in-order"],
                    f"{count} actions in one paragraph: write them as a numbered list, one "
                    "step per item, in the order the reader does them",
                    index,
                    _short(text),
                )
            )
    return findings


def _you(sentences: list[tuple[int, str]], language: str) -> list[Coaching]:
    text = " ".join(s for _, s in sentences)
    if _SECOND_PERSON[language].search(text):
        return []
    third = next(
        ((i, s) for i, s in sentences if _THIRD_PERSON_READER[language].search(s)), (-1, "")
    )
    word = "you" if language == "en" else "usted"
    return [
        Coaching(
            "you",
            ITEMS["you"],
            f'the article never speaks to the reader: write "{word}" (and "your"/"su") '
            "instead of talking about patients",
            third[0],
            _short(third[1]),
        )
    ]


def _passive(sentences: list[tuple[int, str]], language: str) -> list[Coaching]:
    if not sentences:
        return []
    passive = []
    for index, sentence in sentences:
        for match in _PASSIVE[language].finditer(sentence):
            if match.group(2).lower() not in _NOT_PASSIVE[language]:
                passive.append((index, sentence))
                break
    share = len(passive) / len(sentences)
    if share <= MAX_PASSIVE_SHARE:
        return []
    examples = "; ".join(f'"{_short(s, 50)}"' for _, s in passive[:2])
    return [
        Coaching(
            "passive-voice",
            ITEMS["passive-voice"],
            f"{len(passive)} of {len(sentences)} sentences ({share:.0%}) are passive (over "
            f"{MAX_PASSIVE_SHARE:.0%}): say who does what, e.g. {examples}",
            passive[0][0],
            _short(passive[0][1]),
        )
    ]


def _explained(acronym: str, sentence: str) -> bool:
    """ "Electroconvulsive therapy (ECT)", "ECT (electroconvulsive therapy)", "ECT, or …",
    "ECT means …", "ECT stands for …" """
    escaped = re.escape(acronym)
    patterns = (
        rf"\(\s*{escaped}s?\s*\)",
        rf"\b{escaped}s?\s*\(",
        rf"\b{escaped}s?,\s*(or|o|which|que)\b",
        rf"\b{escaped}s?\s+(means|stands for|significa|quiere decir|es la sigla)",
    )
    return any(re.search(p, sentence) for p in patterns)


def _acronyms(sentences: list[tuple[int, str]]) -> list[Coaching]:
    seen: set[str] = set()
    findings = []
    for index, sentence in sentences:
        if sentence.isupper() or not _CAPITAL_PAIR.search(sentence):
            continue  # a heading in capitals is no acronym
        for match in _ACRONYM.finditer(sentence):
            acronym = match.group(1)
            if acronym in seen or acronym in _KNOWN_ACRONYMS or acronym.isdigit():
                continue
            seen.add(acronym)
            if not _explained(acronym, sentence):
                findings.append(
                    Coaching(
                        "acronyms",
                        ITEMS["acronyms"],
                        f'"{acronym}" is not explained where it is first used: write it out '
                        f'first, e.g. "the words in full ({acronym})"',
                        index,
                        _short(sentence),
                    )
                )
    return findings


def _medical_terms(sentences: list[tuple[int, str]], words: Mapping[str, str]) -> list[Coaching]:
    if not words:
        return []
    lowered = " ".join(s for _, s in sentences).lower()
    present = set(_WORD.findall(lowered))
    # one pass over the words first: a regex of every term is slow on a whole article
    candidates = [t for t in words if (t in lowered if " " in t else t in present)]
    if not candidates:
        return []
    pattern = _term_pattern(tuple(sorted(candidates, key=len, reverse=True)))
    seen: set[str] = set()
    findings = []
    for n, (index, sentence) in enumerate(sentences):
        for match in pattern.finditer(sentence):
            term = match.group(1).lower()
            if term in seen:
                continue
            seen.add(term)
            plain = words[term]
            nearby = " ".join(s for _, s in sentences[n : n + 2]).lower()
            if plain.lower() in nearby:
                continue  # explained right there: "hypertension (high blood pressure)"
            findings.append(
                Coaching(
                    "medical-terms",
                    ITEMS["medical-terms"],
                    f'"{match.group(1)}" is a medical term: say "{plain}", or explain it the '
                    "first time you use it",
                    index,
                    _short(sentence),
                )
            )
    return findings


@lru_cache(maxsize=16)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")\b", re.IGNORECASE)


def _first_match(
    sentences: list[tuple[int, str]], pattern: re.Pattern[str], text: str
) -> tuple[int, int, str, re.Match[str]] | None:
    """(how many matches in all, block, sentence, first match), or None: one pass over the
    joined text, then the sentences only up to the first that matches."""
    count = sum(1 for _ in pattern.finditer(text))
    if not count:
        return None
    for index, sentence in sentences:
        match = pattern.search(sentence)
        if match:
            return count, index, sentence, match
    return None


def _numbers(sentences: list[tuple[int, str]], language: str) -> list[Coaching]:
    findings: list[Coaching] = []
    text = "\n".join(s for _, s in sentences)  # a line break: no match spans two sentences
    words = set(_WORD.findall(text.lower()))
    spelled = None
    if not words.isdisjoint(_NUMBER_WORD_SETS[language]):
        spelled = _first_match(sentences, _NUMBER_WORDS[language], text)
    if spelled:
        count, index, sentence, match = spelled
        findings.append(
            Coaching(
                "number-words",
                ITEMS["number-words"],
                f"{count} number{'s' if count != 1 else ''} written in words (first: "
                f'"{match.group(1)}"): write numbers as digits ("3 times a day")',
                index,
                _short(sentence),
            )
        )
    hard = None
    if _FRACTIONS_GATE[language].search(text):
        hard = _first_match(sentences, _FRACTIONS_PERCENTAGES[language], text)
    if hard:
        count, index, sentence, match = hard
        findings.append(
            Coaching(
                "fractions-percentages",
                ITEMS["fractions-percentages"],
                f"{count} fraction{'s' if count != 1 else ''} or percentage"
                f'{"s" if count != 1 else ""} (first: "{match.group(0).strip()}"): many '
                'readers find these hard; say "1 in 4 people" or "about half", and never ask '
                "the reader to calculate",
                index,
                _short(sentence),
            )
        )
    return findings


def coach_blocks(
    blocks: Sequence[TextBlock],
    locale: str,
    *,
    summary: str = "",
    extra_plain_words: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Coaching]:
    """The coaching findings for one article's rendered blocks in `locale` (empty for a
    language without coaching rules). `summary` is the front matter's summary, if any."""
    from .readability import language_of

    language = language_of(locale)
    if language not in COACHED_LANGUAGES:
        return []
    sentences = _sentences(blocks, language)
    findings = (
        _summary_first(blocks, language, summary)
        + _headings(blocks)
        + _lists(blocks)
        + _action(sentences, language)
        + _steps(blocks, sentences, language)
        + _you(sentences, language)
        + _passive(sentences, language)
        + _acronyms(sentences)
        + _medical_terms(sentences, plain_words(language, extra_plain_words))
        + _numbers(sentences, language)
    )
    return findings


def coach_text(text: str, locale: str, **kwargs: Any) -> list[Coaching]:
    """Coach plain text: blocks separated by blank lines; a line starting with "- " or "1. "
    is a list item and a short line without a final stop before a paragraph a heading
    (for tests and quick use; `check` coaches the rendered blocks)."""
    blocks: list[TextBlock] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines and all(re.match(r"^(-|\*|\d+\.)\s", line) for line in lines):
            for line in lines:
                marker, _, rest = line.partition(" ")
                blocks.append(TextBlock("list item", rest, level=1, marker=marker))
        elif lines and chunk.startswith("#"):
            blocks.append(TextBlock("heading", chunk.lstrip("# ").strip(), level=2))
        elif lines:
            blocks.append(TextBlock("paragraph", " ".join(lines)))
    return coach_blocks(blocks, locale, **kwargs)
