"""The PO format exactly as GNU gettext reads and writes it: a strict parser and a pure writer.

`parse_po` accepts what `msgfmt --check` accepts (LF, CRLF or CR line endings, a UTF-8 BOM)
and raises CatalogError naming the file and line for anything else. `generate_po` yields the
lines `msgcat`/`msgmerge` would write for the same messages (gettext 0.21, width 79 by
default), so a file saved by gettext, Poedit or Weblate reads back and writes out unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .errors import CatalogError
from .linebreak import PROHIBITED, char_width, line_breaks

#: gettext's default page width (msgcat, msgmerge, xgettext)
DEFAULT_WIDTH = 79

_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()} | {"\\": "\\", '"': '"'}
_ESCAPE_TABLE_KEYS = frozenset(_ESCAPES) | {"\\", '"'}
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"]|$)")
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Message:
    """One catalog entry (the header is the entry whose msgid is empty)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  #: translator comments (`# `)
    auto_comments: list[str] = field(default_factory=list)  #: extracted comments (`#.`)
    references: list[str] = field(default_factory=list)  #: `#:` file:line tokens
    flags: list[str] = field(default_factory=list)  #: `#,` flags, e.g. fuzzy
    previous_msgctxt: str | None = None  #: `#| msgctxt`
    previous_msgid: str | None = None  #: `#| msgid`
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0  #: line of the msgid keyword in the file it was read from

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translations(self) -> list[str]:
        return self.msgstr_plural if self.msgid_plural is not None else [self.msgstr]

    @property
    def translated(self) -> bool:
        return any(self.translations)


@dataclass
class PoFile:
    """A parsed catalog: its header entry (if any) and its other messages in file order."""

    header: Message | None
    messages: list[Message]

    def header_fields(self) -> dict[str, str]:
        return header_fields(self.header.msgstr if self.header else "")


def header_fields(text: str) -> dict[str, str]:
    fields = {}
    for line in text.split("\n"):
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip()] = value.strip()
    return fields


# --------------------------------------------------------------------------- parsing


class _Syntax(Exception):
    """(line, message[, False when msgfmt --check lets it through])."""


