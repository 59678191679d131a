"""The default engine: espeak-ng from the `espeakng-loader` wheel, through ctypes, offline.

libespeak-ng is one global state per process (current voice, rate, callback), so the library
is initialized once per process, lazily, and every synthesis holds a lock. Worker processes
each initialize their own copy the first time they synthesize; the engine object itself holds
only plain data and pickles cleanly.

Voices are named by their file in espeak-ng's data (`en-us`, `es-419`, `cmn`, `yue`), lower
case, optionally with a variant (`en-us+f3`). `espeak_SetVoiceByName` keeps the previous voice
when a name is unknown (and drops an unknown variant silently), so every selection is checked
against the voice the library reports as current.
"""

from __future__ import annotations

import _ctypes
import atexit
import ctypes
import multiprocessing.util
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np

from ...config import AudioConfig
from ...errors import EngineError
from .base import Synthesis

# espeak_ng constants (speak_lib.h)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
_ESPEAK_RATE = 1
_ESPEAK_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EE_OK = 0
_RATE_MIN, _RATE_MAX = 80, 450

#: espeak-ng's words per minute are its own notion: it paces by phonemes, so in words (or
#: Chinese characters, or Vietnamese syllables) it runs faster or slower than nominal by a
#: factor that depends on the language. We ask for `rate / factor` so that a sentence comes
#: out at about `rate`. Measured with 1.52.0 around 160 words a minute on the sample
#: project's articles (three per language, no end pause): es 1.01, ar 0.78, cmn 1.27,
#: vi 1.50 (en 1.24 there, but 1.3 on plain sentences of 8 to 15 words, which is kept);
#: fr, pt, de, it from plain sentences at 140. Other
#: languages get FACTS.md's general 1.1. This is only the first guess: the pipeline measures
#: each voice on its first sentences and corrects the rest (toolkit.audio.pipeline.PaceTable).
PACE_FACTORS = {
    "en": 1.3,
    "es": 1.01,
    "ar": 0.78,
    "cmn": 1.27,
    "vi": 1.5,
    "fr": 1.3,
    "pt": 1.15,
    "de": 1.1,
    "it": 1.0,
}
DEFAULT_PACE_FACTOR = 1.1

#: Locales whose natural voice is not simply the language code (or where espeak's default for
#: the code is not the one our readers expect). Everything else maps `xx` -> voice `xx` when
#: espeak-ng has it.
_PREFERRED = {
    "en": "en-us",  # espeak's plain `en` is British
    "en_US": "en-us",
    "en_GB": "en",
    "es": "es-419",  # Latin American Spanish: the usual patient audience in the Americas
    "es_ES": "es",
    "es_419": "es-419",
    "es_MX": "es-419",
    "es_US": "es-419",
    "pt": "pt",
    "pt_PT": "pt",
    "pt_BR": "pt-br",
    "fr": "fr",
    "fr_BE": "fr-be",
    "fr_CH": "fr-ch",
    # Chinese: the script decides the variety we assume. Simplified is Mainland Mandarin;
    # Traditional is Taiwan's script first (Mandarin, which espeak's `cmn` reads from
    # traditional characters too), except Hong Kong and Macau, where it is Cantonese.
    "zh": "cmn",
    "zh_Hans": "cmn",
    "zh_Hant": "cmn",
    "zh_Hant_TW": "cmn",
    "zh_Hant_HK": "yue",
    "zh_Hant_MO": "yue",
    "zh_HK": "yue",
    "yue": "yue",
    "vi": "vi",  # Northern Vietnamese, the standard broadcast accent
    "nb": "nb",
    "no": "nb",
}

#: Voices espeak-ng has but that must never be offered: reading them would mislead a patient.
_UNUSABLE = {
    "ja": "espeak-ng reads Japanese kanji as 'Chinese letter'",
}

