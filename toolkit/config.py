"""Project configuration: `[tool.toolkit]` in the project's pyproject.toml, over defaults.

A folder holding only `source_articles/` is a complete project. Every problem in the
configuration is reported at once, each naming its key.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class ReadabilityConfig:
    """`[tool.toolkit.readability]`."""

    #: per locale (or language) overrides: {"es": {"formula": "szigriszt_pazos", "target": 65}}
    targets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: a sentence longer than this many words gets a warning for its translator
    max_sentence_words: int = 20
    #: a sentence where more than this share of words is "hard" gets a warning
    hard_word_share: float = 0.3


@dataclass(frozen=True)
class CoachingConfig:
    """`[tool.toolkit.coaching]`: plain-language coaching for authors (toolkit/coaching.py)."""

    #: per language, medical term -> plain words, added to the shipped list:
    #: {"en": {"myocardial infarction": "heart attack"}}
    plain_words: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ChecksConfig:
    """`[tool.toolkit.checks]`."""

    #: folder of per-locale glossaries (`<locale>.csv`), relative to the project
    glossary_dir: str = "glossary"
    #: translation / source length ratios outside [min, max] get a warning
    length_ratio_min: float = 0.4
    length_ratio_max: float = 2.5
    #: severity of a glossary term whose CSV row gives none: "warning" or "required" (an
    #: error that keeps the pair unpublished)
    glossary_severity: str = "warning"
    #: folder of per-locale meaning-check vocabularies (`<locale>.toml`) that extend the
    #: shipped ones, relative to the project
    qa_dir: str = "qa"


@dataclass(frozen=True)
class AudioConfig:
    """`[tool.toolkit.audio]`."""

    engine: str = "espeak"
    #: words per minute, measured on the result
    rate: int = 140
    #: per engine, per locale: {"espeak": {"es": "es-419"}}
    voices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    publisher: str = "toolkit sample project"
    sentence_pause_ms: int = 350
    paragraph_pause_ms: int = 800
    #: folder of per-locale pronunciation lexicons (`<locale>.toml`), relative to the project
    lexicon_dir: str = "lexicon"
    #: Piper voice model (.onnx) path, relative to the project; or a PyPI voice package name
    piper_model: str = ""
    #: seconds; gTTS requests never wait forever
    gtts_timeout: float = 15.0
    gtts_retries: int = 4
    #: numbers always read digit by digit besides the lexicon's (local crisis lines, codes)
    phone_numbers: tuple[str, ...] = ()
    #: per locale: the engine that speaks it ({"en": "piper"}); others use `engine`
    engines: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CatalogsConfig:
    """`[tool.toolkit.catalogs]`: catalog headers and the translation memory."""

    #: `Project-Id-Version` of templates and catalogs (gettext: "NAME VERSION"); `{slug}`: article
    project_id_version: str = "{slug} 1"
    #: `Report-Msgid-Bugs-To`: where translators report a problem in the source text
    report_msgid_bugs_to: str = "EMAIL@ADDRESS"
    #: `Language-Team` of new catalogs (`{locale}`, `{language}`); a translator's own is kept
    language_team: str = "{locale} <LL@li.org>"
    #: `Last-Translator` of new catalogs; a translator's own is kept
    last_translator: str = "FULL NAME <EMAIL@ADDRESS>"
    #: suggest translations for new entries from the locale's other catalogs (as fuzzy)
    memory: bool = True
    #: lowest similarity (0.5 to 1) of a memory match that is not exact
    memory_threshold: float = 0.8


@dataclass(frozen=True)
class ArticlesConfig:
    """`[tool.toolkit.articles]`."""

    #: front matter keys whose values are translated (strings, and the strings inside lists
    #: and tables of those keys, each entry named by its key path)
    translate_keys: tuple[str, ...] = ("title", "summary")


@dataclass(frozen=True)
class SiteConfig:
    """`[tool.toolkit.site]`."""

    #: the order of the languages on the root page (locale codes); the rest follow, by code
    languages: tuple[str, ...] = ()
    #: short crisis and emergency numbers made `tel:` links wherever they stand alone
    crisis_lines: tuple[str, ...] = ("911", "988")


@dataclass(frozen=True)
class IntegrityConfig:
    """`[tool.toolkit.integrity]`: what a project may point at outside itself (nothing, by
    default: a symlink in the sources once put /etc/passwd into a template and a bundle)."""

    #: follow symlinks in the source folder whose target is inside the project (else refused)
    follow_symlinks: bool = False
    #: let `build_dir` lie outside the project (also `--allow-outside`)
    allow_outside: bool = False


@dataclass(frozen=True)
class CacheConfig:
    """`[tool.toolkit.cache]`: how much disk the caches under build/.cache may use."""

    #: the audio cache's size limit in MB (least recently used sentences go first); 0: none
    audio_max_mb: int = 2048
    #: the shared task cache (docs/cluster.md): a folder (relative to the project), or an
    #: fsspec URL such as s3://BUCKET/PATH or gs://BUCKET/PATH; empty: none
    tasks_url: str = ""
    #: where the audio cache's sentences live: "" (build/.cache/audio), a folder or
    #: "file:///…", or an fsspec URL ("s3://bucket/audio", "memory://…") shared by machines
    audio_url: str = ""


@dataclass(frozen=True)
class PagesConfig:
    """`[tool.toolkit.pages]`: how index pages stay small as the library grows."""

    #: articles per page of a language's index; more go on page-2.html, page-3.html…
    per_page: int = 200


@dataclass(frozen=True)
class Config:
    """The whole configuration of one project."""

    root: Path
    source_dir: str = "source_articles"
    locales_dir: str = "locales"
    build_dir: str = "build"
    source_locale: str = "en"
    #: empty means: every folder under locales/ besides templates/
    locales: tuple[str, ...] = ()
    wrap_width: int = 79
    #: percent of entries that must be translated for a pair to be published
    min_translated: float = 100.0
    readability: ReadabilityConfig = field(default_factory=ReadabilityConfig)
    checks: ChecksConfig = field(default_factory=ChecksConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    catalogs: CatalogsConfig = field(default_factory=CatalogsConfig)
    articles: ArticlesConfig = field(default_factory=ArticlesConfig)
    integrity: IntegrityConfig = field(default_factory=IntegrityConfig)
    coaching: CoachingConfig = field(default_factory=CoachingConfig)
    site: SiteConfig = field(default_factory=SiteConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    pages: PagesConfig = field(default_factory=PagesConfig)
    #: where the tasks run: "local" (processes on every core), "inprocess", "dask" (a local
    #: Dask cluster) or a Dask scheduler's address, "tcp://HOST:8786" (docs/cluster.md)
    executor: str = "local"


_SECTIONS = {
    "readability": ReadabilityConfig,
    "checks": ChecksConfig,
    "audio": AudioConfig,
    "catalogs": CatalogsConfig,
    "articles": ArticlesConfig,
    "integrity": IntegrityConfig,
    "coaching": CoachingConfig,
    "site": SiteConfig,
    "cache": CacheConfig,
    "pages": PagesConfig,
}


def load_config(root: Path, **overrides: Any) -> Config:
    """Read `[tool.toolkit]` of `root/pyproject.toml` (if any) and apply `overrides`.

    `overrides` use the same keys as the table (`None` values are ignored), so flags
    override the file.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"project folder {root} does not exist: pass an existing --project DIR")
    table = _read_table(root / "pyproject.toml")
    for key, value in overrides.items():
        if value is None:
            continue
        if key in _SECTIONS and isinstance(value, Mapping) and isinstance(table.get(key), Mapping):
            value = {**table[key], **value}  # a flag overrides one key of a section
        table[key] = value
    problems: list[str] = []
    values: dict[str, Any] = _convert(Config, table, "tool.toolkit", problems, skip={"root"})
    for name, section_cls in _SECTIONS.items():
        section = table.get(name, {})
        if not isinstance(section, Mapping):
            problems.append(f"tool.toolkit.{name}: expected a table, got {section!r}")
            section = {}
        values[name] = section_cls(
            **_convert(section_cls, dict(section), f"tool.toolkit.{name}", problems)
        )
    problems += _check_values(values)
    problems += _check_build_dir(root, values)
    if problems:
        where = root / "pyproject.toml"
        raise ConfigError(
            f"{len(problems)} problem(s) in {where}:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return Config(root=root, **values)


_RANGES = {
    ("", "wrap_width"): (20, 400),
    ("", "min_translated"): (0, 100),
    ("audio", "rate"): (60, 300),
    ("audio", "sentence_pause_ms"): (0, 5000),
    ("audio", "paragraph_pause_ms"): (0, 10000),
    ("readability", "max_sentence_words"): (3, 200),
    ("cache", "audio_max_mb"): (0, 10_000_000),
    ("pages", "per_page"): (10, 100_000),
    ("readability", "hard_word_share"): (0, 1),
    ("catalogs", "memory_threshold"): (0.5, 1),
}


def _check_values(values: dict[str, Any]) -> list[str]:
    """Problems with values of the right type but outside what makes sense."""
    from .locales import normalize_locale

    problems = []
    for (section, key), (low, high) in _RANGES.items():
        holder = values.get(section) if section else values
        value = getattr(holder, key, None) if section else values.get(key)
        if value is not None and not low <= value <= high:
            name = f"tool.toolkit.{section + '.' if section else ''}{key}"
            problems.append(f"{name}: {value} is outside {low} to {high}")
    audio, readability = values.get("audio"), values.get("readability")
    for engine, table in (audio.voices if audio else {}).items():
        for code in table:
            try:
                normalize_locale(code)
            except ConfigError as exc:
                problems.append(f"tool.toolkit.audio.voices.{engine}.{code}: {exc}")
    for key, target in (readability.targets if readability else {}).items():
        where = f"tool.toolkit.readability.targets.{key}"
        unknown = sorted(set(target) - {"formula", "target"})
        if unknown:
            problems.append(
                f"{where}: unknown key(s) {', '.join(unknown)} (known: formula, target)"
            )
        if "formula" in target and not isinstance(target["formula"], str):
            problems.append(f"{where}.formula: expected a string, got {target['formula']!r}")
        number = target.get("target", 0)
        if isinstance(number, bool) or not isinstance(number, int | float):
            problems.append(f"{where}.target: expected a number, got {number!r}")
    severity = getattr(values.get("checks"), "glossary_severity", "warning")
    if severity not in ("warning", "required"):
        problems.append(
            f"tool.toolkit.checks.glossary_severity: {severity!r} is not 'warning' or 'required'"
        )
    for key in ("locales", "source_locale"):
        codes = values.get(key, ())
        for code in [codes] if isinstance(codes, str) else codes:
            try:
                normalize_locale(code)
            except ConfigError as exc:
                problems.append(f"tool.toolkit.{key}: {exc}")
    if isinstance(values.get("executor"), str):
        from .tasks import executor_problem

        problem = executor_problem(values["executor"])
        if problem is not None:
            problems.append(f"tool.toolkit.executor: {problem}")
    if "catalogs" in values:
        from .catalog_headers import header_problems

        problems += header_problems(values["catalogs"])
    return problems


def _check_build_dir(root: Path, values: dict[str, Any]) -> list[str]:
    """`build_dir` must be a folder inside the project (not the project itself), symlinks
    resolved, unless `integrity.allow_outside`: a build writes and deletes there."""
    name = values.get("build_dir", "build")
    target = (root / name).resolve()
    if target == root or target in root.parents:
        return [
            f"tool.toolkit.build_dir: {name!r} is the project folder or holds it; "
            "use a folder inside the project such as 'build'"
        ]
    if values["integrity"].allow_outside or target.is_relative_to(root):
        return []
    return [
        f"tool.toolkit.build_dir: {name!r} is outside the project ({target}); use a folder "
        "inside it, or opt in with `--allow-outside` or integrity.allow_outside = true"
    ]


def _read_table(pyproject: Path) -> dict[str, Any]:
    if not pyproject.exists():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: not valid TOML ({exc}): fix the file") from exc
    tool = data.get("tool", {})
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{pyproject}: tool: expected a table, got {tool!r}")
    table = tool.get("toolkit", {})
    if not isinstance(table, Mapping):
        raise ConfigError(
            f"{pyproject}: tool.toolkit: expected a table ([tool.toolkit]), got {table!r}"
        )
    return dict(table)


#: a value that failed its check (None is not a TOML value, but be explicit)
_BAD = object()


def _convert(
    cls: type, table: dict[str, Any], prefix: str, problems: list[str], skip: set[str] = frozenset()
) -> dict[str, Any]:
    """Check `table` against the fields of dataclass `cls` and their type hints, nested
    tables included; collect every problem, return the values that passed."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in _SECTIONS and cls is Config:
            continue
        if key not in fields:
            problems.append(f"{prefix}.{key}: unknown key (known: {', '.join(sorted(fields))})")
            continue
        converted = _check(value, hints[key], f"{prefix}.{key}", problems)
        if converted is not _BAD:
            values[key] = converted
    return values


def _check(value: Any, hint: Any, name: str, problems: list[str]) -> Any:
    """`value` converted to `hint` (bool, int, float, str, tuple[str, ...], Mapping[str, X],
    Any), or `_BAD` with the problems (every one, at every depth) appended."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):  # X | None: TOML has no null, so X
        options = [a for a in args if a is not type(None)]
        for option in options:
            tried: list[str] = []
            converted = _check(value, option, name, tried)
            if converted is not _BAD:
                return converted
        _check(value, options[0], name, problems)
        return _BAD
    if origin is Mapping:
        if not isinstance(value, Mapping):
            problems.append(f"{name}: expected a table, got {value!r}")
            return _BAD
        # the items that pass, so later checks still see them: the load fails anyway
        out = {}
        for key, item in value.items():
            converted = _check(item, args[1], f"{name}.{key}", problems)
            if converted is not _BAD:
                out[key] = converted
        return out
    if origin in (tuple, list):
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return origin(value)
        problems.append(f"{name}: expected a list of strings, got {value!r}")
        return _BAD
    expected = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif hint is str:
        ok = isinstance(value, str)
    else:  # a type this schema does not describe yet: a bug, not bad input
        raise TypeError(f"{name}: no check for {hint!r}")
    if not ok:
        problems.append(f"{name}: expected {expected[hint]}, got {value!r}")
        return _BAD
    return value