def parse_po(data: bytes, shown: str) -> PoFile:
    """Parse a .po/.pot strictly; every problem msgfmt --check reports is a CatalogError."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a BOM: gettext writes none, editors sometimes add one
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = len(_LINE_END.findall(data[: exc.start].decode("utf-8", "replace"))) + 1
        raise CatalogError(
            f"{shown}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8"
        ) from None
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    try:
        po = _fast_parse(text) or _Parser(lines).parse()
    except _Syntax as exc:
        line, message, *msgfmt_sees = exc.args
        also = " (msgfmt --check shows the same)" if all(msgfmt_sees) else ""
        raise CatalogError(f"{shown}:{line}: {message}: fix the entry{also}") from None
    _validate(po, shown, lines)
    return po


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.messages: list[Message] = []
        self.pending = Message("")  # comments gathered for the next entry
        self.current: Message | None = None
        self.field = ""  # the keyword that the next continuation string extends
        self.parts: dict[str, list[bytes]] = {}
        self.field_lines: dict[str, int] = {}
        self.obsolete = False
        self.previous_obsolete = False

    def parse(self) -> PoFile:
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#~"):
                rest = line[2:]
                previous = rest.startswith("|")
                if previous:
                    rest = rest[1:]
                rest = rest.strip()
                if rest:
                    self._keyword_line(rest, number, obsolete=True, previous=previous)
            elif line.startswith("#|"):
                self._keyword_line(line[2:].strip(), number, obsolete=False, previous=True)
            elif line.startswith("#"):
                self._comment(raw.lstrip(), number)
            else:
                self._keyword_line(line, number, obsolete=False, previous=False)
        self._finish(len(self.lines) + 1)
        header = None
        messages = []
        for message in self.messages:
            if message.msgid == "" and message.msgctxt is None and not message.obsolete:
                if header is not None:
                    raise _Syntax(message.line, 'a second header entry (msgid "")')
                header = message
            else:
                messages.append(message)
        return PoFile(header, messages)

    def _comment(self, line: str, number: int) -> None:
        if self.current is not None:
            self._end_before(number)
        elif self.parts:  # gettext wants the #| lines last, just before msgctxt or msgid
            raise _Syntax(number, "a comment after the #| lines (move it above them)")
        self.field = ""  # a string after a comment continues nothing
        target = self.pending
        kind, body = line[1:2], line[2:]
        if kind == ".":
            target.auto_comments.append(body[1:] if body.startswith(" ") else body)
        elif kind == ":":
            for token in body.split():
                if token not in target.references:
                    target.references.append(token)
        elif kind == ",":
            for flag in body.split(","):
                flag = flag.strip()
                if flag and flag not in target.flags:
                    target.flags.append(flag)
        else:
            body = line[1:]
            target.comments.append(body[1:] if body.startswith(" ") else body)

    def _end_before(self, number: int) -> None:
        """A comment or `#|` line ends the entry being read, which must be complete."""
        seen = self._fields_seen()
        if "msgstr" in seen:
            self._finish(number)
        elif "msgid" in seen:
            raise _Syntax(self.field_lines["msgid"], "msgid without a msgstr after it")
        else:
            raise _Syntax(self.field_lines["msgctxt"], "msgctxt without a msgid after it")

    def _fields_seen(self) -> set[str]:
        return {name.split("[")[0] for name in self.parts}

    def _keyword_line(self, line: str, number: int, obsolete: bool, previous: bool) -> None:
        if line.startswith('"'):
            if not self.field:
                raise _Syntax(number, "a string with no msgid or msgstr before it")
            if previous != self.field.startswith("|"):
                raise _Syntax(number, "a continued string changes between #| and not")
            in_obsolete = self.previous_obsolete if previous else self.obsolete
            if obsolete != in_obsolete:
                raise _Syntax(number, "inconsistent use of #~ (obsolete) within one entry")
            self.parts[self.field].append(_string(line, number))
            return
        match = _KEYWORD.match(line)
        if match is None:
            word = line.split()[0] if line.split() else line
            raise _Syntax(number, f"unknown keyword {word!r}")
        keyword, rest = match.group(1), line[match.end() :].strip()
        if not rest.startswith('"'):
            raise _Syntax(number, f"{keyword} must be followed by a quoted string")
        name = ("|" if previous else "") + keyword
        starts_entry = keyword in ("msgctxt", "msgid") and not previous
        if previous:
            if self.current is not None:
                self._end_before(number)
            if any(n.startswith("|") for n in self.parts) and obsolete != self.previous_obsolete:
                raise _Syntax(number, "inconsistent use of #~ (obsolete) in #| lines")
            self.previous_obsolete = obsolete
        elif starts_entry and self.current is not None:
            seen = self._fields_seen()  # (only here: most lines are not an entry's first)
            if "msgstr" in seen or keyword in seen or (keyword == "msgctxt" and "msgid" in seen):
                self._finish(number)
        if self.current is None and not previous:
            if any(n.startswith("|") for n in self.parts) and obsolete != self.previous_obsolete:
                raise _Syntax(number, "inconsistent use of #~: the #| lines and the entry differ")
            self.current = Message("", line=number)
            self.obsolete = obsolete
        elif self.current is not None and not previous and obsolete != self.obsolete:
            raise _Syntax(number, "an entry mixes obsolete (#~) and active lines")
        if previous and keyword.startswith("msgstr"):
            raise _Syntax(
                number, f"#| {keyword}: #| lines hold only the previous msgctxt and msgid"
            )
        if (
            keyword not in ("msgctxt", "msgid")
            and ("|msgid" if previous else "msgid") not in self.parts
        ):
            raise _Syntax(number, f"{keyword} without a msgid before it")
        if name in self.parts:
            raise _Syntax(number, f"{keyword} given twice in one entry")
        self.parts[name] = [_string(rest, number)]
        self.field_lines[name] = number
        self.field = name

    def _finish(self, number: int) -> None:
        if self.current is None:
            if any(n.startswith("|") for n in self.parts):
                raise _Syntax(number - 1, "#| previous lines with no entry after them")
            return
        message, parts = self.current, self.parts
        texts = {
            name: _decode(b"".join(chunks), self.field_lines[name])
            for name, chunks in parts.items()
        }
        if "msgid" not in texts:
            raise _Syntax(message.line, "msgctxt without a msgid after it")
        plural_forms = sorted(
            (int(name[7:-1]), name) for name in texts if name.startswith("msgstr[")
        )
        if "msgstr" not in texts and not plural_forms:
            raise _Syntax(self.field_lines["msgid"], "msgid without a msgstr after it")
        if "msgid_plural" in texts:
            if "msgstr" in texts or not plural_forms:
                raise _Syntax(
                    self.field_lines["msgid_plural"], "msgid_plural needs msgstr[0], msgstr[1]…"
                )
            if [index for index, _ in plural_forms] != list(range(len(plural_forms))):
                raise _Syntax(
                    self.field_lines[plural_forms[0][1]], "msgstr[N] not numbered 0, 1, 2…"
                )
        elif plural_forms:
            raise _Syntax(self.field_lines[plural_forms[0][1]], "msgstr[N] without a msgid_plural")
        for name in texts:
            if "\x04" in texts[name]:
                raise _Syntax(self.field_lines[name], "a \\x04 (context separator) in the string")
        pending = self.pending
        message.msgid = texts["msgid"]
        message.line = self.field_lines["msgid"]
        message.msgctxt = texts.get("msgctxt")
        message.msgid_plural = texts.get("msgid_plural")
        message.msgstr = texts.get("msgstr", "")
        message.msgstr_plural = [texts[name] for _, name in plural_forms]
        message.comments = pending.comments
        message.auto_comments = pending.auto_comments
        message.references = pending.references
        message.flags = pending.flags
        message.previous_msgctxt = texts.get("|msgctxt")
        message.previous_msgid = texts.get("|msgid")
        message.previous_msgid_plural = texts.get("|msgid_plural")
        message.obsolete = self.obsolete
        self.messages.append(message)
        self.current, self.pending, self.parts, self.field_lines = None, Message(""), {}, {}
        self.field = ""


#: one quoted string on a line of its own, as gettext writes it
_QUOTED = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"\n'
#: an entry as gettext writes it: blank lines, comments (no #~ or #|), msgctxt, msgid and
#: msgstr at the start of their lines, each string continued on lines of their own
_FAST_ENTRY = re.compile(
    r"\n*((?:#(?![~|])[^\n]*\n)*)"
    rf"(?:msgctxt ({_QUOTED}(?:{_QUOTED})*))?"
    rf"msgid ({_QUOTED}(?:{_QUOTED})*)"
    rf"msgstr ({_QUOTED}(?:{_QUOTED})*)"
)
_FAST_STRING = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"\n')


def _fast_parse(text: str) -> PoFile | None:
    """`_Parser(lines).parse()` for a catalog in the shape gettext writes (most are), or
    None: then the full parser reads it and finds whatever is wrong. Entry by entry with one
    regular expression instead of line by line; the same messages, comments and lines."""
    if "\r" in text:
        return None
    if text and not text.endswith("\n"):
        text += "\n"
    match = _FAST_ENTRY.match
    strings = _FAST_STRING.findall
    messages: list[Message] = []
    header: Message | None = None
    pos, line, end = 0, 1, len(text)
    try:
        while True:
            found = match(text, pos)
            if found is None:
                break
            block, ctxt, msgid, msgstr = found.groups()
            # the msgid's line: after the blank lines, the comments and the msgctxt
            line += text.count("\n", pos, found.start(1)) + block.count("\n")
            if ctxt is not None:
                line += ctxt.count("\n")
            comments: list[str] = []
            auto: list[str] = []
            references: list[str] = []
            flags: list[str] = []
            for comment in block.split("\n")[:-1] if block else ():  # as `_Parser._comment`
                kind, body = comment[1:2], comment[2:]
                if kind == ".":
                    auto.append(body[1:] if body.startswith(" ") else body)
                elif kind == ":":
                    for token in body.split():
                        if token not in references:
                            references.append(token)
                elif kind == ",":
                    for flag in body.split(","):
                        flag = flag.strip()
                        if flag and flag not in flags:
                            flags.append(flag)
                else:
                    body = comment[1:]
                    comments.append(body[1:] if body.startswith(" ") else body)
            context = None if ctxt is None else _fast_value(ctxt, strings, line)
            message = Message(
                _fast_value(msgid, strings, line),
                _fast_value(msgstr, strings, line),
                context,
                comments=comments,
                auto_comments=auto,
                references=references,
                flags=flags,
                line=line,
            )
            line += msgid.count("\n") + msgstr.count("\n")
            pos = found.end()
            if message.msgid == "" and message.msgctxt is None:
                if header is not None:
                    return None  # a second header: the full parser says where
                header = message
            else:
                messages.append(message)
    except _Syntax:
        return None  # an escape the full parser reports
    if text.count("\n", pos) != end - pos:  # anything but blank lines left: not this shape
        return None
    return PoFile(header, messages)


#: an escape other than the one-letter ones of _UNESCAPES (octal, hex: they give bytes)
_RARE_ESCAPE = re.compile(r'\\[^abfnrtv\\"]')
_SIMPLE_ESCAPE = re.compile(r"\\(.)")


def _unescape(match: re.Match[str]) -> str:
    return _UNESCAPES[match.group(1)]


def _fast_value(raw: str, strings: Callable[[str], list[str]], line: int) -> str:
    """A field's text from its quoted strings, escapes resolved as `_string` does."""
    if "\\" in raw:
        if _RARE_ESCAPE.search(raw) is None:  # only \n, \t, \" and the like: no bytes
            value = _SIMPLE_ESCAPE.sub(_unescape, "".join(strings(raw)))
        else:
            chunks = strings(raw)
            value = _decode(b"".join(_string(f'"{chunk}"', line) for chunk in chunks), line)
    else:
        value = "".join(strings(raw))
    if "\x04" in value:
        raise _Syntax(line, "a \\x04 (context separator) in the string")
    if "\x00" in value:  # as `_string`: a NUL written as itself, or after a simple escape
        raise _Syntax(line, "a NUL (\\0) in the string (it would cut the string short)", False)
    return value


