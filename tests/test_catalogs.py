"""Catalogs: what translators and every gettext tool rely on."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from toolkit.cli import main

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


# --- strict, located parsing: every file msgfmt --check rejects is an error at its line ---

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
BROKEN = {
    # name: (entries after the header, the line msgfmt names)
    "msgstr missing its opening quote": ('msgid "Hello"\nmsgstr Hola"\n', 6),
    "cut-off string": ('msgid "Hello"\nmsgstr "Hol\n', 6),
    "duplicate msgid": ('msgid "Hello"\nmsgstr "Hola"\n\nmsgid "Hello"\nmsgstr "Buenas"\n', 8),
    "invalid escape": ('msgid "Hello"\nmsgstr "Ho\\qla"\n', 6),
    "msgid without msgstr": ('msgid "Hello"\n\nmsgid "Bye"\nmsgstr "Adiós"\n', 5),
    "newline mismatch": ('msgid "Hello\\n"\nmsgstr "Hola"\n', 5),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_catalog_is_an_error_at_its_line_like_msgfmt(tmp_path: Path, name: str) -> None:
    from toolkit import po
    from toolkit.errors import CatalogError

    body, line = BROKEN[name]
    for prefix, ending in [(b"", "\n"), (b"\xef\xbb\xbf", "\n"), (b"", "\r\n"), (b"", "\r")]:
        data = prefix + (HEADER + body).replace("\n", ending).encode()
        path = tmp_path / "x.po"
        path.write_bytes(data)
        if ending == "\n" and not prefix:  # the reference: msgfmt rejects it too
            check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)])
            assert check.returncode != 0
        with pytest.raises(CatalogError) as error:
            po.parse_po(data, "x.po")
        assert str(error.value).startswith(f"x.po:{line}: "), (name, ending, str(error.value))


@pytest.mark.parametrize(
    "plural_forms",
    ["nplurals=2; plural=(n != 1", "nplurals=2; plural=n;", "nplurals=1; plural=n%2;"],
)
def test_a_bad_plural_forms_header_is_an_error_like_msgfmt(
    tmp_path: Path, plural_forms: str
) -> None:
    from toolkit import po
    from toolkit.errors import CatalogError

    text = (
        HEADER.replace("\n\n", f'\n"Plural-Forms: {plural_forms}\\n"\n\n')
        + 'msgid "a"\nmsgstr "b"\n'
    )
    (tmp_path / "x.po").write_text(text)
    assert subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(tmp_path / "x.po")]
    ).returncode
    with pytest.raises(CatalogError, match=r"^x.po:4: .*Plural-Forms"):
        po.parse_po(text.encode(), "x.po")


def test_valid_escapes_are_read_as_gettext_reads_them(tmp_path: Path) -> None:
    from toolkit import po

    text = HEADER + 'msgid "a"\nmsgstr "\\v\\x41\\101\\t\\"\\\\"\n'
    (tmp_path / "x.po").write_text(text)
    mo = tmp_path / "x.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(tmp_path / "x.po")], check=True)
    with mo.open("rb") as handle:
        expected = gettext.GNUTranslations(handle).gettext("a")
    parsed = po.parse_po(text.encode(), "x.po")
    assert parsed.messages[0].msgstr == expected == '\vAA\t"\\'


def _broken_by(kind: str, text: str) -> tuple[str, str]:
    """(the catalog's text made broken in one way, what the error must say)."""
    if kind == "charset":
        return text.replace("charset=UTF-8", "charset=ISO-8859-1"), "charset=ISO-8859-1"
    if kind == "duplicate":
        entry = text[text.index("#. type: heading") :].split("\n\n")[0]
        return text + "\n" + entry + "\n", "duplicate msgid 'Why measure at home'"
    if kind == "missing quote":
        return text.replace('msgstr "Ñ Why', "msgstr Ñ Why"), "followed by a quoted string"
    return text.replace("\n", "\r"), ""  # CR line endings: not broken


@pytest.mark.parametrize("kind", ["charset", "duplicate", "missing quote"])
def test_a_broken_catalog_stops_update_check_status_and_build_alike(
    project: Path, kind: str
) -> None:
    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    fill(po_path, lambda msgid: "Ñ " + msgid)
    text, message = _broken_by(kind, po_path.read_text())
    po_path.write_text(text)
    before = tree_bytes(project)
    outputs = set()
    for command in ["update", "check", "status", "build"]:
        result = run(project, command)
        assert result.exit_code == 1, (command, result.output)
        assert (
            "locales/es/LC_MESSAGES/blood-pressure.po:" in result.output
            and message in result.output
        )
        outputs.add(result.output)
    assert len(outputs) == 1  # one message, the same from every command
    assert tree_bytes(project) == before  # nothing written, nothing published


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_crlf_and_cr_catalogs_keep_every_translation(project: Path, ending: str) -> None:
    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    fill(po_path)
    translated = {e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr}
    po_path.write_bytes(b"\xef\xbb\xbf" + po_path.read_bytes().replace(b"\n", ending.encode()))
    assert run(project, "update").exit_code == 0
    data = po_path.read_bytes()
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")  # written as gettext does
    assert {e.msgstr for e in polib.pofile(data.decode())} == translated


def test_a_catalog_changed_while_update_runs_is_not_overwritten(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit import pipeline

    run(project, "extract")
    run(project, "init", "es")
    source = project / "source_articles/blood-pressure.md"
    source.write_text(source.read_text() + "\nA new paragraph.\n")
    run(project, "extract")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    real = pipeline._merged_catalog

    def merge_then_translator_saves(job):  # type: ignore[no-untyped-def]
        out = real(job)
        po_path.write_bytes(po_path.read_bytes() + b"\n# saved by the translator\n")
        return out

    monkeypatch.setattr(
        pipeline, "in_parallel", lambda f, jobs: [merge_then_translator_saves(j) for j in jobs]
    )
    result = run(project, "update")
    assert result.exit_code == 0
    assert "kept locales/es/LC_MESSAGES/blood-pressure.po: it changed on disk" in result.output
    assert po_path.read_bytes().endswith(b"# saved by the translator\n")


def test_repeated_paragraph_removed_then_first_copy_then_both_restored_keeps_both(
    project: Path,
) -> None:
    source = project / "source_articles/blood-pressure.md"
    both = "# Dose\n\nTake it with food.\n\nRest.\n\nTake it with food.\n"
    source.write_text(both)
    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    catalog = polib.pofile(po_path.read_text())
    for entry in catalog:
        entry.msgstr = f"ES {entry.msgid} {entry.msgctxt or 1}"
    po_path.write_text(str(catalog))
    given = {e.msgstr for e in catalog}
    for text in ["# Dose\n\nTake it with food.\n\nRest.\n", "# Dose\n\nRest.\n", both]:
        source.write_text(text)
        assert run(project, "extract").exit_code == 0
        result = run(project, "update")
        assert result.exit_code == 0, result.output
        assert given <= {e.msgstr for e in polib.pofile(po_path.read_text()) if e.msgstr}
    active = {(e.msgctxt, e.msgstr) for e in polib.pofile(po_path.read_text()) if not e.obsolete}
    assert {e.msgstr for e in catalog} == {msgstr for _, msgstr in active}


def test_a_catalog_whose_text_is_a_path_is_not_read_as_that_path(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    other = project / "other.po"
    other.write_bytes((project / "locales/templates/blood-pressure.pot").read_bytes())
    po_path.write_text(str(other))
    result = run(project, "status")
    assert result.exit_code == 1
    assert "locales/es/LC_MESSAGES/blood-pressure.po:1: " in result.output


# --- exactly the bytes GNU gettext writes ---


def sample_catalogs() -> list[Path]:
    from conftest import REPO

    paths = sorted((REPO / "locales").glob("*/LC_MESSAGES/*.po"))
    return paths + sorted((REPO / "locales/templates").glob("*.pot"))


@pytest.mark.parametrize("path", sample_catalogs(), ids=lambda p: "/".join(p.parts[-3:]))
def test_sample_catalogs_are_fixed_points_of_msgcat_and_of_toolkit(path: Path) -> None:
    from toolkit import po

    data = path.read_bytes()
    by_msgcat = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout
    assert by_msgcat == data
    assert po.po_bytes(po.parse_po(data, path.name)) == data


def test_msgmerge_previous_then_update_check_changes_no_byte(project: Path) -> None:
    run(project, "extract")
    run(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    fill(po_path)
    source = project / "source_articles/blood-pressure.md"
    source.write_text(source.read_text().replace("twice a day", "two times a day"))
    run(project, "extract")
    assert run(project, "update").exit_code == 0
    assert "#| msgid" in po_path.read_text()  # the fuzzy entry shows what changed
    before = tree_bytes(project / "locales")
    pot = project / "locales/templates/blood-pressure.pot"
    subprocess.run(
        ["msgmerge", "-q", "--update", "--previous", "--backup=none", str(po_path), str(pot)],
        check=True,
    )
    subprocess.run(["msgcat", "-o", str(pot), str(pot)], check=True)
    assert tree_bytes(project / "locales") == before
    shutil.rmtree(project / "build", ignore_errors=True)
    assert run(project, "update", "--check").exit_code == 0
    assert tree_bytes(project / "locales") == before


ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + " " * 12
    + ".,;:!?()[]-/*'\"«»\\\n\t%$#&<>=_"
    + "áéíóúñüçàèÁÉÑ"
    + "一二三四五六七八九十您的计划安全。，、（）「」：？！"
    + "ابتثجحخدذرسشصضطظعغفقكلمنهوي،؟"
    + "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệ"
)


def _catalogs():  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    from toolkit.po import Message, PoFile

    # no newline at either end: msgfmt --check wants msgid and msgstr to agree there
    text = st.text(alphabet=ALPHABET, min_size=1, max_size=160).map(lambda t: t.strip("\n") or "x")
    maybe = st.one_of(st.just(""), text)

    @st.composite
    def message(draw):  # type: ignore[no-untyped-def]
        fuzzy = draw(st.booleans())
        msgstr = draw(maybe)
        return Message(
            draw(text),
            msgstr,
            msgctxt=draw(st.one_of(st.none(), text)),
            comments=draw(st.lists(st.text(alphabet="abc XYZ", max_size=20), max_size=2)),
            auto_comments=draw(
                st.lists(st.sampled_from(["type: paragraph", "type: title"]), max_size=1)
            ),
            references=draw(
                st.lists(
                    st.sampled_from(["a.md:1", "source_articles/long-name.md:12"]),
                    max_size=8,
                    unique=True,
                )
            ),
            flags=["fuzzy"] if fuzzy and msgstr else [],
            previous_msgid=draw(text) if fuzzy and msgstr else None,
        )

    @st.composite
    def catalog(draw):  # type: ignore[no-untyped-def]
        messages = draw(st.lists(message(), min_size=1, max_size=6, unique_by=lambda m: m.key))
        for m in messages[len(messages) // 2 :]:
            m.obsolete = draw(st.booleans()) and bool(m.msgstr)
        if any(m.obsolete for m in messages):  # obsolete entries keep no references
            for m in messages:
                if m.obsolete:
                    m.references, m.auto_comments = [], []
        header = Message("", "Content-Type: text/plain; charset=UTF-8\n")
        width = draw(st.sampled_from([79, 79, 40, 100]))
        return PoFile(header, messages), width

    return catalog()


def test_generated_catalogs_round_trip_through_msgcat_unchanged(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    from toolkit import po

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_catalogs())
    def check(case) -> None:  # type: ignore[no-untyped-def]
        catalog, width = case
        data = po.po_bytes(catalog, width)
        path = tmp_path / "x.po"
        path.write_bytes(data)
        by_msgcat = subprocess.run(
            ["msgcat", f"--width={width}", str(path)], capture_output=True, check=True
        ).stdout
        assert by_msgcat == data
        again = po.parse_po(data, "x.po")
        assert po.po_bytes(again, width) == data
        assert [
            (m.key, m.msgstr, m.fuzzy, m.obsolete, m.previous_msgid) for m in again.messages
        ] == [
            (m.key, m.msgstr, m.fuzzy, m.obsolete, m.previous_msgid)
            for m in sorted(catalog.messages, key=lambda m: m.obsolete)  # gettext's order
        ]

    check()


@pytest.mark.parametrize("locale", ["es", "ar", "zh_Hans", "vi", "pt_BR"])
def test_a_new_catalog_copied_from_the_template_equals_the_full_parse_and_write(
    project: Path, locale: str
) -> None:
    from conftest import REPO
    from toolkit import catalogs

    (project / "source_articles/repeat.md").write_text(
        "# Dose\n\nDose\n\n| Dose |\n| --- |\n| 5 mg |\n"
    )
    run(project, "extract")
    templates = sorted((project / "locales/templates").glob("*.pot"))
    templates += sorted((REPO / "locales/templates").glob("*.pot"))
    for pot in templates:
        full = catalogs.catalog_bytes(catalogs.new_catalog(catalogs.read_catalog(pot), locale), 79)
        assert catalogs.new_catalog_bytes(pot.read_bytes(), locale, 79, pot.name) == full


def test_generated_catalogs_survive_msgmerge_previous_unchanged(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    from toolkit import catalogs, po

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_catalogs())
    def check(case) -> None:  # type: ignore[no-untyped-def]
        catalog, width = case
        header = "POT-Creation-Date: 2026-01-01 00:00+0000\n"
        template = po.PoFile(
            po.Message("", header + "Content-Type: text/plain; charset=UTF-8\n"),
            [
                po.Message(
                    m.msgid,
                    msgctxt=m.msgctxt,
                    auto_comments=m.auto_comments,
                    references=m.references,
                )
                for m in catalog.messages
                if not m.obsolete
            ],
        )
        catalog.header = po.Message("", header + "Language: es\n" + catalog.header.msgstr)
        ours = catalogs.catalog_bytes(catalogs.update_catalog(catalog, template), width)
        po_path, pot_path = tmp_path / "x.po", tmp_path / "x.pot"
        po_path.write_bytes(ours)
        pot_path.write_bytes(po.po_bytes(template, width))
        subprocess.run(
            ["msgmerge", "-q", "--update", "--previous", "--backup=none", f"--width={width}"]
            + [str(po_path), str(pot_path)],
            check=True,
        )
        assert po_path.read_bytes() == ours
        again = catalogs.update_catalog(po.parse_po(ours, "x.po"), template)
        assert catalogs.catalog_bytes(again, width) == ours  # and update leaves it alone

    check()


def _libunistring():  # type: ignore[no-untyped-def]
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("unistring") or "libunistring.so.2")
    except OSError:
        pytest.skip("libunistring (what GNU gettext breaks lines with) is not installed")


def test_line_breaking_equals_libunistring_s_on_random_text() -> None:
    import ctypes

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from toolkit import linebreak

    lib = _libunistring()

    def per_char(text: str, raw: bytes) -> list[int]:
        out, offset = [], 0
        for char in text:
            out.append(raw[offset])
            offset += len(char.encode())
        return out

    def reference(text: str, width: int, start: int, overrides: list[int | None]):  # type: ignore[no-untyped-def]
        data = text.encode()
        possible = ctypes.create_string_buffer(len(data))
        lib.u8_possible_linebreaks(data, len(data), b"UTF-8", possible)
        chosen, o = ctypes.create_string_buffer(len(data)), bytearray(len(data))
        offset = 0
        for char, value in zip(text, overrides, strict=True):
            o[offset] = value or 0
            offset += len(char.encode())
        lib.u8_width_linebreaks(data, len(data), width, start, 0, bytes(o), b"UTF-8", chosen)
        return per_char(text, possible.raw), per_char(text, chosen.raw)

    # assigned characters of the scripts and punctuation catalogs use, and some of every kind
    alphabet = st.one_of(
        st.sampled_from(ALPHABET + "“”‘’—–…•·\u00a0\u200b\u2060\u05d0\u05be\u0301\u064b"),
        st.characters(
            codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"], max_codepoint=0x2FFFF
        ),
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.text(alphabet=alphabet, min_size=1, max_size=80),
        st.integers(5, 60),
        st.integers(0, 10),
        st.data(),
    )
    def check(text: str, width: int, start: int, data) -> None:  # type: ignore[no-untyped-def]
        overrides = data.draw(
            st.lists(
                st.sampled_from([None, None, None, 1, 2]), min_size=len(text), max_size=len(text)
            )
        )
        possible, chosen = reference(text, width, start, overrides)
        assert linebreak.possible_linebreaks(text) == possible
        assert linebreak.width_linebreaks(text, width, start, overrides) == chosen

    check()


SNIPPETS = ['"', "\\", 'msgid "x"', 'msgstr "y"', '#~ msgid "z"', '#| msgid "p"', 'msgctxt "c"']
SNIPPETS += ["\\n", "\\t", "\\x4", "\\7", " ", "", 'msgstr[0] "a"', 'msgid_plural "b"', "#,fuzzy"]
SNIPPETS += ["#", "#.", 'domain "d"', '"a" "b"', "\t", "#~ ", "#~|", "\\x41", "\\q"]


def test_a_mutated_catalog_msgfmt_rejects_is_rejected_and_one_it_accepts_reads_alike(
    tmp_path: Path,
) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from toolkit import catalogs, po
    from toolkit.errors import CatalogError

    lines = (sample_catalogs()[3]).read_text().split("\n")
    mutation = st.tuples(
        st.sampled_from(["insert", "delete", "splice", "copy"]),
        st.integers(0, len(lines) - 1),
        st.integers(0, 200),
        st.sampled_from(SNIPPETS),
    )

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(mutation, min_size=1, max_size=3))
    def check(mutations) -> None:  # type: ignore[no-untyped-def]
        text = list(lines)
        for kind, index, column, snippet in mutations:
            index %= len(text)
            if kind == "insert":
                text.insert(index, snippet)
            elif kind == "delete" and len(text) > 1:
                del text[index]
            elif kind == "splice":
                column %= len(text[index]) + 1
                text[index] = text[index][:column] + snippet + text[index][column:]
            else:
                text.insert(index, text[column % len(text)])
        path, mo = tmp_path / "x.po", tmp_path / "x.mo"
        path.write_text("\n".join(text))
        by_msgfmt = subprocess.run(
            ["msgfmt", "--check", "-o", str(mo), str(path)], capture_output=True
        )
        try:
            catalog = po.parse_po(path.read_bytes(), "x.po")
        except CatalogError as error:
            assert str(error).startswith("x.po:")
            return  # toolkit may be stricter than msgfmt (never the other way round)
        assert by_msgfmt.returncode == 0, by_msgfmt.stderr
        with mo.open("rb") as handle:
            reference = gettext.GNUTranslations(handle)
        ours = gettext.GNUTranslations(io.BytesIO(catalogs.compile_mo(catalog)))
        for message in catalog.messages:
            if message.obsolete:
                continue
            for translations in (reference, ours):  # msgfmt's .mo and ours say the same
                if message.msgctxt is None:
                    got = translations.gettext(message.msgid)
                else:
                    got = translations.pgettext(message.msgctxt, message.msgid)
                expected = message.msgstr if message.msgstr and not message.fuzzy else message.msgid
                assert got == expected

    check()


def test_update_after_a_source_edit_writes_what_msgmerge_previous_writes(tmp_path: Path) -> None:
    from conftest import REPO

    project = tmp_path / "p"
    (project / "locales/es").mkdir(parents=True)
    shutil.copytree(REPO / "source_articles", project / "source_articles")
    shutil.copytree(REPO / "locales/templates", project / "locales/templates")
    shutil.copytree(REPO / "locales/es/LC_MESSAGES", project / "locales/es/LC_MESSAGES")
    source = project / "source_articles/crisis-safety-plan.md"
    text = source.read_text()
    changed = text.replace("a short list you write", "a short list that you write")
    changed = "\n".join(line for line in changed.split("\n") if not line.startswith("Hard moments"))
    assert changed != text
    source.write_text(changed)
    assert run(project, "extract").exit_code == 0
    po_path = project / "locales/es/LC_MESSAGES/crisis-safety-plan.po"
    pot = project / "locales/templates/crisis-safety-plan.pot"
    by_msgmerge = subprocess.run(
        ["msgmerge", "-q", "--previous", str(po_path), str(pot), "-o", "-"],
        capture_output=True,
        check=True,
    ).stdout
    assert run(project, "update", "--locale", "es").exit_code == 0
    data = po_path.read_bytes()
    assert b"#, fuzzy\n#| msgid" in data and b"\n#~ msgid" in data  # fuzzy and obsolete
    assert data == by_msgmerge