#: Voice names: an espeak-ng voice file name, optionally `+variant`. Nothing that could be a
#: path outside the data folder.
_VOICE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*(\+[A-Za-z0-9_ -]+)?$")


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # (priority byte, NUL-terminated tag)*, then NUL
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@dataclass(frozen=True)
class VoiceInfo:
    """One voice in espeak-ng's data."""

    name: str  #: what `voices` in config and `resolve_voice` use: `es-419`
    title: str  #: espeak's description: `Spanish (Latin America)`
    languages: tuple[str, ...]  #: language tags it declares: `("es-419", "es-mx")`


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    """The C signatures of the calls that speak, for the process's library and a fresh copy."""
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.restype = ctypes.c_int
    return lib


class _Library:
    """The process's one libespeak-ng: initialized once, used under `lock`."""

    def __init__(self) -> None:
        import espeakng_loader

        self.data_path = espeakng_loader.get_data_path()
        lib = _declare(ctypes.CDLL(espeakng_loader.get_library_path()))
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_GetCurrentVoice.argtypes = []
        lib.espeak_GetCurrentVoice.restype = ctypes.POINTER(_Voice)
        # DONT_EXIT: with a bad data path the library would otherwise call exit(1).
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, self.data_path.encode(), _ESPEAK_INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EngineError(
                f"espeak-ng could not start with its data at {self.data_path}: "
                "reinstall espeakng-loader"
            )
        self.lib = lib
        self.sample_rate = rate
        self.lock = threading.Lock()
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self.voices = self._list_voices()
        self._chunks: list[bytes] = []
        # Kept on the instance: ctypes must not garbage-collect a callback C still holds.
        self._callback = _SYNTH_CALLBACK(self._on_audio)
        lib.espeak_SetSynthCallback(self._callback)
        self._current: str | None = None
        self._identifier = ""  # the current voice's file in the data: `gmw/en-US`
        self._fresh: _FreshSynth | None = None

    def _list_voices(self) -> tuple[VoiceInfo, ...]:
        found = []
        table = self.lib.espeak_ListVoices(None)
        i = 0
        while table[i]:
            voice = table[i].contents
            found.append(
                VoiceInfo(
                    name=Path(voice.identifier.decode()).name.lower(),
                    title=(voice.name or b"").decode().strip(),
                    languages=_parse_languages(voice.languages),
                )
            )
            i += 1
        return tuple(sorted(found, key=lambda v: v.name))

    def _on_audio(self, wav: ctypes.Array, count: int, events: int) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = go on

    def select(self, voice: str) -> None:
        """Make `voice` current or raise EngineError; the caller holds `lock`."""
        if voice == self._current:
            return
        base, _, variant = voice.partition("+")
        status = self.lib.espeak_SetVoiceByName(voice.encode())
        current = self.lib.espeak_GetCurrentVoice()
        raw = current.contents.identifier if current else None
        identifier = raw.decode() if raw else ""
        chosen, _, chosen_variant = identifier.partition("+")
        if (
            status != _EE_OK
            or Path(chosen).name.lower() != base
            or chosen_variant.lower() != variant.lower()
        ):
            self._current = None  # whatever is loaded now is not what anyone asked for
            raise EngineError(_unknown_voice(voice, self))
        self._current = voice
        self._identifier = chosen

    def speak(self, sentence: str, voice: str, wpm: int) -> np.ndarray:
        """One sentence from a fresh copy of the library: the same text always gives the
        same samples, whatever this process spoke before (see `_FreshSynth`)."""
        with self.lock:
            self.select(voice)  # checked on the long-lived copy: an unknown voice fails here
            if self._fresh is None:
                self._fresh = _FreshSynth(self.data_path)
            data, status = self._fresh.speak(sentence, voice, wpm, self._identifier)
        if status != _EE_OK:
            raise EngineError(f"espeak-ng failed (status {status}) on: {sentence[:60]!r}")
        return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


