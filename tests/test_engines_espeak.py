"""espeak-ng through ctypes: real synthesis, voices per locale, no silent voice fallback, pace."""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from toolkit.audio.engines.base import Engine, Synthesis
from toolkit.audio.engines.espeak import EspeakEngine
from toolkit.config import AudioConfig
from toolkit.errors import EngineError

# Ten words each (whitespace words) where that is meaningful.
SENTENCES = {
    "en": "Take one tablet by mouth every morning with some water.",
    "es": "Tome una tableta por la boca cada mañana con agua.",
    "ar": "تناول قرصا واحدا كل صباح مع كوب كامل من الماء.",
    "zh_Hans": "每天早上用一整杯水服用一片药。",
    "vi": "Uống một viên thuốc mỗi buổi sáng với một ly nước đầy.",
}


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return EspeakEngine(AudioConfig(), Path("."))


def rms(pcm: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(pcm, dtype=np.float64))))


def _spectrum(pcm: np.ndarray) -> np.ndarray:
    magnitude = np.abs(np.fft.rfft(pcm, n=1 << 16))
    bands = np.add.reduceat(magnitude, np.linspace(0, len(magnitude) - 1, 65).astype(int)[:-1])
    return bands / np.linalg.norm(bands)


def same_voice(a: np.ndarray, b: np.ndarray) -> bool:
    """espeak-ng is not bit-exact from call to call (its pitch flutter runs on a per-process
    counter): the same sentence in the same voice agrees within 0.5 % in length and 0.995 in
    spectral shape; another voice (en vs en-us, es-419, +f3) misses one or the other."""
    close_length = abs(len(a) - len(b)) < 0.005 * len(a)
    return close_length and float(_spectrum(a) @ _spectrum(b)) > 0.995


def test_is_an_engine_and_available(engine: EspeakEngine) -> None:
    assert isinstance(engine, Engine)
    assert engine.available() == (True, "")
    # the cache key must change with the library and with the wheel that ships its data
    assert "libespeak-ng 1.52" in engine.version()
    assert "espeakng-loader 0.2.4" in engine.version()


@pytest.mark.parametrize("locale", sorted(SENTENCES))
def test_speaks_sample_locales(engine: EspeakEngine, locale: str) -> None:
    voice = engine.resolve_voice(locale)
    result = engine.synthesize(SENTENCES[locale], voice, 140)
    assert isinstance(result, Synthesis)
    assert result.sample_rate == 22050
    assert result.pcm.dtype == np.float32 and result.pcm.ndim == 1
    assert np.abs(result.pcm).max() <= 1.0
    assert rms(result.pcm) > 0.03, "speech, not silence"
    assert 1.5 < result.seconds < 10.0
    if locale in ("en", "es"):
        # 10 words at 140 words a minute: 4.3 s, within 25 %
        assert 4.29 * 0.75 < result.seconds < 4.29 * 1.25


def test_default_voices_come_from_the_data(engine: EspeakEngine) -> None:
    voices = engine.default_voices()
    assert voices["en"] == "en-us"
    assert voices["es"] == "es-419"
    assert voices["zh_Hans"] == "cmn"
    assert voices["zh_Hant_HK"] == "yue"
    assert voices["pt_BR"] == "pt-br"
    assert voices["ar"] == "ar" and voices["vi"] == "vi" and voices["ht"] == "ht"
    assert "ja" not in voices and "tl" not in voices and "fil" not in voices
    present = {v.name for v in engine.voices()}
    assert set(voices.values()) <= present
    assert len(present) == 141


def test_locale_resolution(engine: EspeakEngine) -> None:
    assert engine.resolve_voice("es_MX") == "es-419"
    assert engine.resolve_voice("es-ES") == "es"
    assert engine.resolve_voice("fr_CA") == "fr"
    assert engine.resolve_voice("zh_Hant_TW") == "cmn"
    assert engine.resolve_voice("es", configured="es") == "es"
    assert engine.resolve_voice("en", configured="en-us+f3") == "en-us+f3"


def test_never_claims_japanese_or_tagalog(engine: EspeakEngine) -> None:
    with pytest.raises(EngineError, match="Chinese letter"):
        engine.resolve_voice("ja")
    with pytest.raises(EngineError, match="not usable"):
        engine.resolve_voice("ja", configured="ja")
    with pytest.raises(EngineError, match="no voice for tl"):
        engine.resolve_voice("tl")
    with pytest.raises(EngineError, match="no voice for fil"):
        engine.resolve_voice("fil")


@pytest.mark.parametrize("voice", ["es-mx", "klingon", "en-us+nope", "../../etc/passwd", ""])
def test_unknown_voice_is_an_error(engine: EspeakEngine, voice: str) -> None:
    with pytest.raises(EngineError, match="espeak has no voice"):
        engine.resolve_voice("es", configured=voice or " ")
    with pytest.raises(EngineError, match="espeak has no voice"):
        engine.synthesize("Hola.", voice, 140)


def test_no_silent_fallback_to_the_previous_voice(engine: EspeakEngine) -> None:
    sentence = "Drink water every day."
    fresh_us = engine.synthesize(sentence, "en-us", 140).pcm
    engine.synthesize("Beba agua todos los días.", "es-419", 140)
    # espeak_SetVoiceByName keeps es-419 loaded when a name is unknown: we must refuse...
    with pytest.raises(EngineError):
        engine.synthesize(sentence, "en-xx", 140)
    # ...and the next good voice is really that voice.
    again = engine.synthesize(sentence, "en-us", 140).pcm
    assert same_voice(again, fresh_us)
    for other in ("en", "es-419", "en-us+f3"):
        assert not same_voice(engine.synthesize(sentence, other, 140).pcm, fresh_us)


