"""The online engine: Google Translate's text-to-speech, through gTTS 2.5.4's request format.

gTTS builds the request body (`gTTS.get_bodies()`) and knows the languages
(`gtts.lang.tts_langs()`, local data); we send the requests ourselves because gTTS itself
sends them with certificate checks off (`verify=False`), no timeout by default, a new
connection per chunk, and turns every HTTP status into one exception text: we need TLS
verified, a timeout on every request, a throttle, and retries with backoff on 429/5xx only.

Text is cut into our own chunks of at most 100 characters (at clause punctuation, then
spaces), so gTTS never splits on its own; every chunk's MP3 is decoded and the PCM joined
(byte-joined MP3s decode as the first part only).

Voices are gTTS language codes (`es`, `zh-CN`, `iw`), optionally with the Google domain that
gives a regional accent: `es@com.mx`, `pt@com.br`, `en@co.uk`.
"""

from __future__ import annotations

import base64
import io
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np

from ...config import AudioConfig
from ...errors import EngineError
from .base import Synthesis

MAX_CHARS = 100  # what the endpoint takes in one request (gTTS.GOOGLE_TTS_MAX_CHARS)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_AUDIO = re.compile(r'jQ1olc","\[\\"(.*)\\"]')  # the same pattern gTTS's stream() uses
_TLD = re.compile(r"^(com|co)(\.[a-z]{2})?$|^[a-z]{2}$")  # Google's own domains only
_CLAUSE_END = re.compile(r"[^,;:،؛、，；：]+(?:[,;:،؛、，；：]+\s*|$)")
_WORD = re.compile(r"\S+\s*")

#: Our locales (gettext form) whose gTTS code is not simply the language or `ll-RR`.
_LOCALE_CODES = {
    "zh": "zh-CN",
    "zh_Hans": "zh-CN",
    "zh_Hant": "zh-TW",
    "zh_Hant_HK": "yue",
    "zh_HK": "yue",
    "he": "iw",
    "fil": "tl",
    "tl": "tl",
    "jv": "jw",
    "nb": "no",
    "pt_BR": "pt@com.br",
    "pt_PT": "pt-PT",
    "es": "es@com.mx",  # Latin American accent, like espeak's es-419
    "es_ES": "es@es",
    "en": "en",
    "en_GB": "en@co.uk",
    "fr_CA": "fr-CA",
}


_HOST = "translate.google.com"


@cache
def _online() -> bool:
    """Whether Google's endpoint answers a TCP connection (once per process, 3 s at most)."""
    import socket

    reached: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection((_HOST, 443), timeout=3).close()
            reached.append(True)
        except OSError:
            pass

    # the name lookup has no timeout of its own: bound the whole probe
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(4)
    return bool(reached)


@cache
def _languages() -> dict[str, str]:
    from gtts.lang import tts_langs

    return tts_langs()


@cache
def _default_voices() -> Mapping[str, str]:
    voices = {code.replace("-", "_"): code for code in _languages() if "-" not in code}
    voices.pop("iw", None)
    voices.pop("jw", None)
    voices.pop("tl", None)
    voices.update(_LOCALE_CODES)
    return dict(sorted(voices.items()))


