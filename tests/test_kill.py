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
