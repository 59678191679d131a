"""Kill tests: a build SIGKILLed at seeded points, then rebuilt, gives a clean build's bytes.

The build runs in a subprocess whose `os.replace` (every atomic write ends in one) counts
and kills the process right after the N-th file was replaced: the worst moment, when an
output is new and the state that describes it is not. N is drawn with a seeded RNG from the
number of replaces a full build makes, so each run kills at the same, reproducible points.
Real espeak-ng speaks (the pace calibration and the audio state are part of what is killed).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import polib
import pytest

from toolkit import site
from toolkit.project import Project

ARTICLE = """\
---
title: Washing your hands
summary: When and how to wash your hands.
---

# Washing your hands

Wash your hands with soap and water for 20 seconds. Dry them with a clean towel.

## When to wash

Wash before you eat and after you use the toilet. Wash after you cough or sneeze.
"""
SPANISH = {
    "Washing your hands": "Lavarse las manos",
    "When and how to wash your hands.": "Cuándo y cómo lavarse las manos.",
    "Wash your hands with soap and water for 20 seconds. Dry them with a clean towel.": (
        "Lávese las manos con agua y jabón durante 20 segundos. Séquelas con una toalla limpia."
    ),
    "When to wash": "Cuándo lavarse",
    "Wash before you eat and after you use the toilet. Wash after you cough or sneeze.": (
        "Lávese antes de comer y después de ir al baño. Lávese después de toser o estornudar."
    ),
}
#: the edit a translator makes and withdraws
WITHDRAWN = "Lávese bien las manos con jabón y agua durante 20 segundos. Séquelas con cuidado."

KILLER = textwrap.dedent(
    """\
    import os, signal, sys
    kill_at, count_file = int(sys.argv[2]), sys.argv[3]
    real_replace, done = os.replace, 0

    def replace(src, dst, *args, **kwargs):
        global done
        real_replace(src, dst, *args, **kwargs)
        done += 1
        if done == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace
    from toolkit.cli import main
    try:
        main(["--project", sys.argv[1], "-q", "build"], standalone_mode=False)
    finally:
        with open(count_file, "w") as handle:
            handle.write(str(done))
    """
)
SEEDS = (1, 2, 3)
#: seed 6 once caught a temporary file left by a worker killed mid-write
AUDIO_SEEDS = (1, 6, 7)


def _build_in_subprocess(root: Path, tmp: Path, kill_at: int) -> tuple[int, int]:
    """(return code, replaces done) of `toolkit build` killed after replace number `kill_at`
    (0: never)."""
    script, count = tmp / "killer.py", tmp / "count.txt"
    script.write_text(KILLER, encoding="utf-8")
    count.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(site.__file__).parents[1])])}
    proc = subprocess.run(
        [sys.executable, str(script), str(root), str(kill_at), str(count)],
        env=env,
        capture_output=True,
        timeout=300,
    )
    done = int(count.read_text()) if count.exists() else kill_at
    return proc.returncode, done


def _outputs(root: Path) -> dict[str, bytes]:
    """Every published file, and the pace the voices were calibrated at."""
    build = root / "build"
    found = {
        p.relative_to(build).as_posix(): p.read_bytes()
        for folder in ("site", "bundles")
        for p in sorted((build / folder).rglob("*"))
        if p.is_file()
    }
    pace = build / ".cache" / "audio" / "pace.json"
    found["pace.json"] = pace.read_bytes() if pace.exists() else b""
    return found


def _set_translation(root: Path, msgid: str, msgstr: str) -> None:
    po_path = root / "locales" / "es" / "LC_MESSAGES" / "hands.po"
    po = polib.pofile(str(po_path))
    po.find(msgid).msgstr = msgstr
    po.save(str(po_path))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A tiny project (one article, English and Spanish) after one clean build, and how many
    replaces that build made."""
    from toolkit.pipeline import extract, init_locale

    tmp = tmp_path_factory.mktemp("kill")
    root = tmp / "clean"
    (root / "source_articles").mkdir(parents=True)
    (root / "source_articles" / "hands.md").write_text(ARTICLE, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.toolkit]\nlocales = ["es"]\n', encoding="utf-8")
    extract(Project.load(root))
    init_locale(Project.load(root), "es")
    po_path = root / "locales" / "es" / "LC_MESSAGES" / "hands.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = SPANISH[entry.msgid]
    po.save(str(po_path))
    code, replaces = _build_in_subprocess(root, tmp, 0)
    assert code == 0 and replaces > 10
    return root, replaces