class _FreshSynth:
    """libespeak-ng loaded anew for every sentence, so that every sentence starts from the
    library's initial state.

    espeak-ng keeps state across sentences that neither `espeak_Initialize` nor
    `espeak_ng_SetRandSeed` resets: the pitch-flutter phase (a function-level static in
    wavegen.c's AdvanceParameters) and the wave phase carry on from whatever was spoken
    before, so the same sentence came out a few samples different depending on the
    sentences before it, in whichever worker spoke it (and two clean builds differed).
    `dlopen` of a path already loaded returns the same copy, so the library file is copied
    once per process to a private temporary folder and that copy is opened and closed
    around each sentence (about 2 ms: measured 4.3 ms for a 1.7 s sentence, synthesis
    included, against 1.7 ms with the long-lived copy).

    A fresh copy knows no voices: `espeak_SetVoiceByName("en-us")` finds no file of that name
    and reads every voice file in the data to list them (about 1.5 to 3.7 ms a sentence, as
    much as speaking it). So the copy is given its own data folder beside it, made of links to
    espeak's (`_data_folder`), in which `voices/<name>` links to the voice's own file: the
    name is found at once, and the voice is read from the same file, so the samples are the
    same (checked for 13 voices in `tests/test_engines_espeak.py`).
    """

    def __init__(self, data_path: str) -> None:
        self.data_path = data_path.encode()
        self._copy()
        self.owner = os.getpid()
        atexit.register(self._remove)
        # a worker process of a pool ends by os._exit, which runs no atexit hook, but it runs
        # multiprocessing's finalizers first: without this, each worker that spoke left its
        # copy of the library (and the data folder's links) in the temporary folder
        multiprocessing.util.Finalize(None, self._remove, exitpriority=0)
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._on_audio)

    def _copy(self) -> None:
        import espeakng_loader

        self.folder = tempfile.mkdtemp(prefix="toolkit-espeak-")
        self.path = os.path.join(
            self.folder, "libespeak-ng-fresh" + Path(espeakng_loader.get_library_path()).suffix
        )
        shutil.copyfile(espeakng_loader.get_library_path(), self.path)
        self.linked_data = _data_folder(self.data_path.decode(), self.folder)
        self._links: dict[tuple[str, str], bool] = {}  # (voice, identifier): linked

    def _voice_link(self, voice: str, identifier: str) -> bool:
        """Make `voices/<voice>` in the private data folder name the voice's file; False
        where it cannot (no private folder, or the name is taken by one of espeak's).
        Decided once per voice, not once per sentence (the link is made and resolved)."""
        known = self._links.get((voice, identifier))
        if known is None:
            known = self._links[voice, identifier] = self._make_link(voice, identifier)
        return known

    def _make_link(self, voice: str, identifier: str) -> bool:
        if self.linked_data is None or not identifier:
            return False
        base = voice.partition("+")[0]
        link = os.path.join(self.linked_data, "voices", base)
        target = _voice_file(self.data_path.decode(), identifier)
        if target is None:
            return False
        try:
            os.symlink(target, link)
        except FileExistsError:
            pass  # made before, by this process or by a worker forked from it
        except OSError:
            return False
        try:
            return os.path.realpath(link) == os.path.realpath(target)
        except OSError:
            return False

    def _remove(self) -> None:
        if os.getpid() == self.owner:  # a forked worker leaves its parent's copy alone
            shutil.rmtree(self.folder, ignore_errors=True)

    def _on_audio(self, wav: ctypes.Array, count: int, events: int) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def speak(self, sentence: str, voice: str, wpm: int, identifier: str = "") -> tuple[bytes, int]:
        """`identifier`: the voice's file in espeak's data (`gmw/en-US`), as the long-lived
        copy reports it; without it the voice is looked up by name among all voices."""
        if not os.path.exists(self.path):  # the folder was cleaned under us: copy again
            self._copy()
        data = self.data_path
        if self.linked_data is not None and self._voice_link(voice, identifier):
            data = self.linked_data.encode()
        lib = _declare(ctypes.CDLL(self.path))
        try:
            lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
            rate = lib.espeak_Initialize(
                _AUDIO_OUTPUT_SYNCHRONOUS, 0, data, _ESPEAK_INITIALIZE_DONT_EXIT
            )
            if rate <= 0:
                return b"", -1
            lib.espeak_SetSynthCallback(self._callback)
            if lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                return b"", -2
            lib.espeak_SetParameter(_ESPEAK_RATE, wpm, 0)
            lib.espeak_ng_SetRandSeed(1)
            text = sentence.encode("utf-8")
            buffer = ctypes.create_string_buffer(text)
            self._chunks = []
            status = lib.espeak_Synth(
                buffer,
                len(text) + 1,
                0,
                _POS_CHARACTER,
                0,
                # No espeakENDPAUSE: it appends ~0.5 s of silence; the pipeline owns pauses
                # (sentence_pause_ms), the same for every engine.
                _ESPEAK_CHARS_UTF8,
                None,
                None,
            )
            lib.espeak_Synchronize()
            lib.espeak_Terminate()
            data = b"".join(self._chunks)
            self._chunks = []
            return data, status
        finally:
            handle = lib._handle
            del lib
            _close_library(handle)


