"""Catalog header fields from `[tool.toolkit.catalogs]`, and who owns which field.

The coordinator owns `Project-Id-Version` and `Report-Msgid-Bugs-To`: they come from the
configuration into every template and catalog, on every update. The translator owns
`Last-Translator` and `Language-Team`: the configuration only seeds them in a new catalog,
and `update` keeps whatever the translator (or Poedit, or Weblate) wrote there.
"""

from __future__ import annotations

import string
from functools import lru_cache

from .config import CatalogsConfig

#: the placeholder gettext's templates carry where a catalog names its locale
TEMPLATE_LOCALE = "LANGUAGE"

_PLACEHOLDERS = {
    "project_id_version": {"slug"},
    "report_msgid_bugs_to": {"slug"},
    "language_team": {"locale", "language"},
    "last_translator": set(),
}


def template_fields(config: CatalogsConfig, slug: str) -> dict[str, str]:
    """The configured header fields of `slug`'s template (gettext's `LANGUAGE` for the
    locale, as xgettext writes it)."""
    names = {"locale": TEMPLATE_LOCALE, "language": TEMPLATE_LOCALE}
    return {
        "Project-Id-Version": config.project_id_version.format(slug=slug),
        "Report-Msgid-Bugs-To": config.report_msgid_bugs_to.format(slug=slug),
        "Last-Translator": config.last_translator,
        "Language-Team": config.language_team.format(**names),
    }


def new_catalog_fields(config: CatalogsConfig, slug: str, locale: str) -> dict[str, str]:
    """The configured header fields of `slug`'s catalog for `locale`, made for the first time."""
    fields = template_fields(config, slug)
    names = {"locale": locale, "language": _english_name(locale)}
    fields["Language-Team"] = config.language_team.format(**names)
    return fields


def coordinator_fields(template_header: str) -> dict[str, str]:
    """The fields a catalog takes from its template on every update (the coordinator's)."""
    from .po import header_fields

    fields = header_fields(template_header)
    return {name: fields[name] for name in COORDINATOR_FIELDS if name in fields}


#: the header fields the coordinator owns; the others are the translator's
COORDINATOR_FIELDS = ("Project-Id-Version", "Report-Msgid-Bugs-To")


def with_fields(header: str, fields: dict[str, str]) -> str:
    """`header` (a header entry's msgstr, "Name: value\\n" lines) with `fields` set: a field
    keeps its place, a missing one is added at the end."""
    lines = header.split("\n")
    todo = dict(fields)
    for index, line in enumerate(lines):
        name = line.partition(":")[0].strip()
        if name in todo:
            lines[index] = f"{name}: {todo.pop(name)}"
    out = "\n".join(lines)
    for name, value in todo.items():
        out += ("" if out.endswith("\n") or not out else "\n") + f"{name}: {value}\n"
    return out


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
    return problems


@lru_cache(maxsize=256)
def _english_name(locale: str) -> str:
    """`es` -> `Spanish`, `pt_BR` -> `Portuguese (Brazil)`: gettext teams' usual names."""
    from .locales import cldr_locale

    return cldr_locale(locale).get_display_name("en") or locale
