"""The engine registry: built-ins, entry-point plugins, and who can speak a locale."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from toolkit.audio.engines import engine_names, engines_for_locale, get_engine
from toolkit.audio.engines.base import Synthesis
from toolkit.audio.engines.espeak import EspeakEngine
from toolkit.audio.engines.gtts import GttsEngine
from toolkit.audio.engines.piper import PiperEngine
from toolkit.audio.engines.registry import ENTRY_POINT_GROUP, configured_voice
from toolkit.config import AudioConfig
from toolkit.errors import EngineError


class ToneEngine:
    """A stand-in plugin engine: "speaks" Esperanto as silence."""

    name = "tone"

    def __init__(self, config: AudioConfig, root: Path) -> None:
        self.config, self.root = config, root

    def available(self) -> tuple[bool, str]:
        return True, ""

    def version(self) -> str:
        return "tone 1"

    def default_voices(self) -> Mapping[str, str]:
        return {"eo": "beep"}

    def resolve_voice(self, locale: str, configured: str | None = None) -> str:
        if locale != "eo":
            raise EngineError(f"tone cannot speak {locale}")
        return configured or "beep"

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        return Synthesis(np.zeros(len(sentence) * 100, dtype=np.float32), 8000)


class FakeEntryPoint:
    """Just what the registry reads from an importlib.metadata.EntryPoint."""

    def __init__(self, name: str, target: object) -> None:
        self.name, self.value, self.group = name, f"plugin:{name}", ENTRY_POINT_GROUP
        self._target = target

    def load(self) -> object:
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch):
    def install(**targets: object) -> None:
        points = [FakeEntryPoint(n, t) for n, t in targets.items()]

        def entry_points(**selection: str) -> list[FakeEntryPoint]:
            assert selection == {"group": ENTRY_POINT_GROUP}
            return points

        monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)

    return install


def test_builtins() -> None:
    assert engine_names()[:3] == ["espeak", "gtts", "piper"]
    config = AudioConfig()
    assert isinstance(get_engine("espeak", config, Path(".")), EspeakEngine)
    assert isinstance(get_engine("gtts", config, Path(".")), GttsEngine)
    assert isinstance(get_engine("piper", config, Path(".")), PiperEngine)


def test_unknown_engine(plugins) -> None:
    plugins()
    with pytest.raises(EngineError) as caught:
        get_engine("x", AudioConfig(), Path("."))
    assert str(caught.value) == "unknown engine 'x': known engines are espeak, gtts, piper"


def test_entry_point_engine_is_discovered(plugins) -> None:
    plugins(tone=ToneEngine, espeak=ToneEngine)  # a plugin cannot shadow a built-in
    assert engine_names() == ["espeak", "gtts", "piper", "tone"]
    engine = get_engine("tone", AudioConfig(), Path("/project"))
    assert isinstance(engine, ToneEngine) and engine.root == Path("/project")
    assert isinstance(get_engine("espeak", AudioConfig(), Path(".")), EspeakEngine)
    assert ("tone", "beep") in engines_for_locale("eo", AudioConfig(), Path("."))
    with pytest.raises(EngineError, match="known engines are espeak, gtts, piper, tone"):
        get_engine("x", AudioConfig(), Path("."))


def test_broken_plugins_are_clear_errors(plugins) -> None:
    plugins(broken=ImportError("No module named 'ttsplugin'"), odd=lambda config, root: object())
    with pytest.raises(EngineError, match=r"engine 'broken' .* cannot be loaded: No module"):
        get_engine("broken", AudioConfig(), Path("."))
    with pytest.raises(EngineError, match="does not implement the engine interface"):
        get_engine("odd", AudioConfig(), Path("."))


def test_engines_for_locale(plugins, monkeypatch: pytest.MonkeyPatch) -> None:
    plugins()
    monkeypatch.setattr("toolkit.audio.engines.gtts._online", lambda: True)  # as if online
    config = AudioConfig()
    assert engines_for_locale("es", config, Path(".")) == [
        ("espeak", "es-419"),
        ("gtts", "es@com.mx"),
    ]
    assert engines_for_locale("zh_Hans", config, Path(".")) == [
        ("espeak", "cmn"),
        ("gtts", "zh-CN"),
    ]
    # espeak's Japanese reads kanji as "Chinese letter"; only gtts may speak it
    assert engines_for_locale("ja", config, Path(".")) == [("gtts", "ja")]
    assert engines_for_locale("ht", config, Path(".")) == [("espeak", "ht")]
    assert engines_for_locale("xh", config, Path(".")) == []
    monkeypatch.setattr("toolkit.audio.engines.gtts._online", lambda: False)
    assert engines_for_locale("ja", config, Path(".")) == []  # gTTS needs the internet


def test_configured_voices_are_used_and_checked(plugins) -> None:
    plugins()
    config = AudioConfig(voices={"espeak": {"es": "es", "pt-BR": "pt"}, "gtts": {"es": "zz"}})
    assert configured_voice(config, "espeak", "pt_BR") == "pt"
    assert engines_for_locale("es", config, Path(".")) == [("espeak", "es")]  # gtts 'zz' fails
    assert engines_for_locale("pt_BR", config, Path("."))[0] == ("espeak", "pt")
