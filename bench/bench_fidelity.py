"""Fidelity bench (issue 11): the 652 CommonMark 0.31.2 examples through ours, po4a and
translate-toolkit, identity translation, the result rendered by markdown-it against the source.

Each example gets a `# Title` line first. Our pipeline is the article's: extract (template),
init (new catalog, read back by polib), every msgstr filled with its msgid, render. po4a 0.69
(Debian) runs its markdown mode (`text`, `markdown=1`) through `fidelity/po4a_driver.pl`;
translate-toolkit 3.20.4 runs md2po's extraction and po2md's translator through
`fidelity/tt_driver.py` in its own virtualenv. Each example has 10 seconds before it counts
as a hang. Nothing is fetched: the examples are the vendored `tests/data/commonmark/`.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from common import BENCH, REPO, SCRATCH, fresh_dir

SPEC = REPO / "tests" / "data" / "commonmark" / "spec-0.31.2.json"
_TAG = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)")
_MARKUP = re.compile(r"<[^>\n]*>|&#?\w+;|\]\([^)\n]*\)|\][^\s\[\]]*\]|\\.")
TIMEOUT = 10


def examples() -> dict[int, str]:
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    return {e["example"]: "# Title\n\n" + e["markdown"] for e in data}


def upper_outside_markup(text: str) -> str:
    """Every letter upper-cased but those of tags, entities, link targets and escapes."""
    out, last = [], 0
    for match in _MARKUP.finditer(text):
        out += [text[last : match.start()].upper(), match.group(0)]
        last = match.end()
    return "".join(out) + text[last:].upper()


# results: example -> rendered Markdown, or "hang" / "crash: …"
Results = dict[int, str]


def ours(sources: dict[int, str], fill: Callable[[str], str]) -> Results:
    sys.path.insert(0, str(REPO))
    import polib

    from toolkit.articles import parse_markdown
    from toolkit.catalogs import new_catalog_bytes, template_bytes
    from toolkit.render import translated_markdown

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    out: Results = {}
    for number, source in sources.items():
        signal.alarm(TIMEOUT)
        try:
            article = parse_markdown("example", Path("example.md"), source, "example.md")
            template = template_bytes(article, "example.md", 79)
            catalog = polib.pofile(
                new_catalog_bytes(template, "es", 79, "example.pot").decode("utf-8")
            )
            filled = {(e.msgid, e.msgctxt): fill(e.msgid) for e in catalog}
            out[number] = translated_markdown(article, filled)[0]
        except TimeoutError:
            out[number] = "hang"
        except Exception as exc:  # noqa: BLE001 - a crash is a result here
            out[number] = f"crash: {type(exc).__name__}"
        finally:
            signal.alarm(0)
    return out


def _driver(cmd: list[str], folder: Path, numbers: list[int]) -> dict[int, str]:
    """Run a driver over `folder`, restarting after a file that killed it."""
    status: dict[int, str] = {}
    while len(status) < len(numbers):
        start = next(n for n in numbers if n not in status)
        proc = subprocess.run(
            [*cmd, str(folder), str(start)] if cmd[0] == "perl" else [*cmd, str(folder)],
            capture_output=True,
            text=True,
        )
        for line in proc.stdout.splitlines():
            number, _, result = line.partition(" ")
            status.setdefault(int(number), result)
        if start not in status:  # the driver died on this file
            status[start] = f"crash: exit {proc.returncode}"
    return status


def po4a(sources: dict[int, str]) -> Results:
    import polib

    folder = fresh_dir(SCRATCH / "fidelity-po4a")
    for number, source in sources.items():
        (folder / f"{number}.md").write_text(source, encoding="utf-8")
    numbers = sorted(sources)
    script = str(BENCH / "fidelity" / "po4a_driver.pl")
    extracted = _driver(["perl", script, "extract"], folder, numbers)
    for number in numbers:
        if extracted[number] == "ok":
            catalog = polib.pofile(str(folder / f"{number}.pot"))
            for entry in catalog:
                entry.msgstr = entry.msgid
            catalog.save(str(folder / f"{number}.po"))
    translated = _driver(["perl", script, "translate"], folder, numbers)
    out: Results = {}
    for number in numbers:
        step = extracted[number] if extracted[number] != "ok" else translated[number]
        if step == "ok":
            out[number] = (folder / f"{number}.out").read_text(encoding="utf-8")
        else:
            out[number] = "hang" if step == "hang" else f"crash: {step}"
    return out


def translate_toolkit(sources: dict[int, str]) -> Results:
    from bench_extract import ensure_translate_toolkit

    python = ensure_translate_toolkit() / "python"
    folder = fresh_dir(SCRATCH / "fidelity-tt")
    for number, source in sources.items():
        (folder / f"{number}.md").write_text(source, encoding="utf-8")
    script = str(BENCH / "fidelity" / "tt_driver.py")
    status = _driver([str(python), script], folder, sorted(sources))
    out: Results = {}
    for number in sorted(sources):
        if status[number] == "ok":
            out[number] = (folder / f"{number}.out").read_text(encoding="utf-8")
        else:
            out[number] = "hang" if status[number] == "hang" else f"crash: {status[number]}"
    return out


def score(sources: dict[int, str], results: Results) -> dict[str, int | list[int]]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")

    def tags(html: str) -> list[str]:
        return [name.lower() for name in _TAG.findall(html)]

    row: dict[str, int | list[int]] = {"equal": 0, "whitespace": 0, "folded": 0, "structure": 0}
    failed, crashed, hung = [], [], []
    for number, source in sources.items():
        got = results[number]
        if got == "hang":
            hung.append(number)
            continue
        if got.startswith("crash: "):
            crashed.append(number)
            continue
        expected, html = md.render(source), md.render(got)
        row["equal"] += html == expected  # type: ignore[operator]
        row["whitespace"] += re.sub(r"\s+", "", html) == re.sub(r"\s+", "", expected)  # type: ignore[operator]
        folded = re.sub(r"\s+", " ", html).strip() == re.sub(r"\s+", " ", expected).strip()
        row["folded"] += folded  # type: ignore[operator]
        same = tags(html) == tags(expected)
        row["structure"] += same  # type: ignore[operator]
        if not same:
            failed.append(number)
    row.update(crash=len(crashed), hang=len(hung), failed=failed)
    return row


def run(tools: tuple[str, ...] = ("ours", "po4a", "translate-toolkit")) -> None:
    sources = examples()
    print(f"Fidelity: {len(sources)} CommonMark 0.31.2 examples, identity translation")
    rows = []
    for name in tools:
        began = time.perf_counter()
        if name == "ours":
            results = ours(sources, lambda msgid: msgid)
        elif name == "po4a":
            results = po4a(sources)
        else:
            results = translate_toolkit(sources)
        rows.append((name, score(sources, results), time.perf_counter() - began))
    print()
    print(
        "| tool | HTML equal | equal ignoring whitespace | equal, whitespace runs folded "
        "| same tag structure | crash/hang | seconds |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row, seconds in rows:
        trouble = (
            f"{row['crash']} crashes, {row['hang']} hangs" if row["crash"] or row["hang"] else "0"
        )
        print(
            f"| {name} | {row['equal']} | {row['whitespace']} | {row['folded']} "
            f"| {row['structure']} | {trouble} "
            f"| {seconds:.1f} |"
        )
    print()
    for name, row, _ in rows:
        print(f"{name}: structure differs in examples {row['failed']}")
    if "ours" in tools:
        upper = score(sources, ours(sources, upper_outside_markup))
        print(
            f"ours, every letter outside markup upper-cased: {upper['structure']} of "
            f"{len(sources)} keep the tag structure (differs: {upper['failed']})"
        )
    print("goal: ours >= 645 equal ignoring whitespace and >= 645 same structure, no crash/hang")


if __name__ == "__main__":
    import shutil

    try:
        run(tuple(sys.argv[1:]) or ("ours", "po4a", "translate-toolkit"))
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