_PLAIN_STRING = re.compile(r'\s*"([^"\\]*)"\s*$')


def _string(text: str, number: int) -> bytes:
    """The bytes of one or more quoted strings on a line, escapes resolved as gettext does."""
    plain = _PLAIN_STRING.match(text)
    if plain and "\x00" not in plain.group(1):  # the common case: one string, no escapes
        return plain.group(1).encode("utf-8")
    out = bytearray()
    i, end = 0, len(text)
    while i < end:
        if text[i] in " \t":
            i += 1
            continue
        if text[i] != '"':
            raise _Syntax(number, f"unexpected text after a string: {text[i:]!r}")
        i += 1
        while True:
            if i >= end:
                raise _Syntax(number, 'string not closed (a missing " at the end of the line)')
            char = text[i]
            if char == '"':
                i += 1
                break
            if char != "\\":
                out += char.encode("utf-8")
                i += 1
                continue
            i += 1
            if i >= end:
                raise _Syntax(number, "string not closed (it ends with a backslash)")
            char = text[i]
            if char in _UNESCAPES:
                out += _UNESCAPES[char].encode()
                i += 1
            elif char in "01234567":
                digits = re.match(r"[0-7]{1,3}", text[i:]).group()  # type: ignore[union-attr]
                out.append(int(digits, 8) & 0xFF)
                i += len(digits)
            elif char == "x" and i + 1 < end and text[i + 1] in "0123456789abcdefABCDEF":
                digits = re.match(r"[0-9a-fA-F]+", text[i + 1 :]).group()  # type: ignore[union-attr]
                out.append(int(digits, 16) & 0xFF)
                i += 1 + len(digits)
            else:
                raise _Syntax(number, f"invalid escape sequence \\{char}")
    if 0 in out:
        # written `\\0` or as the character itself: gettext's .mo would end the string there
        raise _Syntax(number, "a NUL (\\0) in the string (it would cut the string short)", False)
    return bytes(out)


