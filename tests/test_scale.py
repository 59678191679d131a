"""Scale (issue 14): memory that stays flat whatever the bundle's size."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: the child's address-space limit above what it has mapped once the build's modules load
HEADROOM = 160 << 20

_CHILD = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path

    sys.path.insert(0, {tests!r})
    from test_site_fixtures import copy_sample, FakeAudio
    from toolkit import bundle, pages, render, site, publishing, readability  # noqa: F401
    from toolkit.project import Project
    import toolkit.checks, toolkit.audio.pipeline  # noqa: F401

    root = Path({root!r})
    big = {big}

    class BigAudio(FakeAudio):
        def __call__(self, project, article, pair, locale, engine, folder, force=False):
            out = super().__call__(project, article, pair, locale, engine, folder, force)
            # sparse: no disk, but every byte is read, hashed, compressed and checked
            with open(folder / "captions.vtt", "r+b") as handle:
                handle.truncate(big)
            return out

    site._make_audio = BigAudio()
    copy_sample(root, slugs=({slug!r},))
    def mapped():
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    limit = mapped() + {headroom}
    assert big > limit, (big, limit)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    project = Project.load(root)
    site.build(project, locales=["en"])
    report = bundle.verify(root / "build" / "bundles" / "en.zip")
    print("limit", limit, "bytes", report.bytes)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_bundle_larger_than_the_memory_limit_builds_and_verifies(tmp_path: Path) -> None:
    big = 768 << 20  # larger than the whole limit: a zip built in memory cannot hold it
    script = _CHILD.format(
        tests=str(REPO / "tests"),
        root=str(tmp_path / "proj"),
        big=big,
        slug="ketamine-for-depression",
        headroom=HEADROOM,
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    limit, size = (int(x) for x in done.stdout.split()[1::2])
    assert size > big > limit
    # the zip is small (zeros compress), so the test needs no disk for the big file
    assert (tmp_path / "proj" / "build" / "bundles" / "en.zip").stat().st_size < big // 100


def test_an_unchanged_bundle_is_known_from_its_manifest_and_a_truncated_one_rebuilt(
    tmp_path: Path,
) -> None:
    from toolkit.bundle import verify, write_bundle, zip_bytes

    (tmp_path / "a").mkdir()
    audio = tmp_path / "a" / "audio.mp3"
    audio.write_bytes(bytes(range(256)) * 4096)
    text = tmp_path / "a" / "article.txt"
    text.write_text("Take 2.5 mg.\n" * 1000)
    files = {"index.html": b"<p>x</p>", "a/audio.mp3": audio, "a/article.txt": text}
    articles = [{"slug": "a", "title": "A"}]
    path = tmp_path / "out" / "es.zip"
    assert write_bundle(path, "es", files, articles) is True
    # streamed from files, the same bytes as built whole in memory
    in_memory = {name: (s if isinstance(s, bytes) else s.read_bytes()) for name, s in files.items()}
    from toolkit.bundle import MANIFEST

    with __import__("zipfile").ZipFile(path) as archive:
        in_memory[MANIFEST] = archive.read(MANIFEST)
    assert path.read_bytes() == zip_bytes(in_memory)
    before = path.stat().st_mtime_ns
    assert write_bundle(path, "es", files, articles) is False
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in path.parent.iterdir()] == ["es.zip"]  # no temp file left

    text.write_text("Take 5 mg.\n")
    assert write_bundle(path, "es", files, articles) is True
    assert verify(path).files == 3

    path.write_bytes(path.read_bytes()[:-100])  # cut short: its directory is unreadable
    assert write_bundle(path, "es", files, articles) is True
    assert verify(path).files == 3
