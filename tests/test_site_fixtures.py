"""Shared helpers for the site, bundle and browser tests (no tests of its own).

Most site tests replace the audio stage with a fake that writes small deterministic files:
the audio module has its own tests, and real synthesis of every sample pair takes minutes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest

from toolkit import site
from toolkit.project import Project

REPO = Path(__file__).resolve().parents[1]


def copy_sample(dest: Path, slugs: tuple[str, ...] | None = None) -> Path:
    """The repository's sample project (sources, catalogs, glossaries) copied to `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")
    for folder in ("locales", "glossary", "lexicon"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, dest / folder)
    (dest / "source_articles").mkdir()
    for source in sorted((REPO / "source_articles").iterdir()):
        if slugs is None or source.stem in slugs:
            shutil.copy(source, dest / "source_articles" / source.name)
    if slugs is not None:  # leave out the other articles' catalogs too
        for po in dest.glob("locales/*/LC_MESSAGES/*.po"):
            if po.stem not in slugs:
                po.unlink()
        for pot in dest.glob("locales/templates/*.pot"):
            if pot.stem not in slugs:
                pot.unlink()
    return dest


def copy_small_sample(dest: Path, slug: str) -> Path:
    """The sample project cut down to one article and two target locales (ar, es; plus English)."""
    root = copy_sample(dest, slugs=(slug,))
    for extra in ("vi", "zh_Hans"):
        shutil.rmtree(root / "locales" / extra)
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        text.replace('locales = ["ar", "es", "vi", "zh_Hans"]', 'locales = ["ar", "es"]')
    )
    return root


def fake_captions(pair: Any) -> str:
    """One cue per block of text, two seconds each (the read-along is driven by these)."""
    from toolkit.audio.captions import Cue, webvtt

    texts = [b.text for b in pair.blocks if b.kind != "code"]
    return webvtt(Cue(2.0 * i, 2.0 * (i + 1), text) for i, text in enumerate(texts))


class FakeAudio:
    """Stands in for `site._make_audio`: records calls, writes small deterministic files."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fail_on: str | None = None

    def __call__(
        self,
        project: Project,
        article: Any,
        pair: Any,
        locale: str,
        engine: str | None,
        folder: Path,
        force: bool = False,
    ) -> dict[str, Any]:
        name = f"{locale}/{article.slug}"
        if name == self.fail_on:
            from toolkit.errors import EngineError

            raise EngineError(f"{name}: the fake engine failed")
        self.calls.append(name)
        folder.mkdir(parents=True, exist_ok=True)
        mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + pair.text.encode("utf-8")
        (folder / "audio.mp3").write_bytes(mp3)
        (folder / "captions.vtt").write_text(fake_captions(pair), encoding="utf-8")
        (folder / "chapters.vtt").write_text("WEBVTT\n")
        return {
            "audio_seconds": 61.25,
            "engine": "fake",
            "voice": locale,
            "audio_bytes": len(mp3),
            "written": [str(folder / n) for n in ("audio.mp3", "captions.vtt", "chapters.vtt")],
        }


def install_fake_audio(monkeypatch: pytest.MonkeyPatch) -> FakeAudio:
    """Replace the build's audio stage with a `FakeAudio` for one test."""
    fake = FakeAudio()
    monkeypatch.setattr(site, "_make_audio", fake)
    return fake


def set_translations(po_path: Path, change: Callable[[polib.POEntry], None]) -> None:
    """Edit a catalog like a translator would, entry by entry."""
    po = polib.pofile(str(po_path), wrapwidth=76)
    for entry in po:
        change(entry)
    po.save(str(po_path))
