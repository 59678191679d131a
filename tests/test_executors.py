"""Executors: the same project gives the same bytes in-process, on local processes and on a
Dask cluster (a LocalCluster of two workers on 127.0.0.1); a scheduler that cannot be
reached, or workers of another toolkit version, are one error; the shared task cache
(fsspec) gives the same bytes without running the tasks; a Dask cluster's workers die with
the process that started it.

Templates carry the minute they were made (`POT-Creation-Date`), so two extractions are
compared with that one header line masked; everything else must be byte-identical.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed  # the `dask` extra: ./scripts/test installs it
import pytest
from click.testing import CliRunner

import toolkit
from conftest import ARTICLE_MD, REPO, children, is_alive
from toolkit import dask_executor
from toolkit.cli import main
from toolkit.errors import ArticleError, ConfigError
from toolkit.pipeline import extract
from toolkit.project import Project
from toolkit.tasks import InProcess, LocalProcesses

DATE = re.compile(rb'^"POT-Creation-Date: [^"]*\\n"\n', re.M)


def _masked(data: bytes) -> bytes:
    return DATE.sub(b'"POT-Creation-Date: (masked)\\n"\n', data)


class _Finished(distributed.diagnostics.plugin.SchedulerPlugin):
    """Counts the toolkit job batches a scheduler saw finish."""

    name = "toolkit-test-finished"

    def __init__(self) -> None:
        self.count = 0

    def transition(self, key: Any, start: str, finish: str, *args: Any, **kwargs: Any) -> None:
        if finish == "memory" and str(key).startswith("_checked-"):
            self.count += 1


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """The LocalCluster `--executor dask` starts, of two single-thread worker processes on
    127.0.0.1, reached through its tcp:// address; closed after this module."""
    with dask_executor.local_cluster(2) as local:
        local.finished = _Finished()
        local.scheduler.add_plugin(local.finished)
        yield local


def _tasks_run(cluster: Any) -> int:
    """How many toolkit job batches the cluster's scheduler has seen finish."""
    return cluster.finished.count


def _project(root: Path, pyproject: str = "", seed: Path | None = None) -> Path:
    """The repository's sample sources and one more (and the seed article, if given), with
    no templates yet."""
    (root / "source_articles").mkdir(parents=True)
    for source in sorted((REPO / "source_articles").iterdir()):
        shutil.copy(source, root / "source_articles" / source.name)
    (root / "source_articles" / "blood-pressure.md").write_text(ARTICLE_MD, encoding="utf-8")
    if seed is not None:
        shutil.copy(seed, root / "source_articles" / "seed-article.txt")
    if pyproject:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


def _templates(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "locales" / "templates").iterdir())}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("with_seed", [False, True], ids=["sample", "sample+seed"])
def test_extract_is_byte_identical_on_every_executor(
    tmp_path: Path, cluster: Any, with_seed: bool, request: pytest.FixtureRequest
) -> None:
    seed = request.getfixturevalue("seed") if with_seed else None  # skips without the seed
    runners = {
        "inprocess": InProcess(),
        "local": LocalProcesses(workers=2, minimum=1),
        "dask": dask_executor.DaskExecutor(address=cluster.scheduler_address),
    }
    before = _tasks_run(cluster)
    outputs = {}
    try:
        for name, runner in runners.items():
            root = _project(tmp_path / name, seed=seed)
            result = extract(Project.load(root), runner=runner)
            assert len(result.written) == len(list((root / "source_articles").iterdir()))
            outputs[name] = _templates(root)
    finally:
        runners["dask"].close()
    assert _tasks_run(cluster) > before  # the Dask run really ran on the cluster
    # the runs may straddle a minute: the creation date is the only line allowed to differ
    masked = {name: {k: _masked(v) for k, v in made.items()} for name, made in outputs.items()}
    assert masked["inprocess"] == masked["local"] == masked["dask"]
    # and they are the templates this repository ships (made by earlier runs, checked in)
    for pot in sorted((REPO / "locales" / "templates").glob("*.pot")):
        assert _masked(outputs["dask"][pot.name]) == _masked(pot.read_bytes()), pot.name


def _checked_abs(number: int) -> int:
    if number == 13:
        raise ArticleError("thirteen.md:1: unlucky")
    return abs(number)


