"""Locale codes and folders: validated by Babel, spelled the gettext way, never a path."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result

from toolkit.cli import main
from toolkit.errors import ConfigError
from toolkit.locales import bcp47, display_name, is_rtl, normalize_locale
from toolkit.project import Project


@pytest.mark.parametrize(
    ("code", "gettext_form", "html_form"),
    [
        ("es", "es", "es"),
        ("ES", "es", "es"),
        ("pt-BR", "pt_BR", "pt-BR"),
        ("es_es", "es_ES", "es-ES"),
        ("zh_Hans", "zh_Hans", "zh-Hans"),
        ("zh-hans", "zh_Hans", "zh-Hans"),
        # Tagalog is known to CLDR only as an alias of Filipino: keep the user's code
        ("tl", "tl", "tl"),
    ],
)
def test_codes_are_normalized_not_replaced(code: str, gettext_form: str, html_form: str) -> None:
    assert normalize_locale(code) == gettext_form
    assert bcp47(code) == html_form


@pytest.mark.parametrize("code", ["xx", "../es", "es/../../etc", "", "e", "es_", "klingon"])
def test_unknown_or_unsafe_codes_are_refused(code: str) -> None:
    with pytest.raises(ConfigError, match="unknown locale code"):
        normalize_locale(code)


def test_direction_and_names_in_their_own_language() -> None:
    assert is_rtl("ar") and is_rtl("fa") and not is_rtl("vi") and not is_rtl("zh_Hans")
    assert display_name("es") == "español"
    assert display_name("ar") == "العربية"
    assert display_name("vi") == "Tiếng Việt"


# --- gettext's spelling: modifiers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "gettext_form", "html_form", "own_name"),
    [
        # gettext writes the script as a modifier; BCP 47 (HTML's lang) as a script subtag
        ("sr@latin", "sr@latin", "sr-Latn", "srpski (latinica)"),
        ("sr@Latin", "sr@latin", "sr-Latn", "srpski (latinica)"),
        ("uz@cyrillic", "uz@cyrillic", "uz-Cyrl", "ўзбекча (Кирил)"),
        ("ca@valencia", "ca@valencia", "ca-valencia", "català"),
        ("es-MX", "es_MX", "es-MX", "español (México)"),
    ],
)
def test_gettext_modifiers_are_locales(
    code: str, gettext_form: str, html_form: str, own_name: str
) -> None:
    assert normalize_locale(code) == gettext_form
    assert bcp47(code) == html_form
    assert display_name(code) == own_name


def test_a_modifier_babel_cannot_parse_is_refused_with_the_form_it_knows() -> None:
    with pytest.raises(ConfigError) as caught:
        normalize_locale("sr_RS@latin")
    assert str(caught.value) == (
        "unknown locale code 'sr_RS@latin': Babel knows a modifier only on a bare language, "
        "such as sr@latin"
    )
    with pytest.raises(ConfigError, match="unknown locale code"):
        normalize_locale("es@../../x")


# --- locale folders ---------------------------------------------------------------------------


def run(project: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_folder_weblate_adds_is_included_and_reported(project: Path) -> None:
    from translate.storage import pypo

    (project / "pyproject.toml").write_text('[tool.toolkit]\nlocales = ["es"]\n', encoding="utf-8")
    assert run(project, "extract").exit_code == 0
    # Weblate's "start new translation": the template, with the language set, in the mask's folder
    store = pypo.pofile.parsefile(str(project / "locales/templates/blood-pressure.pot"))
    store.updateheader(add=True, language="fr", plural_forms="nplurals=2; plural=(n > 1);")
    fr = project / "locales/fr/LC_MESSAGES/blood-pressure.po"
    fr.parent.mkdir(parents=True)
    fr.write_bytes(bytes(store))
    assert Project.load(project).locales() == ["es", "fr"]
    result = run(project, "update")
    assert result.exit_code == 0
    note = (
        "locales/fr/ is not in tool.toolkit.locales: it is included like the others; "
        "add 'fr' to the list to make that explicit"
    )
    assert result.output.splitlines()[0] == "wrote locales/es/LC_MESSAGES/blood-pressure.po"
    assert result.output.splitlines()[-1] == note
    assert run(project, "update", "--check").exit_code == 0
    assert run(project, "update").output.splitlines() == [
        note,
        "update: nothing to do (2 up to date)",
    ]
    status = json.loads(run(project, "status", "--format", "json").output)
    pairs = [p for p in status["pairs"] if not p["source"]]  # the source row is always there
    assert [(p["locale"], p["publishable"]) for p in pairs] == [
        ("es", False),
        ("fr", False),
    ]


def test_without_a_locales_list_every_folder_is_a_locale_and_nothing_is_reported(
    project: Path,
) -> None:
    run(project, "extract")
    run(project, "init", "es")
    run(project, "init", "pt_BR")
    assert Project.load(project).locales() == ["es", "pt_BR"]
    assert run(project, "update").output == "update: nothing to do (2 up to date)\n"


@pytest.mark.parametrize(
    ("folder", "gettext_form"), [("es-MX", "es_MX"), ("pt_br", "pt_BR"), ("zh-hans", "zh_Hans")]
)
@pytest.mark.parametrize(
    "command", [["update"], ["init", "es_MX"], ["update", "--locale", "es_MX"], ["status"]]
)
def test_a_folder_in_another_spelling_is_refused_not_shadowed(
    project: Path, folder: str, gettext_form: str, command: list[str]
) -> None:
    (project / "pyproject.toml").write_text(
        f'[tool.toolkit]\nlocales = ["{gettext_form}"]\n', encoding="utf-8"
    )
    run(project, "extract")
    translated = project / "locales" / folder / "LC_MESSAGES" / "blood-pressure.po"
    translated.parent.mkdir(parents=True)
    translated.write_bytes((project / "locales/templates/blood-pressure.pot").read_bytes())
    before = tree(project)
    result = run(project, *command)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: locales/{folder}/: locale folders use gettext's spelling: rename it to "
        f"locales/{gettext_form}/ (its catalogs are kept as they are); toolkit will not "
        f"create an empty {gettext_form} beside it\n"
    )
    assert tree(project) == before  # nothing written: no empty catalog beside the real one


def test_a_folder_that_is_no_locale_is_named(project: Path) -> None:
    run(project, "extract")
    (project / "locales/notes").mkdir()
    result = run(project, "update")
    assert result.exit_code == 1
    assert result.output == (
        "Error: locales/notes/: not a locale folder (unknown locale code 'notes': use a code "
        "like es, pt_BR, zh_Hans or ar); rename or remove it\n"
    )


def test_sr_latin_gets_its_folder_and_a_catalog_msgfmt_accepts(project: Path) -> None:
    run(project, "extract")
    result = run(project, "init", "sr@latin")
    assert result.output == "wrote locales/sr@latin/LC_MESSAGES/blood-pressure.po\n"
    po = project / "locales/sr@latin/LC_MESSAGES/blood-pressure.po"
    text = po.read_text(encoding="utf-8")
    assert '"Language: sr@latin\\n"' in text
    # the plural rule GNU gettext's own msginit writes for the locale
    pot = project / "locales/templates/blood-pressure.pot"
    reference = subprocess.run(
        ["msginit", "--no-translator", "-l", "sr@latin", "-i", str(pot), "-o", "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    plural = polib.pofile(reference).metadata["Plural-Forms"]
    assert plural.startswith("nplurals=3;")
    assert polib.pofile(text).metadata["Plural-Forms"] == plural
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True)
    assert check.returncode == 0, check.stderr
    assert Project.load(project).locales() == ["sr@latin"]
    assert run(project, "update").output == "update: nothing to do (1 up to date)\n"


def test_a_voice_of_the_language_may_speak_its_gettext_modifier() -> None:
    from toolkit.audio.engines.espeak import EspeakEngine
    from toolkit.audio.pipeline import check_voice

    engine = EspeakEngine()
    ok, why = engine.available()
    if not ok:
        pytest.skip(f"espeak-ng is not available here: {why}")
    assert check_voice(engine, "sr@latin", "sr") is None  # espeak's Serbian voice
    assert check_voice(engine, "sr@latin", "de") is not None
