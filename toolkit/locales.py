"""Locale identifiers: validated through Babel, in gettext form (`pt_BR`, `sr@latin`) and
BCP 47 (`pt-BR`, `sr-Latn`); and the locale folders of a project, discovered the gettext way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from babel import Locale

_SAFE = re.compile(r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})*(@[A-Za-z]{2,8})?$")
#: gettext's script modifiers (`sr@latin`) and the ISO 15924 script each one means
_SCRIPT_MODIFIERS = {
    "latin": "Latn",
    "cyrillic": "Cyrl",
    "arabic": "Arab",
    "devanagari": "Deva",
    "hebrew": "Hebr",
}
_RTL_LANGUAGES = {"ar", "fa", "he", "iw", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr"}


@lru_cache(maxsize=256)
def normalize_locale(code: str) -> str:
    """Return the gettext form of `code` (`es`, `pt_BR`, `zh_Hans`), or raise ConfigError.

    Accepts `pt-BR` and `pt_BR`, and gettext's modifiers (`sr@latin`); rejects anything
    Babel does not know, and anything that could be a path.
    """
    from babel import Locale, UnknownLocaleError

    candidate = code.replace("-", "_")
    if "@" in candidate and _SAFE.match(candidate):
        base, modifier = candidate.split("@")
        code = f"{normalize_locale(base)}@{modifier.lower()}"
        try:  # catalogs are made through Babel: a code it cannot parse cannot have one
            Locale.parse(code, resolve_likely_subtags=False)
        except (ValueError, UnknownLocaleError):
            raise ConfigError(
                f"unknown locale code {code!r}: Babel knows a modifier only on a bare "
                "language, such as sr@latin"
            ) from None
        return code
    if not _SAFE.match(candidate):
        raise ConfigError(f"unknown locale code {code!r}: use a code like es, pt_BR, zh_Hans or ar")
    try:
        return str(Locale.parse(candidate, resolve_likely_subtags=False))
    except (ValueError, UnknownLocaleError):
        pass
    try:
        # known to CLDR only through an alias (tl -> fil_PH): keep the code the user wrote,
        # so their folders and `lang` attributes say what they asked for
        Locale.parse(candidate)
    except (ValueError, UnknownLocaleError):
        raise ConfigError(
            f"unknown locale code {code!r}: use a code like es, pt_BR, zh_Hans or ar"
        ) from None
    language, *rest = candidate.split("_")
    return "_".join([language.lower(), *(p.title() if len(p) == 4 else p.upper() for p in rest)])


def bcp47(code: str) -> str:
    """`zh_Hans` -> `zh-Hans`, `sr@latin` -> `sr-Latn`: the form HTML's `lang` wants."""
    base, _, modifier = normalize_locale(code).partition("@")
    parts = base.split("_")
    if modifier in _SCRIPT_MODIFIERS:
        parts.insert(1, _SCRIPT_MODIFIERS[modifier])
    elif modifier:
        parts.append(modifier)
    return "-".join(parts)


def language(code: str) -> str:
    """`pt_BR` -> `pt`, `sr@latin` -> `sr`."""
    return normalize_locale(code).partition("@")[0].split("_")[0]


def cldr_locale(code: str) -> Locale:
    """Babel's Locale for `code`'s data (names, plural rules, direction); `sr@latin` is read
    as CLDR's `sr_Latn`, since Babel keeps a modifier but not the script it means."""
    from babel import Locale

    base, _, modifier = normalize_locale(code).partition("@")
    script = _SCRIPT_MODIFIERS.get(modifier)
    if script:
        language_code, *rest = base.split("_")
        scripted = "_".join([language_code, script, *rest])
        try:
            return Locale.parse(scripted, resolve_likely_subtags=False)
        except (ValueError, LookupError):
            pass
    return Locale.parse(base if modifier else normalize_locale(code))


def is_rtl(code: str) -> bool:
    """True for locales written right to left (Arabic, Persian, Hebrew, Urdu…)."""
    if language(code) in _RTL_LANGUAGES:
        return True
    return cldr_locale(code).character_order == "right-to-left"


def display_name(code: str) -> str:
    """The locale's name in its own language (`es` -> `español`)."""
    locale = cldr_locale(code)
    return locale.get_display_name(locale) or code


# --- locale folders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LocaleFolders:
    """What `locales/` holds: the project's locales, and what a coordinator should hear."""

    locales: list[str]
    #: folders that are locales but not in the configured list (e.g. added by Weblate)
    unlisted: list[str] = field(default_factory=list)

    def notes(self, locales_dir: str) -> list[str]:
        return [
            f"{locales_dir}/{code}/ is not in tool.toolkit.locales: it is included like the "
            f"others; add {code!r} to the list to make that explicit"
            for code in self.unlisted
        ]


def discover_locales(locales_dir: Path, configured: tuple[str, ...], shown: str) -> LocaleFolders:
    """The project's locales: the configured ones and every locale folder in `locales_dir`.

    A folder counts however it got there (`toolkit init`, Weblate's "start new translation",
    a translator's copy), so its catalogs are updated and reported like the others; it is
    published only under the same rules. A folder spelled otherwise than gettext spells the
    locale (`es-MX`, `pt_br`, `zh-hans`) is refused with the name to give it: gettext, Weblate
    and toolkit would otherwise each look for the catalogs in a different folder, and a new,
    empty `es_MX` would be created beside the translator's `es-MX`. `shown` is
    `locales_dir` as messages name it.
    """
    found: dict[str, str] = {}
    if locales_dir.is_dir():
        for child in sorted(locales_dir.iterdir()):
            if not child.is_dir() or child.name == "templates" or child.name.startswith("."):
                continue
            try:
                code = normalize_locale(child.name)
            except ConfigError as exc:
                raise ConfigError(
                    f"{shown}/{child.name}/: not a locale folder ({exc}); rename or remove it"
                ) from None
            if code != child.name:
                raise ConfigError(
                    f"{shown}/{child.name}/: locale folders use gettext's spelling: rename it "
                    f"to {shown}/{code}/ (its catalogs are kept as they are); toolkit will "
                    f"not create an empty {code} beside it"
                )
            found[code] = child.name
    listed = {normalize_locale(code) for code in configured}
    unlisted = sorted(set(found) - listed) if configured else []
    return LocaleFolders(sorted(listed | set(found)), unlisted)
