"""gTTS offline: HTTP mocked with `responses`; our chunks, PCM joins, retries, clear errors."""

from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path

import lameenc
import numpy as np
import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from toolkit.audio.engines import gtts as gtts_engine
from toolkit.audio.engines.base import Engine
from toolkit.audio.engines.gtts import GttsEngine, decode_mp3, split_sentence
from toolkit.config import AudioConfig
from toolkit.errors import EngineError

URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
LONG = (
    "Your nurse may ask you to check your blood pressure twice a day, in the morning and in "
    "the evening, sitting quietly with your arm on a table, and to write both numbers in a "
    "notebook that you bring to every visit."
)


def mp3(seconds: float, rate: int = 24000, freq: float = 220.0) -> bytes:
    """A real MP3 (mono tone), like the ones Google sends."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype(np.int16)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def reply(audio: bytes | None) -> str:
    """The batchexecute body: `)]}'`, then the line gTTS (and we) look for."""
    payload = json.dumps([base64.b64encode(audio).decode()]) if audio is not None else None
    row = [["wrb.fr", "jQ1olc", payload, None, None, None, "generic"]]
    line = json.dumps(row, separators=(",", ":"))  # compact, as Google sends it
    return ")]}'\n\n" + str(len(line)) + "\n" + line + "\n"


def sent(call: responses.Call) -> tuple[str, str]:
    """(text, language) a POST asked Google to speak."""
    body = urllib.parse.parse_qs(call.request.body)["f.req"][0]
    text, language, *_ = json.loads(json.loads(body)[0][0][1])
    return text, language


def sent_text(call: responses.Call) -> str:
    return sent(call)[0]


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The throttle is per process: start each test as if no request had been made yet."""
    monkeypatch.setattr(gtts_engine, "_throttle", gtts_engine._Throttle())


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def engine(sleeps: Sleeps) -> GttsEngine:
    return GttsEngine(AudioConfig(gtts_retries=2, gtts_timeout=3.0), Path("."), sleep=sleeps)


