"""The audio stage's per-pair tasks on executors: the same bytes whichever runs them.

Real espeak-ng speaks a project of five short English articles (enough pairs for one task per
pair, and a stored pace). `toolkit audio` and `toolkit build` with `--executor inprocess` and
`--executor local` (worker processes) must write the same files byte for byte, and so must an
executor the stage has never heard of that only implements `map` (as a Dask one will).
"""

from __future__ import annotations

import pickle
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit.audio import pace as pace_module
from toolkit.audio.pace import PaceTable
from toolkit.audio.stage import PairJob, PairMade, pair_task
from toolkit.cli import main
from toolkit.project import Project

ARTICLES = {
    "fever": "A fever is a body temperature of 38 degrees or more",
    "sleep": "Going to bed at the same time every day helps you sleep",
    "hands": "Washing your hands with soap and water stops germs",
    "teeth": "Brushing your teeth twice a day keeps them healthy",
    "walk": "Walking for thirty minutes on most days is good for your heart",
}
#: paragraphs around each article's own sentence, so that no two sentences are the same
PARAGRAPHS = (
    "{topic}. This page says what you can do at home and when to get help.",
    "Most people feel better in a few days when they look after {it}. Ask a pharmacist "
    "which medicines are safe for you, and read the leaflet in the box before you start.",
    "Call your doctor about {it} if things get worse, if you are not sure what to do, or "
    "if you have a long-term illness such as diabetes or heart disease.",
)


def _project(root: Path) -> Path:
    (root / "source_articles").mkdir(parents=True)
    for slug, topic in ARTICLES.items():
        title = slug.capitalize()
        text = "\n\n## More\n\n".join(
            p.format(topic=topic, it=f"the {slug} advice") for p in PARAGRAPHS
        )
        body = f"---\ntitle: {title}\n---\n\n# {title}\n\n{text}\n"
        (root / "source_articles" / f"{slug}.md").write_text(body, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.toolkit]\nsource_locale = "en"\n')
    return root


def _files(root: Path) -> dict[str, bytes]:
    build = root / "build"
    found = {
        p.relative_to(build).as_posix(): p.read_bytes()
        for folder in ("site", "bundles")
        for p in sorted((build / folder).rglob("*"))
        if p.is_file()
    }
    found["pace.json"] = (build / ".cache" / "audio" / "pace.json").read_bytes()
    return found


