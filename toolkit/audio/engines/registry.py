"""Find speech engines by name: the built-ins plus the `toolkit.audio_engines` entry points.

A plugin registers a class (or any callable) taking `(config: AudioConfig, root: Path)` and
returning an object that satisfies `toolkit.audio.engines.base.Engine`:

    [project.entry-points."toolkit.audio_engines"]
    mytts = "mypackage.tts:MyEngine"

Built-in names win over plugins of the same name.

Worker processes: every engine object holds only plain data (its name, the AudioConfig and the
project root); libraries, models and HTTP sessions live in per-process caches, created on first
use. So an engine can be pickled into a `ProcessPoolExecutor` task, or each worker can call
`get_engine(name, config, root)` itself: both give the same engine. For gtts, prefer a single
worker: the throttle is per process and parallel requests only earn 429s sooner.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module, metadata
from pathlib import Path

from ...config import AudioConfig
from ...errors import EngineError
from .base import Engine

ENTRY_POINT_GROUP = "toolkit.audio_engines"

_BUILTINS: dict[str, str] = {
    "espeak": "toolkit.audio.engines.espeak:EspeakEngine",
    "gtts": "toolkit.audio.engines.gtts:GttsEngine",
    "piper": "toolkit.audio.engines.piper:PiperEngine",
}

Factory = Callable[[AudioConfig, Path], Engine]


def _plugins() -> dict[str, metadata.EntryPoint]:
    found = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    return {name: ep for name, ep in sorted(found.items()) if name not in _BUILTINS}


def engine_names() -> list[str]:
    """Built-in engines first (espeak, gtts, piper), then plugins in name order."""
    return [*_BUILTINS, *_plugins()]


def _factory(name: str) -> Factory:
    if name in _BUILTINS:
        module, _, attribute = _BUILTINS[name].partition(":")
        return getattr(import_module(module), attribute)
    plugin = _plugins().get(name)
    if plugin is None:
        raise EngineError(f"unknown engine {name!r}: known engines are {', '.join(engine_names())}")
    try:
        return plugin.load()
    except Exception as exc:  # a broken plugin is the user's environment, not our bug
        raise EngineError(
            f"engine {name!r} (entry point {plugin.value}) cannot be loaded: {exc}"
        ) from exc


def get_engine(name: str, config: AudioConfig, root: Path) -> Engine:
    """The engine called `name`, built for this project. Unknown name: EngineError."""
    engine = _factory(name)(config, Path(root))
    if not isinstance(engine, Engine):
        raise EngineError(
            f"engine {name!r} does not implement the engine interface "
            "(name, available, version, default_voices, resolve_voice, synthesize)"
        )
    return engine


def configured_voice(config: AudioConfig, engine: str, locale: str) -> str | None:
    """The voice `[tool.toolkit.audio.voices.<engine>]` sets for `locale`, if any.

    Keys may be written `pt_BR` or `pt-BR`.
    """
    table = config.voices.get(engine, {})
    wanted = locale.replace("-", "_").lower()
    for key, voice in table.items():
        if key.replace("-", "_").lower() == wanted:
            return voice
    return None


def engines_for_locale(locale: str, config: AudioConfig, root: Path) -> list[tuple[str, str]]:
    """(engine, voice) for every available engine that can speak `locale`, in registry order.

    For the message "no engine can speak this locale; these could: …" and `toolkit engines`.
    """
    found = []
    for name in engine_names():
        try:
            engine = get_engine(name, config, root)
            ok, _ = engine.available()
            if not ok:
                continue
            configured = configured_voice(config, name, locale)
            found.append((name, engine.resolve_voice(locale, configured)))
        except EngineError:
            continue
    return found
