"""The compact sentence cache: its codec, the same bytes whatever the cache held, old FLAC
entries, and entries on an fsspec store (memory:// or a local path).

A fake engine speaks a deterministic, speech-like signal (a few harmonics under a syllable
envelope, plus a little noise), so that the rounding has real work to do and a wrong sample
shows in the MP3.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from toolkit.audio import synthesize_article
from toolkit.audio.cache import AudioCache, enforce_limit
from toolkit.audio.cache import quantize as quantize_synthesis
from toolkit.audio.engines.base import Synthesis
from toolkit.audio.sentence_codec import CodecError, decode, encode, quantize, roundtrip
from toolkit.config import AudioConfig, load_config
from toolkit.errors import EngineError
from toolkit.models import TextBlock

RATE = 22050


def speechlike(seed: int, seconds: float, rate: int = RATE) -> np.ndarray:
    """Float32 in [-1, 1]: a voiced sound at a moving pitch, four syllables a second."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    pitch = 120 + 30 * np.sin(2 * np.pi * 0.7 * t + seed)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2
    pcm = 0.3 * voiced * envelope + 0.01 * rng.standard_normal(len(t))
    return np.clip(pcm, -1, 1).astype(np.float32)


def int16(pcm: np.ndarray) -> np.ndarray:
    return np.round(pcm * 32767).astype(np.int16)


def snr_db(reference: np.ndarray, other: np.ndarray) -> float:
    a, b = reference.astype(np.float64), other.astype(np.float64)
    return float(10 * np.log10(np.dot(a, a) / np.dot(a - b, a - b)))


