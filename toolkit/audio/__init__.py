"""Audio versions of the articles: normalization, engines, cache, loudness, MP3, captions.

Library entry points: `generate_audio` (the `toolkit audio` stage), `synthesize_article`
(one article, for the site builder) and `engines_report` (`toolkit engines`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .pipeline import AudioResult, generate_audio, resolve_voice, synthesize_article

__all__ = [
    "AudioResult",
    "Script",
    "normalize_script",
    "EngineInfo",
    "EnginesReport",
    "engines_report",
    "generate_audio",
    "resolve_voice",
    "synthesize_article",
]


@dataclass(frozen=True)
class EngineInfo:
    name: str
    available: bool
    why_not: str
    version: str
    #: locale -> voice (only the requested locale when one was given)
    voices: dict[str, str] = field(default_factory=dict)
    #: when a locale was requested and this engine cannot speak it: why
    cannot: str = ""


@dataclass(frozen=True)
class EnginesReport:
    locale: str | None
    engines: tuple[EngineInfo, ...]

    def lines(self) -> list[str]:
        out = []
        for info in self.engines:
            state = "available" if info.available else f"not available: {info.why_not}"
            version = f" {info.version}" if info.version else ""
            out.append(f"{info.name}{version}: {state}")
            if self.locale is not None:
                if info.cannot:
                    out.append(f"  {self.locale}: cannot speak it ({info.cannot})")
                else:
                    out += [f"  {loc}: {voice}" for loc, voice in info.voices.items()]
            elif info.voices:
                out.append(
                    f"  {len(info.voices)} locales: "
                    + ", ".join(f"{loc} ({voice})" for loc, voice in info.voices.items())
                )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "locale": self.locale,
            "engines": [
                {
                    "name": i.name,
                    "available": i.available,
                    "why_not": i.why_not,
                    "version": i.version,
                    "voices": dict(i.voices),
                    "cannot": i.cannot,
                }
                for i in self.engines
            ],
        }


def engines_report(project: Any, locale: str | None = None) -> EnginesReport:
    """Every registered engine: available here or why not, its version, its locales and
    voices (with the project's configured voices; only `locale`'s when given)."""
    from ..errors import ToolkitError
    from ..locales import normalize_locale
    from .engines.registry import configured_voice, engine_names, get_engine
    from .pipeline import check_voice

    config = project.config.audio
    wanted = normalize_locale(locale) if locale else None
    infos = []
    problems: list[str] = []
    for name in engine_names():
        try:
            engine = get_engine(name, config, project.root)
            ok, why = engine.available()
        except ToolkitError as exc:
            infos.append(EngineInfo(name, False, str(exc), ""))
            continue
        if not ok:
            infos.append(EngineInfo(name, False, why, ""))
            continue
        try:
            version = engine.version()
            voices = dict(engine.default_voices())
            for engine_name, table in config.voices.items():
                if engine_name == name:
                    voices.update({normalize_locale(k): v for k, v in table.items()})
        except ToolkitError as exc:
            infos.append(EngineInfo(name, False, str(exc), ""))
            continue
        for configured_locale, voice in sorted(config.voices.get(name, {}).items()):
            try:
                engine.resolve_voice(normalize_locale(configured_locale), voice)
                problem = check_voice(engine, normalize_locale(configured_locale), voice)
            except ToolkitError as exc:
                problem = str(exc)
            if problem:
                problems.append(
                    f"[tool.toolkit.audio.voices.{name}] {configured_locale}: {problem}"
                )
        cannot = ""
        if wanted is not None:
            try:
                configured = configured_voice(config, name, wanted)
                voices = {wanted: engine.resolve_voice(wanted, configured)}
            except ToolkitError as exc:
                voices, cannot = {}, str(exc)
        infos.append(EngineInfo(name, True, "", version, dict(sorted(voices.items())), cannot))
    if problems:
        raise ToolkitError(
            f"{len(problems)} configured voice(s) cannot be used:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return EnginesReport(wanted, tuple(infos))


@dataclass(frozen=True)
class Script:
    """What a voice will be given: one line per sentence, and what the locale cannot say."""

    locale: str
    sentences: tuple[str, ...]
    warnings: tuple[str, ...]

    def lines(self) -> list[str]:
        return list(self.sentences)

    def as_dict(self) -> dict[str, Any]:
        return {
            "locale": self.locale,
            "sentences": list(self.sentences),
            "warnings": list(self.warnings),
        }


def normalize_script(project: Any, locale: str, text: str) -> Script:
    """`text` split into sentences and normalized exactly as the audio stage does it, with
    the project's lexicon and configured phone numbers (`toolkit normalize`)."""
    from ..locales import normalize_locale
    from .normalize import load_lexicon, normalize_sentences

    code = normalize_locale(locale)
    lexicon = load_lexicon(code, project.paths.lexicon if project is not None else None)
    if project is not None:
        lexicon = lexicon.with_phone_numbers(tuple(project.config.audio.phone_numbers))
    done = normalize_sentences(text, code, lexicon)
    warnings = tuple(dict.fromkeys(w for n in done for w in n.warnings))
    return Script(code, tuple(n.text for n in done), warnings)
