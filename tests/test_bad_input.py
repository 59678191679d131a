"""Bad input: one clear message naming the file (and line), exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from toolkit.cli import main


def invoke(project: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(project), *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_error(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.output == f"Error: {message}\n"


def test_po_with_a_syntax_error_names_file_and_line(project: Path) -> None:
    invoke(project, "extract")
    invoke(project, "init", "es")
    po = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    lines = po.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith('msgid "Why measure'))
    lines.insert(index + 1, 'msgstr "Por qué')  # a dangling quote
    po.write_text("\n".join(lines) + "\n")
    before = snapshot(project)
    result = invoke(project, "update")
    assert result.exit_code == 1
    # the line of the unterminated string itself (msgfmt names the next one: its lexer
    # has passed the newline when it notices)
    assert result.output == (
        f"Error: locales/es/LC_MESSAGES/blood-pressure.po:{index + 2}: string not closed "
        '(a missing " at the end of the line): fix the entry (msgfmt --check shows the same)\n'
    )
    assert snapshot(project) == before


def test_source_that_is_not_utf8(project: Path) -> None:
    (project / "source_articles/latin.md").write_bytes(b"# Title\n\nCaf\xe9 au lait\n")
    result = invoke(project, "extract")
    assert_error(
        result, "source_articles/latin.md:3: not UTF-8 (byte 0xe9): save the file as UTF-8"
    )
    assert not (project / "locales").exists()


def test_unknown_locale_code(project: Path) -> None:
    invoke(project, "extract")
    result = invoke(project, "init", "xx_NOPE")
    assert_error(result, "unknown locale code 'xx_NOPE': use a code like es, pt_BR, zh_Hans or ar")
    result = invoke(project, "init", "../../etc")
    assert_error(
        result, "unknown locale code '../../etc': use a code like es, pt_BR, zh_Hans or ar"
    )
    assert sorted(p.name for p in (project / "locales").iterdir()) == ["templates"]


def test_slug_outside_the_allowed_characters(project: Path) -> None:
    (project / "source_articles/Bad_Name.md").write_text("# Hi\n\nText.\n")
    result = invoke(project, "extract")
    assert_error(
        result,
        "source_articles/Bad_Name.md: invalid article slug 'Bad_Name': slugs use only a-z, 0-9 "
        "and '-', and start with a letter or digit; rename the file",
    )
    assert not (project / "locales").exists()


def test_slug_with_a_path_separator_is_not_a_known_article(project: Path) -> None:
    result = invoke(project, "extract", "../blood-pressure")
    assert_error(
        result,
        "no source article for '../blood-pressure' in source_articles/ (known: blood-pressure)",
    )


def test_two_sources_with_the_same_slug(project: Path) -> None:
    (project / "source_articles/blood-pressure.txt").write_text("Title\n\nText.\n")
    result = invoke(project, "extract")
    assert_error(
        result,
        "two sources with the slug 'blood-pressure': source_articles/blood-pressure.md and "
        "source_articles/blood-pressure.txt; rename or remove one",
    )


def test_missing_source_folder(tmp_path: Path) -> None:
    result = invoke(tmp_path, "extract")
    assert_error(
        result,
        f"source folder {tmp_path.resolve()}/source_articles does not exist: create it and put "
        "articles (<slug>.md or <slug>.txt) in it, or pass --project DIR",
    )


def test_empty_article(project: Path) -> None:
    (project / "source_articles/empty.md").write_text(
        "---\nreviewed: 2026-01-01\n---\n\n```\ncode only\n```\n"
    )
    result = invoke(project, "extract")
    assert_error(
        result,
        "source_articles/empty.md: the article is empty (no translatable text): add text or remove it",
    )
    assert not (project / "locales").exists()


def test_broken_front_matter_names_the_line(project: Path) -> None:
    (project / "source_articles/yaml.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n")
    result = invoke(project, "extract")
    assert result.exit_code == 1
    assert result.output.startswith("Error: source_articles/yaml.md:")
    assert "front matter is not valid YAML" in result.output


def test_invalid_configuration_lists_every_problem(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.toolkit]\nwrap_width = "wide"\nlocale = ["es"]\n[tool.toolkit.audio]\nrate = "fast"\n'
    )
    result = invoke(project, "extract")
    assert result.exit_code == 1
    assert "3 problem(s)" in result.output
    assert "tool.toolkit.wrap_width: expected a whole number, got 'wide'" in result.output
    assert "tool.toolkit.locale: unknown key" in result.output
    assert "tool.toolkit.audio.rate: expected a whole number, got 'fast'" in result.output


def test_configuration_values_out_of_range_and_bad_locales(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.toolkit]\nmin_translated = 120\nlocales = ["es", "klingon!"]\n'
        "[tool.toolkit.audio]\nrate = 1000\n"
    )
    result = invoke(project, "extract")
    assert result.output == (
        f"Error: 3 problem(s) in {project.resolve()}/pyproject.toml:\n"
        "  - tool.toolkit.min_translated: 120.0 is outside 0 to 100\n"
        "  - tool.toolkit.audio.rate: 1000 is outside 60 to 300\n"
        "  - tool.toolkit.locales: unknown locale code 'klingon!': use a code like es, pt_BR, zh_Hans or ar\n"
    )
    assert result.exit_code == 1


def test_init_with_a_missing_template_writes_no_catalog(project: Path) -> None:
    (project / "source_articles/zz-later.md").write_text("# Later\n\nText.\n")
    invoke(project, "extract", "blood-pressure")  # zz-later has no template yet
    result = invoke(project, "init", "es")
    assert_error(
        result, "locales/templates/zz-later.pot does not exist: run `toolkit extract` first"
    )
    assert not (project / "locales/es").exists()


def test_configuration_types_are_checked_inside_nested_tables(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.toolkit.audio]\n"
        'voices = {espeak = "x", gtts = {es = 5}, piper = {xx_NOPE = "v"}}\n'
        "[tool.toolkit.readability]\n"
        'targets = {es = 60, vi = {target = "easy", grade = 3}}\n'
    )
    before = snapshot(project)
    result = invoke(project, "extract")
    assert_error(
        result,
        f"6 problem(s) in {project.resolve()}/pyproject.toml:\n"
        "  - tool.toolkit.readability.targets.es: expected a table, got 60\n"
        "  - tool.toolkit.audio.voices.espeak: expected a table, got 'x'\n"
        "  - tool.toolkit.audio.voices.gtts.es: expected a string, got 5\n"
        "  - tool.toolkit.audio.voices.piper.xx_NOPE: unknown locale code 'xx_NOPE': use a code "
        "like es, pt_BR, zh_Hans or ar\n"
        "  - tool.toolkit.readability.targets.vi: unknown key(s) grade (known: formula, target)\n"
        "  - tool.toolkit.readability.targets.vi.target: expected a number, got 'easy'",
    )
    assert snapshot(project) == before


def test_a_voice_of_the_wrong_type(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.toolkit.audio.voices.espeak]\nes = 5\n")
    assert_error(
        invoke(project, "status"),
        f"1 problem(s) in {project.resolve()}/pyproject.toml:\n"
        "  - tool.toolkit.audio.voices.espeak.es: expected a string, got 5",
    )


def test_tool_toolkit_that_is_not_a_table(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool]\ntoolkit = "x"\n')
    assert_error(
        invoke(project, "extract"),
        f"{project.resolve()}/pyproject.toml: tool.toolkit: expected a table ([tool.toolkit]), "
        "got 'x'",
    )
    (project / "pyproject.toml").write_text("tool = 3\n")
    assert_error(
        invoke(project, "extract"),
        f"{project.resolve()}/pyproject.toml: tool: expected a table, got 3",
    )
    assert not (project / "locales").exists()


def test_a_slug_with_a_trailing_newline_is_refused(project: Path) -> None:
    (project / "source_articles/blood-pressure\n.md").write_text("# Hi\n\nText.\n")
    assert_error(
        invoke(project, "extract"),
        "source_articles/blood-pressure\n.md: invalid article slug 'blood-pressure\\n': slugs use "
        "only a-z, 0-9 and '-', and start with a letter or digit; rename the file",
    )
    assert not (project / "locales").exists()


def test_a_requested_slug_with_a_trailing_newline_is_not_an_article(project: Path) -> None:
    assert_error(
        invoke(project, "extract", "blood-pressure\n"),
        "no source article for 'blood-pressure\\n' in source_articles/ (known: blood-pressure)",
    )


def test_escape_sequences_from_translators_never_reach_the_terminal(project: Path) -> None:
    import polib

    invoke(project, "extract")
    invoke(project, "init", "es")
    po_path = project / "locales/es/LC_MESSAGES/blood-pressure.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = entry.msgid
    sheet = po.find("A notebook, or the [record sheet](https://example.org/sheet.pdf)")
    # a link target that clears the screen, and a CSI (U+009B) written as one character
    sheet.msgstr = "Una libreta, o la [hoja](https://example.org/\x9b2Jx\x9b31m.pdf)"
    po.save()
    (project / "glossary").mkdir()
    (project / "glossary/es.csv").write_text(
        "source,translation,note\nnurse,enfermera,\x1b]0;owned\x07say \x1b[31menfermera\n",
        encoding="utf-8",
    )
    result = CliRunner(mix_stderr=False).invoke(main, ["--project", str(project), "check"])
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert "\x07" not in result.output
    assert "(]0;owned" + "say [31menfermera)" in result.output
    data = CliRunner(mix_stderr=False).invoke(
        main, ["--project", str(project), "check", "--format", "json"]
    )
    assert "\x1b" not in data.output and "\x9b" not in data.output
    assert "(\\u001b]0;owned\\u0007say \\u001b[31menfermera)" in data.output  # kept, escaped
