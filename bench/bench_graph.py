"""Graph bench (issues 13 and 14): every stage of a large library, cold and with nothing to do.

The bench corpus (`corpus.write_corpus`) in five locales pseudo-translated by
`corpus.pseudo_catalogs` (`de es fr it pt`; letter tables for `it` and `pt` added here), at
200 x 5 and 1000 x 5 (article x locale pairs). The English words of the meaning and unit
checks (every word of the shipped `toolkit/data/qa/en.toml`) are kept as they are, as a
translator may leave a term in English, so the pseudo-translations pass every check and every
pair is published: the build pages, bundles and stamps 6,000 pairs at 1000 x 5.

Generating a corpus (extract, then every catalog) takes a while at 1000 articles, so each size
is made once and kept in `bench/.work/graph-corpus-*` (keyed by `corpus.py`'s bytes and the
kept words: a changed generator makes a new one); each run works on a copy.

Timed, each as its own process (`common.measure`: wall and CPU seconds, children included, and
peak memory over the whole process group), in this order on one copy:

    check               toolkit check --format json
    check again         the same, nothing changed
    status after check  toolkit status --format json
    render              toolkit render
    build cold          toolkit build, audio by the fake instant engine (`fake_engine.py`)
    build no-op         the same again
    build, one .po      after one msgstr of one `es` catalog was edited

and the sizes of the files a build reads whatever changed: the root page
`build/site/index.html` and the state under `build/.state/`.

    python bench/bench_graph.py [--sizes 200,1000] [--locales nl,sv,da,pl,fi] [--toolkit DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
from pathlib import Path

import corpus
from common import (
    BENCH,
    SCRATCH,
    WORK,
    Run,
    checkout_env,
    compile_checkout,
    load,
    measure,
    table,
    toolkit,
    verdict,
)

# letter tables for pseudo-languages beside corpus.py's de/es/fr (added here, not in corpus.py)
EXTRA_PSEUDO = {
    "it": ({"a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù"}, ("o", "a", "ino", "etto")),
    "pt": ({"a": "ã", "e": "ê", "o": "õ", "c": "ç", "u": "ú"}, ("o", "a", "ção", "inho")),
    "nl": ({"a": "aa", "e": "ee", "o": "oo", "u": "uu"}, ("en", "je", "heid", "lijk")),
    "sv": ({"a": "å", "o": "ö", "e": "ä"}, ("en", "ar", "ning", "lig")),
    "da": ({"o": "ø", "a": "æ", "e": "é"}, ("en", "er", "hed", "lig")),
    "pl": ({"a": "ą", "e": "ę", "o": "ó", "s": "ś", "z": "ż"}, ("ek", "owy", "ość", "nia")),
    "fi": ({"a": "ä", "o": "ö", "u": "y"}, ("inen", "nen", "ssa", "lla")),
}
DEFAULT_LOCALES = "de,es,fr,it,pt"


def _meaning_words(checkout: Path) -> set[str]:
    """Every word of the English meaning-check and unit vocabulary (kept untranslated)."""
    import tomllib

    data = tomllib.loads((checkout / "toolkit" / "data" / "qa" / "en.toml").read_text())
    words: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            words.update(value.replace("#", " ").split())
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)

    walk(data)
    return words | {word.capitalize() for word in words}


FAKE = BENCH / "fake_engine.py"

#: the targets of issues 13 and 14 (at 1000 x 5; per pair at every size)
STATUS_S = 1.0
NOOP_S = 0.5
PER_PAIR_MS = 5.0
ONE_PO_S = 2.0
PEAK_MB = 500.0
#: issue 14's check and status peaks at 1000 x 5 before (MB)
BEFORE_PEAK = {"check": 316, "status after check": 375}
#: issue 13's table (CPU s) before: 200 x 5 and 1000 x 5
BEFORE_CPU = {
    (200, "check"): 23.5,
    (200, "render"): 24.6,
    (200, "status after check"): 33.0,
    (200, "build no-op"): 1.7,
    (200, "build, one .po edited"): 3.0,
    (1000, "check"): 111,
    (1000, "render"): 113,
    (1000, "status after check"): 168,
}


def _corpus_key(articles: int, locales: list[str], kept: set[str]) -> str:
    h = hashlib.sha256((BENCH / "corpus.py").read_bytes())
    h.update(repr((articles, locales, sorted(EXTRA_PSEUDO.items()), sorted(kept))).encode())
    return h.hexdigest()[:12]


def cached_corpus(articles: int, locales: list[str], checkout: Path) -> Path:
    """The corpus project (sources, templates, full pseudo-catalogs), made once per key."""
    for code, table_ in EXTRA_PSEUDO.items():
        corpus.PSEUDO.setdefault(code, table_)
    kept = _meaning_words(BENCH.parent)
    corpus.KEEP_WORDS.update(kept)
    key = _corpus_key(articles, locales, kept)
    root = WORK / f"graph-corpus-{articles}x{len(locales)}-{key}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    print(f"  making the {articles} x {len(locales)} corpus in {root} (once)...", flush=True)
    corpus.write_corpus(root / "source_articles", articles)
    quoted = ", ".join(f'"{code}"' for code in locales)
    (root / "pyproject.toml").write_text(
        f'[tool.toolkit]\nsource_locale = "en"\nlocales = [{quoted}]\n'
    )
    measure(toolkit("extract"), root, _env(checkout))
    corpus.pseudo_catalogs(root / "locales" / "templates", root / "locales", locales)
    (root / ".complete").write_text("")
    return root


def _env(checkout: Path) -> dict[str, str]:
    return checkout_env(checkout)


def _edit_one_po(root: Path) -> None:
    """One msgstr of one catalog (the first locale's first article) gets one more word, in
    place, as a translator would edit it."""
    locale = sorted(p for p in (root / "locales").iterdir() if p.name != "templates")[0]
    po = sorted((locale / "LC_MESSAGES").glob("*.po"))[0]
    text = po.read_text(encoding="utf-8")
    match = list(re.finditer(r'^msgstr "(.+)"$', text, re.M))[1]
    text = text[: match.end() - 1] + ' Edítado."' + text[match.end() :]
    po.write_text(text, encoding="utf-8")


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def run_size(
    articles: int, locales: list[str], checkout: Path
) -> tuple[list[tuple[str, Run]], dict[str, int]]:
    source = cached_corpus(articles, locales, checkout)
    root = SCRATCH / f"graph-{articles}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".complete", "build"))
    env = _env(checkout)
    compile_checkout(checkout)
    fake = [sys.executable, str(FAKE)]
    steps: list[tuple[str, list[str], object]] = [
        ("check", toolkit("check", "--format", "json"), None),
        ("check again", toolkit("check", "--format", "json"), None),
        ("status after check", toolkit("status", "--format", "json"), None),
        ("render", toolkit("render"), None),
        ("build cold", [*fake, "build"], None),
        ("build no-op", [*fake, "build"], None),
        ("build, one .po edited", [*fake, "build"], _edit_one_po),
    ]
    runs = []
    for name, cmd, before in steps:
        if callable(before):
            before(root)
        runs.append((name, measure(cmd, root, env)))
        print(f"    {name}: {runs[-1][1].cpu:.2f} CPU s", flush=True)
    sizes = {
        "root page": _size(root / "build" / "site" / "index.html"),
        "state": _size(root / "build" / ".state"),
        "published pairs": len(list((root / "build" / "site").glob("*/*/index.html"))),
    }
    shutil.rmtree(root, ignore_errors=True)
    return runs, sizes


def _target(articles: int, pairs: int, name: str, run: Run) -> str:
    """The issue's target for this figure, and whether it is met."""
    big = articles >= 1000
    if name in ("check", "render"):
        ms = run.cpu * 1000 / pairs
        return f"{ms:.1f} ms CPU/pair, <= {PER_PAIR_MS:g}: {verdict(ms <= PER_PAIR_MS)}"
    if name == "status after check" and big:
        return f"< {STATUS_S:g} s: {verdict(run.seconds < STATUS_S)}"
    if name == "build no-op" and big:
        return f"< {NOOP_S:g} s: {verdict(run.seconds < NOOP_S)}"
    if name == "build, one .po edited" and big:
        return f"< {ONE_PO_S:g} s: {verdict(run.seconds < ONE_PO_S)}"
    return ""


def run(sizes: list[int], locales: list[str], checkout: Path) -> None:
    print(f"Graph: toolkit from {checkout}, {load()} (busy-machine figures when others run)")
    for articles in sizes:
        pairs = articles * len(locales)
        print(f"\n{articles} articles x {len(locales)} locales ({pairs} translated pairs):")
        runs, sizes_ = run_size(articles, locales, checkout)
        rows = []
        for name, r in runs:
            before = BEFORE_CPU.get((articles, name))
            peak = f"{r.peak_mb:.0f}"
            if articles >= 1000 and name in BEFORE_PEAK:
                peak += f" (was {BEFORE_PEAK[name]})"
            rows.append(
                (
                    name,
                    f"{r.cpu:.2f}",
                    "" if before is None else f"{before:g}",
                    f"{r.seconds:.2f}",
                    peak,
                    f"{verdict(r.peak_mb < PEAK_MB)}",
                    _target(articles, pairs, name, r),
                )
            )
        header = ("step", "CPU s", "CPU s before", "wall s", "peak MB", "< 500 MB", "target")
        print(table(header, rows))
        published = sizes_["published pairs"]
        per_pair = sizes_["root page"] / max(1, published)
        print(
            f"  root page {sizes_['root page'] / 1024:.1f} KB for {published} published pages "
            f"({per_pair:.0f} B a page; was about 1.3 KB a pair); "
            f"state {sizes_['state'] / 2**20:.1f} MB"
        )
    print(f"\n{load()} at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,1000", help="articles, comma-separated")
    parser.add_argument(
        "--locales", default=DEFAULT_LOCALES, help="pseudo-translated locales, comma-separated"
    )
    parser.add_argument("--toolkit", type=Path, default=BENCH.parent, help="checkout to run")
    args = parser.parse_args()
    try:
        sizes = [int(n) for n in args.sizes.split(",") if n]
        locales = [code for code in args.locales.split(",") if code]
        run(sizes, locales, args.toolkit.resolve())
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