#: espeak-ng keeps its data path in a fixed buffer (`path_home`: 160 bytes on POSIX in
#: 1.52, the wheel's release; PATH_MAX in later ones)
_DATA_PATH_MAX = 150


def _data_folder(data: str, folder: str) -> str | None:
    """A copy of espeak's data folder inside `folder`, made of links to its entries, with a
    `voices` folder of its own (links to espeak's voices, and later one link per voice in
    use); None where links cannot be made or the path would be too long for espeak."""
    linked = os.path.join(folder, "espeak-ng-data")
    if len(linked.encode()) > _DATA_PATH_MAX:
        return None
    try:
        os.mkdir(linked)
        os.mkdir(os.path.join(linked, "voices"))
        for entry in os.listdir(data):
            if entry != "voices":
                os.symlink(os.path.join(data, entry), os.path.join(linked, entry))
        voices = os.path.join(data, "voices")
        for entry in os.listdir(voices) if os.path.isdir(voices) else ():
            os.symlink(os.path.join(voices, entry), os.path.join(linked, "voices", entry))
    except OSError:
        return None
    return linked


def _voice_file(data: str, identifier: str) -> str | None:
    """The file of a voice `identifier` (`gmw/en-US`, variant left off), where espeak's
    `LoadVoice` looks: the voices folder first, then the languages folder."""
    base = identifier.partition("+")[0]
    for folder in ("voices", "lang"):
        path = os.path.join(data, folder, base)
        if os.path.isfile(path):
            return path
    return None


def _close_library(handle: int) -> None:
    close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
    if close is not None:
        close(handle)


def _parse_languages(pointer: int | None) -> tuple[str, ...]:
    """espeak's `languages` field: (priority byte, tag, NUL) repeated, ended by a NUL."""
    if not pointer:
        return ()
    tags = []
    offset = 0
    while True:
        priority = ctypes.string_at(pointer + offset, 1)
        if priority == b"\0":
            return tuple(tags)
        tag = ctypes.string_at(pointer + offset + 1).decode()
        tags.append(tag.lower())
        offset += 2 + len(tag)


_library: _Library | None = None
_library_lock = threading.Lock()


def _reset_after_fork() -> None:
    # A forked worker inherits the parent's memory, including a lock another thread may have
    # held at the fork: give the child a fresh one (the library state itself is usable).
    if _library is not None:
        _library.lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)


def _lib() -> _Library:
    global _library
    with _library_lock:
        if _library is None:
            _library = _Library()
        return _library


def _unknown_voice(voice: str, lib: _Library) -> str:
    hint = ", ".join(v.name for v in lib.voices if v.name.split("-")[0] == voice.split("-")[0])
    known = f"voices for that language: {hint}" if hint else "`toolkit engines` lists voices"
    return f"espeak has no voice {voice!r}: {known}; fix [tool.toolkit.audio.voices.espeak]"


