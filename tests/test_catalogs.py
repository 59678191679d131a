"""Catalogs: what translators and every gettext tool rely on."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.models import Entry

GOLDEN_POT = """\
# Translations of source_articles/blood-pressure.md (blood-pressure).
# Edit the msgstr lines with any gettext tool; `toolkit update` keeps your work.
msgid ""
msgstr ""
"Project-Id-Version: blood-pressure 1\\n"
"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"
"POT-Creation-Date: DATE\\n"
"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"
"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"
"Language-Team: LANGUAGE <LL@li.org>\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

#. type: title
#: source_articles/blood-pressure.md:2
msgid "Taking your blood pressure at home"
msgstr ""

#. type: summary
#: source_articles/blood-pressure.md:3
msgid "How to measure your blood pressure and what the numbers mean."
msgstr ""

#. type: heading
#: source_articles/blood-pressure.md:7
msgid "Why measure at home"
msgstr ""

#. type: paragraph
#: source_articles/blood-pressure.md:9
msgid "Your nurse may ask you to check your blood pressure **twice a day**."
msgstr ""
"""


def run(project: Path, *args: str) -> object:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fill(po_path: Path, translate=lambda msgid: "ES " + msgid) -> None:
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = translate(entry.msgid)
    po.save()


def test_extract_writes_the_golden_template(project: Path) -> None:
    result = run(project, "extract")
    assert result.exit_code == 0
    assert result.output == "wrote locales/templates/blood-pressure.pot\n"
    text = (project / "locales/templates/blood-pressure.pot").read_text(encoding="utf-8")
    lines = [
        '"POT-Creation-Date: DATE\\n"' if line.startswith('"POT-Creation-Date') else line
        for line in text.splitlines()
    ]
    assert "\n".join(lines).startswith(GOLDEN_POT)


def test_entries_carry_type_reference_and_context_for_repeats(project: Path) -> None:
    (project / "source_articles/repeat.md").write_text(
        "# Dose\n\nTake it.\n\n## Dose\n\n| Dose | Time |\n| --- | --- |\n| 5 mg | 8:00 |\n"
    )
    run(project, "extract")
    pot = polib.pofile(str(project / "locales/templates/repeat.pot"))
    doses = [(e.msgctxt, e.comment, e.occurrences) for e in pot if e.msgid == "Dose"]
    assert doses == [
        (None, "type: heading", [("source_articles/repeat.md", "1")]),
        ("heading, occurrence 2", "type: heading", [("source_articles/repeat.md", "5")]),
        ("table cell, occurrence 3", "type: table cell", [("source_articles/repeat.md", "7")]),
    ]


def test_every_catalog_passes_msgfmt_and_reads_the_same_in_babel_polib_and_translate_toolkit(
    project: Path,
) -> None:
    from translate.storage import po as ttk_po

    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    fill(po_path, lambda msgid: f"«{msgid}» ñ")
    run(project, "update")
    for path in [project / "locales/templates/blood-pressure.pot", po_path]:
        check = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        with path.open("rb") as handle:
            babel_entries = [(m.context, m.id, m.string) for m in read_po(handle) if m.id]
        polib_entries = [(e.msgctxt, e.msgid, e.msgstr) for e in polib.pofile(str(path))]
        store = ttk_po.pofile(path.read_bytes())
        ttk_entries = [
            (u.getcontext() or None, u.source, u.target) for u in store.units if not u.isheader()
        ]
        assert babel_entries == polib_entries == ttk_entries
        assert len(babel_entries) == 17


def test_no_churn_extract_and_update_twice_change_no_byte(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    run(project, "update")
    before = tree_bytes(project / "locales")
    assert run(project, "extract").output == "extract: nothing to do (1 up to date)\n"
    assert run(project, "update").output == "update: nothing to do (1 up to date)\n"
    shutil.rmtree(project / "build")  # without the incremental state, the bytes still decide
    run(project, "extract")
    run(project, "update")
    assert tree_bytes(project / "locales") == before


def test_changed_source_becomes_fuzzy_and_removed_becomes_obsolete(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    fill(po_path)
    source = project / "source_articles/blood-pressure.md"
    text = source.read_text()
    text = text.replace("Call 911 if you have chest pain.", "Call 911 if you have bad chest pain.")
    text = text.replace("- A cuff that fits your arm\n", "")
    source.write_text(text)
    run(project, "extract")
    assert run(project, "update").exit_code == 0
    po = polib.pofile(str(po_path))
    changed = po.find("Call 911 if you have bad chest pain.")
    assert changed.fuzzy and changed.msgstr == "ES Call 911 if you have chest pain."
    obsolete = [e for e in po if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [
        ("A cuff that fits your arm", "ES A cuff that fits your arm")
    ]
    # undoing the removal brings the translation back from #~
    source.write_text(
        text.replace("## What you need\n\n", "## What you need\n\n- A cuff that fits your arm\n")
    )
    run(project, "extract")
    run(project, "update")
    restored = polib.pofile(str(po_path)).find("A cuff that fits your arm")
    assert restored.msgstr == "ES A cuff that fits your arm" and not restored.obsolete


def test_update_check_exits_3_when_out_of_date_and_writes_nothing(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    assert run(project, "update", "--check").exit_code == 0
    source = project / "source_articles/blood-pressure.md"
    source.write_text(source.read_text() + "\nA new paragraph.\n")
    before = tree_bytes(project / "locales")
    result = run(project, "update", "--check")
    assert result.exit_code == 3
    assert "locales/templates/blood-pressure.pot" in result.output
    assert tree_bytes(project / "locales") == before


def test_compile_writes_mo_without_fuzzy_entries(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    po = polib.pofile(str(po_path))
    po.find("Why measure at home").msgstr = "Por qué medir en casa"
    fuzzy = po.find("What you need")
    fuzzy.msgstr, fuzzy.flags = "Lo que necesita", ["fuzzy"]
    po.save()
    assert run(project, "compile").exit_code == 0
    mo = project / "build/mo/es/LC_MESSAGES/blood-pressure.mo"
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("Why measure at home") == "Por qué medir en casa"
    assert translations.gettext("What you need") == "What you need"


def test_a_write_interrupted_by_an_exception_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from toolkit import files

    target = tmp_path / "x.po"
    target.write_bytes(b"old")

    def explode(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", explode)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, b"new content")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.po"]  # no temp file left behind


