"""Speech engines: one interface (`base`), the built-ins, and the registry that finds them."""

from .base import Engine, Synthesis
from .registry import configured_voice, engine_names, engines_for_locale, get_engine

__all__ = [
    "Engine",
    "Synthesis",
    "configured_voice",
    "engine_names",
    "engines_for_locale",
    "get_engine",
]
