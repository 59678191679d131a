"""Voices fit their locale and are checked before any work; the same inputs give the same
bytes from an empty build/; `normalize` and `audio --script` show what a voice is given."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.audio.engines.espeak import EspeakEngine
from toolkit.audio.engines.gtts import GttsEngine
from toolkit.audio.pipeline import check_voice, engine_for
from toolkit.cli import main
from toolkit.config import AudioConfig


def _configure(project: Path, text: str) -> None:
    (project / "pyproject.toml").write_text(text, encoding="utf-8")


def _run(project: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(project), *args])


def _spy_on_synthesis(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    spoken: list[str] = []
    real = EspeakEngine.synthesize

    def spy(self, sentence, voice, rate):
        spoken.append(sentence)
        return real(self, sentence, voice, rate)

    monkeypatch.setattr(EspeakEngine, "synthesize", spy)
    return spoken


@pytest.mark.parametrize("command", ["build", "audio", "engines"])
def test_a_voice_that_does_not_exist_is_one_error_before_synthesis(
    project: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    _configure(project, '[tool.toolkit.audio.voices.espeak]\nen = "nope"\n')
    spoken = _spy_on_synthesis(monkeypatch)
    result = _run(project, command)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "espeak has no voice 'nope'" in result.output
    assert "Traceback" not in result.output
    assert result.output.count("Error:") == 1
    assert spoken == []
    assert not (project / "build" / "site").exists()


@pytest.mark.parametrize("command", ["build", "audio"])
def test_a_voice_of_another_language_is_refused_before_synthesis(
    project: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    (project / "locales" / "fr").mkdir(parents=True)
    _configure(
        project,
        '[tool.toolkit]\nlocales = ["fr"]\n[tool.toolkit.audio.voices.espeak]\nfr = "de"\n',
    )
    spoken = _spy_on_synthesis(monkeypatch)
    result = _run(project, command)
    assert result.exit_code == 1
    assert result.output == (
        "Error: fr: espeak voice 'de' speaks de, not fr: set a fr voice in "
        "[tool.toolkit.audio.voices.espeak] (`toolkit engines --locale fr` lists them); "
        "nothing was synthesized\n"
    )
    assert spoken == []


def test_every_engine_reports_its_voices_languages() -> None:
    espeak = EspeakEngine(AudioConfig(), Path("."))
    assert "es-419" in espeak.voice_languages("es-419")
    assert espeak.voice_languages("de") == ("de",)
    assert check_voice(espeak, "zh_Hans", "cmn") is None  # cmn declares zh
    assert check_voice(espeak, "pt_BR", "pt-br") is None
    assert "speaks de, not fr" in (check_voice(espeak, "fr", "de") or "")
    gtts = GttsEngine(AudioConfig(), Path("."))
    assert gtts.voice_languages("es@com.mx") == ("es",)
    assert check_voice(gtts, "he", "iw") is None
    assert "speaks fr, not es" in (check_voice(gtts, "es", "fr") or "")


def test_piper_model_language_comes_from_its_config(tmp_path: Path) -> None:
    from toolkit.audio.engines.piper import PiperEngine

    (tmp_path / "voice.onnx").write_bytes(b"not a real model")
    (tmp_path / "voice.onnx.json").write_text(
        '{"language": {"code": "de_DE"}, "audio": {"sample_rate": 22050}}', encoding="utf-8"
    )
    engine = PiperEngine(AudioConfig(piper_model="voice.onnx"), tmp_path)
    assert engine.voice_languages("voice.onnx") == ("de_DE",)
    assert "speaks de_DE, not fr" in (check_voice(engine, "fr", "voice.onnx") or "")


def test_engine_per_locale() -> None:
    config = AudioConfig(engines={"en": "piper", "pt": "gtts"})
    assert engine_for(config, "en") == "piper"
    assert engine_for(config, "pt_BR") == "gtts"  # the language's entry
    assert engine_for(config, "es") == "espeak"
    assert engine_for(config, "en", "espeak") == "espeak"  # --engine wins


def test_engine_per_locale_is_used_and_checked(project: Path) -> None:
    _configure(project, '[tool.toolkit.audio.engines]\nen = "gtts"\n')
    result = _run(project, "audio")
    assert result.exit_code == 1
    assert result.output.startswith("Error: engine 'gtts' is not available: needs the internet")


def test_engines_says_gtts_needs_the_internet_offline(project: Path) -> None:
    result = _run(project, "engines")
    assert result.exit_code == 0
    assert "gtts gTTS 2.5.4" not in result.output.split("\n")[1:2]
    line = next(line for line in result.output.splitlines() if line.startswith("gtts"))
    assert line.startswith("gtts: not available: needs the internet")


def _zips(project: Path) -> dict[str, str]:
    folder = project / "build" / "bundles"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.zip"))
    }


def test_two_clean_builds_give_identical_zips(project: Path) -> None:
    first = _run(project, "build")
    assert first.exit_code == 0, first.output
    zips = _zips(project)
    mp3 = (project / "build" / "site" / "en" / "blood-pressure" / "audio.mp3").read_bytes()
    shutil.rmtree(project / "build")  # the audio cache lives there too
    # The same process speaks again: what it spoke in the first build must not matter.
    second = _run(project, "build")
    assert second.exit_code == 0, second.output
    assert (project / "build" / "site" / "en" / "blood-pressure" / "audio.mp3").read_bytes() == mp3
    assert _zips(project) == zips and zips


def test_normalize_command_prints_one_line_per_sentence(project: Path) -> None:
    result = _run(project, "normalize", "--locale", "es", "Tome 2,5 mg. Llame al 988.")
    assert result.exit_code == 0
    assert result.output == "Tome dos coma cinco miligramos.\nLlame al nueve ocho ocho.\n"
    piped = CliRunner().invoke(
        main, ["--project", str(project), "normalize", "--locale", "fr"], input="Prenez 1 000 mg."
    )
    assert piped.output == "Prenez mille milligrammes.\n"


def test_normalize_warns_on_stderr_naming_the_token(project: Path) -> None:
    result = CliRunner(mix_stderr=False).invoke(
        main, ["--project", str(project), "normalize", "--locale", "es", "Tome 1/7."]
    )
    assert result.exit_code == 0
    assert result.stdout == "Tome 1/7.\n"
    assert result.stderr.startswith(
        'Warning: 1/7: no spoken form for this fraction in es: add [fractions] "1/7"'
    )


def test_normalize_uses_the_project_lexicon(project: Path) -> None:
    (project / "lexicon").mkdir()
    (project / "lexicon" / "en.toml").write_text('[phone]\nnumbers = ["311"]\n', encoding="utf-8")
    result = _run(project, "normalize", "--locale", "en", "Dial 311.")
    assert result.output == "Dial three one one.\n"


def test_audio_script_writes_what_the_voice_was_given(project: Path) -> None:
    result = _run(project, "audio", "--script")
    assert result.exit_code == 0, result.output
    folder = project / "build" / "site" / "en" / "blood-pressure"
    lines = (folder / "spoken.txt").read_text(encoding="utf-8").splitlines()
    assert (folder / "audio.mp3").is_file()
    assert "Call nine one one if you have chest pain." in lines
    assert "Take two point five milligrams of the tablet with water." in lines
    assert "SYS 120 DIA 80" not in "\n".join(lines)  # code is never spoken


def test_audio_warns_about_what_a_locale_cannot_say(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from toolkit.audio import generate_audio
    from toolkit.project import Project

    article = project / "source_articles" / "blood-pressure.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nTake 1/7 of a cup, then 20 mEq.\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        generate_audio(Project.load(project), ["en"], [])
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("en: 1/7: no spoken form for this fraction in en") for m in messages)
    assert not any("mEq" in m for m in messages)  # the English lexicon names it
