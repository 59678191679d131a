"""HTML pages of the site: article pages, per-locale indexes and the root index with its dashboard.

Translations are untrusted: Jinja2 escapes every value (autoescape on), and article Markdown
goes through markdown-it-py with raw HTML disabled and its link validation kept (no
`javascript:`/`vbscript:`/`file:`/`data:` links), so a msgstr can add text, never markup.
Pages carry their own stylesheet inline: no fonts, scripts or CDNs, so they work offline and
inside a zip bundle.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from . import __version__
from .locales import bcp47, display_name, is_rtl
from .phones import DEFAULT_CRISIS_LINES, find_phone_numbers
from .ui import UiCatalog

if TYPE_CHECKING:  # imported where used: a build with nothing to do loads neither
    from jinja2 import Environment
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FORMULA_NAMES = {
    "smog": "SMOG",
    "flesch_kincaid_grade": "Flesch-Kincaid",
    "fkgl": "Flesch-Kincaid",
    "flesch_reading_ease": "Flesch",
    "szigriszt_pazos": "Szigriszt-Pazos",
    "inflesz": "INFLESZ",
    "fernandez_huerta": "Fernández-Huerta",
    "lix": "LIX",
    "gulpease": "Gulpease",
    "osman": "OSMAN",
    "wiener_sachtextformel": "Wiener Sachtextformel",
    "kandel_moles": "Kandel-Moles",
    "cldc": "CLDC",
    "flesch_portuguese": "Flesch (Martins)",
    "fog_pl": "FOG-PL",
    "atesman": "Ateşman",
    "tateisi": "Tateisi",
}


def formula_name(formula: str) -> str:
    """`szigriszt_pazos` -> `Szigriszt-Pazos`; `lix (proxy)` -> `LIX (proxy)`."""
    base, _, rest = formula.partition(" ")
    name = FORMULA_NAMES.get(base.lower(), base.replace("_", " ").title())
    return f"{name} {rest}".strip()


def direction(readability: Mapping[str, Any]) -> str:
    """ "max" when lower scores are easier, "min" when higher are; inferred if not given."""
    if readability.get("direction") in ("max", "min"):
        return str(readability["direction"])
    value, target = float(readability["value"]), float(readability["target"])
    passes = bool(readability.get("passes"))
    if value == target:
        return "max"
    return "max" if passes == (value < target) else "min"


# --- Markdown -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # commonmark with raw HTML off: `<script>` in a translation becomes text. markdown-it's
    # default validateLink stays, so `javascript:` links render as plain text.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


_SPACE = re.compile(r"\s+")


def _plain(inline: Any) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return _SPACE.sub(" ", "".join(parts)).strip()


def markdown_html(
    markdown: str,
    title: str = "",
    fallback_lines: frozenset[int] | set[int] = frozenset(),
    fallback_lang: str | None = None,
    crisis_lines: tuple[str, ...] = DEFAULT_CRISIS_LINES,
    table_label: str = "Table",
) -> Markup:
    """The article body as safe HTML.

    Headings move one level down (the page's title is its only `h1`); a first block that
    repeats the title is dropped; blocks starting on one of `fallback_lines` (0-based lines
    of `markdown`) are in the source language, not the page's, and get their own `lang`.
    Phone numbers become `tel:` links with their words unchanged; a table sits in a
    labelled region that scrolls on its own, so the page never scrolls sideways.
    """
    md = _markdown()
    tokens = md.parse(markdown)
    if (
        title
        and len(tokens) >= 3
        and tokens[0].type in ("heading_open", "paragraph_open")
        and _plain(tokens[1]) == _SPACE.sub(" ", title).strip()
    ):
        tokens = tokens[3:]
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
        # a tight list's paragraphs are hidden (no tag of their own): mark the item instead
        if (
            fallback_lang
            and token.map
            and token.map[0] in fallback_lines
            and token.type in _BLOCK_OPENERS
            and not token.hidden
        ):
            token.attrSet("lang", bcp47(fallback_lang))
            token.attrSet("dir", "rtl" if is_rtl(fallback_lang) else "ltr")
    _label_cells(tokens)
    out: list[Token] = []
    heading = ""
    for i, token in enumerate(tokens):
        if token.type == "inline":
            token.children = _link_phones(token.children or [], crisis_lines)
            if i and tokens[i - 1].type == "heading_open":
                heading = _plain(token)
        if token.type == "table_open":
            label = escape(heading or table_label)
            out.append(
                _html(f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">\n')
            )
        out.append(token)
        if token.type == "table_close":
            out.append(_html("</div>\n"))
    return Markup(md.renderer.render(out, md.options, {}))


_TABLE_ROLES = {
    "table_open": "table",
    "thead_open": "rowgroup",
    "tbody_open": "rowgroup",
    "tr_open": "row",
    "th_open": "columnheader",
    "td_open": "cell",
}


def _label_cells(tokens: list[Token]) -> None:
    """Give each body cell its column's header as `data-label`, so a phone can show the
    table as stacked rows ("Who: 988 Lifeline"); the explicit roles keep it a table for
    screen readers when CSS changes its display."""
    headers: list[str] = []
    column = 0
    for i, token in enumerate(tokens):
        if token.type in _TABLE_ROLES:
            token.attrSet("role", _TABLE_ROLES[token.type])
        if token.type == "table_open":
            headers = []
        elif token.type == "tr_open":
            column = 0
        elif token.type == "th_open" and i + 1 < len(tokens):
            headers.append(_plain(tokens[i + 1]))
        elif token.type == "td_open":
            if column < len(headers) and headers[column]:
                token.attrSet("data-label", headers[column])
            column += 1


def _html(content: str) -> Token:
    from markdown_it.token import Token

    token = Token("html_block", "", 0)
    token.content = content
    return token


def _link_phones(children: list[Token], crisis_lines: tuple[str, ...]) -> list[Token]:
    """Text children with phone numbers split into `tel:` links (not inside a link already)."""
    from markdown_it.token import Token

    out: list[Token] = []
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        found = find_phone_numbers(child.content, crisis_lines) if child.type == "text" else []
        if depth or not found:
            out.append(child)
            continue
        at = 0
        for start, end, target in found:
            if start > at:
                out.append(_text(child.content[at:start]))
            link = Token("link_open", "a", 1)
            link.attrSet("href", f"tel:{target}")
            out += [link, _text(child.content[start:end]), Token("link_close", "a", -1)]
            at = end
        if at < len(child.content):
            out.append(_text(child.content[at:]))
    return out


def _text(content: str) -> Token:
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = content
    return token


_BLOCK_OPENERS = ("heading_open", "paragraph_open", "list_item_open", "tr_open")


# --- templates ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader

    env = Environment(
        loader=PackageLoader("toolkit", "templates"),
        autoescape=True,  # every template, whatever its extension: translations are untrusted
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # new-style gettext (`_('… %(name)s', name=…)`, escaped values); the functions
    # themselves are handed to each render, one catalog per page language
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    return env


def templates_hash() -> str:
    """Hash of every template, stylesheet and script: part of the build's incremental key."""
    digest = hashlib.sha256()
    folder = resources.files("toolkit") / "templates"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".html", ".css", ".js")):
            digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