def _decode(data: bytes, number: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Syntax(number, "an escape sequence makes invalid UTF-8") from None


# --------------------------------------------------------------------------- validation


def _validate(po: PoFile, shown: str, lines: list[str]) -> None:
    """What msgfmt --check checks beyond syntax: header, duplicates, plurals, newlines."""

    def fail(line: int, message: str) -> None:
        raise CatalogError(f"{shown}:{line}: {message}")

    fields = po.header_fields()
    header_line = po.header.line if po.header else 1

    def field_line(name: str) -> int:
        """The line of a header field, where the translator has to fix it."""
        for number in range(header_line, min(len(lines), header_line + 40) + 1):
            if f'"{name}:' in lines[number - 1]:
                return number
        return header_line

    charset = re.search(r"charset=([^\s;]+)", fields.get("Content-Type", ""))
    name = charset.group(1).upper().replace("_", "-") if charset else "CHARSET"
    if name not in ("UTF-8", "UTF8"):
        ascii_only = all(
            text.isascii()
            for message in po.messages
            for text in (message.msgid, *message.translations)
        )
        if name not in ("ASCII", "US-ASCII", "CHARSET") or not ascii_only:
            fail(
                field_line("Content-Type"),
                f"the header says charset={charset.group(1) if charset else 'CHARSET'}, but "
                "toolkit's catalogs are UTF-8: convert the file (msgconv --to-code=UTF-8) or "
                "set charset=UTF-8 in Content-Type",
            )
    nplurals = None
    if "Plural-Forms" in fields:
        nplurals = _check_plural_forms(fields["Plural-Forms"], field_line("Plural-Forms"), fail)
    seen: dict[tuple[str | None, str], int] = {}
    for message in po.messages:
        if message.obsolete:
            continue
        if message.key in seen:
            fail(
                message.line,
                f"duplicate msgid {message.msgid[:40]!r} (first at line {seen[message.key]}): "
                "keep one of the two entries",
            )
        seen[message.key] = message.line
        if not message.translated or message.fuzzy:
            continue
        plural = message.msgid_plural is not None and nplurals is not None
        if plural and len(message.msgstr_plural) != nplurals:
            fail(
                message.line,
                f"{len(message.msgstr_plural)} plural forms, but the header's Plural-Forms "
                f"says nplurals={nplurals}",
            )
        begins, ends = message.msgid.startswith("\n"), message.msgid.endswith("\n")
        for translation in message.translations:
            if not translation:
                continue
            for side, same in (
                ("begin", begins == translation.startswith("\n")),
                ("end", ends == translation.endswith("\n")),
            ):
                if not same:
                    fail(
                        message.line,
                        f"msgid and msgstr do not both {side} with a newline (\\n): "
                        "make the translation match",
                    )


_PLURAL_TOKEN = re.compile(r"\s*(?:(\d+)|(n)|(==|!=|<=|>=|&&|\|\||[-+*/%<>!?:()]))")


_FIX = " (copy the Plural-Forms line of a catalog made by `toolkit init`)"


#: Plural-Forms values already found valid, with their nplurals: every catalog of a locale
#: has the same line, and evaluating it for n = 0..1000 was a tenth of reading a catalog
_VALID_PLURAL_FORMS: dict[str, int] = {}


def _check_plural_forms(value: str, line: int, fail) -> int:  # type: ignore[no-untyped-def]
    known = _VALID_PLURAL_FORMS.get(value)
    if known is not None:
        return known
    nplurals = _validate_plural_forms(value, line, fail)
    _VALID_PLURAL_FORMS[value] = nplurals  # only a valid value gets here: `fail` raises
    return nplurals


def _validate_plural_forms(value: str, line: int, fail) -> int:  # type: ignore[no-untyped-def]
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", value)
    if not match:
        fail(line, f"invalid Plural-Forms {value!r}: write nplurals=N; plural=EXPRESSION;{_FIX}")
    nplurals, expression = int(match.group(1)), match.group(2)  # type: ignore[union-attr]
    if not 1 <= nplurals <= 100:
        fail(line, f"invalid Plural-Forms: nplurals={nplurals}{_FIX}")
    try:
        evaluate = _plural_function(expression)
        for n in range(0, 1001):
            if not 0 <= evaluate(n) < nplurals:
                fail(
                    line,
                    f"Plural-Forms gives form {evaluate(n)} for n={n}, beyond nplurals={nplurals}"
                    + _FIX,
                )
    except ZeroDivisionError:
        fail(line, "the Plural-Forms expression divides by zero" + _FIX)
    except (ValueError, IndexError):
        fail(line, f"the Plural-Forms expression {expression!r} cannot be parsed{_FIX}")
    return nplurals


def _plural_function(expression: str):  # type: ignore[no-untyped-def]
    """A C expression of n (gettext's plural grammar) as a Python function."""
    tokens: list[str] = []
    position = 0
    while position < len(expression.rstrip()):
        match = _PLURAL_TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise ValueError(expression)
        tokens.append(match.group(match.lastindex))  # type: ignore[arg-type]
        position = match.end()
    tokens.append("")
    levels = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]
    index = 0

    def peek() -> str:
        return tokens[index]

    def take() -> str:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def ternary():  # type: ignore[no-untyped-def]
        condition = binary(0)
        if peek() == "?":
            take()
            yes = ternary()
            if take() != ":":
                raise ValueError(expression)
            no = ternary()
            return lambda n: yes(n) if condition(n) else no(n)
        return condition

    def binary(level: int):  # type: ignore[no-untyped-def]
        if level == len(levels):
            return unary()
        left = binary(level + 1)
        while peek() in levels[level]:
            op, right = take(), binary(level + 1)
            left = _combine(op, left, right)
        return left

    def unary():  # type: ignore[no-untyped-def]
        token = take()
        if token == "!":
            inner = unary()
            return lambda n: int(not inner(n))
        if token == "(":
            inner = ternary()
            if take() != ")":
                raise ValueError(expression)
            return inner
        if token == "n":
            return lambda n: n
        if token.isdigit():
            value = int(token)
            return lambda n: value
        raise ValueError(expression)

    function = ternary()
    if peek() != "":
        raise ValueError(expression)
    return function


