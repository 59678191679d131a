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
from typing import Any

from jinja2 import Environment, PackageLoader
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import __version__
from .locales import bcp47, display_name, is_rtl, language

#: UI strings per language; anything missing falls back to English.
UI: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to the main content",
        "nav": "Pages",
        "all_articles": "All articles",
        "listen": "Listen to this page",
        "listen_short": "audio",
        "audio_label": "Audio version of this page",
        "download": "Download the audio",
        "transcript": "The audio reads the text of this page.",
        "captions": "Captions",
        "plain_text": "Plain text",
        "fallback": "Some parts of this page are not translated yet and are shown in the "
        "original language.",
        "articles": "Articles",
        "no_articles": "No articles are ready in this language yet.",
        "footer": "Plain-language health information.",
        "duration": "{m} min {s} s",
        "sep": ", ",
        "reading": "Reading level: {score} on the {formula} scale. The aim is {aim}. {verdict}",
        "aim_max": "{target} or lower",
        "aim_min": "{target} or higher",
        "meets": "This page meets the aim.",
        "misses": "This page is harder to read than the aim.",
        # the root index (its page language is the source language)
        "site_title": "Patient information",
        "languages": "Languages",
        "dashboard": "Readability dashboard",
        "dashboard_intro": "Each bar is one article's readability score in one language; the "
        "black line is the target. Green bars meet the target, red bars miss it. Each language "
        "uses its own formula, so compare each bar with its own target line.",
        "table_caption": "Readability scores against targets",
        "col_article": "Article",
        "col_language": "Language",
        "col_formula": "Formula",
        "col_score": "Score",
        "col_target": "Target",
        "col_result": "Result",
        "table_note": "Grade formulas (SMOG, LIX): lower is easier. Ease formulas "
        "(Flesch, Szigriszt-Pazos): higher is easier.",
        "pass": "meets the target",
        "fail": "misses the target",
    },
    "es": {
        "skip": "Saltar al contenido principal",
        "nav": "Páginas",
        "all_articles": "Todos los artículos",
        "listen": "Escuche esta página",
        "listen_short": "audio",
        "audio_label": "Versión en audio de esta página",
        "download": "Descargar el audio",
        "transcript": "El audio lee el texto de esta página.",
        "captions": "Subtítulos",
        "plain_text": "Texto sin formato",
        "fallback": "Algunas partes de esta página aún no están traducidas y se muestran en el "
        "idioma original.",
        "articles": "Artículos",
        "no_articles": "Todavía no hay artículos listos en este idioma.",
        "footer": "Información de salud en lenguaje sencillo.",
        "duration": "{m} min {s} s",
        "reading": "Nivel de lectura: {score} en la escala {formula}. El objetivo es {aim}. "
        "{verdict}",
        "aim_max": "{target} o menos",
        "aim_min": "{target} o más",
        "meets": "Esta página cumple el objetivo.",
        "misses": "Esta página es más difícil de leer que el objetivo.",
    },
    "ar": {
        "skip": "انتقل إلى المحتوى الرئيسي",
        "nav": "الصفحات",
        "all_articles": "كل المقالات",
        "listen": "استمع إلى هذه الصفحة",
        "listen_short": "صوت",
        "audio_label": "النسخة الصوتية من هذه الصفحة",
        "download": "تنزيل الملف الصوتي",
        "transcript": "يقرأ الملف الصوتي نص هذه الصفحة.",
        "captions": "الترجمة النصية",
        "plain_text": "نص عادي",
        "fallback": "بعض أجزاء هذه الصفحة لم تُترجم بعد وتظهر باللغة الأصلية.",
        "articles": "المقالات",
        "no_articles": "لا توجد مقالات جاهزة بهذه اللغة بعد.",
        "footer": "معلومات صحية بلغة بسيطة.",
        "duration": "{m} د {s} ث",
        "sep": "، ",
        "reading": "مستوى القراءة: {score} على مقياس {formula}. الهدف هو {aim}. {verdict}",
        "aim_max": "{target} أو أقل",
        "aim_min": "{target} أو أكثر",
        "meets": "هذه الصفحة تحقق الهدف.",
        "misses": "هذه الصفحة أصعب في القراءة من الهدف.",
    },
    "zh": {
        "skip": "跳到主要内容",
        "nav": "页面",
        "all_articles": "所有文章",
        "listen": "收听本页",
        "listen_short": "音频",
        "audio_label": "本页的音频版本",
        "download": "下载音频",
        "transcript": "音频朗读的是本页的文字。",
        "captions": "字幕",
        "plain_text": "纯文本",
        "fallback": "本页部分内容尚未翻译，以原文显示。",
        "articles": "文章",
        "no_articles": "此语言暂无可用文章。",
        "footer": "通俗易懂的健康信息。",
        "duration": "{m}分{s}秒",
        "sep": "，",
        "reading": "阅读难度：{formula} 指标 {score}。目标为{aim}。{verdict}",
        "aim_max": "{target} 或更低",
        "aim_min": "{target} 或更高",
        "meets": "本页达到目标。",
        "misses": "本页比目标更难读。",
    },
    "vi": {
        "skip": "Chuyển đến nội dung chính",
        "nav": "Các trang",
        "all_articles": "Tất cả bài viết",
        "listen": "Nghe trang này",
        "listen_short": "âm thanh",
        "audio_label": "Phiên bản âm thanh của trang này",
        "download": "Tải âm thanh xuống",
        "transcript": "Âm thanh đọc nội dung của trang này.",
        "captions": "Phụ đề",
        "plain_text": "Văn bản thuần",
        "fallback": "Một số phần của trang này chưa được dịch và được hiển thị bằng ngôn ngữ gốc.",
        "articles": "Bài viết",
        "no_articles": "Chưa có bài viết nào bằng ngôn ngữ này.",
        "footer": "Thông tin sức khỏe bằng ngôn ngữ dễ hiểu.",
        "duration": "{m} phút {s} giây",
        "reading": "Mức độ dễ đọc: {score} theo thang {formula}. Mục tiêu là {aim}. {verdict}",
        "aim_max": "{target} trở xuống",
        "aim_min": "{target} trở lên",
        "meets": "Trang này đạt mục tiêu.",
        "misses": "Trang này khó đọc hơn mục tiêu.",
    },
}

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
}