def split_sentence(sentence: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut `sentence` into chunks of at most `limit` characters, at clauses, then words."""
    text = " ".join(sentence.split())
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    for clause in _CLAUSE_END.findall(text):
        if len(clause.strip()) <= limit:
            pieces.append(clause)
            continue
        for word in _WORD.findall(clause):
            # A "word" longer than the limit (unspaced scripts): cut it blindly.
            pieces.extend(word[i : i + limit] for i in range(0, len(word), limit))
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len((current + piece).strip()) > limit:
            chunks.append(current.strip())
            current = ""
        current += piece
    if current.strip():
        chunks.append(current.strip())
    return chunks


def decode_mp3(data: bytes) -> tuple[np.ndarray, int]:
    """One MP3 reply as float32 mono PCM and its sample rate."""
    import soundfile

    try:
        pcm, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise EngineError(f"gtts sent audio that cannot be decoded ({exc})") from exc
    return pcm.mean(axis=1).astype(np.float32), int(rate)


def resample(pcm: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return pcm
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate, target)
    return resample_poly(pcm, target // g, rate // g).astype(np.float32)


class _Throttle:
    """At least `interval` seconds between the starts of two requests, per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = float("-inf")

    def wait(self, interval: float, sleep: Callable[[float], None]) -> None:
        with self.lock:
            delay = self.last + interval - time.monotonic()
            if delay > 0:
                sleep(delay)
            self.last = time.monotonic()


_throttle = _Throttle()
_sessions: dict[int, object] = {}


def _after_fork() -> None:
    # A forked worker must not share the parent's sockets or a lock held at the fork.
    global _throttle
    _sessions.clear()
    _throttle = _Throttle()


os.register_at_fork(after_in_child=_after_fork)


def _session():  # one keep-alive connection pool per thread
    import requests

    key = threading.get_ident()
    if key not in _sessions:
        _sessions[key] = requests.Session()
    return _sessions[key]


class GttsEngine:
    """Google Translate's voices: natural, online only, rate-limited by Google."""

    name = "gtts"
    #: seconds between two requests
    interval = 0.3
    #: first backoff after a 429/5xx; doubles on each retry
    backoff = 1.0

    def __init__(
        self,
        config: AudioConfig | None = None,
        root: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or AudioConfig()
        self.root = root
        self.sleep = sleep  # injectable: tests must not wait

    def available(self) -> tuple[bool, str]:
        try:
            import gtts  # noqa: F401
            import requests  # noqa: F401
        except ImportError as exc:
            return False, f"gTTS is not installed ({exc}): pip install gTTS==2.5.4"
        if not _online():
            return False, (
                f"needs the internet: {_HOST} cannot be reached from here (gTTS speaks "
                "through Google's servers); use espeak or piper offline"
            )
        return True, ""

    def voice_languages(self, voice: str) -> tuple[str, ...]:
        """gTTS's language code of `voice` (`es@com.mx`: es)."""
        return (self._check_voice(voice).partition("@")[0],)

    def version(self) -> str:
        try:
            return f"gTTS {metadata.version('gTTS')}"
        except metadata.PackageNotFoundError:
            return "gTTS unknown"

    def default_voices(self) -> Mapping[str, str]:
        return _default_voices()

    def resolve_voice(self, locale: str, configured: str | None = None) -> str:
        if configured:
            return self._check_voice(configured.strip())
        defaults = _default_voices()
        parts = locale.replace("-", "_").split("_")
        for n in range(len(parts), 0, -1):
            candidate = "_".join(parts[:n])
            if candidate in defaults:
                return defaults[candidate]
        raise EngineError(f"gtts has no voice for {locale}")

    def _check_voice(self, voice: str) -> str:
        code, _, tld = voice.partition("@")
        if code not in _languages():
            raise EngineError(
                f"gtts has no language {code!r}: use one of gTTS's codes "
                f"({', '.join(sorted(_languages()))})"
            )
        if tld and not _TLD.match(tld):
            raise EngineError(
                f"gtts voice {voice!r}: {tld!r} is not a Google domain suffix "
                "(use e.g. com, com.mx, co.uk, com.br)"
            )
        return voice

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        """Speak `sentence`; `rate` is ignored (Google has one pace, about 150-170 wpm)."""
        code, _, tld = self._check_voice(voice).partition("@")
        parts = [self._request(chunk, code, tld or "com") for chunk in split_sentence(sentence)]
        if not parts:
            raise EngineError(f"gtts: nothing to speak in {sentence!r}")
        target = max(r for _, r in parts)
        pcm = np.concatenate([resample(p, r, target) for p, r in parts])
        return Synthesis(pcm=pcm.astype(np.float32), sample_rate=target)

    def _request(self, chunk: str, code: str, tld: str) -> tuple[np.ndarray, int]:
        import requests
        from gtts import gTTS

        # No pre-processors: our text is already normalized, and they could lengthen it
        # past 100 characters, which would make gTTS split it on its own.
        body = gTTS(chunk, lang=code, lang_check=False, pre_processor_funcs=[]).get_bodies()
        url = f"https://translate.google.{tld}/_/TranslateWebserverUi/data/batchexecute"
        timeout = self.config.gtts_timeout
        retries = max(0, self.config.gtts_retries)
        for attempt in range(retries + 1):
            _throttle.wait(self.interval, self.sleep)
            last = attempt == retries
            try:
                reply = _session().post(
                    url, data=body[0], headers=gTTS.GOOGLE_TTS_HEADERS, timeout=timeout
                )
            except requests.Timeout as exc:
                if last:
                    raise EngineError(
                        f"gtts: no reply from {url} within {timeout:g} s, {retries + 1} "
                        "times: check the connection, or use --engine espeak"
                    ) from exc
            except requests.ConnectionError as exc:
                raise EngineError(
                    f"gtts needs the internet: cannot reach translate.google.{tld} ({exc}); "
                    "use --engine espeak offline"
                ) from exc
            else:
                if reply.status_code == 200:
                    return decode_mp3(_audio(reply.text, chunk))
                if reply.status_code not in RETRY_STATUSES:
                    raise EngineError(
                        f"gtts: HTTP {reply.status_code} from {url} for {chunk!r}: "
                        "Google may have changed its API; try --engine espeak"
                    )
                if last:
                    why = "too many requests" if reply.status_code == 429 else "server error"
                    raise EngineError(
                        f"gtts: HTTP {reply.status_code} ({why}) {retries + 1} times in a "
                        "row: try again later (finished sentences are cached), or use "
                        "--engine espeak"
                    )
            self.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # the loop returns or raises


def _audio(text: str, chunk: str) -> bytes:
    for line in text.splitlines():
        if "jQ1olc" in line:
            found = _AUDIO.search(line)
            if found:
                return base64.b64decode(found.group(1))
    raise EngineError(
        f"gtts: the reply for {chunk!r} holds no audio (unsupported language, or Google "
        "changed its API): try another voice or --engine espeak"
    )
