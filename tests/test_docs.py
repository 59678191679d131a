"""Every command explains itself: help with an example, and a place in the docs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import REPO
from toolkit.cli import main

COMMANDS = sorted(main.commands)
DOCS = "\n".join(
    path.read_text(encoding="utf-8")
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
)


def test_the_design_contract_commands_all_exist() -> None:
    assert COMMANDS == [
        "audio", "build", "cache", "check", "compile", "engines", "extract", "init", "new", "normalize", "render", "serve", "status", "update", "verify",
    ]  # fmt: skip


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"toolkit {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_help_examples_keep_their_lines(name: str) -> None:
    """Click rewraps paragraphs; each example is a `\\b` block, one command a line."""
    command = main.commands[name]
    doc = command.help or ""
    examples = [
        line.strip()
        for line in doc.split("Example:", 1)[1].splitlines()
        if line.strip().startswith("toolkit ")
    ]
    assert examples, name
    output = CliRunner().invoke(main, [name, "--help"]).output
    shown = [line.strip() for line in output.splitlines()]
    for example in examples:
        assert example in shown, f"{name}: {example!r} was joined with another line"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name: str) -> None:
    assert f"toolkit {name}" in DOCS


def test_python_dash_m_toolkit_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("toolkit, version ")


def test_readme_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert lines == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/toolkit build",
        "./scripts/test",
    ]
    assert "exec ./scripts/test" in (REPO / ".ci/run").read_text(encoding="utf-8")