def _gettext_callables(ui: UiCatalog) -> dict[str, Any]:
    from jinja2.ext import _make_new_gettext, _make_new_ngettext

    gettext = _make_new_gettext(ui.gettext)
    return {"gettext": gettext, "_": gettext, "ngettext": _make_new_ngettext(ui.ngettext)}


def _base(locale: str, ui: UiCatalog) -> dict[str, Any]:
    """What every page's template needs: its language, direction and page text."""
    return {
        "lang": bcp47(locale),
        "dir": "rtl" if is_rtl(locale) else "ltr",
        # English page text on a page in another language says so, for screen readers
        "chrome": Markup(' lang="en" dir="ltr"') if ui.english else "",
        "version": __version__,
        **_gettext_callables(ui),
    }


# --- numbers, sizes and durations in the page's locale (CLDR through Babel) -----------------


def duration_text(locale: str, seconds: float | None, ui: UiCatalog) -> str:
    """`61.25` -> "1 min 1 s" (es), "1分钟1秒" (zh): CLDR's units, joined as translated."""
    if seconds is None:
        return ""
    total = max(0, round(seconds))
    minutes, secs = divmod(total, 60)
    cldr = normalize_for_babel(locale)
    min_text = _short_unit(minutes, "duration-minute", cldr)
    sec_text = _short_unit(secs, "duration-second", cldr)
    if not minutes:
        return sec_text
    if not secs:
        return min_text
    # Translators: how a length of time in minutes and seconds is written, e.g. "1 min 5 s"
    pattern = ui.gettext("%(minutes)s %(seconds)s")
    return pattern % {"minutes": min_text, "seconds": sec_text}


