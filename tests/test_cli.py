"""The command line's conventions: global options anywhere, -q/-v, colour, JSON, honest reasons,
`toolkit new` and `toolkit serve`."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from conftest import REPO
from toolkit import __version__
from toolkit.cli import main
from toolkit.project import Project
from toolkit.serve import make_server, url_of, watch

SLUG = "blood-pressure"
PO = f"locales/es/LC_MESSAGES/{SLUG}.po"


def run(*args: str, **kwargs):
    return CliRunner(mix_stderr=False).invoke(main, list(args), **kwargs)


def translated(project: Path) -> Path:
    """Extract, init es, and translate every entry (a prefix is enough for these tests)."""
    assert run("--project", str(project), "extract").exit_code == 0
    assert run("--project", str(project), "init", "es").exit_code == 0
    po_path = project / PO
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = "ES " + entry.msgid  # not a copy: copies are errors
    po.save()
    return po_path


# --- global options before or after the command ------------------------------------------


def test_global_options_work_before_and_after_the_command(project: Path) -> None:
    before = run("-q", "--project", str(project), "extract")
    (project / "locales").rename(project / "first")
    after = run("extract", "--project", str(project), "-q")
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output == ""  # -q: no `wrote` lines
    assert (project / "first/templates" / f"{SLUG}.pot").read_bytes() == (
        project / "locales/templates" / f"{SLUG}.pot"
    ).read_bytes()


def test_without_quiet_the_written_files_are_listed(project: Path) -> None:
    result = run("extract", "--project", str(project))
    assert result.output == f"wrote locales/templates/{SLUG}.pot\n"
    again = run("extract", "--project", str(project))
    assert again.output == "extract: nothing to do (1 up to date)\n"
    assert run("extract", "--project", str(project), "-q").output == ""


def test_quiet_still_prints_what_was_held_back(project: Path) -> None:
    po = translated(project)
    entries = polib.pofile(str(po))
    entries[1].msgstr = ""
    entries.save()
    result = run("render", "-q", "--project", str(project))
    assert result.exit_code == 0
    assert result.output == f"skipped es/{SLUG}: 1 untranslated\n"


def test_verbose_shows_our_info_and_debug_but_no_dependency_debug(project: Path) -> None:
    info = run("extract", "--project", str(project), "-v")
    assert f"info: project {project.resolve()}\n" in info.stderr
    assert "debug:" not in info.stderr
    debug = run("-v", "extract", "-v", "--project", str(project))  # counts add up
    assert "debug: configuration: Config(" in debug.stderr
    # markdown-it logs every rule at DEBUG: none of it reaches the user
    assert "markdown_it" not in debug.stderr and "entering" not in debug.stderr
    assert all(line.startswith(("info: ", "debug: ")) for line in debug.stderr.splitlines())
    quiet = run("extract", "--project", str(project), "-q", "-v")
    assert quiet.stderr == ""


def test_version() -> None:
    result = run("--version")
    assert result.output == f"toolkit, version {__version__}\n"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts_are_generated_and_documented(shell: str) -> None:
    env = {**os.environ, "_TOOLKIT_COMPLETE": f"{shell}_source"}
    result = subprocess.run(
        [sys.executable, "-m", "toolkit"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "_TOOLKIT_COMPLETE" in result.stdout
    docs = (REPO / "docs/coordinators.md").read_text(encoding="utf-8")
    assert f"_TOOLKIT_COMPLETE={shell}_source toolkit" in docs


def test_colour_only_when_asked_for_and_never_with_no_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "missing"
    plain = run("--project", str(missing), "status")  # not a terminal: no colour
    assert plain.stderr.startswith("Error: project folder")
    coloured = run("--project", str(missing), "status", color=True)  # as on a terminal
    assert coloured.stderr.startswith("\x1b[31mError:\x1b[0m project folder")
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("--project", str(missing), "status", color=True).stderr == plain.stderr


def test_usage_errors_exit_2(project: Path) -> None:
    result = run("build", "--format", "xml", "--project", str(project))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json'.\n"
    )
    result = run("serve", "--port", "70000")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--port': 70000 is not in the range 0<=x<=65535.\n"
    )
    assert run("nonsense").exit_code == 2
    # what was typed is quoted back with its control characters escaped, never raw
    typed = run("x\x1b[2J", "-q")
    assert typed.exit_code == 2
    assert typed.stderr.endswith("Error: No such command 'x\\x1b[2J'.\n")
    typed = run("build", "--format", "\x1b]0;x\x07")
    assert typed.exit_code == 2
    assert "\x1b" not in typed.stderr and "\x07" not in typed.stderr


# --- one JSON schema ----------------------------------------------------------------------


def test_every_command_prints_one_json_object_with_its_name(project: Path) -> None:
    commands = [
        ["extract"], ["init", "es"], ["update"], ["compile"], ["render"], ["status"], ["check"],
        ["engines"], ["build", "--locale", "en"], ["verify", str(project / "build/bundles/en.zip")],
        ["new", str(project / "another")], ["audio", "--locale", "en"],
        ["normalize", "--locale", "en", "Take 2 tablets."],
        ["cache", "info"], ["cache", "prune", "--max-mb", "0"],
    ]  # fmt: skip
    assert sorted({c[0] for c in commands} | {"serve"}) == sorted(main.commands)
    for args in commands:
        result = run(*args, "--format", "json", "--project", str(project))
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        name = " ".join(args[:2]) if args[0] == "cache" else args[0]
        assert data["command"] == name and data["toolkit_version"] == __version__
    # the stage commands share one shape
    data = json.loads(run("extract", "--format", "json", "--project", str(project)).output)
    assert data == {
        "command": "extract",
        "toolkit_version": __version__,
        "stage": "extract",
        "written": [],
        "unchanged": 1,
        "skipped": [],
        "notes": [],
    }


def test_status_and_check_give_the_same_counts_and_reasons(project: Path) -> None:
    po = translated(project)
    entries = polib.pofile(str(po))
    entries[2].flags.append("fuzzy")
    entries.save()
    check = json.loads(run("check", "--format", "json", "--project", str(project)).output)
    status = json.loads(run("status", "--format", "json", "--project", str(project)).output)
    [report] = check["reports"]
    source, row = status["pairs"]
    assert (source["locale"], source["source"], source["publishable"]) == ("en", True, True)
    keys = ["translated", "fuzzy", "untranslated", "errors", "warnings", "publishable", "reasons"]
    assert {k: row[k] for k in keys} == {k: report[k] for k in keys}
    assert report["warnings"] == sum(f["severity"] == "warning" for f in report["findings"])
    assert report["reasons"] == [
        {"kind": "fuzzy", "count": 1, "file": PO, "line": 0, "message": "1 fuzzy"}
    ]


# --- honest reasons -----------------------------------------------------------------------

STALE = (
    f"catalog behind its source (1 changed block, first at source_articles/{SLUG}.md:9): "
    "run `toolkit extract && toolkit update`"
)


def test_a_source_edited_after_update_is_named_with_the_command_to_run(project: Path) -> None:
    translated(project)
    run("update", "--project", str(project))  # polib's wrapping becomes gettext's
    source = project / "source_articles" / f"{SLUG}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("**twice a day**", "**two times a day**"), encoding="utf-8")
    args = ("--project", str(project))
    assert run("render", *args).output == f"skipped es/{SLUG}: {STALE}\n"
    assert f"es/{SLUG}: not publishable: {STALE}\n" in run("check", *args).output
    status = run("status", *args).output.splitlines()
    assert status[2].endswith(f"no: {STALE}")
    [reason] = json.loads(run("status", "--format", "json", *args).output)["pairs"][1]["reasons"]
    assert reason == {
        "kind": "stale",
        "count": 1,
        "file": f"source_articles/{SLUG}.md",
        "line": 9,  # "Your nurse may ask you…", counted by hand in conftest's article
        "message": STALE,
    }
    [skipped] = json.loads(run("render", "--format", "json", *args).output)["skipped"]
    assert skipped == {"what": f"es/{SLUG}", "why": STALE, "reasons": [reason]}
    build = run("build", *args)
    assert f"skipped es/{SLUG}: {STALE}\n" in build.output
    assert run("update", *args).output == (
        f"source_articles/{SLUG}.md changed after the last extract: run "
        "`toolkit extract && toolkit update`\nupdate: nothing to do (1 up to date)\n"
    )
    # after the command it names, the translator's job is honest too
    run("extract", *args)
    assert run("update", *args).output == f"wrote {PO}\n"
    assert run("render", *args).output == f"skipped es/{SLUG}: 1 fuzzy\n"


# --- toolkit new and toolkit serve --------------------------------------------------------


def test_new_then_build_works_offline(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    created = run("new", str(folder))
    assert created.exit_code == 0, created.output
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore",
        "pyproject.toml",
        "source_articles/washing-your-hands.md",
    ]
    built = run("--project", str(folder), "build")  # the network is blocked in tests
    assert built.exit_code == 0, built.output + built.stderr
    page = folder / "build/site/en/washing-your-hands/index.html"
    assert "Washing your hands" in page.read_text(encoding="utf-8")
    assert (folder / "build/site/en/washing-your-hands/audio.mp3").stat().st_size > 1000
    assert run("--project", str(folder), "check").exit_code == 0


def test_new_pyproject_lists_every_setting_commented_out(tmp_path: Path) -> None:
    import dataclasses
    import tomllib

    from toolkit.config import _SECTIONS, Config, load_config

    run("new", str(tmp_path / "x"))
    pyproject = tmp_path / "x/pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    sections = {name: {} for name in _SECTIONS}
    assert tomllib.loads(text)["tool"]["toolkit"] == sections  # all commented out
    settings = re.findall(r"^# ([a-z_]+) = ", text, re.M)
    keys = [f.name for cls in (Config, *_SECTIONS.values()) for f in dataclasses.fields(cls)]
    assert sorted(settings) == sorted(k for k in keys if k != "root" and k not in _SECTIONS)
    # each line, uncommented, is a valid setting: the defaults, and a few examples
    pyproject.write_text(re.sub(r"^# ([a-z_]+ = )", r"\1", text, flags=re.M), encoding="utf-8")
    config = load_config(tmp_path / "x")
    assert config.wrap_width == Config(root=tmp_path).wrap_width
    assert config.locales == ("es", "vi")
    assert config.audio.voices == {"espeak": {"es": "es-419"}}


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = run("new", str(tmp_path))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {tmp_path} is not empty: give a new folder name (nothing was written)\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
    """A GET through a plain socket (the tests' network guard allows loopback sockets);
    `headers` (lower-case names) receives the response's headers."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    with socket.socket() as sock:
        sock.settimeout(10)
        sock.connect((host, int(port)))
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.decode("utf-8").partition("\r\n\r\n")
    status, *fields = head.splitlines()
    if headers is not None:
        headers.update((k.lower(), v.strip()) for k, _, v in (f.partition(":") for f in fields))
    return status, body


def test_serve_answers_the_root_page_then_stops(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    run("new", str(folder))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "--project", str(folder), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = []
        while not (lines and lines[-1].startswith("serving ")):
            line = server.stdout.readline()
            assert line, server.stderr.read()
            lines.append(line)
        # no site yet: serve builds it first
        assert "wrote build/site/index.html\n" in lines
        match = re.fullmatch(r"serving build/site/ at (http://127\.0\.0\.1:\d+/)\n", lines[-1])
        assert match, lines[-1]
        status, body = _get(match.group(1))
        assert status == "HTTP/1.0 200 OK"
        assert body == (folder / "build/site/index.html").read_text(encoding="utf-8")
        assert body.startswith("<!doctype html>")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_watch_rebuilds_when_a_source_changes(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    run("new", str(folder))
    project = Project.load(folder)
    rebuilt = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(lambda: project, rebuilt.set, stop, 0.05))
    thread.start()
    try:
        time.sleep(0.2)
        assert not rebuilt.is_set()  # nothing changed: nothing rebuilt
        source = folder / "source_articles/washing-your-hands.md"
        source.write_text(source.read_text() + "\nDry them well.\n")
        assert rebuilt.wait(5)
    finally:
        stop.set()
        thread.join(5)


def test_the_library_server_serves_a_folder_on_a_free_port(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html>hello</html>")
    (tmp_path / "captions.vtt").write_text("WEBVTT\n")
    server = make_server(tmp_path, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        assert _get(url_of(server)) == ("HTTP/1.0 200 OK", "<html>hello</html>")
        headers: dict[str, str] = {}
        assert _get(url_of(server) + "captions.vtt", headers)[1] == "WEBVTT\n"
        assert headers["content-type"] == "text/vtt; charset=utf-8"
        assert _get(url_of(server) + "../../etc/passwd")[0] == "HTTP/1.0 404 File not found"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_json_is_one_line_when_piped_and_indented_at_a_terminal(project: Path) -> None:
    """A program reading `--format json` gets one line (the C encoder: quick at 5,000
    pairs); a person at a terminal gets it indented. The same object either way."""
    import pty

    command = [sys.executable, "-m", "toolkit", "--project", str(project), "status"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    piped = subprocess.run([*command, "--format", "json"], capture_output=True, env=env)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.count(b"\n") == 1
    leader, follower = pty.openpty()
    shown = subprocess.Popen([*command, "--format", "json"], stdout=follower, env=env)
    os.close(follower)  # read while it writes: a terminal holds only a few KB
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    text = b"".join(chunks).replace(b"\r\n", b"\n")
    assert shown.wait(timeout=60) == 0
    assert text.count(b"\n") > 5 and text.startswith(b"{\n  ")
    assert json.loads(text) == json.loads(piped.stdout)
