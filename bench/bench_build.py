"""Build bench (issue 5): `toolkit build` of the sample project, cold, no-op and after one edit.

- cold: `toolkit build` in a fresh copy of the sample project (no build/, no audio cache):
  compile, check, render, espeak audio, pages and bundles of every pair.
- no-op: the same command again; target: under 5 % of cold and under 1 s.
- one .po edited: a translator rewords one Spanish paragraph; only that pair (its audio,
  pages, the Spanish index and bundle, the root index) is rebuilt; target: under 15 % of cold.
- one .po touched (mtime only): nothing to do, since the build keys on content, not time.
"""

from __future__ import annotations

import os
import shutil

import polib
from common import WORK, Run, copy_project, load, measure, median_run, table, toolkit, verdict

PO = "locales/es/LC_MESSAGES/ketamine-for-depression.po"


def _edit_one_po(root) -> None:
    po = polib.pofile(str(root / PO), wrapwidth=76)
    for entry in po:
        if "type: paragraph" in entry.comment and entry.msgstr:
            entry.msgstr += " Pregunte a su médico."
            break
    po.save(str(root / PO))


def run(repeat: int = 1) -> dict[str, float]:
    cmd = toolkit("build")
    cold_runs: list[Run] = []
    noop_runs: list[Run] = []
    edit_runs: list[Run] = []
    touch_runs: list[Run] = []
    for i in range(repeat):
        root = copy_project(WORK / "build" / f"sample-{i}")
        cold_runs.append(measure(cmd, root))
        noop_runs.append(measure(cmd, root))
        os.utime(root / PO)
        touch_runs.append(measure(cmd, root))
        _edit_one_po(root)
        edit_runs.append(measure(cmd, root))
        shutil.rmtree(root)
    cold, noop = median_run(cold_runs), median_run(noop_runs)
    edit, touch = median_run(edit_runs), median_run(touch_runs)
    print(f"Build (espeak audio): sample project, median of {repeat}; {load()}")
    rows = [
        [name, f"{r.seconds:.2f}", f"{r.cpu:.2f}", f"{r.seconds / cold.seconds:.1%}"]
        for name, r in (
            ("cold", cold),
            ("no-op re-run", noop),
            ("one .po touched (mtime)", touch),
            ("one .po edited", edit),
        )
    ]
    print(table(["", "seconds", "CPU s", "of cold"], rows))
    share, edit_share = noop.seconds / cold.seconds, edit.seconds / cold.seconds
    print("targets:")
    print(f"  no-op < 5 % of cold: {share:.1%}  {verdict(share < 0.05)}")
    print(f"  no-op < 1 s: {noop.seconds:.2f} s  {verdict(noop.seconds < 1)}")
    print(f"  one .po edited < 15 % of cold: {edit_share:.1%}  {verdict(edit_share < 0.15)}")
    return {"cold": cold.seconds, "noop": noop.seconds, "edit": edit.seconds}


if __name__ == "__main__":
    run()