@lru_cache(maxsize=4096)
def _short_unit(value: int, unit: str, cldr: str) -> str:
    """CLDR's short form of a whole number of `unit`: the same few values (0-59 seconds,
    a few minutes) recur on every row of an index or the report, and Babel's lookup is
    the slow part of rendering them."""
    from babel.units import format_unit

    return str(format_unit(value, unit, length="short", locale=cldr))


def size_text(locale: str, size: int | None) -> str:
    """`1_300_000` -> "1,3 MB" (es): CLDR's digital units, one decimal for megabytes."""
    if size is None:
        return ""
    from babel.units import format_unit

    cldr = normalize_for_babel(locale)
    if size >= 1_000_000:
        return format_unit(
            size / 1_000_000, "digital-megabyte", length="short", format="#,##0.0", locale=cldr
        )
    return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=cldr)


def table_label(ui: UiCatalog) -> str:
    # Translators: the name screen readers give a table that scrolls sideways on its own
    return ui.gettext("Table")


def number_text(locale: str, value: float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.#", locale=normalize_for_babel(locale))


@lru_cache(maxsize=512)
def normalize_for_babel(locale: str) -> str:
    """A locale Babel can format for (`tl` is CLDR's `fil`)."""
    from babel import Locale

    return str(Locale.parse(locale))


# --- pages ----------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def language_label(locale: str) -> str:
    """The locale's name in itself, capitalized as a label ("Español", "العربية")."""
    name = display_name(locale)
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=512)
def _display_name(locale: str) -> str:
    """`display_name`, looked up once per locale (CLDR's data is the slow part)."""
    return display_name(locale)


@lru_cache(maxsize=512)
def _language(locale: str) -> tuple[str, str, str]:
    """(BCP 47 tag, direction, name in itself): CLDR lookups, made once per locale."""
    return bcp47(locale), "rtl" if is_rtl(locale) else "ltr", language_label(locale)


def switcher_entry(locale: str, href: str, current: bool) -> dict[str, Any]:
    lang, direction, name = _language(locale)
    return {
        "locale": locale,
        "lang": lang,
        "dir": direction,
        "name": name,
        "href": href,
        "current": current,
    }


def _alternates(switcher: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"hreflang": s["lang"], "href": s["href"]} for s in switcher]


def article_page(
    locale: str,
    info: Mapping[str, Any],
    body: Markup,
    ui: UiCatalog,
    summary: str = "",
    fallback: bool = False,
    switcher: Sequence[Mapping[str, Any]] = (),
    captions: str = "",
) -> str:
    """`<locale>/<slug>/index.html` from the pair's record (the manifest's article entry
    plus `audio_bytes`), its body HTML (`markdown_html`) and the language switcher."""
    audio = None
    if info.get("audio_seconds") is not None:
        audio = {
            "file": "audio.mp3",
            # isolated, so "MP3" and the numbers keep their order in a right-to-left sentence
            "format": Markup("<bdi>MP3</bdi>"),
            "size": Markup("<bdi>%s</bdi>") % size_text(locale, info.get("audio_bytes")),
            "duration": Markup("<bdi>%s</bdi>") % duration_text(locale, info["audio_seconds"], ui),
            "captions": bool(info.get("captions", True)),
            # a copy for pages opened from a file (file: URLs may not load a <track>);
            # WebVTT escapes < and &, so it cannot close the script element
            "cues": Markup(captions.replace("<", "\\u003c")),
        }
    return (
        environment()
        .get_template("article.html")
        .render(
            **_base(locale, ui),
            title=info["title"],
            language=display_name(locale),
            audio=audio,
            summary=summary,
            fallback=fallback,
            body=body,
            switcher=switcher,
            alternates=_alternates(switcher),
        )
    )


def locale_page(
    locale: str,
    infos: Sequence[Mapping[str, Any]],
    ui: UiCatalog,
    switcher: Sequence[Mapping[str, Any]] = (),
) -> str:
    """`<locale>/index.html`: the locale's published articles, with summary and audio length."""
    return locale_pages(locale, infos, max(1, len(infos)), ui, switcher)[0][1]


def page_name(number: int) -> str:
    """The file of a language index's page `number` (1 is index.html)."""
    return "index.html" if number == 1 else f"page-{number}.html"