def test_is_an_engine(engine: GttsEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(engine, Engine)
    monkeypatch.setattr("toolkit.audio.engines.gtts._online", lambda: True)
    assert engine.available() == (True, "")
    assert engine.version() == "gTTS 2.5.4"


@pytest.mark.parametrize(
    ("locale", "voice"),
    [
        ("zh_Hans", "zh-CN"),
        ("zh_Hant", "zh-TW"),
        ("he", "iw"),
        ("es", "es@com.mx"),
        ("es_ES", "es@es"),
        ("pt_BR", "pt@com.br"),
        ("pt_PT", "pt-PT"),
        ("ar", "ar"),
        ("vi", "vi"),
        ("fil", "tl"),
        ("en_US", "en"),
    ],
)
def test_language_codes(engine: GttsEngine, locale: str, voice: str) -> None:
    assert engine.resolve_voice(locale) == voice


def test_voices_are_checked(engine: GttsEngine) -> None:
    assert engine.resolve_voice("en", configured="en@co.uk") == "en@co.uk"
    with pytest.raises(EngineError, match="gtts has no language 'xx'"):
        engine.resolve_voice("en", configured="xx")
    with pytest.raises(EngineError, match="not a Google domain"):
        engine.resolve_voice("en", configured="en@evil.example")
    with pytest.raises(EngineError, match="gtts has no voice for ht"):
        engine.resolve_voice("ht")


def test_offline_it_says_it_needs_the_internet(engine: GttsEngine) -> None:
    # the network is blocked in tests: the real connection probe fails at once
    from toolkit.audio.engines import gtts

    gtts._online.cache_clear()
    ok, why = engine.available()
    assert not ok
    assert why.startswith("needs the internet: translate.google.com cannot be reached")
    gtts._online.cache_clear()


def test_split_sentence_at_clauses_then_words() -> None:
    chunks = split_sentence(LONG)
    assert len(chunks) == 3
    assert all(len(c) <= 100 for c in chunks)
    assert " ".join(chunks) == LONG
    assert chunks[0].endswith(",")  # cut after a comma, not mid-clause
    assert split_sentence("Call 911.") == ["Call 911."]
    chinese = "请每天早上和晚上各测量一次血压，" * 10
    assert all(len(c) <= 100 for c in split_sentence(chinese))
    assert "".join(split_sentence(chinese)) == chinese


@given(st.text(alphabet=st.sampled_from(list("abc ,;:，。ـ")), max_size=400))
def test_split_sentence_keeps_every_character(text: str) -> None:
    chunks = split_sentence(text)
    assert all(0 < len(c) <= 100 for c in chunks)
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")


@responses.activate
def test_multi_chunk_sentence_joins_decoded_pcm(engine: GttsEngine, sleeps: Sleeps) -> None:
    parts = [mp3(1.0, freq=220), mp3(1.5, freq=330), mp3(0.5, freq=440)]
    for part in parts:
        responses.post(URL, body=reply(part))
    result = engine.synthesize(LONG, "en", 140)
    assert len(responses.calls) == 3
    assert [sent_text(c) for c in responses.calls] == split_sentence(LONG)
    assert all(c.request.headers["Referer"] for c in responses.calls)
    decoded = [decode_mp3(p) for p in parts]
    assert result.sample_rate == 24000
    assert len(result.pcm) == sum(len(pcm) for pcm, _ in decoded)
    assert abs(result.seconds - 3.0) < 0.2  # not just the first part, as byte-joined MP3s give
    # the throttle spaced the requests (the first one goes at once)
    assert len(sleeps) == 2 and all(0 < s <= engine.interval for s in sleeps)


@responses.activate
def test_parts_at_different_rates_are_resampled(sleeps: Sleeps) -> None:
    engine = GttsEngine(AudioConfig(), Path("."), sleep=sleeps)
    responses.post(URL, body=reply(mp3(1.0, rate=22050)))
    responses.post(URL, body=reply(mp3(1.0, rate=24000)))
    result = engine.synthesize(LONG[:150], "en", 140)
    assert result.sample_rate == 24000
    assert abs(result.seconds - 2.0) < 0.15


@responses.activate
def test_429_then_success(engine: GttsEngine, sleeps: Sleeps) -> None:
    responses.post(URL, status=429)
    responses.post(URL, body=reply(mp3(1.0)))
    result = engine.synthesize("Drink water every day.", "en", 140)
    assert len(responses.calls) == 2
    assert abs(result.seconds - 1.0) < 0.1
    assert engine.backoff in sleeps  # backed off before the retry


@responses.activate
def test_5xx_exhausted(engine: GttsEngine, sleeps: Sleeps) -> None:
    responses.post(URL, status=503)
    with pytest.raises(EngineError, match=r"HTTP 503 \(server error\) 3 times in a row"):
        engine.synthesize("Drink water every day.", "en", 140)
    assert len(responses.calls) == 3  # the first try and gtts_retries=2
    backoffs = [s for s in sleeps if s >= engine.backoff]
    assert backoffs == [1.0, 2.0]  # exponential


@responses.activate
def test_other_http_errors_are_not_retried(engine: GttsEngine) -> None:
    responses.post(URL, status=403)
    with pytest.raises(EngineError, match="HTTP 403"):
        engine.synthesize("Drink water every day.", "en", 140)
    assert len(responses.calls) == 1


@responses.activate
def test_timeout_on_every_request(engine: GttsEngine) -> None:
    responses.post(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(EngineError, match="no reply from .* within 3 s, 3 times"):
        engine.synthesize("Drink water every day.", "en", 140)
    assert len(responses.calls) == 3
    assert all(c.request.req_kwargs["timeout"] == 3.0 for c in responses.calls)


@responses.activate
@pytest.mark.parametrize(
    "body", [reply(None), ')]}\'\n\n[["wrb.fr","other",null]]\n', "<html>hello</html>"]
)
def test_reply_without_audio(engine: GttsEngine, body: str) -> None:
    responses.post(URL, body=body)
    with pytest.raises(EngineError, match="holds no audio"):
        engine.synthesize("Drink water every day.", "en", 140)


@responses.activate
def test_regional_voice_uses_its_google_domain(engine: GttsEngine) -> None:
    responses.post(URL.replace(".com/", ".com.mx/"), body=reply(mp3(0.5)))
    engine.synthesize("Beba agua todos los días.", "es@com.mx", 140)
    assert sent(responses.calls[0]) == ("Beba agua todos los días.", "es")


def test_offline_is_a_clear_error(engine: GttsEngine) -> None:
    # no mock: the conftest blocks the network, as on a machine without internet
    with pytest.raises(EngineError, match="gtts needs the internet: .*use --engine espeak"):
        engine.synthesize("Drink water every day.", "en", 140)


@pytest.mark.network
def test_live_smoke() -> None:
    engine = GttsEngine(AudioConfig(), Path("."))
    result = engine.synthesize("Drink water every day.", engine.resolve_voice("en"), 140)
    assert 0.5 < result.seconds < 5
    assert float(np.abs(result.pcm).max()) > 0.1
