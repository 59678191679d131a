"""Locale identifiers: validated through Babel, in gettext form (`pt_BR`) and BCP 47 (`pt-BR`)."""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import ConfigError

_SAFE = re.compile(r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})*$")
_RTL_LANGUAGES = {"ar", "fa", "he", "iw", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr"}


@lru_cache(maxsize=256)
def normalize_locale(code: str) -> str:
    """Return the gettext form of `code` (`es`, `pt_BR`, `zh_Hans`), or raise ConfigError.

    Accepts `pt-BR` and `pt_BR`; rejects anything Babel does not know, and anything that
    could be a path.
    """
    from babel import Locale, UnknownLocaleError

    candidate = code.replace("-", "_")
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
    """`zh_Hans` -> `zh-Hans`: the form HTML's `lang` attribute wants."""
    return normalize_locale(code).replace("_", "-")


def language(code: str) -> str:
    """`pt_BR` -> `pt`."""
    return normalize_locale(code).split("_")[0]


def is_rtl(code: str) -> bool:
    """True for locales written right to left (Arabic, Persian, Hebrew, Urdu…)."""
    from babel import Locale

    if language(code) in _RTL_LANGUAGES:
        return True
    return Locale.parse(normalize_locale(code)).character_order == "right-to-left"


def display_name(code: str) -> str:
    """The locale's name in its own language (`es` -> `español`)."""
    from babel import Locale

    locale = Locale.parse(normalize_locale(code))
    return locale.get_display_name(locale) or code