def locale_pages(
    locale: str,
    infos: Sequence[Mapping[str, Any]],
    per_page: int,
    ui: UiCatalog,
    switcher: Sequence[Mapping[str, Any]] = (),
) -> list[tuple[str, str]]:
    """(file name, HTML) of every page of the locale's index, `per_page` articles each in
    title order with summary and audio length, each linking to all the pages (one page
    when they all fit)."""
    articles = [
        {
            "slug": info["slug"],
            "title": info["title"],
            "summary": info.get("summary", ""),
            "duration": duration_text(locale, info.get("audio_seconds"), ui),
        }
        for info in sorted(infos, key=lambda i: (str(i["title"]).casefold(), i["slug"]))
    ]
    chunks = [articles[i : i + per_page] for i in range(0, len(articles), per_page)] or [[]]
    template = environment().get_template("locale.html")
    out = []
    for number, chunk in enumerate(chunks, 1):
        pager = [
            {"number": n, "href": page_name(n), "current": n == number}
            for n in range(1, len(chunks) + 1)
        ]
        html = template.render(
            **_base(locale, ui),
            language=display_name(locale),
            articles=chunk,
            pager=pager if len(chunks) > 1 else [],
            switcher=switcher,
            alternates=_alternates(switcher),
        )
        out.append((page_name(number), html))
    return out


def site_page(source_locale: str, locales: Sequence[str], ui: UiCatalog) -> str:
    """`index.html`: one question, the language, each named in itself, in `locales`' order."""
    languages = [
        {
            "folder": locale,
            "lang": bcp47(locale),
            "dir": "rtl" if is_rtl(locale) else "ltr",
            "name": language_label(locale),
        }
        for locale in locales
    ]
    alternates = [
        {"hreflang": lang["lang"], "href": f"{lang['folder']}/index.html"} for lang in languages
    ]
    alternates.append({"hreflang": "x-default", "href": "index.html"})
    return (
        environment()
        .get_template("site.html")
        .render(**_base(source_locale, ui), languages=languages, alternates=alternates, switcher=[])
    )


def report_page(
    published: Mapping[str, Sequence[Mapping[str, Any]]],
    held: Sequence[Mapping[str, str]],
    source_titles: Mapping[str, str],
    ui_warnings: Sequence[str],
    fragments: ReportFragments | None = None,
) -> str:
    """`build/report/index.html`, the coordinators' page (English): what is published and
    why not, readability against targets (bars and a table), audio lengths and engines.

    With `fragments` (kept by the build between runs), each table row and each chart is
    taken from there when one with the same values was rendered before, and the page is
    spliced from them (`_spliced_report`): after one `.po` edit, one row and one chart are
    rendered, not 6,000 rows through Jinja. The bytes are the whole render's."""
    from .ui import catalog

    english = catalog("en")
    rows, by_article = [], {}
    for locale, infos in sorted(published.items()):
        lang, direction_, _ = _language(locale)
        language = _display_name(locale)
        for info in infos:
            r = info.get("readability") or {}
            has_score = r.get("value") is not None and r.get("target") is not None
            row = {
                "slug": info["slug"],
                "article": source_titles.get(info["slug"], info["slug"]),
                "locale": locale,
                "lang": lang,
                "dir": direction_,
                "language": language,
                "formula": formula_name(str(r.get("formula", ""))) if has_score else "-",
                "value": _number(r["value"]) if has_score else "-",
                "target": (("≤ " if direction(r) == "max" else "≥ ") + _number(r["target"]))
                if has_score
                else "-",
                "result": ("meets the target" if r.get("passes") else "misses the target")
                if has_score
                else "no score",
                "passes": bool(r.get("passes")),
                "duration": duration_text("en", info.get("audio_seconds"), english) or "no audio",
                "engine": f"{info.get('engine')} ({info.get('voice')})"
                if info.get("engine")
                else "-",
            }
            rows.append(row)
            if has_score:
                by_article.setdefault(info["slug"], []).append((row, r))
    rows.sort(key=lambda r: (r["article"].casefold(), r["locale"]))
    charts = [_chart(items) for _, items in sorted(by_article.items())]
    held_rows = [
        {
            **h,
            "article": source_titles.get(h["slug"], h["slug"]),
            "lang": _language(h["locale"])[0],
            "dir": _language(h["locale"])[1],
            "language": _display_name(h["locale"]),
        }
        for h in held
    ]
    template = environment().get_template("report.html")
    context = {
        **_base("en", english),
        "held": [SimpleNamespace(**h) for h in held_rows],
        "no_ui": list(ui_warnings),
        "alternates": [],
        "switcher": [],
    }
    if fragments is not None:
        spliced = _spliced_report(template, context, rows, charts, fragments)
        if spliced is not None:
            return spliced
    return template.render(
        **context,
        # as objects: a template's `r.slug` on a dict tries an attribute first and fails
        # (an exception per cell, 48,000 at 1000 x 5, half the page's time)
        published=[SimpleNamespace(**r) for r in rows],
        charts=[_chart_object(c) for c in charts],
    )


