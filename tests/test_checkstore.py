"""`check` stores its results; `status` reads them and checks again only what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner
from test_site_fixtures import copy_small_sample, set_translations

from toolkit import checks, site
from toolkit.cli import main
from toolkit.project import Project

SLUG = "ketamine-for-depression"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_small_sample(tmp_path / "proj", SLUG)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], list[str]]]:
    calls: list[tuple[list[str], list[str]]] = []
    real = checks.run_checks

    def run_checks(project: Project, locales: list[str], slugs: list[str], **options: Any) -> Any:
        calls.append((list(locales), list(slugs)))
        return real(project, locales, slugs, **options)

    monkeypatch.setattr(checks, "run_checks", run_checks)
    return calls


def test_status_after_check_only_reads_and_rechecks_what_changed(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = site.status(Project.load(small)).as_dict()  # nothing stored: everything checked
    assert not (small / "build").exists(), "status wrote something"
    result = CliRunner().invoke(main, ["--project", str(small), "check"])
    assert result.exit_code == 0, result.output
    stored = small / "build" / ".state" / "checks.sqlite"
    before = stored.read_bytes()
    calls = _spy(monkeypatch)
    assert site.status(Project.load(small)).as_dict() == fresh
    assert calls == [], "status checked again what check had stored"
    po = small / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    first = next(e.msgid for e in polib.pofile(str(po)) if e.msgstr)
    set_translations(po, lambda e: e.flags.append("fuzzy") if e.msgid == first else None)
    after = site.status(Project.load(small)).as_dict()["pairs"]
    assert calls == [(["es"], [SLUG])]
    es = next(p for p in after if p["locale"] == "es")
    assert es["fuzzy"] == 1 and es["publishable"] is False
    assert [r["message"] for r in es["reasons"]] == ["1 fuzzy"]  # reason objects (issue 15)
    assert stored.read_bytes() == before, "status wrote its results"


def test_a_project_vocabulary_edit_makes_its_pairs_stale(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(main, ["--project", str(small), "check"]).exit_code == 0
    calls = _spy(monkeypatch)
    (small / "qa").mkdir(exist_ok=True)
    (small / "qa" / "ar.toml").write_text("", encoding="utf-8")
    site.status(Project.load(small))
    assert calls == [(["ar"], [SLUG])]