def test_rate_changes_duration_proportionally(engine: EspeakEngine) -> None:
    slow = engine.synthesize(SENTENCES["en"], "en-us", 100).seconds
    fast = engine.synthesize(SENTENCES["en"], "en-us", 200).seconds
    assert 1.7 < slow / fast < 2.3


def test_rate_is_about_the_requested_pace(engine: EspeakEngine) -> None:
    sentences = [
        "Your nurse may ask you to check your blood pressure twice a day.",
        "Sit quietly for five minutes before you take a reading.",
        "Call your doctor if you feel dizzy or have a bad headache.",
        "Keep your arm on a table at the level of your heart.",
    ]
    words = sum(len(s.split()) for s in sentences)
    seconds = sum(engine.synthesize(s, "en-us", 140).seconds for s in sentences)
    assert 125 < words / seconds * 60 < 155


def test_threads_share_the_library_safely(engine: EspeakEngine) -> None:
    jobs = [("Drink water every day.", "en-us"), ("Beba agua todos los días.", "es-419")] * 4
    expected = [engine.synthesize(text, voice, 140).pcm for text, voice in jobs]
    results: list[np.ndarray | None] = [None] * len(jobs)

    def run(i: int) -> None:
        results[i] = engine.synthesize(*jobs[i], 140).pcm

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(same_voice(r, e) for r, e in zip(results, expected, strict=True))


def _speak(engine: EspeakEngine) -> np.ndarray:
    return engine.synthesize("Drink water every day.", "en-us", 140).pcm


def test_pickles_into_a_fresh_worker_process(engine: EspeakEngine) -> None:
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.config == engine.config
    spawn = multiprocessing.get_context("spawn")  # nothing inherited: built from plain data
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        remote = pool.submit(_speak, engine).result(timeout=60)
    assert same_voice(remote, _speak(engine))


#: voices from every family the data folders hold: lower- and mixed-case files (`gmw/en-US`),
#: a variant, a large dictionary (ru), tone languages
LINKED_VOICES = ["en-us", "en-us+f3", "es-419", "es", "fr", "de", "pt-br", "vi", "ar", "cmn"]
LINKED_VOICES += ["yue", "ru", "sw"]


@pytest.mark.parametrize("voice", LINKED_VOICES)
def test_a_voice_read_through_its_link_speaks_the_same_samples(voice: str) -> None:
    """The fresh copy finds its voice through a link in its own data folder instead of
    listing every voice: the samples must be the bytes the lookup by name gives."""
    from toolkit.audio.engines import espeak

    library = espeak._lib()
    with library.lock:
        library.select(voice)
        identifier = library._identifier
    linked = espeak._FreshSynth(library.data_path)
    by_name = espeak._FreshSynth(library.data_path)
    by_name.linked_data = None  # as on a system without links: every voice listed
    assert linked.linked_data is not None and "/" in identifier
    sentence = "Take 2 tablets at 8:30, not more than 4 in 24 hours."
    through_link, status = linked.speak(sentence, voice, 150, identifier)
    listed, listed_status = by_name.speak(sentence, voice, 150, identifier)
    assert status == listed_status == 0
    assert len(through_link) > 20_000
    assert through_link == listed
    link = Path(linked.linked_data, "voices", voice.partition("+")[0])
    voice_file = espeak._voice_file(library.data_path, identifier)
    assert voice_file is not None
    assert link.is_symlink() and link.resolve() == Path(voice_file).resolve()


def test_a_voice_name_taken_in_the_data_is_looked_up_by_name() -> None:
    """Where `voices/<name>` already names another file, the link is not trusted: the voice
    is looked up among all voices, as without links, and speaks the same."""
    from toolkit.audio.engines import espeak

    library = espeak._lib()
    with library.lock:
        library.select("es-419")
        identifier = library._identifier
    fresh = espeak._FreshSynth(library.data_path)
    assert fresh.linked_data is not None
    taken = Path(fresh.linked_data, "voices", "es-419")
    taken.symlink_to(Path(library.data_path, "lang", "roa", "es"))  # another voice's file
    assert not fresh._voice_link("es-419", identifier)
    by_name = espeak._FreshSynth(library.data_path)
    by_name.linked_data = None
    sentence = "Tome 2 tabletas al día."
    assert fresh.speak(sentence, "es-419", 150, identifier) == by_name.speak(
        sentence, "es-419", 150, identifier
    )


def _speak_and_tell_folder() -> str:
    from toolkit.audio.engines import espeak

    # a copy inherited from this test process is its parent's to remove: start as a worker
    # forked before its parent spoke, which makes its own
    espeak._lib()._fresh = None
    EspeakEngine(AudioConfig(), Path(".")).synthesize("Take one tablet.", "en-us", 140)
    fresh = espeak._lib()._fresh
    assert fresh is not None and Path(fresh.folder).is_dir()
    return fresh.folder


def test_a_worker_that_spoke_removes_its_copy_of_the_library_when_it_ends() -> None:
    """Forked pool workers (the pipeline's) end by os._exit, which runs no atexit hook: their
    copy of the library and its data folder must not be left in the temporary folder, one
    per worker per build."""
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=fork) as pool:
        folder = pool.submit(_speak_and_tell_folder).result(timeout=60)
        assert Path(folder).is_dir()  # the worker is alive: its copy is in use
    assert not Path(folder).exists()