def _chart_object(chart: Mapping[str, Any]) -> SimpleNamespace:
    return SimpleNamespace(
        heading=chart["heading"], rows=[SimpleNamespace(**r) for r in chart["rows"]]
    )


# --- the report spliced from fragments ------------------------------------------------------
#
# The report's table has a row per published pair and a chart per article: at 1000 x 5 the
# whole render (6,000 rows, 1,000 charts through Jinja, 120,000 escaped cells) was the
# largest part of a build after one `.po` edit. Each loop of the template (`report.html`'s
# `{% for r in published %}` and `{% for chart in charts %}`) is compiled on its own from
# the template's own syntax tree, so one row's or chart's markup is what the whole render
# writes for it; the page is then rendered with one stand-in of each, whose markup is
# replaced by the real rows' and charts', taken from `fragments` when rendered before.


class ReportFragments:
    """Rendered rows and charts of the report, by their values: loaded by the build from
    its cache and saved after it (`used` are the ones the last page needed)."""

    def __init__(self, known: dict[Any, str] | None = None) -> None:
        self.known: dict[Any, str] = dict(known or {})
        self.used: dict[Any, str] = {}
        self.rendered = 0  #: fragments rendered this time (not found in `known`)

    def get(self, key: Any, render: Any) -> str:
        html = self.known.get(key)
        if html is None:
            html = render()
            self.rendered += 1
        self.used[key] = html
        return html


#: a loop variable's attributes, for a loop body rendered on its own (`loop.index`)
class _Loop(SimpleNamespace):
    pass


def _loop(index: int, length: int) -> _Loop:
    return _Loop(
        index=index,
        index0=index - 1,
        revindex=length - index + 1,
        revindex0=length - index,
        first=index == 1,
        last=index == length,
        length=length,
    )


def _loop_bodies(env: Environment) -> dict[str, Any] | None:
    """{"published": template of one row, "charts": template of one chart}: the bodies of
    report.html's loops over those names, each compiled as a template of its own; None when
    the template has not exactly one plain loop over each (then the page is rendered whole)."""
    from jinja2 import nodes

    source, filename, _ = env.loader.get_source(env, "report.html")  # type: ignore[union-attr]
    tree = env.parse(source, "report.html", filename)
    found: dict[str, Any] = {}
    for loop in tree.find_all(nodes.For):
        name = loop.iter.name if isinstance(loop.iter, nodes.Name) else None
        if name not in ("published", "charts"):
            continue
        plain = (
            isinstance(loop.target, nodes.Name)
            and not loop.else_
            and loop.test is None
            and not loop.recursive
        )
        if name in found or not plain:
            return None
        body = nodes.Template(list(loop.body), lineno=1)
        body.set_environment(env)
        code = env.compile(body, "report.html", filename)
        compiled = env.template_class.from_code(env, code, env.make_globals(None))
        found[name] = (loop.target.name, compiled)
    return found if len(found) == 2 else None


class _Standing(list):  # type: ignore[type-arg]
    """One stand-in item that counts as `length` items (`published|length`, `if charts`)."""

    def __init__(self, item: Any, length: int) -> None:
        super().__init__([item])
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __bool__(self) -> bool:
        return self._length > 0


_STAND_IN = "\x00toolkit-report-stand-in-{}\x00"