@pytest.mark.parametrize("name", ["inprocess", "local", "dask"])
def test_map_keeps_the_order_and_as_completed_streams_every_result(name: str, cluster: Any) -> None:
    runner: Any = {
        "inprocess": InProcess,
        "local": lambda: LocalProcesses(workers=2, minimum=1),
        "dask": lambda: dask_executor.DaskExecutor(address=cluster.scheduler_address),
    }[name]()
    jobs = [-5, 3, -1, 8, 0, -2, 7]
    try:
        assert runner.map(_checked_abs, jobs) == [5, 3, 1, 8, 0, 2, 7]
        streamed = list(runner.as_completed(_checked_abs, jobs))
        assert sorted(streamed) == [(i, abs(j)) for i, j in enumerate(jobs)]
        assert runner.map(_checked_abs, []) == []
        # a job's error comes back as raised, from either method
        with pytest.raises(ArticleError, match=r"^thirteen\.md:1: unlucky$"):
            runner.map(_checked_abs, [1, 13, 2])
        with pytest.raises(ArticleError, match=r"^thirteen\.md:1: unlucky$"):
            list(runner.as_completed(_checked_abs, [1, 13, 2]))
    finally:
        getattr(runner, "close", lambda: None)()


def test_a_bad_source_on_dask_is_the_same_one_error_and_writes_nothing(
    tmp_path: Path, cluster: Any
) -> None:
    root = _project(tmp_path / "p")
    (root / "source_articles" / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n\nText.\n")
    errors = []
    for runner in (InProcess(), dask_executor.DaskExecutor(address=cluster.scheduler_address)):
        with pytest.raises(ArticleError) as caught:
            extract(Project.load(root), runner=runner)
        getattr(runner, "close", lambda: None)()
        errors.append(str(caught.value))
        assert not (root / "locales" / "templates").exists()
    assert errors[0] == errors[1] and "broken.md" in errors[0]


def test_cli_and_config_name_a_running_scheduler(tmp_path: Path, cluster: Any) -> None:
    address = cluster.scheduler_address
    flag = _project(tmp_path / "flag")
    before = _tasks_run(cluster)
    result = CliRunner().invoke(main, ["--project", str(flag), "extract", "--executor", address])
    assert result.exit_code == 0, result.output
    assert _tasks_run(cluster) > before
    configured = _project(tmp_path / "config", f'[tool.toolkit]\nexecutor = "{address}"\n')
    before = _tasks_run(cluster)
    result = CliRunner().invoke(main, ["--project", str(configured), "extract"])
    assert result.exit_code == 0, result.output
    assert _tasks_run(cluster) > before
    assert _templates(flag).keys() == _templates(configured).keys()
    # the flag wins over the configuration
    (configured / "source_articles" / "fever.md").write_text("---\ntitle: Fever\n---\n\nRest.\n")
    before = _tasks_run(cluster)
    result = CliRunner().invoke(
        main, ["--project", str(configured), "extract", "--executor", "inprocess"]
    )
    assert result.exit_code == 0, result.output
    assert _tasks_run(cluster) == before


def test_a_scheduler_that_cannot_be_reached_is_one_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 2.0)
    root = _project(tmp_path / "p")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    result = CliRunner().invoke(main, ["--project", str(root), "extract", "--executor", address])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: cannot reach the Dask scheduler at {address} within 2 s (")
    assert lines[0].endswith(
        "): start it (`dask scheduler`), check the address and firewall, or use --executor local"
    )
    assert not (root / "locales").exists()


def test_workers_of_another_toolkit_version_are_one_error(
    tmp_path: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "p")
    real = toolkit.__version__
    monkeypatch.setattr(toolkit, "__version__", "0.0.1+elsewhere")
    address = cluster.scheduler_address
    result = CliRunner().invoke(main, ["--project", str(root), "extract", "--executor", address])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert re.fullmatch(
        r"Error: Dask worker tcp://127\.0\.0\.1:\d+ \(and 1 more\) runs toolkit "
        + re.escape(real)
        + r"; this is toolkit 0\.0\.1\+elsewhere: install toolkit==0\.0\.1\+elsewhere on every "
        r"worker \(the same version makes the same bytes\)",
        lines[0],
    ), lines[0]
    assert not (root / "locales").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("threads", "unknown executor 'threads' (known: dask, inprocess, local, tcp://HOST:PORT)"),
        (
            "tcp://10.0.0.5",
            "executor 'tcp://10.0.0.5' is not a Dask scheduler address: write tcp://HOST:PORT "
            "(such as tcp://10.0.0.5:8786)",
        ),
    ],
)
def test_a_bad_executor_is_refused_in_config_and_on_the_command_line(
    tmp_path: Path, value: str, message: str
) -> None:
    root = _project(tmp_path / "p", f'[tool.toolkit]\nexecutor = "{value}"\n')
    result = CliRunner().invoke(main, ["--project", str(root), "extract"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 1 problem(s) in {root / 'pyproject.toml'}:\n  - tool.toolkit.executor: {message}\n"
    )
    (root / "pyproject.toml").unlink()
    result = CliRunner().invoke(main, ["--project", str(root), "extract", "--executor", value])
    assert result.exit_code == 2
    assert f"Invalid value for '--executor': {message}" in result.output
    assert not (root / "locales").exists()


def test_audio_is_byte_identical_on_every_executor(tmp_path: Path, cluster: Any) -> None:
    """The audio stage's per-pair tasks (espeak) on each executor: the same MP3s and captions."""
    import importlib.util

    from test_site_fixtures import copy_small_sample

    from toolkit.audio import generate_audio

    if importlib.util.find_spec("toolkit.audio.stage") is None:  # issue 13 item 4
        pytest.skip("the audio stage does not run on the task executors yet")
    runners = {
        "inprocess": InProcess(),
        "local": LocalProcesses(workers=2, minimum=1),
        "dask": dask_executor.DaskExecutor(address=cluster.scheduler_address),
    }
    made = {}
    before = _tasks_run(cluster)
    try:
        for name, runner in runners.items():
            root = copy_small_sample(tmp_path / name, "crisis-safety-plan")
            generate_audio(Project.load(root), ["es", "en"], None, "espeak", executor=runner)
            made[name] = {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted((root / "build" / "site").rglob("*"))
                if p.suffix in (".mp3", ".vtt")
            }
    finally:
        runners["dask"].close()
    assert _tasks_run(cluster) > before
    assert len([name for name in made["local"] if name.endswith("audio.mp3")]) == 2
    assert made["inprocess"] == made["local"] == made["dask"]


def test_audio_and_build_take_a_scheduler_address(tmp_path: Path, cluster: Any) -> None:
    from test_site_fixtures import copy_small_sample

    address = cluster.scheduler_address
    root = copy_small_sample(tmp_path / "p", "crisis-safety-plan")
    before = _tasks_run(cluster)
    args = ["--project", str(root), "audio", "--locale", "es", "--executor", address]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert _tasks_run(cluster) > before
    assert (root / "build/site/es/crisis-safety-plan/audio.mp3").is_file()
    # build: from the configuration, and a closed port is one error
    text = (root / "pyproject.toml").read_text()
    port = _closed_port()
    (root / "pyproject.toml").write_text(
        text.replace(
            "[tool.toolkit]\n", f'[tool.toolkit]\nexecutor = "tcp://127.0.0.1:{port}"\n', 1
        )
    )
    dask_executor.CONNECT_TIMEOUT, saved = 2.0, dask_executor.CONNECT_TIMEOUT
    try:
        result = CliRunner().invoke(main, ["--project", str(root), "build", "--locale", "ar"])
    finally:
        dask_executor.CONNECT_TIMEOUT = saved
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 2 s ("
    ), result.output


# -- the shared task cache ------------------------------------------------------------------


def _cached_project(root: Path, url: str) -> Path:
    return _project(root, f'[tool.toolkit.cache]\ntasks_url = "{url}"\n')


def test_the_task_cache_gives_the_same_bytes_without_running_the_tasks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fsspec

    from toolkit import pipeline

    url = f"memory://toolkit-tests-{uuid.uuid4().hex}/tasks"
    first = _cached_project(tmp_path / "first", url)
    made = extract(Project.load(first), runner=InProcess())
    sources = len(list((first / "source_articles").iterdir()))
    assert len(made.written) == sources
    fs = fsspec.filesystem("memory")
    entries = fs.find(url.removeprefix("memory://"))
    assert len(entries) == sources

    # another checkout in another folder, same sources: nothing is extracted there
    calls: list[Any] = []
    real = pipeline._template_bytes
    monkeypatch.setattr(pipeline, "_template_bytes", lambda job: calls.append(job) or real(job))
    second = _cached_project(tmp_path / "elsewhere" / "second", url)
    again = extract(Project.load(second), runner=InProcess())
    assert calls == []
    assert len(again.written) == sources
    assert _templates(second) == _templates(first)  # byte for byte, dates included

    # an edited source misses the cache (and only that one runs)
    third = _cached_project(tmp_path / "third", url)
    article = third / "source_articles" / "blood-pressure.md"
    article.write_text(ARTICLE_MD + "\nOne more sentence.\n", encoding="utf-8")
    extract(Project.load(third), runner=InProcess())
    assert [job[1].name for job in calls] == ["blood-pressure.md"]
    assert (
        b'msgid "One more sentence."'
        in (third / "locales/templates/blood-pressure.pot").read_bytes()
    )
    assert len(fs.find(url.removeprefix("memory://"))) == sources + 1


def test_a_damaged_cache_entry_is_not_used(tmp_path: Path) -> None:
    import fsspec

    url = f"memory://toolkit-tests-{uuid.uuid4().hex}/tasks"
    first = _cached_project(tmp_path / "first", url)
    extract(Project.load(first), runner=InProcess())
    fs = fsspec.filesystem("memory")
    for entry in fs.find(url.removeprefix("memory://")):
        blob = fs.cat_file(entry)
        fs.pipe_file(entry, blob.replace(b"msgid", b"msgxx", 1))  # same size, other bytes
    second = _cached_project(tmp_path / "second", url)
    extract(Project.load(second), runner=InProcess())
    assert {k: _masked(v) for k, v in _templates(second).items()} == {
        k: _masked(v) for k, v in _templates(first).items()
    }


def test_a_folder_cache_is_written_atomically_and_shared(tmp_path: Path) -> None:
    first = _cached_project(tmp_path / "first", "../team-cache")
    extract(Project.load(first), runner=InProcess())
    cache = tmp_path / "team-cache"  # relative to the project folder
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    assert len(files) == len(list((first / "source_articles").iterdir()))
    assert not [p for p in files if p.name.endswith(".tmp")]  # no temporary file left
    assert all(p.read_bytes().startswith(b"toolkit-task-cache 1\n") for p in files)
    second = _cached_project(tmp_path / "second", str(cache))
    assert len(extract(Project.load(second), runner=InProcess()).written) == len(files)
    assert _templates(second) == _templates(first)


def test_a_cache_url_that_cannot_work_is_one_config_error(tmp_path: Path) -> None:
    root = _cached_project(tmp_path / "p", "nosuch://bucket/tasks")
    result = CliRunner().invoke(
        main, ["--project", str(root), "extract", "--executor", "inprocess"]
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: tool.toolkit.cache.tasks_url: 'nosuch://bucket/tasks': Protocol not known: nosuch"
    )
    assert len(result.output.splitlines()) == 1
    assert not (root / "locales").exists()
    try:
        import s3fs  # noqa: F401
    except ImportError:
        (root / "pyproject.toml").write_text('[tool.toolkit.cache]\ntasks_url = "s3://b/t"\n')
        with pytest.raises(ConfigError, match=r"'s3://b/t' needs s3fs, which is not installed"):
            extract(Project.load(root), runner=InProcess())


# -- a local cluster started by the toolkit, and its workers' lifetime ------------------------


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@needs_proc
def test_executor_dask_starts_a_local_cluster_and_stops_it(tmp_path: Path) -> None:
    """`--executor dask` in a child process: the templates are right, and when the command
    ends no process it started is left."""
    root = _project(tmp_path / "p")
    script = textwrap.dedent(
        """\
        import os, sys
        from toolkit.cli import main

        def workers():  # children of this process, multiprocessing's resource tracker aside
            found = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
                    command = open(f"/proc/{pid}/cmdline", "rb").read()
                except OSError:
                    continue
                if ppid == str(os.getpid()) and b"resource_tracker" not in command:
                    found.append(pid)
            return found

        if __name__ == "__main__":
            try:
                main(["--project", sys.argv[1], "extract", "--executor", "dask"])
            except SystemExit:
                print("left", workers(), flush=True)
                raise
        """
    )
    (tmp_path / "run.py").write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(toolkit.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, str(tmp_path / "run.py"), str(root)], env=env, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "left []" in done.stdout, done.stdout
    templates = _templates(root)
    assert len(templates) == len(list((root / "source_articles").iterdir()))
    shipped = REPO / "locales" / "templates" / "crisis-safety-plan.pot"
    assert _masked(templates[shipped.name]) == _masked(shipped.read_bytes())


PARENT = textwrap.dedent(
    """\
    import time
    from toolkit.dask_executor import DaskExecutor

    if __name__ == "__main__":  # the workers are spawned: they import this file as a module
        DaskExecutor(workers=2).map(time.sleep, [120, 120])
    """
)


@needs_proc
def test_a_local_clusters_workers_die_with_their_parent(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(toolkit.__file__).parents[1])}
    parent = subprocess.Popen([sys.executable, str(script)], env=env)
    alive: list[int] = []
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while len(workers) < 2:
            assert parent.poll() is None, "the parent ended by itself"
            assert time.monotonic() < deadline, "no workers started"
            time.sleep(0.2)
            workers = [
                pid
                for pid in children(parent.pid)
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]
        time.sleep(3)  # the workers are past their start-up and sleeping in a job
        everything = children(parent.pid)  # workers, and multiprocessing's resource tracker
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(is_alive(p) for p in everything) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = [p for p in everything if is_alive(p)]
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in alive:  # clean up after a failure
            os.kill(pid, signal.SIGKILL)
    assert alive == [], f"processes {alive} outlived their parent by 5 s"


def _parent_death_signal() -> int:
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    value = ctypes.c_int()
    libc.prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    return value.value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_a_local_clusters_workers_ask_the_kernel_to_end_them_with_their_parent(
    cluster: Any,
) -> None:
    """Besides distributed's own guard (a thread that reads a pipe, which a job holding the
    GIL can delay), each worker has PR_SET_PDEATHSIG set to SIGKILL."""
    with distributed.Client(cluster, set_as_default=False) as client:
        found = client.run(_parent_death_signal)
    assert len(found) == 2
    assert set(found.values()) == {signal.SIGKILL}
