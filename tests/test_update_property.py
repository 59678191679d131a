"""Property: `update` never loses a translation, whatever happens to the source."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polib
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.cli import main

PARAGRAPHS = [
    "Take your tablet with food.",
    "Drink 2 glasses of water every day.",
    "Call your nurse if you feel dizzy.",
    "Keep the medicine away from children.",
    "Write down each dose you take.",
    "Ask your doctor before you stop.",
]

edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("change"), st.integers(0, 20), st.sampled_from(["very ", "not ", "2 "])),
    st.tuples(st.just("insert"), st.integers(0, 20), st.sampled_from(PARAGRAPHS)),
    st.tuples(st.just("duplicate"), st.integers(0, 20)),
    st.tuples(st.just("heading"), st.integers(0, 20)),
)


def apply(paragraphs: list[str], step: tuple) -> list[str]:
    out = list(paragraphs)
    if not out:
        return [PARAGRAPHS[0]]
    i = step[1] % len(out)
    if step[0] == "delete" and len(out) > 1:
        del out[i]
    elif step[0] == "change":
        words = out[i].split(" ")
        out[i] = " ".join([words[0], step[2].strip(), *words[1:]])
    elif step[0] == "insert":
        out.insert(i, step[2])
    elif step[0] == "duplicate":
        out.insert(i, out[i])
    elif step[0] == "heading":
        out[i] = "## " + out[i].lstrip("# ")
    return out


def cli(project: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exit_code == 0, result.output


def read(po_path: Path) -> polib.POFile:
    """The catalog as polib reads it, whatever line endings the translator's editor saved."""
    data = po_path.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return polib.pofile(data.decode("utf-8"))


#: a round is the translator's save (with their editor's line endings), then source edits
endings = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(endings, st.lists(edit, min_size=1, max_size=4)), min_size=1, max_size=3),
    st.lists(st.integers(0, 5), max_size=2),
)
def test_every_earlier_translation_is_still_active_fuzzy_or_obsolete(
    rounds: list[tuple[str, list[tuple]]], repeated: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "source_articles").mkdir()
        source = project / "source_articles" / "care.md"
        paragraphs = list(PARAGRAPHS)
        for index in repeated:  # repeated paragraphs from the start (msgctxt "occurrence 2")
            paragraphs.append(PARAGRAPHS[index])
        source.write_text("\n\n".join(paragraphs) + "\n")
        cli(project, "extract")
        cli(project, "init", "es")
        po_path = project / "locales/es/LC_MESSAGES/care.po"
        given_translations: set[str] = set()
        for ending, steps in rounds:
            # the translator translates whatever is empty, with a unique text
            po = read(po_path)
            for entry in po:
                if not entry.obsolete and not entry.msgstr:
                    entry.msgstr = f"ES{len(given_translations)} {entry.msgid}"
                    given_translations.add(entry.msgstr)
            po_path.write_bytes(str(po).replace("\n", ending).encode("utf-8") + ending.encode())
            for step in steps:
                paragraphs = apply(paragraphs, step)
            source.write_text("\n\n".join(paragraphs) + "\n")
            cli(project, "extract")
            cli(project, "update")
            kept = {entry.msgstr for entry in read(po_path) if entry.msgstr}
            assert given_translations <= kept
