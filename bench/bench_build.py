"""Build bench (issue 5): `toolkit build` of the sample project, cold, again, after a .po edit.

Phases, in a fresh copy of the sample project (repository root):

- cold: nothing built (no build/, no audio cache);
- no-op: the same command again (median of 3): should find everything up to date;
- touch one .po: its modification time changes, its bytes do not;
- edit one .po: one Spanish msgstr gains a sentence, so that pair is re-rendered, re-checked,
  re-spoken (one sentence) and its bundle rebuilt, and nothing else.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from common import SCRATCH, Run, copy_project, load, measure, median_run, table, toolkit, verdict

NOOP_RUNS = 3


def first_catalog(root: Path) -> Path:
    """The first catalog of the first locale (Spanish when the project has it)."""
    locales = sorted(p for p in (root / "locales").iterdir() if p.name != "templates")
    chosen = next((p for p in locales if p.name == "es"), locales[0])
    return sorted((chosen / "LC_MESSAGES").glob("*.po"))[0]


def edit_one_msgstr(po: Path) -> str:
    """Append a short sentence to the first one-line msgstr ending in a full stop."""
    text = po.read_text(encoding="utf-8")
    line = re.compile(r'^msgstr "([^"\d]+\.)"$', re.MULTILINE)
    match = line.search(text)
    if match is None:
        raise RuntimeError(f"{po}: no one-line msgstr ending in a full stop to edit")
    addition = " Gracias." if po.parent.parent.name == "es" else " " + match.group(1)
    edited = f'msgstr "{match.group(1)}{addition}"'
    po.write_text(text[: match.start()] + edited + text[match.end() :], encoding="utf-8")
    return match.group(1)


def run(repeat: int = 1) -> dict[str, float]:
    cmd = toolkit("build")
    root = copy_project(SCRATCH / "build" / "sample")
    cold = median_run([measure(cmd, root)])
    noop = median_run([measure(cmd, root) for _ in range(NOOP_RUNS)])
    po = first_catalog(root)
    os.utime(po)  # touch: new mtime, same bytes
    touched = measure(cmd, root)
    edited_msgid = edit_one_msgstr(po)
    edited = measure(cmd, root)
    again = measure(cmd, root)
    # page weight: an article page is one file (its CSS and script are inline); audio apart
    heaviest = max((root / "build" / "site").glob("*/*/index.html"), key=lambda p: p.stat().st_size)
    weight = heaviest.stat().st_size
    heaviest_name = heaviest.relative_to(root / "build" / "site").as_posix()
    shutil.rmtree(root)
    print(f"Build: sample project, {load()}")
    print(f"  edited {po.relative_to(root)}: {edited_msgid[:60]!r} + one sentence")
    rows: list[tuple[str, Run]] = [
        ("cold", cold),
        (f"no-op (median of {NOOP_RUNS})", noop),
        ("touch one .po (mtime only)", touched),
        ("edit one msgstr in one .po", edited),
        ("no-op after the edit", again),
    ]
    print(
        table(
            ["", "seconds", "% of cold", "CPU s", "peak MB"],
            [
                [
                    name,
                    f"{r.seconds:.2f}",
                    f"{r.seconds / cold.seconds:.1%}",
                    f"{r.cpu:.2f}",
                    f"{r.peak_mb:.0f}",
                ]
                for name, r in rows
            ],
        )
    )
    share, edit_share = noop.seconds / cold.seconds, edited.seconds / cold.seconds
    print("targets:")
    print(f"  no-op < 5 % of cold: {share:.1%}  {verdict(share < 0.05)}")
    print(f"  no-op < 1 s: {noop.seconds:.2f} s  {verdict(noop.seconds < 1)}")
    print(f"  one .po edited < 15 % of cold: {edit_share:.1%}  {verdict(edit_share < 0.15)}")
    touch_share = touched.seconds / cold.seconds
    print(f"  (one .po touched: {touch_share:.1%}  {verdict(touch_share < 0.15)})")
    print(
        f"  heaviest article page < 60 KB (HTML + CSS + script, no audio): {heaviest_name} "
        f"{weight / 1000:.1f} KB  {verdict(weight < 60_000)}"
    )
    return {"cold": cold.seconds, "noop": noop.seconds, "edited": edited.seconds}