class SpeechEngine:
    """Speaks `speechlike` for each sentence (its length from its words); counts calls."""

    name = "speechlike"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def available(self) -> tuple[bool, str]:
        return True, ""

    def version(self) -> str:
        return "speechlike 1.0"

    def default_voices(self) -> dict[str, str]:
        return {"en": "one"}

    def resolve_voice(self, locale: str, configured: str | None = None) -> str:
        if locale != "en":
            raise EngineError(f"speechlike cannot speak {locale}")
        return "one"

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        self.calls.append(sentence)
        seconds = len(sentence.split()) * 60 / rate
        seed = sum(map(ord, sentence))
        silence = np.zeros(RATE // 10, np.float32)  # engines pad: the pipeline trims it
        return Synthesis(np.concatenate([silence, speechlike(seed, seconds), silence]), RATE)


ARTICLE = [
    TextBlock("title", "Taking your tablets"),
    TextBlock("paragraph", "Take two tablets every morning. Drink a full glass of water."),
    TextBlock("heading", "When to call", level=2),
    TextBlock("paragraph", "Call your nurse if you feel dizzy. Keep this sheet near you."),
]
SENTENCES = 6  # the title, the heading and four sentences


def build(tmp_path: Path, engine: SpeechEngine, cache: Path, out: str = "site") -> bytes:
    """The article's audio, captions and chapters (one blob) built through `cache`."""
    synthesize_article(
        ARTICLE,
        "en",
        engine,
        "one",
        AudioConfig(),
        tmp_path / out,
        "Taking your tablets",
        cache_dir=cache,
        workers=1,
        force=True,
    )
    folder = tmp_path / out
    return b"".join(
        (folder / n).read_bytes() for n in ("audio.mp3", "captions.vtt", "chapters.vtt")
    )


# -- the codec ---------------------------------------------------------------------------


def test_a_stored_sentence_reads_back_exactly_as_used_and_sounds_like_it() -> None:
    samples = int16(speechlike(1, 2.5))
    data, used = roundtrip(samples, RATE)
    assert decode(data)[0].tobytes() == used.tobytes()  # what a later hit gets, exactly
    assert used.dtype == np.int16 and len(used) == len(samples) and decode(data)[1] == RATE
    plain = io.BytesIO()
    soundfile.write(plain, samples, RATE, format="FLAC", subtype="PCM_16", compression_level=0.0)
    assert len(data) < len(plain.getvalue()) / 2  # the 16-bit FLAC the cache kept before
    # lossy, about 25 dB below the signal in each block: measured, not computed by the codec
    assert 22 < snr_db(samples, used) < 35
    silence = np.zeros(3000, np.int16)
    assert quantize(silence).tobytes() == silence.tobytes()  # pauses stay silent


def test_the_rounding_follows_each_blocks_level() -> None:
    loud = int16(speechlike(9, 0.2))
    quiet = (loud // 64).astype(np.int16)
    both = quantize(np.concatenate([loud[:1152], quiet[:1152]]))
    # the loud block's samples are multiples of a larger power of two than the quiet one's
    step = [
        int(np.gcd.reduce(np.abs(part.astype(np.int64)))) for part in (both[:1152], both[1152:])
    ]
    assert step[0] > step[1] >= 1
    assert snr_db(quiet[:1152], both[1152:]) > 20  # a quiet sentence is not lost in the noise


def test_empty_clips_work() -> None:
    empty, nothing = roundtrip(np.zeros(0, np.int16), RATE)
    assert len(nothing) == 0 and decode(empty)[1] == RATE


@pytest.mark.parametrize("bad", [b"", b"TKA1", b"fLaC" + bytes(40), b"x" * 100])
def test_what_is_not_a_stored_sentence_is_a_codec_error(bad: bytes) -> None:
    with pytest.raises(CodecError):
        decode(bad)


def test_a_truncated_entry_is_a_codec_error() -> None:
    data = encode(quantize(int16(speechlike(3, 2.0))), RATE)
    with pytest.raises(CodecError):
        decode(data[: len(data) // 2])


# -- the cache: cold, warm, evicted, pruned: the same bytes -------------------------------


def test_put_returns_what_get_returns_and_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path / "cache")
    original = Synthesis(speechlike(4, 1.5), RATE)
    used = cache.put("k" * 64, original)
    again = cache.get("k" * 64)
    assert again is not None and again.sample_rate == RATE
    assert again.pcm.tobytes() == used.pcm.tobytes()
    assert not np.array_equal(used.pcm, original.pcm)  # lossy: hence `put` returns samples
    assert quantize_synthesis(original).pcm.tobytes() == used.pcm.tobytes()
    path = Path(cache.path("k" * 64))
    assert path.suffix == ".tka" and path.is_file()
    path.write_bytes(path.read_bytes()[:100])
    assert cache.get_pcm("k" * 64) is None


def test_cold_warm_evicted_and_pruned_builds_give_the_same_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    engine = SpeechEngine()
    cold = build(tmp_path, engine, folder)
    assert len(engine.calls) == SENTENCES
    cache = AudioCache(folder)
    assert len(cache.entries()) == SENTENCES

    warm_engine = SpeechEngine()
    assert build(tmp_path, warm_engine, folder) == cold
    assert warm_engine.calls == []

    entries = cache.entries()
    half = sum(e.size for e in entries) // 2
    removed = cache.prune(half)
    assert 0 < removed.entries < SENTENCES
    partly = SpeechEngine()
    assert build(tmp_path, partly, folder) == cold
    assert len(partly.calls) == removed.entries

    assert cache.prune(0).entries == SENTENCES and cache.entries() == []
    empty = SpeechEngine()
    assert build(tmp_path, empty, folder) == cold
    assert len(empty.calls) == SENTENCES


def test_the_configured_limit_keeps_what_fits_and_zero_means_none(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    build(tmp_path, SpeechEngine(), folder)
    (tmp_path / "pyproject.toml").write_text("[tool.toolkit.cache]\naudio_max_mb = 0\n")
    assert enforce_limit(folder, load_config(tmp_path)) is None  # 0: no limit
    (tmp_path / "pyproject.toml").write_text("[tool.toolkit.cache]\naudio_max_mb = 1\n")
    kept = enforce_limit(folder, load_config(tmp_path))
    assert kept is not None and kept.entries == 0  # six sentences fit in 1 MB
    assert len(AudioCache(folder).entries()) == SENTENCES
    AudioCache(folder).prune(0)
    assert (folder / "asked.sqlite").is_file()  # not an entry: never evicted


# -- old FLAC entries -----------------------------------------------------------------------


def _legacy_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, Path]:
    """A cold build, and a second cache folder holding what the FLAC cache of before would
    have held for it (16-bit FLAC of each trimmed sentence, `<key[:2]>/<key>.flac`)."""
    legacy = tmp_path / "legacy"
    real = AudioCache.put_pcm

    def put_pcm(self: AudioCache, key: str, samples: np.ndarray, rate: int) -> np.ndarray:
        buffer = io.BytesIO()
        soundfile.write(buffer, samples, rate, format="FLAC", subtype="PCM_16")
        (legacy / key[:2]).mkdir(parents=True, exist_ok=True)
        (legacy / key[:2] / f"{key}.flac").write_bytes(buffer.getvalue())
        return real(self, key, samples, rate)

    monkeypatch.setattr(AudioCache, "put_pcm", put_pcm)
    cold = build(tmp_path, SpeechEngine(), tmp_path / "cache")
    monkeypatch.setattr(AudioCache, "put_pcm", real)
    return cold, legacy


def test_old_flac_entries_are_read_once_into_the_new_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold, legacy = _legacy_cache(tmp_path, monkeypatch)
    assert len(list(legacy.rglob("*.flac"))) == SENTENCES
    cache = AudioCache(legacy)
    assert len(cache.entries()) == SENTENCES  # counted (and evicted first) until read
    engine = SpeechEngine()
    assert build(tmp_path, engine, legacy) == cold
    assert engine.calls == []  # nothing spoken again: the FLAC held the very samples
    assert list(legacy.rglob("*.flac")) == []
    assert len(list(legacy.rglob("*.tka"))) == SENTENCES


def test_damaged_old_entries_are_spoken_again_never_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold, legacy = _legacy_cache(tmp_path, monkeypatch)
    damaged = sorted(legacy.rglob("*.flac"))[:2]
    damaged[0].write_bytes(b"not flac at all")
    damaged[1].write_bytes(damaged[1].read_bytes()[:30])
    engine = SpeechEngine()
    assert build(tmp_path, engine, legacy) == cold
    assert len(engine.calls) == 2
    assert list(legacy.rglob("*.flac")) == []


def test_old_entries_are_pruned_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, legacy = _legacy_cache(tmp_path, monkeypatch)
    cache = AudioCache(legacy)
    cache.put_pcm("f" * 64, int16(speechlike(5, 1.0)), RATE)
    entries = cache.entries()
    assert [e.path.suffix for e in entries] == [".flac"] * SENTENCES + [".tka"]
    cache.prune(entries[-1].size)
    assert [e.path.suffix for e in cache.entries()] == [".tka"]


# -- a shared store through fsspec ----------------------------------------------------------


@pytest.fixture
def memory_url() -> Iterator[str]:
    url = f"memory://toolkit-test-{uuid.uuid4().hex}/audio"
    yield url
    import fsspec

    fs = fsspec.filesystem("memory")
    if fs.exists(url):  # a test that emptied the store left nothing to remove
        fs.rm(url.removeprefix("memory://").split("/")[0], recursive=True)


def test_two_machines_share_a_memory_store(tmp_path: Path, memory_url: str) -> None:
    """Two local folders (two machines) bound to one memory:// store: what one spoke, the
    other reads, to the same bytes; nothing but asked.sqlite is written locally."""
    first, second = AudioCache(tmp_path / "a", memory_url), AudioCache(tmp_path / "b", memory_url)
    first.bind()
    second.bind()
    engine = SpeechEngine()
    cold = build(tmp_path, engine, first.folder, "site-a")
    assert len(engine.calls) == SENTENCES
    assert not list(first.folder.rglob("*.tka"))  # the entries are in the store
    assert len(second.entries()) == SENTENCES
    other = SpeechEngine()
    assert build(tmp_path, other, second.folder, "site-b") == cold
    assert other.calls == []
    key = second.entries()[0].path.stem
    assert second.has(key) and second.get_pcm(key) is not None


def test_a_remote_store_is_not_trimmed_after_runs_only_when_asked(
    tmp_path: Path, memory_url: str
) -> None:
    cache = AudioCache(tmp_path / "local", memory_url)
    for i in range(3):
        cache.put_pcm(f"{i:x}" * 64, int16(speechlike(i, 0.5)), RATE)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.toolkit.cache]\naudio_max_mb = 1\naudio_url = "{memory_url}"\n'
    )
    config = load_config(tmp_path)
    assert AudioCache.from_config(tmp_path / "local", config).url == memory_url
    assert enforce_limit(tmp_path / "local", config) is None
    assert len(cache.entries()) == 3
    assert cache.prune(0).entries == 3 and cache.entries() == []


def test_a_file_url_and_an_fsspec_local_path_write_atomically(tmp_path: Path) -> None:
    """`file://` is a folder (touched on a hit, so LRU); `local://` goes through fsspec's
    temporary-name-then-move path; neither leaves temporary files or lists them."""
    samples = int16(speechlike(6, 1.0))
    for url in (f"file://{tmp_path / 'shared'}", f"local://{tmp_path / 'fs'}"):
        cache = AudioCache(tmp_path / "local", url)
        used = cache.put_pcm("a" * 64, samples, RATE)
        other = AudioCache(tmp_path / "elsewhere", url)
        found = other.get_pcm("a" * 64)
        assert found is not None and found[0].tobytes() == used.tobytes()
        assert [e.path.name for e in other.entries()] == ["a" * 64 + ".tka"]
    assert not list(tmp_path.rglob("*.tmp"))
    assert (tmp_path / "shared" / "aa" / ("a" * 64 + ".tka")).is_file()
    assert (tmp_path / "fs" / "aa" / ("a" * 64 + ".tka")).is_file()


def test_a_relative_audio_url_is_a_folder_of_the_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.toolkit.cache]\naudio_url = "shared"\n')
    cache = AudioCache.from_config(tmp_path / "build" / ".cache" / "audio", load_config(tmp_path))
    cache.put_pcm("b" * 64, int16(speechlike(7, 0.5)), RATE)
    assert (tmp_path / "shared" / "bb" / ("b" * 64 + ".tka")).is_file()


