"""Scale (issue 14): memory that stays flat whatever the bundle's size."""

from __future__ import annotations

import json
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


def _tree(root: Path) -> dict[str, bytes]:
    site = root / "build" / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.*"))}


def test_cache_eviction_and_prune_never_change_the_output(project: Path) -> None:
    """Real espeak: the same MP3 and captions from a warm, a partly evicted and an empty
    cache (espeak is reproducible per sentence, and the voice's pace is kept)."""
    from click.testing import CliRunner

    from toolkit.audio import generate_audio
    from toolkit.audio.cache import AudioCache
    from toolkit.cli import main
    from toolkit.project import Project

    first = generate_audio(Project.load(project), ["en"], [])
    assert first.written
    cold = _tree(project)
    cache = AudioCache(project / "build" / ".cache" / "audio")
    entries = cache.entries()
    assert len(entries) > 4
    total = sum(e[1] for e in entries)

    # a hit makes a sentence the most recently used: it survives a prune that takes the rest
    oldest = entries[0][2]
    for i, (_, _, path) in enumerate(entries):
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    cache.get_pcm(oldest.stem)
    removed = cache.prune(total // 2)
    assert removed.entries and oldest.exists()

    again = generate_audio(Project.load(project), ["en"], [], force=True)
    assert again.written and _tree(project) == cold
    assert f"synthesized {removed.entries} of {len(entries)}" in again.lines()[-1]

    pruned = CliRunner().invoke(
        main, ["--project", str(project), "cache", "prune", "--max-mb", "0"]
    )
    assert pruned.exit_code == 0, pruned.output
    assert f"removed {len(entries)} sentences" in pruned.output
    assert cache.entries() == []
    assert (cache.folder / "pace.json").is_file()  # the measured pace is not an entry
    third = generate_audio(Project.load(project), ["en"], [], force=True)
    assert _tree(project) == cold
    assert f"synthesized {len(entries)} of {len(entries)}" in third.lines()[-1]

    info = CliRunner().invoke(
        main, ["--project", str(project), "cache", "info", "--format", "json"]
    )
    report = json.loads(info.output)
    assert report["entries"] == len(entries) and report["limit_bytes"] == 2048 << 20
    mp3 = (project / "build" / "site" / "en" / "blood-pressure" / "audio.mp3").stat().st_size
    assert report["mp3_bytes"] == mp3 and report["per_mp3_byte"] == round(report["bytes"] / mp3, 3)


def test_the_configured_limit_is_kept_after_each_run(project: Path) -> None:
    from toolkit.audio import generate_audio
    from toolkit.audio.cache import AudioCache, enforce_limit
    from toolkit.project import Project

    generate_audio(Project.load(project), ["en"], [])
    cache = AudioCache(project / "build" / ".cache" / "audio")
    assert cache.entries()
    (project / "pyproject.toml").write_text("[tool.toolkit.cache]\naudio_max_mb = 0\n")
    assert enforce_limit(cache.folder, Project.load(project).config) is None  # 0: no limit
    (project / "pyproject.toml").write_text("[tool.toolkit.cache]\naudio_max_mb = -1\n")
    from toolkit.errors import ConfigError

    with pytest.raises(ConfigError, match="audio_max_mb"):
        Project.load(project)


def test_build_speaks_through_per_pair_workers_to_the_same_bytes(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real espeak: the build's batched audio (per-pair workers, encoding in them) writes
    what the one-pair-at-a-time path writes, and a second build has nothing to do."""
    import shutil

    from toolkit import site
    from toolkit.audio import pipeline
    from toolkit.project import Project

    other = tmp_path / "other"
    shutil.copytree(project, other)
    calls: list[int] = []
    real = pipeline.speak_pairs
    monkeypatch.setattr(
        pipeline, "speak_pairs", lambda p, r, *a, **k: calls.append(len(r)) or real(p, r, *a, **k)
    )
    site.build(Project.load(project))
    assert calls == [1]  # one batch, through the workers' path
    assert site.build(Project.load(project)).lines() == ["build: nothing to do (1 up to date)"]

    monkeypatch.setattr(site, "_make_audio", lambda *a, **k: site._speak_one(*a, **k))
    site.build(Project.load(other))
    assert calls == [1]  # the one-pair path did not batch
    ours, theirs = _tree(project), _tree(other)
    assert ours == theirs and any(name.endswith("audio.mp3") for name in ours)
    zips = [(root / "build" / "bundles" / "en.zip").read_bytes() for root in (project, other)]
    assert zips[0] == zips[1]


def test_state_rows_written_are_the_ones_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's state is one SQLite row per pair: an edit writes that pair's rows, a
    no-op build writes nothing, a forced one rewrites all, and a damaged store starts clean."""
    import sqlite3

    from test_site_fixtures import copy_sample, install_fake_audio

    from toolkit import site
    from toolkit.errors import ToolkitError
    from toolkit.project import Project
    from toolkit.state import StageState

    fake = install_fake_audio(monkeypatch)
    root = copy_sample(tmp_path / "proj", slugs=("ketamine-for-depression",))
    saved: list[list[str]] = []
    real_save = StageState.save

    def save(self: StageState) -> None:
        if self.path.name == "site.sqlite":
            saved.append(sorted(self._changed))
        real_save(self)

    monkeypatch.setattr(StageState, "save", save)
    site.build(Project.load(root), ["en", "es"])
    store = root / "build" / ".state" / "site.sqlite"
    with sqlite3.connect(store) as db:
        keys = sorted(row[0] for row in db.execute("SELECT key FROM items"))
    assert keys == [
        "bundle:en",
        "bundle:es",
        "index:en",  # each language's index pages: their key and recorded outputs
        "index:es",
        "page:report",
        "page:root",
        "pair:en/ketamine-for-depression",
        "pair:es/ketamine-for-depression",
    ]
    assert saved[-1] == keys
    before = store.stat().st_mtime_ns
    site.build(Project.load(root), ["en", "es"])
    assert saved[-1] == [] and store.stat().st_mtime_ns == before
    site.build(Project.load(root), ["en", "es"], force=True)
    assert saved[-1] == keys

    source = root / "source_articles" / "ketamine-for-depression.md"
    source.write_text(source.read_text() + "\nOne more sentence.\n")
    site.build(Project.load(root), ["en"])
    # the English pair, and what shows it: its bundle, index and the report (not the root)
    assert saved[-1] == [
        "bundle:en",
        "index:en",
        "page:report",
        "pair:en/ketamine-for-depression",
    ]

    store.write_bytes(b"not a database")
    site.build(Project.load(root), ["en"])
    with sqlite3.connect(store) as db:
        rows = sorted(row[0] for row in db.execute("SELECT key FROM items"))
    assert rows == [
        "bundle:en",
        "index:en",
        "page:report",
        "page:root",
        "pair:en/ketamine-for-depression",
    ]

    fake.fail_on = "en/ketamine-for-depression"
    source.write_text(source.read_text() + "\nAnd another.\n")
    with pytest.raises(ToolkitError, match="the fake engine failed"):
        site.build(Project.load(root), ["en"])
    assert not store.exists()  # a failed build leaves no state behind


def test_a_language_index_past_per_page_articles_continues_on_more_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import zipfile

    from test_site_fixtures import install_fake_audio

    from toolkit import site
    from toolkit.bundle import verify
    from toolkit.project import Project

    install_fake_audio(monkeypatch)
    root = tmp_path / "proj"
    (root / "source_articles").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.toolkit.pages]\nper_page = 10\n")
    titles = [f"Topic {chr(ord('a') + i)}" for i in range(23)]  # 23 = 10 + 10 + 3
    for i, title in enumerate(titles):
        slug = f"topic-{i:02d}"
        (root / "source_articles" / f"{slug}.md").write_text(
            f"---\ntitle: {title}\n---\n\n# {title}\n\nDrink water every day.\n"
        )
    site.build(Project.load(root), ["en"])
    folder = root / "build" / "site" / "en"
    names = ["index.html", "page-2.html", "page-3.html"]
    assert sorted(p.name for p in folder.glob("*.html")) == names
    listed = []
    for name in names:
        html = (folder / name).read_text()
        links = re.findall(r'<a href="(topic-\d\d)/index.html">([^<]+)</a>', html)
        listed += [title for _, title in links]
        assert len(links) == (3 if name == "page-3.html" else 10)
        # every page links to the other two and marks itself
        others = [n for n in names if n != name]
        assert all(f'<a href="{n}">' in html for n in others)
        assert '<span aria-current="page">' in html
    assert listed == titles  # in title order, each once
    with zipfile.ZipFile(root / "build" / "bundles" / "en.zip") as archive:
        assert set(names) <= set(archive.namelist())
    assert verify(root / "build" / "bundles" / "en.zip").files == 3 + 23 * 6

    for i in range(5, 23):  # 5 left: one page, the others removed
        (root / "source_articles" / f"topic-{i:02d}.md").unlink()
    site.build(Project.load(root), ["en"])
    assert [p.name for p in folder.glob("*.html")] == ["index.html"]
    assert "aria-current" not in (folder / "index.html").read_text()


def test_new_sentences_are_never_read_back_from_the_cache(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real espeak, one pair (sentences over the cores): a cold run reads nothing back."""
    from toolkit.audio import generate_audio
    from toolkit.audio.cache import AudioCache
    from toolkit.project import Project

    hits: list[str] = []
    real = AudioCache.get_pcm

    def get_pcm(self: AudioCache, key: str):  # type: ignore[no-untyped-def]
        found = real(self, key)
        if found is not None:
            hits.append(key)
        return found

    monkeypatch.setattr(AudioCache, "get_pcm", get_pcm)
    assert generate_audio(Project.load(project), ["en"], []).written
    assert hits == []
    assert generate_audio(Project.load(project), ["en"], [], force=True).written
    assert len(hits) > 4  # the warm run is served from the cache