def _run(root: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["--project", str(root), "-q", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("executors") / "clean")


@pytest.mark.parametrize("command", ["audio", "build"])
def test_inprocess_and_local_processes_write_the_same_bytes(
    clean: Path, tmp_path: Path, command: str
) -> None:
    outputs = {}
    for name in ("inprocess", "local"):
        root = tmp_path / name
        shutil.copytree(clean, root)
        _run(root, command, "--executor", name)
        outputs[name] = _files(root)
    mp3s = [name for name in outputs["local"] if name.endswith("audio.mp3")]
    assert len(mp3s) == len(ARTICLES)
    assert outputs["inprocess"] == outputs["local"]


class CountingExecutor:
    """Only `map`, as the Executor protocol says; every job goes through pickle (as it would
    to another machine)."""

    def __init__(self) -> None:
        self.jobs: list[Any] = []

    def map(self, function: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        self.jobs += jobs
        return [pickle.loads(pickle.dumps(function(pickle.loads(pickle.dumps(j))))) for j in jobs]


def test_any_executor_runs_one_task_per_pair_to_the_same_bytes(clean: Path, tmp_path: Path) -> None:
    from toolkit.audio import generate_audio

    reference = tmp_path / "reference"
    shutil.copytree(clean, reference)
    _run(reference, "audio", "--executor", "inprocess")
    root = tmp_path / "other"
    shutil.copytree(clean, root)
    runner = CountingExecutor()
    result = generate_audio(Project.load(root), executor=runner)
    pairs = [job for job in runner.jobs if isinstance(job, PairJob)]
    assert sorted(job.prepared.label for job in pairs) == sorted(f"en/{s}" for s in ARTICLES)
    assert len(result.written) == 3 * len(ARTICLES)
    assert _files(root) == _files(reference)


def test_a_pair_task_returns_bytes_and_writes_nothing(clean: Path, tmp_path: Path) -> None:
    from toolkit.audio import generate_audio

    root = tmp_path / "p"
    shutil.copytree(clean, root)
    runner = CountingExecutor()
    generate_audio(Project.load(root), executor=runner)
    job = next(job for job in runner.jobs if isinstance(job, PairJob))
    written = {p: p.read_bytes() for p in job.prepared.files}
    for path in job.prepared.files:
        path.unlink()
    made = pair_task(job)  # everything cached now: read back and encoded again
    assert isinstance(made, PairMade) and made.spoken == 0
    assert not any(path.exists() for path in job.prepared.files)
    assert dict(zip(job.prepared.files, made.rendered.contents, strict=True)) == written


def test_an_unknown_executor_is_one_error_and_nothing_is_written(
    clean: Path, tmp_path: Path
) -> None:
    root = tmp_path / "p"
    shutil.copytree(clean, root)
    for command in ("audio", "build"):
        result = CliRunner().invoke(
            main, ["--project", str(root), command, "--executor", "nowhere"]
        )
        # a bad value of an option is a usage error (exit 2), as for extract's --executor
        assert result.exit_code == 2
        assert "Invalid value for '--executor': unknown executor 'nowhere'" in result.output
        assert "Traceback" not in result.output
    assert not (root / "build" / "site").exists()


def test_a_pace_is_keyed_by_the_tool_version_and_its_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toolkit

    table = PaceTable(tmp_path)
    table.put("espeak", "1.52", "en-us", 163, 0.85)
    assert table.get("espeak", "1.52", "en-us", 163) == 0.85
    assert table.get("espeak", "1.52", "en-gb", 163) is None
    assert table.get("espeak", "1.52", "en-us", 170) is None
    monkeypatch.setattr(pace_module, "CALIBRATION_WORDS", 300)
    assert table.get("espeak", "1.52", "en-us", 163) is None  # measured another way: again
    monkeypatch.undo()
    monkeypatch.setattr(toolkit, "__version__", "999.0")
    assert table.get("espeak", "1.52", "en-us", 163) is None  # another version: measured again


def test_the_tasks_local_processes_are_the_audio_stages_warm_workers() -> None:
    from toolkit.audio.stage import runner_for
    from toolkit.audio.synthesize import WarmProcesses
    from toolkit.tasks import InProcess, LocalProcesses

    runner = runner_for(LocalProcesses(workers=2), 8)
    assert isinstance(runner, WarmProcesses) and runner.workers == 2
    assert isinstance(runner_for("local", 2), WarmProcesses)
    assert isinstance(runner_for("inprocess", 2), InProcess)
    other = CountingExecutor()
    assert runner_for(other, 2) is other


def test_the_last_pairs_spoken_ahead_give_the_same_bytes_and_count_once(
    clean: Path, tmp_path: Path
) -> None:
    """A pair task finds the sentences other workers spoke ahead for it (`_ahead`) in the
    cache and speaks only the rest: the same files, and every sentence counted once."""
    from toolkit.audio import generate_audio
    from toolkit.audio.cache import AudioCache
    from toolkit.audio.pace import asked_rate
    from toolkit.audio.plan import speech_rate
    from toolkit.audio.stage import speak_ahead
    from toolkit.audio.synthesize import Batch

    root = tmp_path / "p"
    shutil.copytree(clean, root)
    runner = CountingExecutor()
    generate_audio(Project.load(root), executor=runner)
    job = next(job for job in runner.jobs if isinstance(job, PairJob))
    written = {p: p.read_bytes() for p in job.prepared.files}
    cache = AudioCache(Path(job.cache_dir))
    keys = list(dict.fromkeys(s.key for s in job.prepared.sentences))
    for key in keys:
        Path(cache.path(key)).unlink()
    alone = pair_task(job)  # nothing cached: it speaks every sentence itself
    assert sorted(alone.keys) == sorted(keys) and alone.spoken == len(keys)
    assert dict(zip(job.prepared.files, alone.rendered.contents, strict=True)) == written

    for key in keys:
        Path(cache.path(key)).unlink()
    rate = speech_rate(job.config.rate)
    first = [s for s in job.prepared.sentences if s.key in keys[: len(keys) // 2]]
    items = tuple(
        (s.key, s.spoken, s.voice, asked_rate(rate, job.factors.get(s.voice))) for s in first
    )
    ahead = speak_ahead(Batch(job.engine, items, job.cache_dir, False))
    assert sorted(ahead) == sorted(keys[: len(keys) // 2])
    assert speak_ahead(Batch(job.engine, items, job.cache_dir, False)) == []  # cached now
    made = pair_task(job)
    assert sorted(made.keys) == sorted(keys[len(keys) // 2 :])
    assert dict(zip(job.prepared.files, made.rendered.contents, strict=True)) == written


def test_a_cold_run_on_local_workers_counts_each_sentence_once(clean: Path, tmp_path: Path) -> None:
    from toolkit.audio import generate_audio

    root = tmp_path / "local"
    shutil.copytree(clean, root)
    result = generate_audio(Project.load(root), executor="local")
    found = re.search(r"synthesized (\d+) of (\d+) sentences", result.lines()[-1])
    assert found, result.lines()
    spoken, total = found.groups()
    assert spoken == total and int(total) > 10