def test_the_binding_tells_workers_the_store_and_follows_the_config(
    tmp_path: Path, memory_url: str
) -> None:
    folder = tmp_path / "cache"
    AudioCache(folder, memory_url).bind()
    assert AudioCache(folder).url == memory_url  # a worker given only the folder
    import pickle

    assert pickle.loads(pickle.dumps(AudioCache(folder))).url == memory_url
    AudioCache(folder, "").bind()  # the config went back to the default
    assert AudioCache(folder).url == "" and not (folder / "store.url").exists()


def test_cache_info_and_prune_name_a_remote_store(tmp_path: Path, memory_url: str) -> None:
    import json

    from click.testing import CliRunner

    from toolkit.cli import main

    (tmp_path / "pyproject.toml").write_text(
        f'[tool.toolkit]\nsource_locale = "en"\n[tool.toolkit.cache]\naudio_url = "{memory_url}"\n'
    )
    cache = AudioCache(tmp_path / "build" / ".cache" / "audio", memory_url)
    cache.put_pcm("c" * 64, int16(speechlike(8, 0.5)), RATE)
    info = CliRunner().invoke(
        main, ["--project", str(tmp_path), "cache", "info", "--format", "json"]
    )
    assert info.exit_code == 0, info.output
    report = json.loads(info.output)
    assert (report["folder"], report["entries"], report["local"]) == (memory_url, 1, False)
    kept = CliRunner().invoke(main, ["--project", str(tmp_path), "cache", "prune"])
    assert kept.exit_code == 0 and "not applied after runs to a shared store" in kept.output
    assert len(cache.entries()) == 1  # the configured limit is not applied to a shared store
    emptied = CliRunner().invoke(
        main, ["--project", str(tmp_path), "cache", "prune", "--max-mb", "0"]
    )
    assert emptied.exit_code == 0 and "removed 1 sentences" in emptied.output
    assert cache.entries() == []