def _fresh(reference: Path, dest: Path) -> Path:
    """The reference project's sources and catalogs, without its build."""
    shutil.copytree(reference, dest, ignore=shutil.ignore_patterns("build"))
    return dest


@pytest.mark.parametrize("seed", SEEDS)
def test_a_build_killed_at_a_random_point_then_rebuilt_equals_a_clean_build(
    reference: tuple[Path, int], tmp_path: Path, seed: int
) -> None:
    clean, replaces = reference
    root = _fresh(clean, tmp_path / "p")
    kill_at = random.Random(seed).randint(1, replaces - 1)
    code, _ = _build_in_subprocess(root, tmp_path, kill_at)
    assert code == -signal.SIGKILL, f"the build was not killed at replace {kill_at}"
    site.build(Project.load(root))
    assert _outputs(root) == _outputs(clean)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_build_killed_after_a_po_edit_that_is_then_withdrawn_is_rebuilt(
    reference: tuple[Path, int], tmp_path: Path, seed: int
) -> None:
    """Kill the build of an edited `.po`, undo the edit: the next build must not say
    "nothing to do" over pages that hold the withdrawn text."""
    clean, _ = reference
    root = tmp_path / "p"
    shutil.copytree(clean, root)  # built: new inodes, same bytes
    po_path = root / "locales" / "es" / "LC_MESSAGES" / "hands.po"
    original = po_path.read_bytes()
    msgid = "Wash your hands with soap and water for 20 seconds. Dry them with a clean towel."
    _set_translation(root, msgid, WITHDRAWN)
    counting = tmp_path / "counting"
    shutil.copytree(root, counting)
    code, replaces = _build_in_subprocess(counting, tmp_path, 0)
    assert code == 0 and replaces > 3
    assert WITHDRAWN in (counting / "build/site/es/hands/article.txt").read_text()
    kill_at = random.Random(seed).randint(1, replaces - 1)
    code, _ = _build_in_subprocess(root, tmp_path, kill_at)
    assert code == -signal.SIGKILL, f"the build was not killed at replace {kill_at}"
    po_path.write_bytes(original)
    site.build(Project.load(root))
    assert _outputs(root) == _outputs(clean)
    assert WITHDRAWN not in (root / "build/site/es/hands/article.txt").read_text()


AUDIO_ARTICLES = {
    "fever": (
        "Fever in adults",
        "A fever is a body temperature of 38 degrees or more. Most fevers pass in two or "
        "three days. Drink plenty of water and rest. You can take paracetamol to feel "
        "better. Call your doctor if the fever lasts more than three days, or if you have "
        "a stiff neck, a rash or trouble breathing.",
    ),
    "sleep": (
        "Sleeping well",
        "Go to bed and get up at the same time every day. Keep your bedroom dark, quiet "
        "and cool. Avoid coffee after lunch and large meals late in the evening. If you "
        "cannot sleep after twenty minutes, get up and do something calm until you feel "
        "tired again.",
    ),
    "walking": (
        "Walking for health",
        "Walking is one of the easiest ways to stay active. Try to walk for thirty minutes "
        "on most days. Start slowly and build up over a few weeks. Wear comfortable shoes "
        "and take water with you on warm days. Walking with a friend can help you keep "
        "going.",
    ),
    "teeth": (
        "Caring for your teeth",
        "Brush your teeth twice a day for two minutes with a fluoride toothpaste. Clean "
        "between your teeth once a day. Cut down on sugary drinks and snacks. Visit your "
        "dentist for a check-up at least once a year, or sooner if your gums bleed or a "
        "tooth hurts.",
    ),
}

