"""Text made safe to print on a terminal.

Glossary notes, URLs, msgids and file names come from translators and authors: an escape
sequence among them could move the cursor, rewrite earlier lines or retitle the window.
Everything the CLI prints goes through `printable` (text) or `json_safe` (JSON).
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F: U+009B is CSI)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: in JSON text, C0 controls are already escaped by json.dumps; DEL and C1 are not
_JSON_UNESCAPED = re.compile(r"[\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every control character but tab and newline removed."""
    return _CONTROL.sub("", text)


def json_safe(text: str) -> str:
    """JSON text with DEL and C1 controls written as `\\u` escapes (the data is unchanged)."""
    return _JSON_UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
