"""`build` and `status`: incremental, policy-following, reproducible, contained in build/."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_site_fixtures import (
    FakeAudio,
    copy_small_sample,
    install_fake_audio,
    set_translations,
)

from conftest import site_bytes
from toolkit import site
from toolkit.bundle import MANIFEST, is_safe_member, verify
from toolkit.cli import main
from toolkit.errors import ConfigError, ToolkitError
from toolkit.project import Project

SLUG = "ketamine-for-depression"


@pytest.fixture
def fake_audio(monkeypatch: pytest.MonkeyPatch) -> FakeAudio:
    return install_fake_audio(monkeypatch)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The sample project cut down to one article and two target locales (plus English)."""
    return copy_small_sample(tmp_path / "proj", SLUG)


def _load(root: Path) -> Project:
    return Project.load(root)


def _mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in sorted((root / "build").rglob("*"))
        if p.is_file()
    }


def test_build_writes_site_and_bundles_then_has_nothing_to_do(
    small: Path, fake_audio: FakeAudio
) -> None:
    result = site.build(_load(small))
    site_dir = small / "build" / "site"
    for locale in ("en", "es", "ar"):
        folder = site_dir / locale / SLUG
        assert {p.name for p in folder.iterdir()} == {
            "index.html",
            "article.md",
            "article.txt",
            "audio.mp3",
            "captions.vtt",
            "chapters.vtt",
        }
        assert (site_dir / locale / "index.html").is_file()
        assert (small / "build" / "bundles" / f"{locale}.zip").is_file()
    assert (site_dir / "index.html").is_file()
    assert sorted(fake_audio.calls) == [f"ar/{SLUG}", f"en/{SLUG}", f"es/{SLUG}"]
    assert "build/bundles/es.zip" in result.written and not result.skipped

    ar = (site_dir / "ar" / SLUG / "index.html").read_text()
    assert '<html lang="ar" dir="rtl">' in ar
    assert '<audio controls preload="metadata" src="audio.mp3"' in ar and "autoplay" not in ar
    assert 'aria-label="النسخة الصوتية من هذه الصفحة: ' in ar
    assert '<html lang="en" dir="ltr">' in (site_dir / "en" / SLUG / "index.html").read_text()
    root_index = (site_dir / "index.html").read_text()
    assert '<a href="ar/index.html" hreflang="ar" lang="ar" dir="rtl">العربية</a>' in root_index
    assert '<a href="es/index.html" hreflang="es" lang="es" dir="ltr">Español</a>' in root_index
    # the root page asks only for the language: the dashboard lives in build/report/
    assert "Readability" not in root_index and "<table" not in root_index
    report = (small / "build" / "report" / "index.html").read_text()
    assert "Readability" in report and "<table" in report and 'role="region"' in report

    before = _mtimes(small)
    again = site.build(_load(small))
    assert again.lines() == ["build: nothing to do (3 up to date)"]
    assert len(fake_audio.calls) == 3
    assert _mtimes(small) == before


def test_changing_one_po_rebuilds_only_that_pair(small: Path, fake_audio: FakeAudio) -> None:
    site.build(_load(small))
    po = small / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    first = {"done": False}

    def edit(entry):  # a translator rewords the first paragraph
        if not first["done"] and entry.msgstr and "type: paragraph" in entry.comment:
            entry.msgstr = entry.msgstr + " Pregunte a su médico."
            first["done"] = True

    set_translations(po, edit)
    fake_audio.calls.clear()
    result = site.build(_load(small))
    assert fake_audio.calls == [f"es/{SLUG}"]
    touched = {path.split("/")[2] for path in result.written if path.startswith("build/site/")}
    assert touched <= {"es", "index.html"}
    assert "build/bundles/es.zip" in result.written
    assert not any(p.endswith(("ar.zip", "en.zip")) for p in result.written)
    assert "Pregunte a su médico." in (small / "build/site/es" / SLUG / "index.html").read_text()

    fake_audio.calls.clear()
    site.build(_load(small), force=True)
    assert sorted(fake_audio.calls) == [f"ar/{SLUG}", f"en/{SLUG}", f"es/{SLUG}"]


