"""The patient's site: switcher and hreflang, page text translated through the toolkit's
own gettext domain, Babel's numbers, tel: links, file modes, no empty bundles."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from test_site_fixtures import copy_sample, install_fake_audio, set_translations

from toolkit import pages, pipeline, site, ui
from toolkit.cli import main
from toolkit.errors import ConfigError
from toolkit.phones import find_phone_numbers
from toolkit.project import Project

SLUG = "crisis-safety-plan"
SHIPPED = ["ar", "de", "es", "fa", "fr", "it", "ko", "pt_BR", "ru", "tl", "vi", "zh_Hans"]


@pytest.fixture
def crisis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample's crisis article in English, Spanish and Arabic, built once."""
    root = copy_sample(tmp_path / "proj", slugs=(SLUG,))
    for extra in ("vi", "zh_Hans"):
        shutil.rmtree(root / "locales" / extra)
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        text.replace('locales = ["ar", "es", "vi", "zh_Hans"]', 'locales = ["ar", "es"]')
    )
    install_fake_audio(monkeypatch)
    return root


def _add_locale(root: Path, locale: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new locale whose catalog holds the Spanish translation as a stand-in, with the QA
    checks (which would rightly hold Spanish back as French) off: only the page text around
    the article is under test."""
    import toolkit.checks

    monkeypatch.setattr(toolkit.checks, "qa_findings", lambda *a, **k: [])
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text.replace('"es"]', f'"es", "{locale}"]'))
    project = Project.load(root)
    pipeline.extract(project)
    pipeline.init_locale(project, locale)
    po = project.paths.catalog(locale, SLUG)
    spanish = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(project.paths.catalog("es", SLUG)))
    }

    def copy(entry: polib.POEntry) -> None:
        entry.msgstr = spanish[(entry.msgctxt, entry.msgid)]

    set_translations(po, copy)


def _hrefs(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_every_page_switches_language_to_pages_that_exist(crisis: Path) -> None:
    site.build(Project.load(crisis))
    site_dir = crisis / "build" / "site"
    pages_found = sorted(site_dir.rglob("index.html"))
    assert len(pages_found) == 1 + 3 + 3  # root, three locale indexes, three article pages
    for page in pages_found:
        html = page.read_text()
        alternates = _hrefs(html, r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)">')
        switcher = _hrefs(html, r'<li><a href="([^"]+)" hreflang=')
        assert alternates, page
        for href in alternates + switcher:
            assert (page.parent / href).resolve().is_file(), (page, href)
        if page.parent != site_dir:
            assert len(switcher) == 3 and html.count('aria-current="page"') == 1
    article = (site_dir / "es" / SLUG / "index.html").read_text()
    assert (
        '<link rel="alternate" hreflang="ar" href="../../ar/crisis-safety-plan/index.html">'
        in article
    )


def test_root_order_is_the_coordinators(crisis: Path) -> None:
    text = (crisis / "pyproject.toml").read_text()
    (crisis / "pyproject.toml").write_text(
        text + '\n[tool.toolkit.site]\nlanguages = ["es", "ar"]\n'
    )
    site.build(Project.load(crisis))
    root = (crisis / "build/site/index.html").read_text()
    order = re.findall(r'<li><a href="(\w+)/index.html"', root)
    assert order == ["es", "ar", "en"]
    es = (crisis / "build/site/es" / SLUG / "index.html").read_text()
    assert re.findall(r'hreflang="([\w-]+)" lang=', es) == ["es", "ar", "en"]


def test_unknown_locale_is_one_error_and_writes_nothing(crisis: Path) -> None:
    with pytest.raises(ConfigError, match="the project has no locale de"):
        site.build(Project.load(crisis), ["de"])
    out = CliRunner().invoke(main, ["--project", str(crisis), "build", "--locale", "de"])
    assert out.exit_code == 1
    assert out.output == (
        "Error: --locale de: the project has no locale de (it has ar, en, es): "
        "create it with `toolkit init de` first\n"
    )
    assert not (crisis / "build" / "bundles").exists()


def test_shipped_page_text_is_complete_and_valid() -> None:
    assert ui.shipped_locales() == sorted(SHIPPED)
    folder = Path(ui.__file__).parent / "data" / "ui"
    # the shipped template is what Babel extracts from today's templates
    assert ui.extract_template() == (folder / "toolkit.pot").read_bytes()
    ids = ui.template_msgids()
    assert "Listen to this page" in ids and len(ids) >= 15
    for locale in SHIPPED:
        cat = ui.catalog(locale)
        assert cat.complete, (locale, cat.missing)
        check = subprocess.run(
            ["msgfmt", "--check", "-o", os.devnull, str(folder / f"{locale}.po")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
        for msgid, msgstr in cat.messages.items():  # placeholders survive translation
            assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
                re.findall(r"%\(\w+\)s", msgstr)
            ), (locale, msgid)


def test_french_page_has_no_english_page_text(
    crisis: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_locale(crisis, "fr", monkeypatch)
    result = site.build(Project.load(crisis))
    assert not result.skipped
    html = (crisis / "build/site/fr" / SLUG / "index.html").read_text()
    page_text = html.split("<article>")[0] + html.split("</article>")[1]  # the chrome only
    audio_part = html[html.index('<section class="listen"') : html.index("</section>")]
    french = ui.catalog("fr").messages
    english_only = [m for m in ui.template_msgids() if french[m] != m]
    for msgid in english_only:
        for fixed in re.split(r"%\(\w+\)s", msgid):
            if len(fixed.strip(" ().,:")) > 3:
                assert fixed not in page_text and fixed not in audio_part, msgid
    assert "Écouter cette page" in html and "Tous les articles" in html
    assert ' lang="en" dir="ltr"' not in page_text.replace('hreflang="en" lang="en" dir="ltr"', "")


def test_locale_without_page_text_gets_marked_english_and_a_warning(
    crisis: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_locale(crisis, "sw", monkeypatch)
    with caplog.at_level("WARNING"):
        site.build(Project.load(crisis))
    assert any("sw: no translation of the page text" in r.getMessage() for r in caplog.records)
    html = (crisis / "build/site/sw" / SLUG / "index.html").read_text()
    assert '<html lang="sw" dir="ltr">' in html
    assert '<h2 id="listen-heading" lang="en" dir="ltr">Listen to this page</h2>' in html
    caplog.clear()
    with caplog.at_level("WARNING"):
        report = site.status(Project.load(crisis))
    assert any("sw: no translation of the page text" in r.getMessage() for r in caplog.records)
    assert any("sw: no translation" in w for w in report.as_dict()["warnings"])
    # a coordinator's ui/sw.po fills it in; the rest of the page text stays English
    (crisis / "ui").mkdir()
    (crisis / "ui" / "sw.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Listen to this page"\nmsgstr "Sikiliza ukurasa huu"\n',
        encoding="utf-8",
    )
    site.build(Project.load(crisis))
    html = (crisis / "build/site/sw" / SLUG / "index.html").read_text()
    assert "Sikiliza ukurasa huu" in html


def test_project_po_overrides_shipped_page_text(crisis: Path) -> None:
    (crisis / "ui").mkdir()
    (crisis / "ui" / "es.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Listen to this page"\nmsgstr "Escuche el texto"\n',
        encoding="utf-8",
    )
    site.build(Project.load(crisis))
    html = (crisis / "build/site/es" / SLUG / "index.html").read_text()
    assert "Escuche el texto" in html and "Todos los artículos" in html


def test_numbers_sizes_and_durations_follow_the_locale() -> None:
    es, ar, zh = ui.catalog("es"), ui.catalog("ar"), ui.catalog("zh_Hans")
    # CLDR's forms, written out by hand
    assert pages.size_text("es", 1_300_000) == "1,3 MB"
    assert pages.size_text("en", 1_300_000) == "1.3 MB"
    assert pages.size_text("fr", 1_300_000) == "1,3\u202fMo"  # CLDR: a narrow no-break space
    assert pages.duration_text("es", 61.25, es) == "1 min 1 s"
    assert pages.duration_text("zh_Hans", 65, zh) == "1分钟5秒"
    assert pages.duration_text("ar", 65, ar) == "1 د و5 ث"
    assert pages.duration_text("en", 42, ui.catalog("en")) == "42 sec"


def test_no_formula_names_on_patient_pages(crisis: Path) -> None:
    site.build(Project.load(crisis))
    for page in (crisis / "build" / "site").rglob("index.html"):
        html = page.read_text()
        for name in ("SMOG", "LIX", "Szigriszt", "Flesch", "Reading level", "proxy"):
            assert name not in html, (page, name)


def test_phone_numbers_become_tel_links_with_their_words(crisis: Path) -> None:
    site.build(Project.load(crisis))
    html = (crisis / "build/site/es" / SLUG / "index.html").read_text()
    assert 'Llame al <a href="tel:911">911</a>' in html
    assert '<a href="tel:988">988</a>' in html
    assert 'href="https://988lifeline.org">988lifeline.org</a>' in html  # links stay links
    words = re.sub(r"<[^>]+>", "", html)
    assert "Llame al 911" in words
    table = html[html.index('<div class="table-wrap"') :]
    assert table.startswith('<div class="table-wrap" role="region" tabindex="0" aria-label="')


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call or text 988 right away.", [("988", "988")]),
        ("请拨打911。", [("911", "911")]),
        ("اتصل بالرقم ٩١١", [("٩١١", "911")]),
        ("call 1-800-273-8255 now", [("1-800-273-8255", "18002738255")]),
        ("Llame al +34 900 123 456.", [("+34 900 123 456", "+34900123456")]),
        ("visit 988lifeline.org", []),
        ("above 140/90 mmHg", []),
        ("reviewed 2026-11-01", []),
        ("1 000 000 people", []),
        ("take 2000-3000 mg", []),
        ("911.5 units", []),
    ],
)
def test_phone_numbers_found(text: str, found: list[tuple[str, str]]) -> None:
    assert [(text[s:e], tel) for s, e, tel in find_phone_numbers(text)] == found


def test_files_follow_the_umask_and_po_keeps_its_mode(crisis: Path) -> None:
    old = os.umask(0o022)
    try:
        site.build(Project.load(crisis))
        page = crisis / "build/site/es" / SLUG / "index.html"
        bundle = crisis / "build/bundles/es.zip"
        for built in (page, bundle):
            assert stat.S_IMODE(built.stat().st_mode) == 0o644, built
        # a translator's .po keeps the mode it had through `update`
        project = Project.load(crisis)
        po = project.paths.catalog("es", SLUG)
        po.chmod(0o640)
        source = crisis / "source_articles" / f"{SLUG}.md"
        source.write_text(source.read_text() + "\nA new closing line.\n")
        pipeline.extract(project)
        before = po.read_bytes()
        pipeline.update(project)
        assert po.read_bytes() != before  # it was rewritten
        assert stat.S_IMODE(po.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_a_broken_page_text_catalog_is_one_clear_error(crisis: Path) -> None:
    (crisis / "ui").mkdir()
    (crisis / "ui" / "es.po").write_text('msgid "Listen to this page"\nmsgstr "Escuche\n', "utf-8")
    out = CliRunner().invoke(main, ["--project", str(crisis), "build"])
    assert out.exit_code == 1
    assert out.output == (
        f"Error: {crisis / 'ui' / 'es.po'}:3: syntax error in catalog "  # msgfmt's line
        "(end-of-line within string): fix it (msgfmt --check)\n"
    )
    assert out.output.count("\n") == 1


def test_removed_article_takes_its_pages_along(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "proj", slugs=(SLUG, "ketamine-for-depression"))
    install_fake_audio(monkeypatch)
    site.build(Project.load(root))
    (root / "source_articles" / "ketamine-for-depression.md").unlink()
    site.build(Project.load(root))
    built = root / "build"
    assert not list(built.glob("site/*/ketamine-for-depression"))
    assert not list(built.glob(".state/pages/*/ketamine-for-depression.json"))
    assert "ketamine-for-depression" not in (built / "site/es/index.html").read_text()


def test_bundle_pages_have_no_links_out_of_the_zip(crisis: Path) -> None:
    import posixpath
    import zipfile

    site.build(Project.load(crisis))
    with zipfile.ZipFile(crisis / "build/bundles/es.zip") as archive:
        names = set(archive.namelist())
        html_files = {n: archive.read(n).decode() for n in names if n.endswith(".html")}
    assert set(html_files) == {"index.html", f"{SLUG}/index.html"}
    for name, html in html_files.items():
        for href in re.findall(r'(?:href|src)="([^"]+)"', html):
            if re.match(r"(https?|tel|mailto):|#", href):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), href))
            assert target in names, (name, href)
        assert "hreflang" not in html
    # the site's own copy keeps its switcher
    assert 'hreflang="ar"' in (crisis / "build/site/es" / SLUG / "index.html").read_text()
    assert "Todos los artículos" in html_files[f"{SLUG}/index.html"]