def ui_strings(locale: str) -> dict[str, str]:
    """The UI strings for `locale`'s language, English where a string is missing."""
    strings = dict(UI["en"])
    strings.update(UI.get(language(locale), {}))
    return strings


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


def readability_line(locale: str, readability: Mapping[str, Any] | None) -> str:
    """One sentence in the page's language: score, formula, aim, and whether it is met."""
    if not readability or readability.get("value") is None:
        return ""
    ui = ui_strings(locale)
    aim_key = "aim_max" if direction(readability) == "max" else "aim_min"
    return ui["reading"].format(
        score=_number(readability["value"]),
        formula=formula_name(str(readability.get("formula", ""))),
        aim=ui[aim_key].format(target=_number(readability["target"])),
        verdict=ui["meets"] if readability.get("passes") else ui["misses"],
    )


def duration_text(locale: str, seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = round(seconds)
    return ui_strings(locale)["duration"].format(m=total // 60, s=total % 60)


def size_text(size: int | None) -> str:
    if size is None:
        return ""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


# --- Markdown -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
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
) -> Markup:
    """The article body as safe HTML.

    Headings move one level down (the page's title is its only `h1`); a first block that
    repeats the title is dropped; blocks starting on one of `fallback_lines` (0-based lines
    of `markdown`) are in the source language, not the page's, and get their own `lang`.
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
    return Markup(md.renderer.render(tokens, md.options, {}))


_BLOCK_OPENERS = ("heading_open", "paragraph_open", "list_item_open", "tr_open")


# --- templates ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("toolkit", "templates"),
        autoescape=True,  # every template, whatever its extension: translations are untrusted
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def templates_hash() -> str:
    """Hash of every template and stylesheet: part of the build's incremental key."""
    digest = hashlib.sha256()
    folder = resources.files("toolkit") / "templates"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".html", ".css")):
            digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


def _base(locale: str) -> dict[str, Any]:
    return {
        "lang": bcp47(locale),
        "dir": "rtl" if is_rtl(locale) else "ltr",
        "ui": ui_strings(locale),
        "version": __version__,
    }


def article_page(
    locale: str,
    info: Mapping[str, Any],
    markdown: str,
    summary: str = "",
    fallback_lines: frozenset[int] | set[int] = frozenset(),
    fallback_lang: str | None = None,
) -> str:
    """`<locale>/<slug>/index.html` from the pair's record (the manifest's article entry
    plus `audio_bytes`) and its translated Markdown body."""
    audio = None
    if info.get("audio_seconds") is not None:
        audio = {
            "file": "audio.mp3",
            "size": size_text(info.get("audio_bytes")),
            "duration": duration_text(locale, info["audio_seconds"]),
            "captions": bool(info.get("captions", True)),
        }
    return (
        environment()
        .get_template("article.html")
        .render(
            **_base(locale),
            title=info["title"],
            audio=audio,
            readability=readability_line(locale, info.get("readability")),
            summary=summary,
            fallback=bool(fallback_lines and fallback_lang),
            body=markdown_html(markdown, info["title"], fallback_lines, fallback_lang),
        )
    )