def test_unpublishable_pair_is_left_out_and_said_so(small: Path, fake_audio: FakeAudio) -> None:
    site.build(_load(small))
    po = small / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    count = {"n": 0}

    def fuzz(entry):
        if entry.msgstr and count["n"] < 2:
            entry.flags.append("fuzzy")
            count["n"] += 1

    set_translations(po, fuzz)
    result = site.build(_load(small))
    assert result.skipped == [(f"es/{SLUG}", "2 fuzzy")]
    assert "skipped es/ketamine-for-depression: 2 fuzzy" in result.lines()
    assert not (small / "build/site/es" / SLUG).exists()
    # nothing is published in Spanish: no bundle, no Spanish index, no link to Spanish
    assert not (small / "build/bundles/es.zip").exists()
    assert not (small / "build/site/es").exists()
    assert "removed build/bundles/es.zip: nothing published" in result.lines()
    assert 'href="es/index.html"' not in (small / "build/site/index.html").read_text()
    english = (small / "build/site/en" / SLUG / "index.html").read_text()
    assert "/es/" not in english and 'hreflang="ar"' in english
    report = (small / "build/report/index.html").read_text()
    assert "2 fuzzy" in report
    # still said on a build with nothing to do, without redoing anything
    again = site.build(_load(small))
    assert again.lines() == [
        "skipped es/ketamine-for-depression: 2 fuzzy",
        "build: nothing to do (2 up to date)",
    ]


def test_failed_build_deletes_its_state(small: Path, fake_audio: FakeAudio) -> None:
    fake_audio.fail_on = f"es/{SLUG}"
    with pytest.raises(ToolkitError, match="the fake engine failed"):
        site.build(_load(small))
    assert not (small / "build" / ".state" / "site.json").exists()
    fake_audio.fail_on = None
    fake_audio.calls.clear()
    site.build(_load(small))
    assert sorted(fake_audio.calls) == [f"ar/{SLUG}", f"en/{SLUG}", f"es/{SLUG}"]


def test_bundles_are_reproducible_safe_and_verified(small: Path, fake_audio: FakeAudio) -> None:
    site.build(_load(small))
    bundles = small / "build" / "bundles"
    first = {p.name: p.read_bytes() for p in sorted(bundles.iterdir())}
    shutil.rmtree(small / "build")
    site.build(_load(small))
    assert {p.name: p.read_bytes() for p in sorted(bundles.iterdir())} == first
    for name in first:
        report = verify(bundles / name)
        with zipfile.ZipFile(bundles / name) as archive:
            names = archive.namelist()
            manifest = json.loads(archive.read(MANIFEST))
        assert all(is_safe_member(n) for n in names)
        assert report.files == len(names) - 1 == len(manifest["files"])
    article = manifest["articles"][0]  # the last bundle: es
    assert manifest["locale"] == "es"
    assert set(article) == {
        "slug",
        "title",
        "readability",
        "translated",
        "audio_seconds",
        "engine",
        "voice",
    }
    assert article["translated"] == 1.0 and article["audio_seconds"] == 61.25
    assert article["readability"]["formula"] and article["readability"]["target"]


def test_locales_and_slugs_cannot_leave_build(small: Path, fake_audio: FakeAudio) -> None:
    with pytest.raises(ConfigError, match="unknown locale code"):
        site.build(_load(small), ["../../etc"])
    (small / "source_articles" / "Bad Name.md").write_text("# x\n\ny\n")
    with pytest.raises(ToolkitError, match="invalid article slug"):
        site.build(_load(small))
    assert not (small / "build" / "site").exists()
    outside = [p for p in small.parent.rglob("*") if small not in p.parents and p != small]
    assert outside == []


def test_status_reports_every_pair(small: Path, fake_audio: FakeAudio) -> None:
    before = site.status(_load(small)).as_dict()["pairs"]
    # the source language has a row of its own, first
    assert [(p["slug"], p["locale"]) for p in before] == [(SLUG, "en"), (SLUG, "ar"), (SLUG, "es")]
    assert [p["source"] for p in before] == [True, False, False]
    assert all(p["publishable"] and not p["audio_up_to_date"] for p in before)
    site.build(_load(small))
    after = site.status(_load(small))
    row = after.as_dict()["pairs"][2]
    assert row["translated_percent"] == 100.0 and row["fuzzy"] == 0 and row["errors"] == 0
    assert row["audio_up_to_date"] is True and row["reasons"] == []
    assert set(row["readability"]) >= {"formula", "value", "target", "passes"}
    lines = after.lines()
    assert lines[0].split() == [
        "article",
        "locale",
        "translated",
        "fuzzy",
        "errors",
        "warnings",
        "readability",
        "audio",
        "publishable",
    ]
    assert lines[1].startswith(f"{SLUG}  en ") and lines[1].endswith("up to date  yes (source)")
    assert lines[3].startswith(f"{SLUG}  es ") and lines[2].endswith("up to date  yes")


