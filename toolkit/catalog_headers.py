"""Catalog header fields from `[tool.toolkit.catalogs]`, and who owns which field.

The coordinator owns `Project-Id-Version` and `Report-Msgid-Bugs-To`: they come from the
configuration into every template and catalog, on every update. The translator owns
`Last-Translator` and `Language-Team`: the configuration only seeds them in a new catalog,
and `update` keeps whatever the translator (or Poedit, or Weblate) wrote there.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import CatalogsConfig

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

#: the placeholder gettext's templates carry where a catalog names its locale
TEMPLATE_LOCALE = "LANGUAGE"

_PLACEHOLDERS = {
    "project_id_version": {"slug"},
    "report_msgid_bugs_to": {"slug"},
    "language_team": {"locale", "language"},
    "last_translator": set(),
}


@dataclass(frozen=True)
class HeaderFields:
    """The configurable fields of one catalog's header, placeholders filled in."""

    project: str  #: `Project-Id-Version` is "<project> <version>", as gettext writes it
    version: str
    report_msgid_bugs_to: str
    language_team: str
    last_translator: str

    @property
    def project_id_version(self) -> str:
        return f"{self.project} {self.version}"


def header_fields(config: CatalogsConfig, slug: str, locale: str | None = None) -> HeaderFields:
    """The header of `slug`'s template (`locale` None) or of its new catalog for `locale`."""
    if locale is None:
        names = {"locale": TEMPLATE_LOCALE, "language": TEMPLATE_LOCALE}
    else:
        names = {"locale": locale, "language": _english_name(locale)}
    project, version = config.project_id_version.format(slug=slug).rsplit(" ", 1)
    return HeaderFields(
        project=project,
        version=version,
        report_msgid_bugs_to=config.report_msgid_bugs_to.format(slug=slug),
        language_team=config.language_team.format(**names),
        last_translator=config.last_translator,
    )


def apply_coordinator_fields(catalog: Catalog, fields: HeaderFields) -> Catalog:
    """Set the fields the coordinator owns (on a template, or on a catalog being updated)."""
    catalog.project = fields.project
    catalog.version = fields.version
    catalog.msgid_bugs_address = fields.report_msgid_bugs_to
    return catalog


def apply_new_catalog_fields(catalog: Catalog, fields: HeaderFields) -> Catalog:
    """Every configurable field: for a template or a catalog written for the first time."""
    apply_coordinator_fields(catalog, fields)
    catalog.language_team = fields.language_team
    catalog.last_translator = fields.last_translator
    return catalog


def header_problems(config: CatalogsConfig) -> list[str]:
    """Configuration problems of `[tool.toolkit.catalogs]`, each naming its key."""
    problems = []
    for key, allowed in _PLACEHOLDERS.items():
        value = getattr(config, key)
        name = f"tool.toolkit.catalogs.{key}"
        if not value.strip():
            problems.append(f"{name}: must not be empty")
            continue
        if any(ord(c) < 32 or c == "\x7f" for c in value):
            problems.append(f"{name}: {value!r} holds a control character (a line break?)")
            continue
        try:
            parsed = string.Formatter().parse(value)
            used = {field for _, field, _, _ in parsed if field is not None}
        except ValueError as exc:
            problems.append(f"{name}: {value!r} is not a valid template ({exc})")
            continue
        unknown = sorted(used - allowed)
        if unknown:
            known = ", ".join(f"{{{p}}}" for p in sorted(allowed)) or "none"
            problems.append(
                f"{name}: unknown placeholder {{{unknown[0]}}} in {value!r} (known: {known})"
            )
    if not problems:
        example = config.project_id_version.format(slug="my-article")
        project, _, version = example.rpartition(" ")
        if not project.strip() or not version:
            problems.append(
                f"tool.toolkit.catalogs.project_id_version: {config.project_id_version!r} "
                "must be 'NAME VERSION' as gettext writes it, e.g. 'patient-education 2026.1'"
            )
    return problems


def _english_name(locale: str) -> str:
    """`es` -> `Spanish`, `pt_BR` -> `Portuguese (Brazil)`: gettext teams' usual names."""
    from .locales import cldr_locale

    return cldr_locale(locale).get_display_name("en") or locale
