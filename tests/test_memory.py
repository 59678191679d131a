"""Translation memory: a sentence translated once is suggested everywhere, never published
until a translator confirms it."""

from __future__ import annotations

import difflib
import gettext
import json
import re
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli import main
from toolkit.memory import Memory, Suggestion, build_memory

FEVER = "---\ntitle: Fever in children\n---\n\nGive water often.\n\nCall your doctor.\n"
COUGH = "---\ntitle: Cough\n---\n\nCall your doctor.\n\nGive water very often.\n\nRest.\n"


def run(project: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def translate(po: Path, translations: dict[str, str]) -> None:
    """What a translator does in a text editor: fill msgstr lines, drop fuzzy flags."""
    text = po.read_text(encoding="utf-8")
    for msgid, msgstr in translations.items():
        text = re.sub(
            rf'(?:#, fuzzy\n)?msgid "{re.escape(msgid)}"\nmsgstr ".*"\n',
            f'msgid "{msgid}"\nmsgstr "{msgstr}"\n',
            text,
        )
    po.write_text(text, encoding="utf-8")


def body(po: Path) -> str:
    """The catalog after its header."""
    return po.read_text(encoding="utf-8").split("\n\n", 1)[1]


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """One article translated into Spanish; a second article repeats its sentences."""
    (tmp_path / "source_articles").mkdir()
    (tmp_path / "source_articles/fever.md").write_text(FEVER, encoding="utf-8")
    run(tmp_path, "extract")
    run(tmp_path, "init", "es")
    translate(
        tmp_path / "locales/es/LC_MESSAGES/fever.po",
        {
            "Fever in children": "La fiebre en los niños",
            "Give water often.": "Dé agua a menudo.",
            "Call your doctor.": "Llame a su médico.",
        },
    )
    (tmp_path / "source_articles/cough.md").write_text(COUGH, encoding="utf-8")
    return tmp_path


COUGH_SUGGESTED = """\
#. type: title
#: source_articles/cough.md:2
msgid "Cough"
msgstr ""

#. type: paragraph
#. translation memory: exact match, from fever.po
#: source_articles/cough.md:5
#, fuzzy
msgid "Call your doctor."
msgstr "Llame a su médico."

#. type: paragraph
#. translation memory: 87% similar text, from fever.po
#: source_articles/cough.md:7
#, fuzzy
msgid "Give water very often."
msgstr "Dé agua a menudo."

#. type: paragraph
#: source_articles/cough.md:9
msgid "Rest."
msgstr ""
"""


def test_a_new_article_gets_suggestions_from_the_locale_s_other_catalogs(clinic: Path) -> None:
    run(clinic, "extract")
    result = run(clinic, "update")
    assert result.output == "wrote locales/es/LC_MESSAGES/cough.po\n"
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    # "Give water often." / "Give water very often.": 17 characters in common of 17 + 22,
    # so difflib's ratio is 2 * 17 / 39 = 0.87 (at least the default 0.8)
    assert body(cough).rstrip("\n") + "\n" == COUGH_SUGGESTED
    check = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(cough)], capture_output=True
    )
    assert check.returncode == 0, check.stderr
    # an update after an update changes nothing, and the check agrees
    assert run(clinic, "update").output == "update: nothing to do (2 up to date)\n"
    assert run(clinic, "update", "--check").exit_code == 0


