"""`toolkit new DIR`: a minimal project to start from.

One example article (plain language, with the front matter keys an author uses) and a
pyproject.toml whose `[tool.toolkit]` table lists every setting, commented out at its
default, so a coordinator sees what can be set without reading the docs first.
"""

from __future__ import annotations

from pathlib import Path

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

PYPROJECT = """\
# A toolkit project. Every setting has a default: uncomment a line to change it.
# What each one means: docs/coordinators.md in the toolkit's repository.

[tool.toolkit]
# locales = ["es", "vi"]          # target locales; default: every folder under locales/
# source_locale = "en"            # language of source_articles/
# min_translated = 100            # percent translated needed to publish a page
# wrap_width = 76                 # line width of the .po files
# source_dir = "source_articles"
# locales_dir = "locales"
# build_dir = "build"

[tool.toolkit.readability]
# max_sentence_words = 20         # longer sentences get a warning
# hard_word_share = 0.3           # sentences with more hard words than this get a warning
# targets = { es = { formula = "szigriszt_pazos", target = 65 } }

[tool.toolkit.checks]
# glossary_dir = "glossary"       # <locale>.csv: agreed terms per language
# length_ratio_min = 0.4          # translation/source length outside these gets a warning
# length_ratio_max = 2.5

[tool.toolkit.audio]
# engine = "espeak"               # espeak (offline), gtts (online), piper (optional extra)
# rate = 140                      # words per minute
# publisher = "toolkit sample project"
# sentence_pause_ms = 350
# paragraph_pause_ms = 800
# lexicon_dir = "lexicon"         # <locale>.toml: pronunciations for the speech engine
# piper_model = ""                # a Piper voice (.onnx path or PyPI voice package)
# gtts_timeout = 15.0             # seconds
# gtts_retries = 4

# [tool.toolkit.audio.voices.espeak]
# es = "es-419"                   # voice per locale, per engine
"""

GITIGNORE = "build/\n*.mo\n"


def new_project(folder: Path) -> StageResult:
    """Write a minimal project into `folder`, which must not exist or be empty."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ToolkitError(f"{folder} is a file: give a new folder name for the project")
    if folder.is_dir() and any(folder.iterdir()):
        raise ToolkitError(f"{folder} is not empty: give a new folder name (nothing was written)")
    files = {
        "pyproject.toml": PYPROJECT,
        f"source_articles/{EXAMPLE_SLUG}.md": EXAMPLE_ARTICLE,
        ".gitignore": GITIGNORE,
    }
    result = StageResult("new")
    for name, text in files.items():
        write_atomic(folder / name, text.encode("utf-8"))
        result.written.append((folder / name).as_posix())
    return result