def test_cli_build_status_verify(small: Path, fake_audio: FakeAudio) -> None:
    runner = CliRunner()
    built = runner.invoke(main, ["--project", str(small), "build"])
    assert built.exit_code == 0, built.output
    again = runner.invoke(main, ["--project", str(small), "build"])
    assert again.output == "build: nothing to do (3 up to date)\n"
    status = runner.invoke(main, ["--project", str(small), "status", "--format", "json"])
    assert [p["locale"] for p in json.loads(status.output)["pairs"]] == ["en", "ar", "es"]
    bundle = small / "build" / "bundles" / "ar.zip"
    ok = runner.invoke(main, ["--project", str(small), "verify", str(bundle)])
    assert ok.exit_code == 0 and ok.output.startswith(f"ok {bundle}: ")
    with zipfile.ZipFile(bundle) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files[f"{SLUG}/article.txt"] += b"!"
    with zipfile.ZipFile(bundle, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    bad = runner.invoke(main, ["--project", str(small), "verify", str(bundle)])
    assert bad.exit_code == 1
    assert f"{SLUG}/article.txt has " in bad.output


def test_policy_holds_back_a_translation_with_html(small: Path, fake_audio: FakeAudio) -> None:
    po = small / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    done = {"n": 0}

    def plant(entry):
        if not done["n"] and "type: paragraph" in entry.comment:
            entry.msgstr = "<script>alert(1)</script> " + entry.msgstr
            done["n"] = 1

    set_translations(po, plant)
    result = site.build(_load(small))
    assert [what for what, _ in result.skipped] == [f"es/{SLUG}"]
    assert (
        "1 html error at locales/es/LC_MESSAGES/ketamine-for-depression.po:"
        in (result.skipped[0][1])
    )
    assert not (small / "build/site/es" / SLUG).exists()


def test_fallback_blocks_keep_their_own_lang(small: Path, fake_audio: FakeAudio) -> None:
    po = small / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    dropped: list[str] = []

    def drop(entry):
        if not dropped and "type: paragraph" in entry.comment:
            dropped.append(entry.msgid)
            entry.msgstr = ""

    set_translations(po, drop)
    held = site.build(_load(small))
    assert held.skipped == [(f"es/{SLUG}", "1 untranslated")]
    site.build(Project.load(small, min_translated=90))
    html = (small / "build/site/es" / SLUG / "index.html").read_text()
    first_words = dropped[0].split("**")[0][:30]
    assert f'<p lang="en" dir="ltr">{first_words}' in html
    assert "Algunas partes de esta página aún no están traducidas" in html


def test_a_report_written_by_a_forked_process_is_the_one_the_build_writes_itself(
    tmp_path: Path, fake_audio: FakeAudio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large report is written by a forked process while the build writes the pages and
    bundles (`site.REPORT_CHILD_ROWS`): the same bytes, the same lines and the same state row
    as when the build writes it itself, cold and after a catalog edit."""
    import os

    pids = tmp_path / "pids"
    job = site._report_job

    def recording(arguments):  # runs where the report is written (a fork inherits it)
        with open(pids, "a") as out:
            out.write(f"{os.getpid()}\n")
        return job(arguments)

    monkeypatch.setattr(site, "_report_job", recording)
    outcomes = {}
    for rows in (0, 10**9):  # 0: every report is forked; 10**9: none is
        monkeypatch.setattr(site, "REPORT_CHILD_ROWS", rows)
        pids.write_text("")
        root = copy_small_sample(tmp_path / f"rows-{rows}", SLUG)
        lines = [site.build(_load(root)).lines()]

        def reworded(entry, lines: list = lines) -> None:
            if entry.msgstr and not entry.fuzzy and not lines[1:]:
                entry.msgstr += " Revisado."
                lines.append(["edited"])

        set_translations(root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po", reworded)
        lines.append(site.build(_load(root)).lines())
        project = _load(root)
        row = site._state(project, site._engine_name(project, None)).get("page:report")
        outcomes[rows] = (lines, site_bytes(root), row["key"], row["outputs"]["page"]["sha256"])
        written_by = {int(pid) for pid in pids.read_text().split()}
        assert written_by and (os.getpid() not in written_by) == (rows == 0)
    assert outcomes[0] == outcomes[10**9]
    cold, edited, again = outcomes[0][0]
    assert edited == ["edited"]  # the report showed the edit's new score: written again
    assert cold[-1] == again[-1] == "wrote build/report/index.html"
