"""The task scheduler: known tasks are not run, outputs are written only when all succeeded,
and the in-process and local-process executors give the same bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.errors import ConfigError
from toolkit.pipeline import extract
from toolkit.project import Project
from toolkit.state import StageState
from toolkit.tasks import InProcess, LocalProcesses, Task, executor, run_tasks


def _upper(job: tuple[Path, Path]) -> dict[Path, bytes]:
    source, out = job
    data = source.read_bytes()
    if b"boom" in data:
        raise ValueError(f"{source.name}: boom")
    return {out: data.upper()}


def _tasks(root: Path) -> list[Task]:
    return [
        Task(
            name,
            (root / f"{name}.txt",),
            _upper,
            (root / f"{name}.txt", root / f"{name}.out"),
            (root / f"{name}.out",),
        )
        for name in ("a", "b", "c")
    ]


def test_a_known_task_is_not_run_and_a_changed_one_is(tmp_path: Path) -> None:
    for name in "abc":
        (tmp_path / f"{name}.txt").write_text(f"text {name}\n")
    state = StageState(tmp_path / "state.json", {})
    first = run_tasks(_tasks(tmp_path), state, InProcess())
    assert first.ran == ["a", "b", "c"] and (tmp_path / "b.out").read_text() == "TEXT B\n"
    state.save()
    state = StageState(tmp_path / "state.json", {})
    assert run_tasks(_tasks(tmp_path), state, InProcess()).skipped == ["a", "b", "c"]
    (tmp_path / "b.txt").write_text("text B, edited\n")
    again = run_tasks(_tasks(tmp_path), state, InProcess())
    assert again.ran == ["b"] and again.written == [tmp_path / "b.out"]
    # an output changed behind the scheduler's back makes its task stale too
    (tmp_path / "c.out").write_text("tampered\n")
    assert run_tasks(_tasks(tmp_path), state, InProcess()).ran == ["c"]
    assert (tmp_path / "c.out").read_text() == "TEXT C\n"


def test_one_failing_task_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("fine\n")
    (tmp_path / "b.txt").write_text("fine\n")
    (tmp_path / "c.txt").write_text("boom\n")
    state = StageState(tmp_path / "state.json", {})
    with pytest.raises(ValueError, match="c.txt: boom"):
        run_tasks(_tasks(tmp_path), state, LocalProcesses(workers=2, minimum=1))
    assert not list(tmp_path.glob("*.out"))


def test_extract_gives_the_same_bytes_on_every_executor(tmp_path: Path) -> None:
    results = {}
    for runner in (InProcess(), LocalProcesses(workers=2, minimum=1)):
        root = tmp_path / runner.name
        (root / "source_articles").mkdir(parents=True)
        for n, topic in enumerate(["fever", "sleep", "teeth", "walking"]):
            (root / "source_articles" / f"{topic}.md").write_text(
                f"---\ntitle: About {topic}\n---\n\n# About {topic}\n\nParagraph {n} on {topic}.\n"
            )
        result = extract(Project.load(root), runner=runner)
        assert len(result.written) == 4
        results[runner.name] = {  # the creation date is the minute it ran: not compared
            p.name: re.sub(rb'"POT-Creation-Date: [^"]*"', b"", p.read_bytes())
            for p in sorted((root / "locales" / "templates").iterdir())
        }
        assert extract(Project.load(root), runner=runner).unchanged == 4
    assert results["inprocess"] == results["local"]
    assert b'msgid "Paragraph 2 on teeth."' in results["local"]["teeth.pot"]


def test_an_unknown_executor_is_a_config_error() -> None:
    known = r"\(known: dask, inprocess, local, tcp://HOST:PORT\)"
    with pytest.raises(ConfigError, match=rf"unknown executor 'threads' {known}"):
        executor("threads")


def test_cli_extract_takes_an_executor(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    outputs = []
    for name in ("inprocess", "local"):
        root = tmp_path / name
        (root / "source_articles").mkdir(parents=True)
        (root / "source_articles" / "fever.md").write_text("---\ntitle: Fever\n---\n\nRest.\n")
        result = CliRunner().invoke(main, ["--project", str(root), "extract", "--executor", name])
        assert result.exit_code == 0, result.output
        outputs.append((root / "locales" / "templates" / "fever.pot").read_bytes())
    assert outputs[0] == outputs[1]
