"""One article: plan it, decide whether it is up to date, write its three files and state.

`prepare_article` plans and compares with the remembered inputs; `write_article` writes what
`assemble.render` made (every file complete before it replaces one, the state last), in the
parent, whichever executor made the bytes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..config import AudioConfig
from ..errors import ToolkitError
from ..files import write_atomic
from ..locales import normalize_locale
from ..models import TextBlock
from .assemble import (
    MAX_PAUSE_STRETCH,
    MIN_PARAGRAPH_PAUSE,
    MIN_SENTENCE_PAUSE,
    Rendered,
    render,
)
from .cache import AudioCache
from .encode import MP3_KBPS, PEAK_CEILING_DB, TARGET_LUFS
from .engines.base import Engine
from .normalize import Lexicon, load_lexicon
from .plan import PAUSE_SHARE, Sentence, plan, speech_rate
from .sentence_codec import FORMAT as STORE_FORMAT
from .synthesize import Clip, Progress, synthesize_all
from .voices import resolve_voice

log = logging.getLogger(__name__)

OUTPUTS = ("audio.mp3", "captions.vtt", "chapters.vtt")


@dataclass(frozen=True)
class AudioResult:
    """What `synthesize_article` produced (or found up to date)."""

    files: tuple[Path, ...]
    duration: float  #: seconds, as a decoder plays the MP3
    pace: float  #: spoken words per minute of speaking time (the pauses left out)
    overall_pace: float  #: spoken words per minute over the whole file, pauses included
    words: int
    loudness: float  #: LUFS, integrated
    peak: float  #: dBFS, true-peak estimate
    engine: str
    voice: str
    sentences: int
    synthesized: int  #: sentences the engine spoke this time (the rest came from the cache)
    up_to_date: bool = False  #: nothing was written: inputs and outputs were unchanged
    written: tuple[Path, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["files"] = [str(p) for p in self.files]
        data["written"] = [str(p) for p in self.written]
        return data


def _settings(engine: Engine, config: AudioConfig, locale: str, title: str) -> dict[str, Any]:
    from .. import __version__

    return {
        "toolkit": __version__,
        "engine": engine.name,
        "engine_version": engine.version(),
        "rate": config.rate,
        "sentence_pause_ms": config.sentence_pause_ms,
        "paragraph_pause_ms": config.paragraph_pause_ms,
        # how pauses and pace are made: a change re-encodes every pair
        "pace": [PAUSE_SHARE, MIN_SENTENCE_PAUSE, MIN_PARAGRAPH_PAUSE, MAX_PAUSE_STRETCH],
        "sentence_store": STORE_FORMAT,  # the samples the cache gives back (sentence_codec)
        "publisher": config.publisher,
        "locale": locale,
        "title": title,
        "lufs": TARGET_LUFS,
        "ceiling": PEAK_CEILING_DB,
        "kbps": MP3_KBPS,
    }


@dataclass(frozen=True)
class Prepared:
    """One article planned: its sentences, and whether its outputs are already up to date."""

    blocks: tuple[TextBlock, ...]
    locale: str
    voice: str
    title: str
    label: str
    sentences: tuple[Sentence, ...]
    transcript: str
    inputs: str  #: digest of everything that shapes the outputs
    files: tuple[Path, ...]
    state_path: Path | None
    stored: dict[str, Any] | None  #: the remembered result when up to date, else None
    #: digest of the raw input files and settings (see `_quick_key`), kept in the state
    quick: str = ""


def prepare_article(
    blocks: Sequence[TextBlock],
    locale: str,
    engine: Engine,
    voice: str,
    config: AudioConfig,
    out_dir: Path,
    title: str,
    *,
    project_lexicon: Callable[[str], Path] | None = None,
    state_path: Path | None = None,
    force: bool = False,
    label: str = "",
    quick: str = "",
) -> Prepared:
    """Split, normalize and key every sentence; compare with the remembered inputs."""
    from ..state import digest

    locale = normalize_locale(locale)
    lexicons: dict[str, Lexicon] = {}
    voices: dict[str, str] = {locale: voice}

    def lexicon_for(code: str) -> Lexicon:
        if code not in lexicons:
            lexicon = load_lexicon(code, project_lexicon)
            lexicons[code] = lexicon.with_phone_numbers(tuple(config.phone_numbers))
        return lexicons[code]

    def voice_for(code: str) -> str:
        if code not in voices:
            voices[code] = resolve_voice(engine, code, config)
        return voices[code]

    label = label or str(out_dir)
    sentences = plan(blocks, locale, engine, voice, config, lexicon_for, voice_for)
    if not sentences:
        raise ToolkitError(
            f"{label}: the article has no text to speak: write its text (or leave it out)"
        )
    spoken_blocks = [b.text.strip() for b in blocks if b.kind != "code" and b.text.strip()]
    transcript = "\n\n".join(spoken_blocks)
    rows = [[s.text, s.spoken, s.voice, s.block, s.kind] for s in sentences]
    settings = _settings(engine, config, locale, title)
    inputs = digest(json.dumps([settings, rows, transcript], ensure_ascii=False, sort_keys=True))
    files = tuple(Path(out_dir) / name for name in OUTPUTS)
    stored = None
    if state_path is not None and not force:
        state = read_state(state_path)
        # the files must be the ones recorded: a run killed after it rewrote them is stale
        if state.get("inputs") == inputs and outputs_match(state, files):
            stored = state["result"]
    return Prepared(
        tuple(blocks),
        locale,
        voice,
        title,
        label,
        tuple(sentences),
        transcript,
        inputs,
        files,
        state_path,
        stored,
        quick,
    )


def finish_article(
    prepared: Prepared,
    audio: dict[str, Clip],
    synthesized: int,
    engine_name: str,
    config: AudioConfig,
) -> AudioResult:
    """Assemble, level, encode, tag, caption and write one article."""
    return write_article(
        prepared, render_prepared(prepared, audio, config), synthesized, engine_name
    )


def render_prepared(prepared: Prepared, audio: dict[str, Clip], config: AudioConfig) -> Rendered:
    """The three files of a planned article, from its clips (nothing written)."""
    return render(
        prepared.blocks,
        prepared.sentences,
        audio,
        config,
        title=prepared.title,
        locale=prepared.locale,
        transcript=prepared.transcript,
    )


def write_article(
    prepared: Prepared, rendered: Rendered, synthesized: int, engine_name: str
) -> AudioResult:
    """Write the three files (each complete before it replaces one: an error leaves the old
    set), then the state that records them."""
    result = {
        **rendered.figures,
        "engine": engine_name,
        "voice": prepared.voice,
        "sentences": len(prepared.sentences),
        "synthesized": synthesized,
    }
    for path, data in zip(prepared.files, rendered.contents, strict=True):
        write_atomic(path, data)
    if prepared.state_path is not None:
        write_state(prepared, {**result, "synthesized": 0})
    log.info(
        "%s: %.1f s, %.0f wpm, %.1f LUFS",
        prepared.label,
        result["duration"],
        result["overall_pace"],
        result["loudness"],
    )
    return AudioResult(files=prepared.files, written=prepared.files, **result)


def write_state(prepared: Prepared, result: dict[str, Any]) -> None:
    """Remember a pair's inputs, its result and its files as they are now."""
    assert prepared.state_path is not None
    state = {
        "inputs": prepared.inputs,
        "quick": prepared.quick,
        "result": result,
        "outputs": record_outputs(prepared.files),
    }
    data = json.dumps(state, indent=1, sort_keys=True).encode() + b"\n"
    write_atomic(prepared.state_path, data)