def _combine(op: str, left, right):  # type: ignore[no-untyped-def]
    operations = {
        "||": lambda a, b: int(bool(a) or bool(b)),
        "&&": lambda a, b: int(bool(a) and bool(b)),
        "==": lambda a, b: int(a == b),
        "!=": lambda a, b: int(a != b),
        "<": lambda a, b: int(a < b),
        ">": lambda a, b: int(a > b),
        "<=": lambda a, b: int(a <= b),
        ">=": lambda a, b: int(a >= b),
        "+": lambda a, b: a + b,
        "-": lambda a, b: a - b,
        "*": lambda a, b: a * b,
        "/": lambda a, b: a // b,
        "%": lambda a, b: a % b,
    }
    operation = operations[op]
    return lambda n: operation(left(n), right(n))


# --------------------------------------------------------------------------- writing


def po_bytes(po: PoFile, width: int = DEFAULT_WIDTH) -> bytes:
    return "".join(generate_po(po, width)).encode("utf-8")


def generate_po(po: PoFile, width: int = DEFAULT_WIDTH) -> Iterator[str]:
    """The lines (with their "\\n") gettext writes for `po`: header, active, then obsolete."""
    first = True
    active = [m for m in po.messages if not m.obsolete]
    obsolete = [m for m in po.messages if m.obsolete and m.translated]
    for message in ([po.header] if po.header else []) + active + obsolete:
        if not first:
            yield "\n"
        first = False
        yield from _message_lines(message, width)


