"""Plain data passed between the stages: frozen dataclasses, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

#: Kinds of translatable block; also the `#. type:` comment of each catalog entry.
SegmentKind = Literal[
    "title",
    "summary",
    "front matter",
    "heading",
    "paragraph",
    "list item",
    "table cell",
    "image alt",
    "blockquote",
]


@dataclass(frozen=True)
class Segment:
    """One translatable block of a source article."""

    text: str  #: the msgid: the block's text with inline Markdown as written
    kind: SegmentKind
    line: int  #: 1-based line of the block in the source file
    context: str | None = None  #: msgctxt, set when the same text occurs twice in an article
    #: where the text sits in the Markdown body, for `render`: (first line, end line, table
    #: column or -1), 0-based; None for front matter and plain-text segments
    span: tuple[int, int, int] | None = None
    #: more `#.` comments for the translator: the front matter key path, author notes
    comments: tuple[str, ...] = ()
    #: front matter segments: the path of the value in the front matter (keys and indexes)
    key: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class Article:
    """A parsed source article."""

    slug: str
    path: Path
    format: Literal["md", "txt"]
    title: str
    segments: tuple[Segment, ...]
    #: front matter (Markdown only): summary, reviewed, audience, reading_grade_target…
    meta: Mapping[str, Any] = field(default_factory=dict)
    no_translate: tuple[str, ...] = ()
    source: str = ""  #: the whole source text (what render substitutes into)
    body: str = ""  #: the Markdown body (the source without its front matter)
    #: link reference definitions of the body, as markdown-it keeps them (normalized label ->
    #: {"href", "title"}): parse a msgid with `env={"references": …}` to see its reference
    #: links as links
    references: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One catalog entry of an (article, locale) pair, as the checks and render see it."""

    msgid: str
    msgstr: str
    context: str | None
    fuzzy: bool
    line: int  #: line of the entry's msgid in the .po file (0 if unknown)
    kind: str  #: from `#. type:`
    source_line: int  #: from `#:`
    flags: tuple[str, ...] = ()  #: the `#,` flags besides fuzzy (e.g. toolkit-keep)
    #: a translation memory's suggestion waiting for a translator (fuzzy, `#. translation memory`)
    suggested: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.fuzzy


@dataclass(frozen=True)
class TextBlock:
    """A block of rendered plain text: what readability scores and the audio speaks."""

    kind: Literal["title", "heading", "paragraph", "list item", "table", "blockquote", "code"]
    text: str
    level: int = 0  #: heading level (1-6), 0 otherwise
    lang: str | None = None  #: set when the block falls back to the source language
    marker: str = ""  #: list items: "-" or "3." (empty for a list item's later paragraphs)


@dataclass(frozen=True)
class Finding:
    """One QA or readability finding, located in a .po file."""

    severity: Literal["error", "warning"]
    check: str
    file: str
    line: int
    msgid: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "check": self.check,
            "file": self.file,
            "line": self.line,
            "msgid": self.msgid,
            "message": self.message,
        }


@dataclass(frozen=True)
class ReadabilityScore:
    """A readability score of a whole text against its target."""

    formula: str  #: e.g. "smog", "szigriszt_pazos", "lix (proxy)"
    value: float
    target: float
    #: "max" when lower is easier (grades, LIX), "min" when higher is easier (ease scores)
    direction: Literal["max", "min"]
    metrics: Mapping[str, float] = field(default_factory=dict)
    proxy: bool = False  #: no validated formula exists for the language

    @property
    def passes(self) -> bool:
        return self.value <= self.target if self.direction == "max" else self.value >= self.target


@dataclass
class StageResult:
    """What one stage did: files written, pairs skipped (and why), and notes for the user."""

    stage: str
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  #: (what, why)
    notes: list[str] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.written and not self.skipped and not self.notes

    def lines(self) -> list[str]:
        """Human-readable report, one line each."""
        out = [f"wrote {path}" for path in self.written]
        out += [f"skipped {what}: {why}" for what, why in self.skipped]
        out += list(self.notes)
        if not self.written and not self.skipped:
            out.append(
                f"{self.stage}: nothing to do"
                + (f" ({self.unchanged} up to date)" if self.unchanged else "")
            )
        return out

    def quiet_lines(self) -> list[str]:
        """With `-q`: results only (what was left out and why, what needs doing), no `wrote`
        or `nothing to do` chatter."""
        return [f"skipped {what}: {why}" for what, why in self.skipped] + list(self.notes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "written": list(self.written),
            "unchanged": self.unchanged,
            "skipped": [
                # `why` may carry its reason objects (publishing.Reasons): the JSON schema's
                {
                    "what": w,
                    "why": str(y),
                    "reasons": [r.as_dict() for r in getattr(y, "items", ())],
                }
                for w, y in self.skipped
            ],
            "notes": list(self.notes),
        }
