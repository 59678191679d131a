"""`toolkit new DIR`: a minimal project to start from.

One example article (plain language, with the front matter keys an author uses) and a
pyproject.toml whose `[tool.toolkit]` table lists every setting, commented out at its
default, so a coordinator sees what can be set without reading the docs first.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ToolkitError
from .files import write_atomic
from .models import StageResult

EXAMPLE_SLUG = "washing-your-hands"

EXAMPLE_ARTICLE = """\
---
title: Washing your hands
summary: When and how to wash your hands to stop germs from spreading.
reviewed: 2026-01-15
reading_grade_target: 6
---

# When to wash your hands

Wash your hands before you eat and after you use the toilet.
Wash them again when you come home.

## How to wash your hands

1. Wet your hands with clean water.
2. Rub them with soap for 20 seconds.
3. Rinse them and dry them with a clean towel.

Soap and water work better than hand gel when your hands look dirty.
"""

#: what a key means, for the keys whose name does not say it all (the rest: docs/coordinators.md)
NOTES = {
    "locales": "target locales; default: every folder under locales/",
    "source_locale": "language of source_articles/",
    "min_translated": "percent translated needed to publish a page",
    "wrap_width": "line width of the .po files",
    "max_sentence_words": "longer sentences get a warning",
    "hard_word_share": "sentences with a larger share of hard words get a warning",
    "targets": "readability formula and target per language",
    "glossary_dir": "<locale>.csv: agreed terms per language",
    "length_ratio_min": "translation/source lengths outside min..max get a warning",
    "engine": "espeak (offline), gtts (online), piper (optional extra)",
    "rate": "words per minute",
    "voices": "voice per engine and locale",
    "lexicon_dir": "<locale>.toml: pronunciations for the speech engine",
    "piper_model": "a Piper voice: .onnx path or PyPI voice package",
    "gtts_timeout": "seconds",
}

#: example values shown instead of an empty default (each one a valid setting)
EXAMPLES: dict[str, Any] = {
    "locales": ["es", "vi"],
    "targets": {"es": {"formula": "szigriszt_pazos", "target": 65}},
    "voices": {"espeak": {"es": "es-419"}},
}


def pyproject_text() -> str:
    """`[tool.toolkit]` with every setting of `Config` commented out at its default (or an
    example), generated from the dataclasses so it lists exactly the keys that exist."""
    from .config import _SECTIONS, Config

    lines = [
        "# A toolkit project. Every setting has a default: uncomment a line to change it.",
        "# What each one means: docs/coordinators.md in the toolkit's repository.",
        "",
        "[tool.toolkit]",
    ]
    tables = [("", Config)] + [(f".{name}", cls) for name, cls in _SECTIONS.items()]
    for suffix, cls in tables:
        if suffix:
            lines += ["", f"[tool.toolkit{suffix}]"]
        for f in dataclasses.fields(cls):
            if f.name == "root" or (cls is Config and f.name in _SECTIONS):
                continue
            default = (
                f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
            )
            value = default if default else EXAMPLES.get(f.name, default)
            line = f"# {f.name} = {_toml(value)}"
            note = NOTES.get(f.name)
            lines.append(f"{line:<40} # {note}" if note else line)
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    """A TOML value (inline tables and arrays; JSON's strings are TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(str(k))} = {_toml(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML form for {value!r}")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


GITIGNORE = "build/\n*.mo\n"


def new_project(folder: Path) -> StageResult:
    """Write a minimal project into `folder`, which must not exist or be empty."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ToolkitError(f"{folder} is a file: give a new folder name for the project")
    if folder.is_dir() and any(folder.iterdir()):
        raise ToolkitError(f"{folder} is not empty: give a new folder name (nothing was written)")
    files = {
        "pyproject.toml": pyproject_text(),
        f"source_articles/{EXAMPLE_SLUG}.md": EXAMPLE_ARTICLE,
        ".gitignore": GITIGNORE,
    }
    result = StageResult("new")
    for name, text in files.items():
        write_atomic(folder / name, text.encode("utf-8"))
        result.written.append((folder / name).as_posix())
    return result