def _message_lines(message: Message, width: int) -> Iterator[str]:
    prefix = "#~ " if message.obsolete else ""
    for comment in message.comments:
        for part in comment.split("\n"):
            yield f"# {part}\n" if part else "#\n"
    for comment in message.auto_comments:
        yield f"#. {comment}\n" if comment else "#.\n"
    if message.references:
        line, column = "#:", 2
        for reference in message.references:
            while reference.startswith("./"):
                reference = reference[2:]
            size = len(reference) + 1
            if column > 2 and column + size > width:
                yield line + "\n"
                line, column = "#:", 2
            line += " " + reference
            column += size
        yield line + "\n"
    flags = _flags(message)
    if flags:
        yield "#, " + ", ".join(flags) + "\n"
    wrap = "no-wrap" not in message.flags
    previous_prefix = "#~| " if message.obsolete else "#| "
    for name, value in (
        ("msgctxt", message.previous_msgctxt),
        ("msgid", message.previous_msgid),
        ("msgid_plural", message.previous_msgid_plural),
    ):
        if value is not None:
            yield from _wrap(previous_prefix, name, value, width, wrap)
    if message.msgctxt is not None:
        yield from _wrap(prefix, "msgctxt", message.msgctxt, width, wrap)
    yield from _wrap(prefix, "msgid", message.msgid, width, wrap)
    if message.msgid_plural is None:
        yield from _wrap(prefix, "msgstr", message.msgstr, width, wrap)
    else:
        yield from _wrap(prefix, "msgid_plural", message.msgid_plural, width, wrap)
        for index, text in enumerate(message.msgstr_plural):
            yield from _wrap(prefix, f"msgstr[{index}]", text, width, wrap)