@cache
def _loader_version() -> str:
    try:
        return metadata.version("espeakng-loader")
    except metadata.PackageNotFoundError:
        return "unknown"


class EspeakEngine:
    """espeak-ng: offline, about a hundred languages, robotic but clear."""

    name = "espeak"

    def __init__(self, config: AudioConfig | None = None, root: Path | None = None) -> None:
        self.config = config or AudioConfig()
        self.root = root

    def available(self) -> tuple[bool, str]:
        try:
            _lib()
        except (OSError, ImportError, EngineError) as exc:
            return False, f"espeak-ng cannot be loaded: {exc}"
        return True, ""

    def version(self) -> str:
        return f"libespeak-ng {_lib().version} (espeakng-loader {_loader_version()})"

    def voices(self) -> tuple[VoiceInfo, ...]:
        """Every voice in the data (including unusable ones: see `default_voices`)."""
        return _lib().voices

    def default_voices(self) -> Mapping[str, str]:
        return _default_voices()

    def resolve_voice(self, locale: str, configured: str | None = None) -> str:
        if configured:
            base, plus, variant = configured.strip().partition("+")
            return self._check_voice(base.lower() + plus + variant)
        defaults = _default_voices()
        for candidate in _fallbacks(locale):
            if candidate in defaults:
                return defaults[candidate]
        language = locale.replace("-", "_").split("_")[0]
        if language in _UNUSABLE:
            raise EngineError(f"espeak cannot speak {locale}: {_UNUSABLE[language]}")
        raise EngineError(f"espeak has no voice for {locale}")

    def _check_voice(self, voice: str) -> str:
        base = voice.partition("+")[0]
        if base.split("-")[0] in _UNUSABLE:
            raise EngineError(
                f"espeak voice {voice!r} is not usable: {_UNUSABLE[base.split('-')[0]]}"
            )
        lib = _lib()
        if not _VOICE_NAME.match(voice):
            raise EngineError(_unknown_voice(voice, lib))
        with lib.lock:
            lib.select(voice)
        return voice

    def voice_languages(self, voice: str) -> tuple[str, ...]:
        """The language tags espeak-ng's data declares for `voice` (`es-419`: es-419, es-mx)."""
        base = voice.partition("+")[0].lower()
        for info in _lib().voices:
            if info.name == base:
                return info.languages
        raise EngineError(_unknown_voice(voice, _lib()))

    def synthesize(self, sentence: str, voice: str, rate: int) -> Synthesis:
        if not _VOICE_NAME.match(voice):
            raise EngineError(_unknown_voice(voice, _lib()))
        factor = PACE_FACTORS.get(voice.split("-")[0].split("+")[0], DEFAULT_PACE_FACTOR)
        wpm = min(_RATE_MAX, max(_RATE_MIN, round(rate / factor)))
        lib = _lib()
        return Synthesis(pcm=lib.speak(sentence, voice, wpm), sample_rate=lib.sample_rate)


def _fallbacks(locale: str) -> list[str]:
    """`zh_Hant_TW` -> [`zh_Hant_TW`, `zh_Hant`, `zh`]: same language, less specific."""
    parts = locale.replace("-", "_").split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


@cache
def _default_voices() -> Mapping[str, str]:
    """Locale -> voice, from the voices actually present in espeak-ng's data."""
    from babel import Locale, UnknownLocaleError

    present = {v.name for v in _lib().voices}
    voices: dict[str, str] = {}
    for voice in sorted(present):
        # A plain language voice (`de`, `vi`, `ht`) speaks that language's locale, provided
        # Babel knows the code (this drops Klingon, Quenya and friends).
        if "-" in voice or voice in _UNUSABLE:
            continue
        try:
            Locale.parse(voice)
        except (ValueError, UnknownLocaleError):
            continue
        voices[voice] = voice
    for locale, voice in _PREFERRED.items():
        if voice in present:
            voices[locale] = voice
    return dict(sorted(voices.items()))