def test_suggestions_are_never_published_until_a_translator_confirms_them(clinic: Path) -> None:
    run(clinic, "extract")
    run(clinic, "update")
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    translate(cough, {"Cough": "La tos", "Rest.": "Descanse."})
    status = json.loads(run(clinic, "status", "--format", "json").output)
    pair = next(p for p in status["pairs"] if p["slug"] == "cough" and not p["source"])
    assert (pair["fuzzy"], pair["suggested"], pair["publishable"]) == (2, 2, False)
    assert [r["message"] for r in pair["reasons"]] == ["2 fuzzy (2 memory suggestions to confirm)"]
    text = run(clinic, "status").output
    assert "no: 2 fuzzy (2 memory suggestions to confirm)" in text
    # the compiled catalog leaves the suggestions out, as msgfmt does with fuzzy entries
    run(clinic, "compile")
    with (clinic / "build/mo/es/LC_MESSAGES/cough.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    assert mo.gettext("Call your doctor.") == "Call your doctor."
    assert mo.gettext("Rest.") == "Descanse."
    # even a coordinator's lower threshold never uses a suggestion
    render = run(clinic, "render", "--locale", "es", "--min-translated", "50")
    assert "Llame a su médico" not in (clinic / "build/site/es/cough/article.md").read_text(
        encoding="utf-8"
    ), render.output
    # the translator confirms one (keeps it), corrects the other
    translate(
        cough,
        {
            "Call your doctor.": "Llame a su médico.",
            "Give water very often.": "Dé agua muy a menudo.",
        },
    )
    status = json.loads(run(clinic, "status", "--format", "json").output)
    pair = next(p for p in status["pairs"] if p["slug"] == "cough" and not p["source"])
    assert (pair["fuzzy"], pair["suggested"], pair["publishable"]) == (0, 0, True)


def test_the_note_stays_while_the_text_is_unchanged_and_goes_when_it_changes(
    clinic: Path,
) -> None:
    run(clinic, "extract")
    run(clinic, "update")
    source = clinic / "source_articles/cough.md"
    source.write_text(COUGH.replace("Rest.", "Rest a lot."), encoding="utf-8")
    run(clinic, "extract")
    run(clinic, "update")
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    entries = {e.msgid: e for e in polib.pofile(str(cough))}
    assert entries["Call your doctor."].comment == (
        "type: paragraph\ntranslation memory: exact match, from fever.po"
    )
    source.write_text(COUGH.replace("Call your doctor.", "Call your doctor today."), "utf-8")
    run(clinic, "extract")
    run(clinic, "update")
    entries = {e.msgid: e for e in polib.pofile(str(cough))}
    # the merge turned the changed text fuzzy with the earlier wording: no stale note
    changed = entries["Call your doctor today."]
    assert (changed.comment, changed.msgstr, changed.fuzzy) == (
        "type: paragraph",
        "Llame a su médico.",
        True,
    )


def test_a_translation_confirmed_later_reaches_an_unchanged_catalog(clinic: Path) -> None:
    run(clinic, "extract")
    run(clinic, "update")
    assert run(clinic, "update").output == "update: nothing to do (2 up to date)\n"
    # "Rest." gets translated in a third article; cough.po itself did not change
    (clinic / "source_articles/sleep.md").write_text(
        "---\ntitle: Sleep\n---\n\nRest.\n", encoding="utf-8"
    )
    run(clinic, "extract")
    run(clinic, "update")
    translate(clinic / "locales/es/LC_MESSAGES/sleep.po", {"Sleep": "Dormir", "Rest.": "Descanse."})
    result = run(clinic, "update")
    assert result.output == "wrote locales/es/LC_MESSAGES/cough.po\n"
    rest = {e.msgid: e for e in polib.pofile(str(clinic / "locales/es/LC_MESSAGES/cough.po"))}
    assert (rest["Rest."].msgstr, rest["Rest."].fuzzy) == ("Descanse.", True)
    assert rest["Rest."].comment.endswith("translation memory: exact match, from sleep.po")
    assert run(clinic, "update").output == "update: nothing to do (3 up to date)\n"


def test_an_entry_the_merge_already_gave_a_fuzzy_translation_is_left_alone(
    clinic: Path,
) -> None:
    """The translator's own earlier wording is the closer suggestion, and replacing it would
    lose it."""
    run(clinic, "extract")
    run(clinic, "update")
    fever = clinic / "source_articles/fever.md"
    fever.write_text(FEVER.replace("Give water often.", "Give water very often."), "utf-8")
    run(clinic, "extract")
    run(clinic, "update")
    entry = polib.pofile(str(clinic / "locales/es/LC_MESSAGES/fever.po")).find(
        "Give water very often."
    )
    assert (entry.msgstr, entry.fuzzy, entry.comment) == (
        "Dé agua a menudo.",
        True,
        "type: paragraph",
    )


def test_threshold_and_switch_come_from_the_config(clinic: Path) -> None:
    (clinic / "pyproject.toml").write_text(
        "[tool.toolkit.catalogs]\nmemory_threshold = 0.9\n", encoding="utf-8"
    )
    run(clinic, "extract")
    run(clinic, "update")
    entries = {e.msgid: e for e in polib.pofile(str(clinic / "locales/es/LC_MESSAGES/cough.po"))}
    assert entries["Call your doctor."].msgstr == "Llame a su médico."  # exact
    assert entries["Give water very often."].msgstr == ""  # 0.87 is below 0.9
    (clinic / "locales/es/LC_MESSAGES/cough.po").unlink()
    (clinic / "pyproject.toml").write_text(
        "[tool.toolkit.catalogs]\nmemory = false\n", encoding="utf-8"
    )
    run(clinic, "update")
    entries = {e.msgid: e for e in polib.pofile(str(clinic / "locales/es/LC_MESSAGES/cough.po"))}
    assert [e.msgstr for e in entries.values()] == ["", "", "", ""]


def test_only_the_same_locale_is_a_memory(clinic: Path) -> None:
    run(clinic, "extract")
    assert run(clinic, "init", "vi").exit_code == 0
    run(clinic, "update")
    vi = polib.pofile(str(clinic / "locales/vi/LC_MESSAGES/cough.po"))
    assert [e.msgstr for e in vi] == ["", "", "", ""]


def test_init_suggests_too(clinic: Path) -> None:
    run(clinic, "extract")
    assert run(clinic, "init", "es", "cough").output == "wrote locales/es/LC_MESSAGES/cough.po\n"
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    assert body(cough).rstrip("\n") + "\n" == COUGH_SUGGESTED


def test_a_text_translated_two_ways_gets_its_most_frequent_translation() -> None:
    memory = build_memory(
        [
            ("a.po", [("Rest.", "Descanse.", False), ("Eat.", "Coma.", True)]),
            ("b.po", [("Rest.", "Repose.", False)]),
            ("c.po", [("Rest.", "Repose.", False), ("Drink.", "", False)]),
        ]
    )
    assert memory == Memory({"Rest.": Suggestion("Repose.", "b.po", 1.0)})
    # fuzzy and untranslated entries are no memory; a tie goes to the first file
    tie = build_memory(
        [("a.po", [("Rest.", "Descanse.", False)]), ("b.po", [("Rest.", "X", False)])]
    )
    assert tie.suggest("Rest.", 0.8) == Suggestion("Descanse.", "a.po", 1.0)
    assert tie.suggest("Rest!", 0.8) == Suggestion("Descanse.", "a.po", 0.8)  # 2 * 4 / 10
    assert tie.suggest("Run.", 0.8) is None


def test_update_s_own_writes_do_not_make_waiting_catalogs_merge_again(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit import pipeline

    run(clinic, "extract")
    run(clinic, "update")  # cough.po waits on the memory ("Cough" and "Rest." are open)
    fever = clinic / "source_articles/fever.md"
    fever.write_text(FEVER + "\nDrink soup.\n", encoding="utf-8")
    run(clinic, "extract")
    assert run(clinic, "update").output == "wrote locales/es/LC_MESSAGES/fever.po\n"
    merged: list[str] = []
    real = pipeline._merged_catalog
    monkeypatch.setattr(
        pipeline, "_merged_catalog", lambda job: merged.append(job[3].name) or real(job)
    )
    assert run(clinic, "update").output == "update: nothing to do (2 up to date)\n"
    assert merged == []  # fever.po's new entry is no confirmed translation: nothing to look at


def test_a_translation_restored_from_obsolete_reaches_a_waiting_catalog(clinic: Path) -> None:
    cough_source = clinic / "source_articles/cough.md"
    cough_source.unlink()  # first, fever alone: "Rest." translated, then removed (obsolete)
    fever = clinic / "source_articles/fever.md"
    fever.write_text(FEVER + "\nRest.\n", encoding="utf-8")
    run(clinic, "extract")
    run(clinic, "update")
    translate(clinic / "locales/es/LC_MESSAGES/fever.po", {"Rest.": "Descanse."})
    fever.write_text(FEVER, encoding="utf-8")
    run(clinic, "extract")
    run(clinic, "update")
    assert '#~ msgid "Rest."' in (clinic / "locales/es/LC_MESSAGES/fever.po").read_text("utf-8")
    cough_source.write_text(COUGH, encoding="utf-8")  # an obsolete entry is no memory
    run(clinic, "extract")
    run(clinic, "update")
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    assert polib.pofile(str(cough)).find("Rest.").msgstr == ""
    fever.write_text(FEVER + "\nRest.\n", encoding="utf-8")  # it comes back, translated
    run(clinic, "extract")
    assert run(clinic, "update").output == "wrote locales/es/LC_MESSAGES/fever.po\n"
    assert run(clinic, "update").output == "wrote locales/es/LC_MESSAGES/cough.po\n"
    rest = polib.pofile(str(cough)).find("Rest.")
    assert (rest.msgstr, rest.fuzzy) == ("Descanse.", True)


def test_suggestions_survive_gettext_s_own_programs(clinic: Path) -> None:
    """msgcat leaves a catalog with suggestions as it is; after msgmerge (which keeps the
    suggestions fuzzy but replaces `#.` comments by the template's), update changes nothing."""
    run(clinic, "extract")
    run(clinic, "update")
    cough = clinic / "locales/es/LC_MESSAGES/cough.po"
    msgcat = subprocess.run(["msgcat", str(cough)], capture_output=True, check=True).stdout
    assert msgcat == cough.read_bytes()
    pot = clinic / "locales/templates/cough.pot"
    subprocess.run(
        ["msgmerge", "-q", "--update", "--previous", "--backup=none", str(cough), str(pot)],
        check=True,
    )
    entry = polib.pofile(str(cough)).find("Call your doctor.")
    assert (entry.msgstr, entry.fuzzy, entry.comment) == (
        "Llame a su médico.",
        True,
        "type: paragraph",
    )
    assert run(clinic, "update", "--check").exit_code == 0


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet="abc d.", min_size=1, max_size=12), min_size=1, max_size=12),
    st.text(alphabet="abc d.", min_size=1, max_size=12),
    st.sampled_from([0.5, 0.6, 0.8, 0.9]),
)
def test_a_similar_match_is_the_one_difflib_finds(texts: list[str], query: str, cutoff: float):
    memory = build_memory([("a.po", [(t, f"T({t})", False) for t in texts])])
    found = memory.suggest(query, cutoff)
    if query in texts:
        assert found == Suggestion(f"T({query})", "a.po", 1.0)
        return
    best = difflib.get_close_matches(query, list(dict.fromkeys(texts)), n=1, cutoff=cutoff)
    assert (found is None) == (not best)
    if best:  # the same similarity (a tie may pick another text of the same score)
        reference = difflib.SequenceMatcher(None, best[0], query).ratio()
        assert found.similarity == pytest.approx(reference)
