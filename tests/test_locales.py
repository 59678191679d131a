"""Locale codes: validated by Babel, kept as the user wrote them, never a path."""

from __future__ import annotations

import pytest

from toolkit.errors import ConfigError
from toolkit.locales import bcp47, display_name, is_rtl, normalize_locale


@pytest.mark.parametrize(
    ("code", "gettext_form", "html_form"),
    [
        ("es", "es", "es"),
        ("ES", "es", "es"),
        ("pt-BR", "pt_BR", "pt-BR"),
        ("es_es", "es_ES", "es-ES"),
        ("zh_Hans", "zh_Hans", "zh-Hans"),
        ("zh-hans", "zh_Hans", "zh-Hans"),
        # Tagalog is known to CLDR only as an alias of Filipino: keep the user's code
        ("tl", "tl", "tl"),
    ],
)
def test_codes_are_normalized_not_replaced(code: str, gettext_form: str, html_form: str) -> None:
    assert normalize_locale(code) == gettext_form
    assert bcp47(code) == html_form


@pytest.mark.parametrize("code", ["xx", "../es", "es/../../etc", "", "e", "es_", "klingon"])
def test_unknown_or_unsafe_codes_are_refused(code: str) -> None:
    with pytest.raises(ConfigError, match="unknown locale code"):
        normalize_locale(code)


def test_direction_and_names_in_their_own_language() -> None:
    assert is_rtl("ar") and is_rtl("fa") and not is_rtl("vi") and not is_rtl("zh_Hans")
    assert display_name("es") == "español"
    assert display_name("ar") == "العربية"
    assert display_name("vi") == "Tiếng Việt"
