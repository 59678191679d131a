"""Gettext catalogs: templates, new catalogs, msgmerge-style updates, .mo files and entries.

Every catalog goes through `po.py`, which reads strictly and writes exactly what GNU gettext
writes, so a file saved by msgcat, msgmerge, Poedit or Weblate is left as it is. Catalogs are
always opened as paths, never as "a path or the file's text".
"""

from __future__ import annotations

import difflib
import re
import struct
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from .errors import CatalogError
from .models import Article, Entry
from .po import Message, PoFile, header_fields, parse_po, po_bytes

HEADER_COMMENT = (
    "Translations of {source} ({slug}).",
    "Edit the msgstr lines with any gettext tool; `toolkit update` keeps your work.",
)
_DATE_LINE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', re.M)
#: msgmerge's threshold for a fuzzy match (fstrcmp >= 0.6)
FUZZY_THRESHOLD = 0.6


def _header_text(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields)


def template_po(article: Article, source: str, now: datetime | None = None) -> PoFile:
    """The .pot catalog of one article: one entry per segment, in source order."""
    date = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M%z")
    header = Message(
        "",
        _header_text(
            [
                ("Project-Id-Version", f"{article.slug} 1"),
                ("Report-Msgid-Bugs-To", "EMAIL@ADDRESS"),
                ("POT-Creation-Date", date),
                ("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"),
                ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
                ("Language-Team", "LANGUAGE <LL@li.org>"),
                ("MIME-Version", "1.0"),
                ("Content-Type", "text/plain; charset=UTF-8"),
                ("Content-Transfer-Encoding", "8bit"),
            ]
        ),
        comments=[line.format(source=source, slug=article.slug) for line in HEADER_COMMENT],
    )
    messages = [
        Message(
            segment.text,
            msgctxt=segment.context,
            auto_comments=[f"type: {segment.kind}", *segment.comments],
            references=[f"{source}:{segment.line}"],
        )
        for segment in article.segments
    ]
    return PoFile(header, messages)


def template_bytes(article: Article, source: str, width: int) -> bytes:
    return po_bytes(template_po(article, source), width)


@cache
def plural_forms(locale: str) -> str:
    """The Plural-Forms header of `locale`, from CLDR (through Babel)."""
    from babel.core import UnknownLocaleError
    from babel.messages.plurals import get_plural

    try:
        plural = get_plural(locale)
    except (UnknownLocaleError, ValueError):
        raise CatalogError(
            f"unknown locale {locale!r}: use a code CLDR knows, such as es, pt_BR or sr@latin"
        ) from None
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def new_catalog(template: PoFile, locale: str, header: Mapping[str, str] | None = None) -> PoFile:
    """A fresh, empty translation catalog for `locale` from `template` (what msginit does);
    `header` sets fields of its header (the configured ones: catalog_headers.py)."""
    fields = [
        (name, value)
        for name, value in template.header_fields().items()
        if name not in ("Language", "Language-Team", "Plural-Forms")
    ]
    fields += [("Language-Team", f"{locale} <LL@li.org>"), ("Language", locale)]
    fields.append(("Plural-Forms", plural_forms(locale)))
    if header:
        named = {name for name, _ in fields}
        fields = [(name, header.get(name, value)) for name, value in fields]
        fields += [(name, value) for name, value in header.items() if name not in named]
    out = fields
    old = template.header
    header = Message("", _ordered_header(out), comments=list(old.comments) if old else [])
    messages = [
        Message(
            m.msgid,
            msgctxt=m.msgctxt,
            msgid_plural=m.msgid_plural,
            msgstr_plural=[""] * 2 if m.msgid_plural is not None else [],
            auto_comments=list(m.auto_comments),
            references=list(m.references),
            flags=[f for f in m.flags if f != "fuzzy"],
        )
        for m in template.messages
        if not m.obsolete
    ]
    return PoFile(header, messages)


def new_catalog_bytes(
    template_data: bytes,
    locale: str,
    width: int,
    shown: str,
    header: Mapping[str, str] | None = None,
) -> bytes:
    """The bytes of `new_catalog(template, locale, header)`, from the template's bytes.

    A new catalog's entries are the template's, byte for byte (empty msgstr): only the
    header differs. So only the header is parsed and rewritten and the body is copied, which
    makes creating the catalogs of a new locale several times faster. A test holds these
    bytes equal to the full parse and write, for every template `extract` writes.
    """
    head, separator, body = template_data.partition(b"\n\n")
    if not separator or not body or not head.startswith(b"#") and not head.startswith(b"msgid"):
        return po_bytes(new_catalog(parse_po(template_data, shown), locale, header), width)
    first = po_bytes(new_catalog(parse_po(head + b"\n", shown), locale, header), width)
    return first.rstrip(b"\n") + b"\n\n" + body


