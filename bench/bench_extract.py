"""Extraction bench (issue 2): our `extract` + `update` against po4a and translate-toolkit.

Each tool gets a fresh copy of the corpus and does the same job: sources -> templates -> one
locale's catalogs (es). Three phases, timed as a user runs them:

- cold: nothing generated yet;
- no change: the same commands again (peers with their own skip-unchanged option where it
  exists: po4a skips by file dates on its own, translate-toolkit needs `-S`);
- 5 changed: after rewording a sentence and adding a paragraph in 5 articles.

po4a runs with one configuration for the whole corpus, its markdown mode (`text -o markdown`)
and `--no-translations` (catalogs only, like us). Its default layout (one .pot and one .po per
language for everything) is its fast path; `--po4a-split` also times the one-domain-per-
document layout we write (`$master` in `[po4a_paths]`), which is much slower in po4a 0.69.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import corpus
from common import (
    SCRATCH,
    WORK,
    Run,
    fresh_dir,
    load,
    measure,
    measure_all,
    median_run,
    table,
    toolkit,
    verdict,
)

TT_VERSION = "3.20.4"
VENV_TT = WORK / "venv-tt"
LOCALE = "es"
PHASES = ("cold", "no change", "5 changed")


def ensure_translate_toolkit() -> Path:
    """translate-toolkit in its own virtualenv (its `md2po` must not meet anything else's)."""
    bin_dir = VENV_TT / "bin"
    if not (bin_dir / "md2po").exists():
        print(f"installing translate-toolkit[markdown]=={TT_VERSION} into {VENV_TT} ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV_TT)], check=True)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "-q", f"translate-toolkit[markdown]=={TT_VERSION}"],
            check=True,
        )
    return bin_dir


@dataclass
class Tool:
    name: str
    setup: object  # (work dir, source dir) -> None
    cold: list[list[str]]
    again: list[list[str]]
    src: str = "src"  # the folder of the sources inside the tool's work dir
    once: bool = False  # too slow to repeat


def _our_setup(root: Path, src: Path) -> None:
    shutil.copytree(src, root / "source_articles")
    (root / "pyproject.toml").write_text(f'[tool.toolkit]\nlocales = ["{LOCALE}"]\n')


def _po4a_setup(split: bool):
    def setup(root: Path, src: Path) -> None:
        shutil.copytree(src, root / "src")
        (root / "po").mkdir()
        (root / "pot").mkdir()
        paths = (
            "pot/$master.pot $lang:po/$lang/$master.po"
            if split
            else ("pot/corpus.pot $lang:po/$lang.po")
        )
        if split:
            (root / "po" / LOCALE).mkdir()
        lines = [f"[po4a_langs] {LOCALE}", f"[po4a_paths] {paths}"]
        for md in sorted((root / "src").glob("*.md")):
            lines.append(f'[type: text] src/{md.name} $lang:out/$lang/{md.name} opt:"-o markdown"')
        (root / "po4a.cfg").write_text("\n".join(lines) + "\n")

    return setup


def _tt_setup(root: Path, src: Path) -> None:
    shutil.copytree(src, root / "src")
    (root / "po" / LOCALE).mkdir(parents=True)


def tools(split: bool) -> list[Tool]:
    tt = ensure_translate_toolkit()
    md2po, pot2po = str(tt / "md2po"), str(tt / "pot2po")
    quiet = ["--progress=none"]
    po4a = ["po4a", "--no-translations", "po4a.cfg"]
    found = [
        Tool(
            "ours (extract + update)",
            _our_setup,
            [toolkit("extract"), toolkit("update", "--locale", LOCALE)],
            [toolkit("extract"), toolkit("update", "--locale", LOCALE)],
            src="source_articles",
        ),
        Tool("po4a (one .pot)", _po4a_setup(False), [po4a], [po4a]),
        Tool(
            "translate-toolkit (md2po+pot2po)",
            _tt_setup,
            [
                [md2po, *quiet, "-P", "-i", "src", "-o", "pot"],
                [pot2po, *quiet, "-i", "pot", "-o", f"po/{LOCALE}"],
            ],
            [
                [md2po, *quiet, "-S", "-P", "-i", "src", "-o", "pot"],
                [pot2po, *quiet, "-S", "-t", f"po/{LOCALE}", "-i", "pot", "-o", f"po/{LOCALE}"],
            ],
        ),
    ]
    if split:
        split_tool = Tool("po4a (a .pot per article)", _po4a_setup(True), [po4a], [po4a], once=True)
        found.append(split_tool)
    return found


def run(articles: int = 200, repeat: int = 3, split: bool = False) -> dict[str, dict[str, Run]]:
    src = fresh_dir(SCRATCH / "extract" / "corpus")
    corpus.write_corpus(src, articles)
    words = sum(corpus._words(p.read_text(encoding="utf-8")) for p in src.glob("*.md"))
    print(f"Extraction: {articles} articles, {words} words, locale {LOCALE}, median of {repeat}")
    results: dict[str, dict[str, Run]] = {}
    for tool in tools(split):
        phases: dict[str, list[Run]] = {p: [] for p in (*PHASES, "cold, templates only")}
        for i in range(1 if tool.once else repeat):
            root = fresh_dir(SCRATCH / "extract" / f"tool-{len(results)}-{i}")
            tool.setup(root, src)
            first = measure(tool.cold[0], root)  # templates only, when the tool splits the job
            rest = measure_all(tool.cold[1:], root) if len(tool.cold) > 1 else None
            phases["cold"].append(_plus(first, rest))
            if rest is not None:
                phases["cold, templates only"].append(first)
            phases["no change"].append(measure_all(tool.again, root))
            sources = sorted((root / tool.src).glob("*.md"))
            for index in range(3, len(sources), len(sources) // 5)[:5]:  # 5 spread out
                corpus.change_article(sources[index])
            phases["5 changed"].append(measure_all(tool.again, root))
            shutil.rmtree(root)
        results[tool.name] = {p: median_run(r) for p, r in phases.items() if r}
        timings = ", ".join(f"{p} {r.seconds:.2f} s" for p, r in results[tool.name].items())
        print(f"  {tool.name}: {timings} ({load()})", flush=True)
    print()
    print(report(results))
    return results


def _plus(a: Run, b: Run | None) -> Run:
    if b is None:
        return a
    return Run(a.seconds + b.seconds, max(a.peak_mb, b.peak_mb), a.cpu + b.cpu)


def report(results: dict[str, dict[str, Run]]) -> str:
    names = list(results)
    ours, peers = results[names[0]], names[1:]
    header = ["phase (seconds)", *names]
    rows = []
    for phase in PHASES:
        rows.append([phase, *(f"{results[n][phase].seconds:.3f}" for n in names)])
    for phase in PHASES:
        rows.append([f"{phase} (CPU s)", *(f"{results[n][phase].cpu:.3f}" for n in names)])
    only = "cold, templates only"
    rows.append([only, *(_cell(results[n], only) for n in names)])
    rows.append(
        [
            "peak MB (all processes)",
            *(f"{max(r.peak_mb for r in results[n].values()):.0f}" for n in names),
        ]
    )
    lines = [table(header, rows), ""]
    cpu = [
        [f"{peer}", *(f"{results[peer][p].cpu / ours[p].cpu:.2f}x" for p in PHASES)]
        for peer in peers
    ]
    speed = [
        [f"{peer}", *(f"{results[peer][p].seconds / ours[p].seconds:.2f}x" for p in PHASES)]
        for peer in peers
    ]
    lines.append(table(["peer time / our time", *PHASES], speed))
    lines += ["", table(["peer CPU / our CPU", *PHASES], cpu)]
    cold_ratio = min(results[p]["cold"].seconds / ours["cold"].seconds for p in peers[:2])
    peak = max(r.peak_mb for r in ours.values())
    cpu_ratio = min(results[p]["cold"].cpu / ours["cold"].cpu for p in peers[:2])
    lines += [
        "",
        "targets:",
        f"  cold >= 2x faster than both peers: {cold_ratio:.2f}x  {verdict(cold_ratio >= 2)}"
        f"  (by CPU time: {cpu_ratio:.2f}x)",
        f"  no change < 0.3 s: {ours['no change'].seconds:.3f} s  "
        f"{verdict(ours['no change'].seconds < 0.3)}",
        f"  5 changed < 0.5 s: {ours['5 changed'].seconds:.3f} s  "
        f"{verdict(ours['5 changed'].seconds < 0.5)}",
        f"  peak < 200 MB: {peak:.0f} MB  {verdict(peak < 200)}",
        f"  ({load()})",
    ]
    return "\n".join(lines)


def _cell(results: dict[str, Run], phase: str) -> str:
    return f"{results[phase].seconds:.3f}" if phase in results else "-"