def up_to_date(prepared: Prepared) -> AudioResult:
    assert prepared.stored is not None
    return AudioResult(files=prepared.files, up_to_date=True, **prepared.stored)


def synthesize_article(
    blocks: Sequence[TextBlock],
    locale: str,
    engine: Engine,
    voice: str,
    config: AudioConfig,
    out_dir: Path,
    title: str,
    *,
    cache_dir: Path,
    project_lexicon: Callable[[str], Path] | None = None,
    state_path: Path | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    force: bool = False,
    label: str = "",
) -> AudioResult:
    """Speak `blocks` with `engine`/`voice`; write audio.mp3, captions.vtt, chapters.vtt.

    `project_lexicon` is `ProjectPaths.lexicon` (the coordinator's lexicon files);
    `state_path` remembers this pair's inputs so that an unchanged pair is not re-encoded.
    Nothing is written when anything fails: every file is complete before it replaces one.
    """
    prepared = prepare_article(
        blocks,
        locale,
        engine,
        voice,
        config,
        out_dir,
        title,
        project_lexicon=project_lexicon,
        state_path=state_path,
        force=force,
        label=label,
    )
    if prepared.stored is not None:
        return up_to_date(prepared)
    audio, synthesized = synthesize_all(
        prepared.sentences,
        engine,
        speech_rate(config.rate),
        AudioCache(cache_dir),
        workers=workers,
        progress=progress,
        label=prepared.label,
    )
    return finish_article(prepared, audio, synthesized, engine.name, config)


def outputs_match(state: dict[str, Any], files: Sequence[Path]) -> bool:
    from .. import outputs

    return outputs.matches(state.get("outputs"), {Path(f).name: Path(f) for f in files})


def record_outputs(files: Sequence[Path]) -> dict[str, Any]:
    from .. import outputs

    return outputs.record({Path(f).name: Path(f) for f in files})


def read_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("result"), dict) else {}