def update_catalog(catalog: PoFile, template: PoFile) -> PoFile:
    """msgmerge: the template's entries, in its order, with the catalog's translations.

    An exact match keeps its translation; an entry whose text changed gets the closest old
    translation as a fuzzy entry with the old msgid in `#|`; an entry the template no longer
    has goes to the obsolete (`#~`) section, and comes back from there when its text does.
    Nothing translated is ever dropped.
    """
    old_active = {m.key: m for m in catalog.messages if not m.obsolete}
    old_obsolete: dict[tuple[str | None, str], Message] = {}
    for m in catalog.messages:
        if m.obsolete and m.translated:
            old_obsolete.setdefault(m.key, m)
    # like msgmerge, a new entry may take its suggestion from any old translated entry
    candidates = [
        m for m in list(old_active.values()) + list(old_obsolete.values()) if m.translated
    ]
    merged: list[Message] = []
    used: set[tuple[str | None, str]] = set()  # old entries whose translation lives on
    for new in template.messages:
        if new.obsolete:
            continue
        old = old_active.get(new.key) or old_obsolete.get(new.key)
        if old is not None:
            merged.append(_carry(new, old, fuzzy=old.fuzzy, previous=old.fuzzy))
            continue
        match = _closest(new, candidates)
        if match is not None:  # like msgmerge, the old entry lives on only as this one
            merged.append(_carry(new, match, fuzzy=True, previous=True, from_other=True))
            used.add(match.key)
        else:
            merged.append(_carry(new, None, fuzzy=False, previous=False))
    used |= {m.key for m in merged}
    obsolete = []
    for m in list(old_active.values()) + list(old_obsolete.values()):
        if m.key in used or not m.translated:
            continue
        used.add(m.key)
        obsolete.append(
            Message(
                m.msgid,
                m.msgstr,
                msgctxt=m.msgctxt,
                msgid_plural=m.msgid_plural,
                msgstr_plural=list(m.msgstr_plural),
                comments=list(m.comments),
                flags=["fuzzy"] if m.fuzzy else [],
                previous_msgctxt=m.previous_msgctxt,
                previous_msgid=m.previous_msgid,
                previous_msgid_plural=m.previous_msgid_plural,
                obsolete=True,
            )
        )
    return PoFile(_merged_header(catalog.header, template.header), merged + obsolete)


def _carry(
    new: Message, old: Message | None, fuzzy: bool, previous: bool, from_other: bool = False
) -> Message:
    out = Message(
        new.msgid,
        msgctxt=new.msgctxt,
        msgid_plural=new.msgid_plural,
        msgstr_plural=[""] * 2 if new.msgid_plural is not None else [],
        auto_comments=list(new.auto_comments),
        references=list(new.references),
        flags=[f for f in new.flags if f != "fuzzy"],
    )
    if old is None:
        return out
    out.comments = list(old.comments)
    if (old.msgid_plural is None) == (new.msgid_plural is None):
        out.msgstr, out.msgstr_plural = old.msgstr, list(old.msgstr_plural)
    else:  # singular <-> plural: keep the text as the first form
        first = old.translations[0]
        out.msgstr = first if new.msgid_plural is None else ""
        if new.msgid_plural is not None:
            out.msgstr_plural = [first, ""]
    if fuzzy and out.translated:
        out.flags.insert(0, "fuzzy")
    if previous and out.translated:
        if from_other:
            out.previous_msgctxt = old.msgctxt
            out.previous_msgid = old.msgid
            out.previous_msgid_plural = old.msgid_plural
        else:
            out.previous_msgctxt = old.previous_msgctxt
            out.previous_msgid = old.previous_msgid
            out.previous_msgid_plural = old.previous_msgid_plural
    return out


def _closest(new: Message, candidates: list[Message]) -> Message | None:
    best, best_ratio = None, FUZZY_THRESHOLD
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, new.msgid, candidate.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is None):
            best, best_ratio = candidate, ratio
    return best


#: the header fields msgmerge writes first, in its order; the others follow as they were
MSGMERGE_FIELDS = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
)


def _ordered_header(fields: list[tuple[str, str]]) -> str:
    known = {name: value for name, value in fields if name in MSGMERGE_FIELDS}
    out = [(name, known[name]) for name in MSGMERGE_FIELDS if name in known]
    out += [(name, value) for name, value in fields if name not in MSGMERGE_FIELDS]
    return _header_text(out)


