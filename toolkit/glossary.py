"""Per-locale glossaries: the terms coordinators want translated one agreed way.

`glossary/<locale>.csv` is a plain CSV file anyone can edit in a spreadsheet:

    source,translation,note
    blood pressure,presión arterial,not "tensión"
    tablet,pastilla|comprimido,either is fine

`translation` may list accepted alternatives separated by `|`; `note` is optional, and so is
a fourth column `severity`: `required` (a missing term is an error that keeps the pair
unpublished) or `warning` (advice); empty means `[tool.toolkit.checks] glossary_severity`.
A missing file is an empty glossary; a malformed one is a ConfigError naming the file and line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import ConfigError

HEADER = ("source", "translation", "note", "severity")
SEVERITIES = ("", "warning", "required")


@dataclass(frozen=True)
class GlossaryTerm:
    source: str
    translations: tuple[str, ...]  #: accepted translations (any one of them will do)
    note: str
    line: int  #: line in the CSV file, for messages
    severity: str = ""  #: "required", "warning" or "" (the configured default)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The source term as a whole word or phrase, any case, with an English plural."""
        words = [re.escape(w) for w in self.source.split()]
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)

    def found_in(self, source_text: str) -> bool:
        return bool(self.pattern.search(source_text))

    def used_in(self, translation: str) -> bool:
        # a substring test keeps inflected forms (pastilla -> pastillas) and scripts without
        # spaces (Chinese, Japanese) working; the check is a warning, so leniency is right
        folded = " ".join(translation.casefold().split())
        return any(" ".join(t.casefold().split()) in folded for t in self.translations)


@dataclass(frozen=True)
class Glossary:
    file: str  #: path relative to the project, for messages ("" when there is no file)
    terms: tuple[GlossaryTerm, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)


EMPTY = Glossary(file="")


def read_glossary(path: Path, display: str | None = None) -> Glossary:
    """Read `path` (a missing file is an empty glossary); `display` names it in messages."""
    name = display or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Glossary(file=name)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read the glossary ({exc.strerror})") from None
    return parse_glossary(data, name)


def parse_glossary(data: bytes, name: str) -> Glossary:
    """Parse the bytes of a glossary file; every problem names `name` and the line."""
    try:
        text = data.decode("utf-8-sig")  # spreadsheets often save a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{name}:{line}: the glossary is not UTF-8 text: save it as 'CSV UTF-8'"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    terms: list[GlossaryTerm] = []
    header_seen = False
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            cells = [cell.strip() for cell in row]
            if not header_seen:
                header_seen = True
                names = tuple(c.lower() for c in cells)
                if names not in (HEADER[:2], HEADER[:3], HEADER):
                    found = ",".join(cells)
                    raise ConfigError(
                        f"{name}:{line}: the first line must be the header "
                        f"'source,translation', 'source,translation,note' or "
                        f"'source,translation,note,severity', not {found!r}"
                    )
                width = len(names)
                continue
            if len(cells) != width:
                raise ConfigError(
                    f"{name}:{line}: expected {width} columns ({','.join(HEADER[:width])}), "
                    f"found {len(cells)}: quote a value that contains a comma"
                )
            source, translation = cells[0], cells[1]
            alternatives = tuple(t.strip() for t in translation.split("|") if t.strip())
            if not source or not alternatives:
                which = "source term" if not source else "translation"
                raise ConfigError(f"{name}:{line}: empty {which}: fill it in or delete the line")
            note = cells[2] if width >= 3 else ""
            severity = cells[3].lower() if width == 4 else ""
            if severity not in SEVERITIES:
                raise ConfigError(
                    f"{name}:{line}: severity {cells[3]!r} is not 'required' or 'warning' "
                    "(or empty for the project's default)"
                )
            terms.append(GlossaryTerm(source, alternatives, note, line, severity))
    except csv.Error as exc:
        raise ConfigError(f"{name}:{reader.line_num}: not valid CSV ({exc})") from None
    return Glossary(file=name, terms=tuple(terms))