def _spliced_report(
    template: Any,
    context: dict[str, Any],
    rows: list[dict[str, Any]],
    charts: list[dict[str, Any]],
    fragments: ReportFragments,
) -> str | None:
    """The report rendered with a stand-in row and chart replaced by the real ones' markup;
    None when it cannot be (the caller renders it whole)."""
    if not rows or not charts:
        return None
    bodies = _loop_bodies(template.environment)
    if bodies is None:
        return None
    (row_name, row_template), (chart_name, chart_template) = (
        bodies["published"],
        bodies["charts"],
    )
    base = {k: v for k, v in context.items() if k not in ("published", "charts")}

    def row_html(row: dict[str, Any]) -> str:
        return row_template.render(**base, **{row_name: SimpleNamespace(**row)})

    def chart_html(chart: dict[str, Any], index: int) -> str:
        item = _chart_object(chart)
        return chart_template.render(
            **base, **{chart_name: item, "loop": _loop(index, len(charts))}
        )

    stand_row = {key: _STAND_IN.format(key) for key in rows[0]}
    stand_chart = {
        "heading": _STAND_IN.format("heading"),
        "rows": [{key: _STAND_IN.format(f"bar-{key}") for key in charts[0]["rows"][0]}],
    }
    # the page with one stand-in of each, and the markup of each stand-in
    page = template.render(
        **base,
        published=_Standing(SimpleNamespace(**stand_row), len(rows)),
        charts=_Standing(_chart_object(stand_chart), len(charts)),
    )
    stand_row_html = row_html(stand_row)
    stand_chart_html = chart_html(stand_chart, 1)
    if page.count(stand_row_html) != 1 or page.count(stand_chart_html) != 1:
        return None
    rest = page.replace(stand_row_html, "").replace(stand_chart_html, "")
    if _STAND_IN.split("{}")[0] in rest:
        return None  # a stand-in value shows outside its loop: not a plain loop body
    # keyed by the values' reprs (1, 1.0 and True are equal keys but not equal markup)
    all_rows = "".join(
        fragments.get("row" + repr(tuple(row.items())), lambda r=row: row_html(r)) for row in rows
    )
    all_charts = "".join(
        fragments.get(
            f"chart {index} {len(charts)} "
            + repr((chart["heading"], [tuple(r.items()) for r in chart["rows"]])),
            lambda c=chart, i=index: chart_html(c, i),
        )
        for index, chart in enumerate(charts, 1)
    )
    head, _, tail = page.partition(stand_row_html)
    if stand_chart_html in head:
        first, _, middle = head.partition(stand_chart_html)
        return first + all_charts + middle + all_rows + tail
    middle, _, last = tail.partition(stand_chart_html)
    return head + all_rows + middle + all_charts + last


# What leads out of one language's folder: fine on the site, dead links in its bundle.
_OTHER_LANGUAGES = (
    re.compile(rb'^<link rel="alternate" [^\n]*\n', re.MULTILINE),
    re.compile(rb'<nav class="switcher".*?</nav>\n', re.DOTALL),
    # a locale index's only crumb, "All languages" (before an article's second crumb goes,
    # so an article keeps its "All articles")
    re.compile(rb'<nav class="crumbs"[^>]*><a href="\.\./index\.html">[^<]*</a></nav>\n'),
    re.compile(rb' <a href="\.\./\.\./index\.html">[^<]*</a>'),
)


def for_bundle(html: bytes) -> bytes:
    """A page as its locale's bundle holds it: without the links to other languages (the
    switcher, `hreflang` alternates, "All languages"), which lead outside the zip.

    Only the page's head and header are touched (they are the templates' own markup);
    the article body, translators' text, is left as it is."""
    at = html.find(b"<main")
    head, rest = (html, b"") if at < 0 else (html[:at], html[at:])
    for pattern in _OTHER_LANGUAGES:
        head = pattern.sub(b"", head)
    return head + rest


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


def _chart(items: list[tuple[dict[str, Any], Mapping[str, Any]]]) -> dict[str, Any]:
    """One article's bars: one per locale, each on its own scale (formulas differ per
    language): the scale runs from 0 to 1.5 x the larger of score and target."""
    out = []
    for row, r in sorted(items, key=lambda item: item[0]["locale"]):
        value, target = float(r["value"]), float(r["target"])
        top = max(abs(value), abs(target), 1e-9) * 1.5
        out.append(
            {
                "locale": row["locale"],
                "bar": round(100 * max(value, 0) / top, 1),
                "target": round(100 * max(target, 0) / top, 1),
                "target_text": row["target"],
                "value": f"{row['formula']} {row['value']}",
                "passes": row["passes"],
            }
        )
    return {"heading": items[0][0]["article"], "rows": out}