def _merged_header(header: Message | None, template: Message | None) -> Message | None:
    """The catalog's header as msgmerge merges it: the translator's fields, with the
    template's Report-Msgid-Bugs-To and POT-Creation-Date, in msgmerge's order."""
    if header is None or template is None:
        return header
    from_template = header_fields(template.msgstr)
    fields = []
    for name, value in header_fields(header.msgstr).items():
        if name in ("Report-Msgid-Bugs-To", "POT-Creation-Date") and name in from_template:
            value = from_template[name]
        if name == "Content-Type":
            value = re.sub(r"charset=utf-?8\b", "charset=UTF-8", value, flags=re.I)
        fields.append((name, value))
    return Message(
        "",
        _ordered_header(fields),
        comments=list(header.comments),
        auto_comments=list(header.auto_comments),
        flags=list(header.flags),
    )


def catalog_bytes(po: PoFile, width: int) -> bytes:
    return po_bytes(po, width)


def translations_lost(old: PoFile, new: PoFile) -> list[str]:
    """The translations of `old` that `new` no longer holds anywhere (a bug if not empty)."""
    kept = {text for m in new.messages for text in m.translations if text}
    return [text for m in old.messages for text in m.translations if text and text not in kept]


def same_but_dates(old: bytes, new: bytes) -> bool:
    """True when the files differ at most in their POT-Creation-Date/PO-Revision-Date."""
    return _DATE_LINE.sub(b"", old) == _DATE_LINE.sub(b"", new)


def read_bytes(path: Path, shown: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CatalogError(f"{shown}: cannot read ({exc.strerror})") from None


def read_catalog(path: Path, shown: str | None = None) -> PoFile:
    """Read a .po/.pot strictly (po.parse_po): a broken file names its line."""
    shown = shown or str(path)
    return parse_po(read_bytes(path, shown), shown)


def _marks(message: Message) -> tuple[str, ...]:
    """The entry's flags besides fuzzy, and the `toolkit-…` marks of its translator comments
    (`# toolkit-keep`): gettext's own tools drop flags they do not know, comments they keep."""
    flags = tuple(f for f in message.flags if f != "fuzzy")
    comments = tuple(c.strip() for c in message.comments if c.strip().startswith("toolkit-"))
    return flags + comments


def read_entries(path: Path, locale: str, shown: str | None = None) -> list[Entry]:
    """The active entries of a catalog, as the checks and render see them."""
    from .memory import is_suggestion

    po = read_catalog(path, shown)
    out = []
    for message in po.messages:
        if message.obsolete:
            continue
        # what `Message.fuzzy`, `.translations` and `_marks` give, without their calls:
        # a pair's catalog has dozens of entries and render reads one a pair
        auto = message.auto_comments
        kind = next((c[6:] for c in auto if c.startswith("type: ")), "")
        source_line = message.references[0].rpartition(":")[2] if message.references else ""
        flags = message.flags
        fuzzy = "fuzzy" in flags
        plural = message.msgid_plural is not None
        out.append(
            Entry(
                message.msgid,
                message.msgstr_plural[0] if plural else message.msgstr,
                message.msgctxt,
                fuzzy,
                message.line,
                kind,
                int(source_line) if source_line.isdigit() else 0,
                _marks(message) if flags or message.comments else (),
                fuzzy and is_suggestion(auto),
            )
        )
    return out


def compile_mo(po: PoFile) -> bytes:
    """The .mo bytes as msgfmt writes them: translated, non-fuzzy entries and the header."""
    pairs: list[tuple[bytes, bytes]] = []
    if po.header is not None:
        pairs.append((b"", po.header.msgstr.encode("utf-8")))
    for m in po.messages:
        if m.obsolete or m.fuzzy or not all(m.translations):
            continue
        key = m.msgid if m.msgctxt is None else f"{m.msgctxt}\x04{m.msgid}"
        if m.msgid_plural is not None:
            key += "\x00" + m.msgid_plural
        pairs.append((key.encode("utf-8"), "\x00".join(m.translations).encode("utf-8")))
    pairs.sort()
    count = len(pairs)
    ids_at, strs_at = 28, 28 + 8 * count
    data_at = strs_at + 8 * count
    ids, strs, blob = [], [], bytearray()
    for msgid, _ in pairs:
        ids.append((len(msgid), data_at + len(blob)))
        blob += msgid + b"\x00"
    for _, msgstr in pairs:
        strs.append((len(msgstr), data_at + len(blob)))
        blob += msgstr + b"\x00"
    out = struct.pack("<7I", 0x950412DE, 0, count, ids_at, strs_at, 0, data_at)
    out += b"".join(struct.pack("<2I", *item) for item in ids + strs)
    return out + bytes(blob)