#: gettext 0.21's format languages, in the order it writes their flags
_FORMATS = [
    "c",
    "objc",
    "python",
    "python-brace",
    "java",
    "java-printf",
    "csharp",
    "javascript",
    "scheme",
    "lisp",
    "elisp",
    "librep",
    "ruby",
    "sh",
    "awk",
    "lua",
    "pascal",
    "smalltalk",
    "qt",
    "qt-plural",
    "kde",
    "kde-kuit",
    "boost",
    "tcl",
    "perl",
    "perl-brace",
    "php",
    "gcc-internal",
    "gfc-internal",
    "ycp",
]


def _flags(message: Message) -> list[str]:
    """The flags gettext writes, in its order; it drops flags it does not know."""
    if message.obsolete:
        return ["fuzzy"] if message.fuzzy else []
    out = ["fuzzy"] if message.fuzzy and message.translations[0] else []
    if all(flag == "fuzzy" for flag in message.flags):
        return out
    for language in _FORMATS:
        for flag in (f"{language}-format", f"no-{language}-format"):
            if flag in message.flags:
                out.append(flag)
                break
    out += [f for f in message.flags if f.startswith("range: ")][:1]
    return out + (["no-wrap"] if "no-wrap" in message.flags else [])


_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
_ESCAPE_TABLE = str.maketrans(
    {c: "\\" + e for c, e in _ESCAPES.items()} | {"\\": "\\\\", '"': '\\"'}
)
_PORTION = re.compile(r"[^\n]*\n|[^\n]+$")


def _wrap(prefix: str, name: str, value: str, page_width: int, wrap: bool) -> Iterator[str]:
    """gettext's write-po.c `wrap`: one keyword and its string, broken as msgcat breaks it."""
    after_break = len(prefix) + 1
    width = (page_width if wrap else 2**31 - 1) - 1 - after_break
    first_line = True
    portions = _PORTION.findall(value) or [""]
    for index, portion in enumerate(portions):
        overrides: dict[int, int] | None = None
        text = portion
        if _NEEDS_ESCAPE.search(portion):
            text = portion.translate(_ESCAPE_TABLE)
            overrides, position = {}, 0
            for char in portion:  # never break inside an escape sequence
                if char in _ESCAPE_TABLE_KEYS:
                    overrides[position + 1] = PROHIBITED
                    position += 2
                else:
                    position += 1
            if portion.endswith("\n"):
                overrides[len(text) - 2] = PROHIBITED  # nor just before a final \n
        more = index + 1 < len(portions)
        columns = len(text) if text.isascii() else sum(max(char_width(c), 0) for c in text)
        while True:
            start = len(prefix) + (len(name) + 1 if first_line else 0) + 1 - after_break
            # a string that fits needs no breaking: the greedy breaker would break nowhere
            fits = start + columns <= width
            breaks = [] if fits else line_breaks(text, width, start, overrides)
            if first_line and text and (more or start > width or breaks):
                yield f'{prefix}{name} ""\n'
                first_line = False
                continue
            break
        head = f"{prefix}{name} " if first_line else prefix
        first_line = False
        bounds = [0, *breaks, len(text)]
        yield f'{head}"{text[: bounds[1]]}"\n'
        for begin, end in zip(bounds[1:-1], bounds[2:], strict=True):
            yield f'{prefix}"{text[begin:end]}"\n'


def messages_of(po: PoFile) -> Iterable[Message]:
    return ([po.header] if po.header else []) + po.messages