#: as KILLER, but every process (the parent and its pool's workers) counts into one file, and
#: the process that makes the N-th replace kills the parent; its workers must then die too
AUDIO_KILLER = textwrap.dedent(
    """\
    import os, signal, sys
    kill_at, count_file = int(sys.argv[2]), sys.argv[3]
    real_replace, parent = os.replace, os.getpid()

    def replace(src, dst, *args, **kwargs):
        real_replace(src, dst, *args, **kwargs)
        fd = os.open(count_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, b"x")
            done = os.lseek(fd, 0, os.SEEK_CUR)
        finally:
            os.close(fd)
        if done == kill_at:
            os.kill(parent, signal.SIGKILL)

    os.replace = replace
    from toolkit.cli import main
    main(["--project", sys.argv[1], "-q", "audio"], standalone_mode=False)
    """
)


def _audio_in_subprocess(root: Path, tmp: Path, kill_at: int) -> tuple[int, int]:
    script, count = tmp / "audio_killer.py", tmp / "count.txt"
    script.write_text(AUDIO_KILLER, encoding="utf-8")
    count.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(site.__file__).parents[1])}
    proc = subprocess.run(
        [sys.executable, str(script), str(root), str(kill_at), str(count)],
        env=env,
        capture_output=True,
        timeout=300,
    )
    done = count.stat().st_size if count.exists() else 0
    return proc.returncode, done


@pytest.fixture(scope="module")
def audio_reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """Four English articles (enough for the pool of workers and a stored pace), spoken once."""
    tmp = tmp_path_factory.mktemp("audio-kill")
    root = tmp / "clean"
    (root / "source_articles").mkdir(parents=True)
    for slug, (title, text) in AUDIO_ARTICLES.items():
        body = f"---\ntitle: {title}\n---\n\n# {title}\n\n{text}\n"
        (root / "source_articles" / f"{slug}.md").write_text(body, encoding="utf-8")
    code, replaces = _audio_in_subprocess(root, tmp, 0)
    assert code == 0 and replaces > 10
    assert (root / "build" / ".cache" / "audio" / "pace.json").exists()
    return root, replaces


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool path needs two cores")
@pytest.mark.parametrize("seed", AUDIO_SEEDS)
def test_an_audio_run_killed_at_a_random_point_leaves_no_wrong_pace(
    audio_reference: tuple[Path, int], tmp_path: Path, seed: int
) -> None:
    from toolkit.audio import generate_audio

    clean, replaces = audio_reference
    root = _fresh(clean, tmp_path / "p")
    kill_at = random.Random(seed).randint(1, replaces - 1)
    code, _ = _audio_in_subprocess(root, tmp_path, kill_at)
    assert code == -signal.SIGKILL, f"the run was not killed at replace {kill_at}"
    generate_audio(Project.load(root))
    assert _outputs(root) == _outputs(clean)


def test_a_same_size_source_edit_with_its_mtime_restored_is_extracted_again(
    tmp_path: Path,
) -> None:
    from toolkit.pipeline import extract

    root = tmp_path / "p"
    (root / "source_articles").mkdir(parents=True)
    source = root / "source_articles" / "hands.md"
    source.write_text(ARTICLE, encoding="utf-8")
    extract(Project.load(root))
    pot = root / "locales" / "templates" / "hands.pot"
    assert "20 seconds" in pot.read_text(encoding="utf-8")
    before = os.stat(source)
    source.write_text(ARTICLE.replace("20 seconds", "40 seconds"), encoding="utf-8")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(source).st_size == before.st_size
    assert os.stat(source).st_mtime_ns == before.st_mtime_ns
    result = extract(Project.load(root))
    assert result.written == ["locales/templates/hands.pot"]
    assert "40 seconds" in pot.read_text(encoding="utf-8")


def test_a_touched_page_is_left_alone_and_a_tampered_one_rebuilt(
    reference: tuple[Path, int], tmp_path: Path
) -> None:
    clean, _ = reference
    root = tmp_path / "p"
    shutil.copytree(clean, root)  # every output with a new inode and ctime, same bytes
    page = root / "build/site/es/hands/index.html"
    os.utime(page, ns=(1, 1))
    result = site.build(Project.load(root))
    assert result.written == [] and result.unchanged == 2
    page.write_text("<p>edited by hand</p>", encoding="utf-8")
    result = site.build(Project.load(root))
    assert "build/site/es/hands/index.html" in result.written
    assert _outputs(root) == _outputs(clean)
