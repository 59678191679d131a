"""The built site in headless Chromium: axe-core (WCAG 2.x A/AA) finds nothing on any page,
`lang`/`dir` are right, and hostile translations stay text.

Chromium is Debian's (/usr/bin/chromium, installed by .ci/run); Playwright drives it without
downloading a browser. These tests run in CI and are never skipped there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import axe_playwright_python
import polib
import pytest
from test_site_fixtures import copy_sample, install_fake_audio

from toolkit import pipeline, site
from toolkit.project import Project

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
    "resultTypes: ['violations']}).then(r => r.violations.map(v => "
    "({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole sample project built once (audio faked: the audio tests cover speech)."""
    root = copy_sample(tmp_path_factory.mktemp("sample") / "proj")
    with pytest.MonkeyPatch.context() as mp:
        install_fake_audio(mp)
        result = site.build(Project.load(root))
    assert not result.skipped, result.skipped
    return root / "build" / "site"


def _all_pages(sample_site: Path) -> list[Path]:
    report = sample_site.parent / "report" / "index.html"
    return [*sorted(sample_site.rglob("index.html")), report]


def _start_read_along(page: Any, at: float = 2.5) -> None:
    """Put the audio at `at` seconds as a player would, and let the read-along follow."""
    page.wait_for_function("() => document.querySelectorAll('.ra').length > 0")
    page.evaluate(
        "t => { const a = document.querySelector('audio'); a.currentTime = t; "
        "a.dispatchEvent(new Event('timeupdate')); }",
        at,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_and_has_its_lang_and_dir(
    browser: Any, sample_site: Path, scheme: str
) -> None:
    pages = _all_pages(sample_site)
    articles = len(list((sample_site / "en").glob("*/index.html")))
    locales = len([p for p in sample_site.iterdir() if p.is_dir()])
    assert articles == 3 and locales == 5
    assert len(pages) == articles * locales + locales + 1 + 1
    expected = {"ar": ("ar", "rtl"), "en": ("en", "ltr"), "es": ("es", "ltr")}
    expected |= {"vi": ("vi", "ltr"), "zh_Hans": ("zh-Hans", "ltr")}
    context = browser.new_context(color_scheme=scheme)
    context.add_init_script(AXE)
    page = context.new_page()
    found, langs, read_along = {}, {}, 0
    for html in pages:
        rel = html.relative_to(sample_site.parent).parts[1:]
        page.goto(html.as_uri())
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        if violations:
            found["/".join(rel)] = violations
        if len(rel) == 3:  # an article page: again with the read-along highlighting
            _start_read_along(page)
            assert page.evaluate("() => document.querySelectorAll('.ra-on').length") > 0
            read_along += 1
            violations = page.evaluate(RUN_AXE, WCAG_TAGS)
            if violations:
                found["/".join(rel) + " (read-along)"] = violations
        lang, direction, computed = page.evaluate(
            "() => [document.documentElement.lang, document.documentElement.dir, "
            "getComputedStyle(document.body).direction]"
        )
        want = expected[rel[0]] if len(rel) > 1 else ("en", "ltr")
        if (lang, direction, computed) != (*want, want[1]):
            langs["/".join(rel)] = (lang, direction, computed)
    context.close()
    assert read_along == articles * locales
    assert found == {}
    assert langs == {}


def test_no_page_scrolls_sideways_at_320_px(browser: Any, sample_site: Path) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    wide = {}
    for html in _all_pages(sample_site):
        page.goto(html.as_uri())
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            wide[html.relative_to(sample_site.parent).as_posix()] = width
    context.close()
    assert wide == {}


def test_root_page_asks_only_for_the_language_with_large_targets(
    browser: Any, sample_site: Path
) -> None:
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto((sample_site / "index.html").as_uri())
    links = page.evaluate(
        "() => [...document.querySelectorAll('main a')].map(a => "
        "[a.textContent, a.lang, a.getBoundingClientRect().height, "
        "a.getBoundingClientRect().width])"
    )
    page.close()
    assert [(name, lang) for name, lang, _, _ in links] == [
        ("English", "en"),
        ("العربية", "ar"),
        ("Español", "es"),
        ("Tiếng Việt", "vi"),
        ("中文 (简体)", "zh-Hans"),
    ]
    assert all(h >= 44 and w >= 44 for _, _, h, w in links)


def _serve(folder: Path) -> Iterator[str]:
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.mark.parametrize("how", ["file", "http"])
def test_read_along_highlights_the_sentence_being_spoken(
    browser: Any, sample_site: Path, how: str
) -> None:
    """The fake captions have one cue of two seconds per block: at 4.5 s the third block
    (title, summary, first heading...) is spoken; a tap on a sentence plays from there.
    Over http the <track> loads the captions; from a file, the copy in the page is used."""
    from toolkit.audio.captions import timestamp  # noqa: F401  (the cue format under test)

    rel = "es/crisis-safety-plan/index.html"
    vtt = (sample_site / "es" / "crisis-safety-plan" / "captions.vtt").read_text()
    cues = [block.split("\n", 2)[2] for block in vtt.strip().split("\n\n")[1:]]
    served = _serve(sample_site)
    base = next(served) if how == "http" else sample_site.as_uri()
    page = browser.new_page()
    try:
        page.goto(f"{base}/{rel}")
        _start_read_along(page, 4.5)
        state = page.evaluate(
            "() => [[...document.querySelectorAll('.ra-on')].map(s => s.textContent).join(''),"
            " document.querySelector('track').readyState]"
        )
        assert " ".join(state[0].split()) == " ".join(cues[2].split())
        assert state[1] == (2 if how == "http" else 3)  # 2 loaded, 3 refused from a file
        # tap the fifth sentence: the audio goes to its cue's start (8 s)
        page.evaluate("() => document.querySelector('.ra[data-cue=\"4\"]').click()")
        assert 8.0 <= page.evaluate("() => document.querySelector('audio').currentTime") < 8.5
        # from the keyboard: the "next sentence" button goes to the sixth cue (10 s)
        page.focus(".ra-nav button[data-step='1']")
        page.keyboard.press("Enter")
        assert 10.0 <= page.evaluate("() => document.querySelector('audio').currentTime") < 10.5
        assert page.evaluate("() => document.querySelector('.ra-on').dataset.cue") == "5"
        # while it plays, the spoken sentence is scrolled into view (the last one here)
        page.set_viewport_size({"width": 320, "height": 480})
        page.emulate_media(reduced_motion="reduce")  # no smooth scrolling: it jumps at once
        page.evaluate("() => window.scrollTo(0, 0)")
        last = len(cues) - 1
        in_view = page.evaluate(
            """last => { const a = document.querySelector('audio');
            Object.defineProperty(a, 'paused', {get: () => false});
            a.currentTime = 2 * last + 1; a.dispatchEvent(new Event('timeupdate'));
            const box = document.querySelector('.ra-on').getBoundingClientRect();
            return [document.querySelector('.ra-on').dataset.cue, box.top >= 0 &&
                    box.bottom <= window.innerHeight, window.scrollY > 0] }""",
            last,
        )
        assert in_view == [str(last), True, True]
        # the highlight is a class, not a live region: nothing is announced per sentence
        assert page.evaluate("() => document.querySelectorAll('[aria-live]').length") == 0
    finally:
        page.close()
        served.close()


def test_with_scripts_off_the_page_is_unchanged(browser: Any, sample_site: Path) -> None:
    html = sample_site / "ar" / "ketamine-for-depression" / "index.html"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(html.as_uri())
    spans = page.evaluate("() => document.querySelectorAll('.ra, .ra-nav, button').length")
    context.close()
    assert spans == 0


def test_article_page_audio_skip_link_and_no_outside_code(browser: Any, sample_site: Path) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((sample_site / "ar" / "ketamine-for-depression" / "index.html").as_uri())
    audio = page.evaluate(
        "() => { const a = document.querySelector('audio'); return [a.controls, a.autoplay, "
        "a.preload, a.getAttribute('src'), a.getAttribute('aria-label')] }"
    )
    assert audio[:4] == [True, False, "metadata", "audio.mp3"]
    assert audio[4].startswith("النسخة الصوتية من هذه الصفحة")
    # our one inline script and the captions' copy; nothing loaded from anywhere else
    assert page.evaluate("() => [...document.scripts].filter(s => s.src).length") == 0
    assert all(url.startswith("file://") for url in requests)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.getBoundingClientRect().top]"
    )
    assert focused[0] == "skip" and focused[1] >= 0  # the skip link shows when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.close()


