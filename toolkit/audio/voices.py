"""Voices and engines: which engine speaks a locale, with which voice, checked before any work."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import AudioConfig
from ..errors import EngineError
from ..locales import normalize_locale
from .engines.base import Engine


def resolve_voice(
    engine: Engine, locale: str, config: AudioConfig, root: Path | None = None
) -> str:
    """The configured (or default) voice of `engine` for `locale`.

    When the engine cannot speak the locale, the error names the engines that could: never
    another language's voice.
    """
    from .engines.registry import configured_voice, engines_for_locale

    try:
        return engine.resolve_voice(locale, configured_voice(config, engine.name, locale))
    except EngineError as exc:
        if configured_voice(config, engine.name, locale):
            raise  # a configured voice that does not exist: the engine's message says which
        others = [
            f"{name} ({voice})"
            for name, voice in engines_for_locale(locale, config, root or Path("."))
            if name != engine.name
        ]
        could = (
            f"engines that can: {', '.join(others)} (use --engine)"
            if others
            else "no available engine can speak it"
        )
        raise EngineError(f"{exc}; {could}") from None


#: language codes that name the same language as another code (espeak's cmn and yue are
#: Chinese; gTTS keeps the old iw, jw, tl)
_SAME_LANGUAGE = {"cmn": "zh", "yue": "zh", "iw": "he", "jw": "jv", "tl": "fil", "no": "nb"}


def _language(tag: str) -> str:
    # gettext's modifier too: sr@latin is Serbian
    first = tag.replace("_", "-").replace("@", "-").split("-")[0].lower()
    return _SAME_LANGUAGE.get(first, first)


def engine_for(config: AudioConfig, locale: str, override: str | None = None) -> str:
    """The engine that speaks `locale`: --engine, else `[tool.toolkit.audio.engines]`'s
    entry for the locale (or its language), else `engine`."""
    if override:
        return override
    wanted = normalize_locale(locale)
    for key, name in config.engines.items():
        if normalize_locale(key) == wanted:
            return name
    for key, name in config.engines.items():
        if normalize_locale(key) == wanted.split("_")[0]:
            return name
    return config.engine


def check_voice(engine: Engine, locale: str, voice: str) -> str | None:
    """Why `voice` of `engine` must not speak `locale` (None when it may): a voice declares
    its languages (espeak's voice list, Piper's model config, gTTS's language codes)."""
    languages = getattr(engine, "voice_languages", None)
    if languages is None:
        return None  # a plugin that does not say: its resolve_voice is all we have
    try:
        tags = tuple(languages(voice))
    except EngineError as exc:
        return str(exc)
    wanted = _language(locale)
    if any(_language(tag) == wanted for tag in tags):
        return None
    return (
        f"{engine.name} voice {voice!r} speaks {', '.join(tags) or 'an unknown language'}, "
        f"not {locale}: set a {locale} voice in [tool.toolkit.audio.voices.{engine.name}] "
        f"(`toolkit engines --locale {locale}` lists them)"
    )


def check_voices(
    project: Any, locales: Sequence[str], engine: str | None = None
) -> dict[str, tuple[Engine, str]]:
    """(engine, voice) for every locale, all checked before any work: an unknown or
    unavailable engine, a voice that does not exist and a voice of another language are
    one EngineError listing every problem."""
    from .engines.registry import get_engine

    config: AudioConfig = project.config.audio
    engines: dict[str, Engine] = {}
    chosen: dict[str, tuple[Engine, str]] = {}
    problems: list[str] = []
    broken: set[str] = set()
    for locale in locales:
        name = engine_for(config, locale, engine)
        if name in broken:
            continue
        try:
            if name not in engines:
                speaker = get_engine(name, config, project.root)
                ok, why = speaker.available()
                if not ok:
                    raise EngineError(f"engine {name!r} is not available: {why}")
                engines[name] = speaker
        except EngineError as exc:
            broken.add(name)
            problems.append(str(exc))  # the engine's, not one locale's
            continue
        speaker = engines[name]
        try:
            voice = resolve_voice(speaker, locale, config, project.root)
        except EngineError as exc:
            problems.append(f"{locale}: {exc}; nothing was synthesized")
            continue
        problem = check_voice(speaker, locale, voice)
        if problem:
            problems.append(f"{locale}: {problem}; nothing was synthesized")
        else:
            chosen[locale] = (speaker, voice)
    if problems:
        unique = [p.removesuffix("; nothing was synthesized") for p in problems]
        if len(problems) == 1:
            raise EngineError(problems[0])
        raise EngineError(
            f"{len(unique)} engine and voice problems, nothing was synthesized:\n"
            + "\n".join(f"  - {p}" for p in unique)
        )
    return chosen