def locale_page(locale: str, infos: Sequence[Mapping[str, Any]]) -> str:
    """`<locale>/index.html`: the locale's published articles, titles in its language."""
    return locale_pages(locale, infos, max(1, len(infos)))[0][1]


def page_name(number: int) -> str:
    """The file of a language index's page `number` (1 is index.html)."""
    return "index.html" if number == 1 else f"page-{number}.html"


def locale_pages(
    locale: str, infos: Sequence[Mapping[str, Any]], per_page: int
) -> list[tuple[str, str]]:
    """(file name, HTML) of every page of the locale's index, `per_page` articles each in
    title order, each linking to all the pages (one page when they all fit)."""
    articles = [
        {
            "slug": info["slug"],
            "title": info["title"],
            "duration": duration_text(locale, info.get("audio_seconds")),
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
            **_base(locale),
            language=display_name(locale),
            articles=chunk,
            pager=pager if len(chunks) > 1 else [],
        )
        out.append((page_name(number), html))
    return out


def site_page(
    source_locale: str,
    infos_by_locale: Mapping[str, Sequence[Mapping[str, Any]]],
    source_titles: Mapping[str, str],
) -> str:
    """`index.html`: every language in its own name, and the readability dashboard."""
    ui = ui_strings("en")
    languages = [
        {
            "folder": locale,
            "lang": bcp47(locale),
            "dir": "rtl" if is_rtl(locale) else "ltr",
            "name": display_name(locale),
            "count": len(infos),
        }
        for locale, infos in sorted(infos_by_locale.items())
    ]
    table, by_article = [], {}
    for locale, infos in sorted(infos_by_locale.items()):
        for info in infos:
            r = info.get("readability")
            if not r or r.get("value") is None:
                continue
            row = {
                "slug": info["slug"],
                "article": source_titles.get(info["slug"], info["slug"]),
                "locale": locale,
                "lang": bcp47(locale),
                "dir": "rtl" if is_rtl(locale) else "ltr",
                "language": display_name(locale),
                "language_en": _english_name(locale),
                "formula": formula_name(str(r.get("formula", ""))),
                "value": _number(r["value"]),
                "target": ("≤ " if direction(r) == "max" else "≥ ") + _number(r["target"]),
                "result": ui["pass"] if r.get("passes") else ui["fail"],
                "passes": bool(r.get("passes")),
                "raw": (float(r["value"]), float(r["target"])),
            }
            table.append(row)
            by_article.setdefault(info["slug"], []).append(row)
    table.sort(key=lambda r: (r["article"].casefold(), r["locale"]))
    charts = [_chart(rows) for _, rows in sorted(by_article.items())]
    page = environment().get_template("site.html")
    return page.render(
        **{**_base(source_locale), "ui": ui}, languages=languages, charts=charts, table=table
    )


def _english_name(locale: str) -> str:
    from babel import Locale

    return Locale.parse(locale).get_display_name("en") or locale


def _chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of one article's bar chart: one row per locale, each on its own scale.

    Formulas differ per language (grades, ease scores, LIX), so each bar is drawn against its
    own target: the scale runs from 0 to 1.5 x the larger of score and target.
    """
    rows = sorted(rows, key=lambda r: r["locale"])
    bar_x, bar_width, row_h = 80, 300, 32
    out = []
    for i, row in enumerate(rows):
        value, target = row["raw"]
        top = max(abs(value), abs(target), 1e-9) * 1.5
        out.append(
            {
                "y": 10 + i * row_h,
                "label": row["locale"],
                "bar": round(bar_width * max(value, 0) / top, 1),
                "target_x": round(bar_x + bar_width * max(target, 0) / top, 1),
                "passes": row["passes"],
                "value_text": f"{row['value']} ({row['target']}) {row['formula']}",
            }
        )
    title = rows[0]["article"]
    desc = "; ".join(
        f"{r['language_en']} ({r['locale']}): {r['formula']} {r['value']}, target {r['target']}, "
        f"{r['result']}"
        for r in rows
    )
    return {
        "heading": title,
        "title": f"Readability of “{title}” per language",
        "desc": desc,
        "rows": out,
        "width": 720,
        "height": 20 + len(rows) * row_h,
        "bar_x": bar_x,
        "bar_width": bar_width,
    }