PAYLOADS = {
    "Your nurse may ask": "<script>alert(1)</script> Su enfermera le pide **dos veces al día**.",
    "What you need": "<img src=x onerror=alert(2)> Lo que necesita",
    "A cuff that fits": '[pulse](javascript:alert(3)) <a href="javascript:alert(4)">x</a>',
    "Call 911": '<iframe src="javascript:alert(5)"></iframe> Llame al 911 <b onmouseover=alert(6)>',
}


@pytest.fixture
def hostile_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The conftest project with a Spanish catalog whose translator wrote HTML and scripts,
    and the QA checks switched off, as if one slipped past them: rendering is the last line."""
    proj = Project.load(project, locales=["es"])
    pipeline.extract(proj)
    pipeline.init_locale(proj, "es")
    po_path = proj.paths.catalog("es", "blood-pressure")
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = next((v for k, v in PAYLOADS.items() if entry.msgid.startswith(k)), "")
        entry.msgstr = entry.msgstr or entry.msgid
    po.save(str(po_path))
    import toolkit.checks

    monkeypatch.setattr(toolkit.checks, "qa_findings", lambda *a, **k: [])
    install_fake_audio(monkeypatch)
    result = site.build(proj, ["es"])
    assert not result.skipped, result.skipped
    return project / "build" / "site" / "es" / "blood-pressure" / "index.html"


def test_hostile_translations_render_as_harmless_text(browser: Any, hostile_site: Path) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_site.as_uri())
    for selector in ("a", "img", "b", "iframe"):  # hover and click whatever could fire
        for element in page.query_selector_all(f"main {selector}"):
            if element.is_visible() and element.get_attribute("href") != "audio.mp3":
                element.hover()
    page.wait_for_timeout(200)
    dom = page.evaluate(
        """() => ({
        scripts: document.querySelectorAll('script').length,
        handlers: [...document.querySelectorAll('*')].filter(
            e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        badLinks: [...document.querySelectorAll('[href],[src]')].map(
            e => e.getAttribute('href') || e.getAttribute('src')).filter(
            u => /^\\s*(javascript|data|vbscript):/i.test(u)).length,
        embedded: document.querySelectorAll('main img, main iframe, main b').length,
        text: document.querySelector('main').innerText,
    })"""
    )
    page.close()
    assert dialogs == []
    # the read-along's script and its captions copy are ours; a translation adds none
    assert (dom["scripts"], dom["handlers"], dom["badLinks"], dom["embedded"]) == (2, 0, 0, 0)
    assert "<script>alert(1)</script> Su enfermera" in dom["text"]
    assert "<img src=x onerror=alert(2)> Lo que necesita" in dom["text"]
    assert "[pulse](javascript:alert(3))" in dom["text"]
    assert '<iframe src="javascript:alert(5)"></iframe> Llame al 911' in dom["text"]