def test_two_projects_share_a_folder_store_through_the_audio_workers(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Real espeak, `toolkit audio` on two cores (its workers are given only the local
    folder): the sentences go to the configured store, and a second project (another
    machine) with the same `audio_url` speaks nothing and writes the same bytes."""
    import shutil

    from toolkit.audio import generate_audio
    from toolkit.project import Project

    shared = tmp_path_factory.mktemp("shared") / "audio"
    other = tmp_path_factory.mktemp("other") / "project"
    (project / "pyproject.toml").write_text(
        f'[tool.toolkit]\nsource_locale = "en"\n[tool.toolkit.cache]\naudio_url = "file://{shared}"\n'
    )
    shutil.copytree(project, other)
    first = generate_audio(Project.load(project), ["en"], [], workers=2)
    assert first.written
    local = project / "build" / ".cache" / "audio"
    assert not list(local.rglob("*.tka")) and (local / "store.url").is_file()
    stored = sorted(p.name for p in shared.rglob("*.tka"))
    assert len(stored) >= 8  # enough for `toolkit audio` to speak them over two workers
    second = generate_audio(Project.load(other), ["en"], [], workers=2)
    assert "synthesized 0 of" in second.lines()[-1]
    site = ("build", "site", "en", "blood-pressure", "audio.mp3")
    assert other.joinpath(*site).read_bytes() == project.joinpath(*site).read_bytes()
    assert sorted(p.name for p in shared.rglob("*.tka")) == stored


def test_workers_on_another_machine_use_the_store_they_are_given(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker on another machine has no local cache folder, so no binding to read:
    its tasks carry the store's URL, and the sentences still go to the shared store."""
    from toolkit.audio import cache as cache_module
    from toolkit.audio import generate_audio
    from toolkit.project import Project

    shared = tmp_path_factory.mktemp("shared") / "audio"
    (project / "pyproject.toml").write_text(
        f'[tool.toolkit]\nsource_locale = "en"\n[tool.toolkit.cache]\naudio_url = "file://{shared}"\n'
    )
    # what a worker finds where the folder is not (forked workers inherit the patch)
    monkeypatch.setattr(cache_module, "_bound_url", lambda folder: "")
    assert generate_audio(Project.load(project), ["en"], [], workers=2).written
    local = project / "build" / ".cache" / "audio"
    assert not list(local.rglob("*.tka"))
    assert len(list(shared.rglob("*.tka"))) >= 8


def test_a_store_url_fsspec_cannot_open_is_one_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    (tmp_path / "source_articles").mkdir()
    (tmp_path / "source_articles" / "a.md").write_text("# Title\n\nTake two tablets.\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.toolkit]\nsource_locale = "en"\n[tool.toolkit.cache]\naudio_url = "nosuch://x/audio"\n'
    )
    result = CliRunner().invoke(main, ["--project", str(tmp_path), "audio"])
    assert result.exit_code == 1, result.output
    assert "tool.toolkit.cache.audio_url: cannot open 'nosuch://x/audio'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "build" / "site").exists()
