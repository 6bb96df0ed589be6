"""Browser tests of the built site: every page loads cleanly, offline, with its math and images.

Run after ``mkdocs build --strict``: ``python -m pytest tests/browser`` (see conftest.py).

Every page is checked in full on a phone (390 px, light scheme); a sample of pages (``SAMPLE``:
the ones with the most math, tables and notebook output) in the other views of
``conftest.VIEWS`` (390 px dark, 1280 px light and dark, 320 px). MathJax typesets lazily (a
formula is laid out when it comes near the viewport), so the checks scroll every formula into
view, as a reader would, open the ``<details>`` boxes and show every content tab, then check
that each formula is drawn at its full size, and that the page does not scroll sideways. A
full-page screenshot of each check goes to ``conftest.SCREENSHOTS``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from .conftest import HOST, SCREENSHOTS, SITE_DIR, VIEWS, PageRecorder, site_pages, unavailable

MATH_TIMEOUT_MS = 30_000

# JS: state of the math on the page (after typesetting)
MATH_STATE = r"""
() => {
  const math = [...document.querySelectorAll('.arithmatex')];
  const unrendered = math.filter(el => !el.querySelector('mjx-container svg'))
                         .map(el => el.textContent.trim().slice(0, 80));
  const errors = [...document.querySelectorAll('mjx-merror, [data-mjx-error]')]
                   .map(el => el.getAttribute('data-mjx-error') || el.textContent.slice(0, 80));
  // the visible text outside code and outside rendered formulas
  const root = document.querySelector('.md-content') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest('pre, code, script, style, textarea, mjx-container')) continue;
    if (!el.checkVisibility()) continue;  // hidden copies (e.g. the notebooks' clipboard buffers)
    parts.push(walker.currentNode.nodeValue);
  }
  const text = parts.join('');
  return {count: math.length, unrendered, errors, text,
          passes: Number(document.documentElement.dataset.math || 0)};
}
"""

# JS: bring every formula into view (lazy typesetting) and measure it. Opens every <details>
# and shows each content tab in turn (a formula in a hidden box has no size). For every
# formula drawn: its rendered width against the width MathJax gave it (``width="12.3ex"`` in
# the font of its container), so a formula squeezed by CSS (1 x 1 px on a phone, 45 % in a
# table cell) is caught. Returns what is wrong, and how far the page scrolls sideways.
MATH_LAYOUT = r"""
async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const svgOf = el => el.querySelector('mjx-container > svg');
  const exCache = new Map();
  const exOf = container => {
    const cs = getComputedStyle(container);
    const key = cs.fontSize + '|' + cs.fontFamily;
    if (!exCache.has(key)) {
      const probe = document.createElement('span');
      probe.style.cssText = 'display:inline-block;width:100ex;height:0;padding:0;border:0;margin:0;position:absolute';
      container.appendChild(probe);
      exCache.set(key, probe.getBoundingClientRect().width / 100);
      probe.remove();
    }
    return exCache.get(key);
  };
  const measured = new Set(), small = [];
  let failures = 0;
  const label = el => (el.querySelector('mjx-assistive-mml') || el).textContent.trim().slice(0, 60);
  const measure = el => {
    const svg = svgOf(el);
    if (!svg || measured.has(el)) return;
    const r = svg.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;   // inside a box that is not shown
    measured.add(el);
    const w = parseFloat(svg.getAttribute('width'));
    const expected = svg.getAttribute('width').endsWith('ex') ? w * exOf(svg.parentElement) : w;
    if (r.width < 2 || r.height < 2 || r.width < 0.97 * expected) {
      small.push({tex: label(el), display: el.tagName === 'DIV', width: Math.round(r.width * 10) / 10,
                  height: Math.round(r.height * 10) / 10, expected: Math.round(expected * 10) / 10});
    }
  };
  const pass = async () => {
    const all = [...document.querySelectorAll('.arithmatex')];
    for (const el of all) {
      if (measured.has(el) || !el.checkVisibility()) continue;
      if (!svgOf(el)) {
        if (failures >= 3) continue;        // MathJax is stuck: report, do not wait for every formula
        // scroll it into view; if it is not drawn within 3 s, scroll away and back once (a
        // reader's scrolling fires the viewport observer again), then give up after 10 s more
        for (const [away, wait] of [[false, 3000], [true, 10000]]) {
          if (away) { window.scrollTo(0, 0); await sleep(50); }
          el.scrollIntoView({block: 'center'});
          const t0 = performance.now();
          while (!svgOf(el) && performance.now() - t0 < wait) await sleep(15);
          if (svgOf(el)) break;
        }
        if (!svgOf(el)) { failures += 1; continue; }
      }
      measure(el);
    }
  };
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const sets = [...document.querySelectorAll('.tabbed-set')];
  const inputs = s => [...s.querySelectorAll(':scope > input')];
  const tabs = Math.max(1, ...sets.map(s => inputs(s).length));
  for (let k = 0; k < tabs; k++) {
    sets.forEach(s => { const i = inputs(s); if (i[k]) i[k].checked = true; });
    await pass();
  }
  sets.forEach(s => { const i = inputs(s); if (i[0]) i[0].checked = true; });
  window.scrollTo(0, 0);
  const all = [...document.querySelectorAll('.arithmatex')];
  const never = all.filter(el => !measured.has(el)).map(el => ({tex: label(el), compiled: !!el.querySelector('mjx-container'),
                                                                  visible: el.checkVisibility()}));
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > vw + 1 && el.checkVisibility())
    .filter(el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                      const ox = getComputedStyle(p).overflowX; if (ox !== 'visible') return false; } return true; })
    .slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''} right=${Math.round(el.getBoundingClientRect().right)}`);
  const tabStops = document.querySelectorAll('mjx-container[tabindex]:not([tabindex="-1"])').length;
  return {count: all.length, display: all.filter(el => el.tagName === 'DIV').length, measured: measured.size, tabStops,
          small, never, scrollWidth: doc.scrollWidth, clientWidth: vw, wide};
}
"""

# JS: notebook outputs whose lines wrap (a visual line count above the text's line count).
WRAPPED_OUTPUTS = r"""
() => [...document.querySelectorAll('.jp-OutputArea-output pre')].filter(pre => pre.checkVisibility()).map(pre => {
  const text = pre.textContent.replace(/\n$/, '');
  if (!text) return null;
  const range = document.createRange();
  range.selectNodeContents(pre);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  const lines = text.split('\n').length;
  return tops.size > lines ? {lines, shown: tops.size, text: text.slice(0, 80)} : null;
}).filter(x => x)
"""

IMAGES_STATE = r"""
async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(img => img.complete ? null :
      new Promise(resolve => { img.addEventListener('load', resolve); img.addEventListener('error', resolve); })));
  return imgs.map(img => ({src: img.currentSrc || img.src, w: img.naturalWidth, alt: img.getAttribute('alt'),
                           figure: !!img.closest('figure.dlnotes-figure'),
                           bg: getComputedStyle(img).backgroundColor}));
}
"""

RAW_TEX = [
    (re.compile(r"\\\(|\\\)"), r"\( \)"),
    (re.compile(r"\\\[|\\\]"), r"\[ \]"),
    (re.compile(r"\$\$"), "$$"),
    (re.compile(r"\$[^$\n]{0,200}?\\[A-Za-z]+[^$\n]{0,200}?\$"), "$...\\command...$"),
]


def wait_for_math(page, at_least: int = 1, console_errors=()):
    try:
        page.wait_for_function(f"() => Number(document.documentElement.dataset.math || 0) >= {at_least}",
                               timeout=MATH_TIMEOUT_MS)
    except Exception as exc:  # playwright's TimeoutError: say where and why
        state = page.evaluate(MATH_STATE)
        pytest.fail(f"{page.url}: MathJax did not finish typesetting in {MATH_TIMEOUT_MS / 1000:.0f} s "
                    f"({state['count']} formulas, {len(state['unrendered'])} unrendered, passes={state['passes']}, "
                    f"console errors: {list(console_errors)[:3]}): {type(exc).__name__}", pytrace=False)


def check_math(page, where: str):
    state = page.evaluate(MATH_STATE)
    assert not state["unrendered"], f"{where}: formulas not rendered by MathJax: {state['unrendered'][:5]}"
    assert not state["errors"], f"{where}: TeX errors: {state['errors'][:5]}"
    raw = [label for pattern, label in RAW_TEX if pattern.search(state["text"])]
    if raw:
        m = next(p.search(state["text"]) for p, label in RAW_TEX if p.search(state["text"]))
        context = state["text"][max(0, m.start() - 60): m.end() + 60].replace("\n", " ")
        pytest.fail(f"{where}: raw TeX left in the text ({', '.join(raw)}): ...{context}...")
    return state


def page_has_math(page_path: str) -> bool:
    html = (SITE_DIR / page_path / "index.html") if not page_path.endswith(".html") else SITE_DIR / page_path
    return 'class="arithmatex"' in html.read_text(encoding="utf-8")


#: Pages checked in every view (the others in the 390 px light view only).
SAMPLE = ["", "notation/", "course1/week3/", "course2/week2/", "course2/week3/",
          "labs/01-logistic-regression/", "reference/schedules/"]
FULL_VIEW = "390-light"


def _cases():
    pages = site_pages()
    if pages is None:
        return [pytest.param(None, None, id="site-not-built")]
    cases = [pytest.param(FULL_VIEW, p, id=f"{FULL_VIEW}-{p or 'home'}") for p in pages]
    for view in VIEWS:
        if view != FULL_VIEW:
            cases += [pytest.param(view, p, id=f"{view}-{p or 'home'}") for p in SAMPLE if p in pages]
    return cases


def screenshot_path(view: str, path: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
    return SCREENSHOTS / f"{view}--{slug}.jpg"


def check_layout(page, where: str):
    """Every formula drawn at its full size once in view, none a Tab stop; no sideways scrolling."""
    state = page.evaluate(MATH_LAYOUT)
    never = state["never"]
    assert not never, f"{where}: formulas never drawn (after scrolling them into view): {never[:5]}"
    assert not state["small"], (f"{where}: formulas drawn smaller than MathJax laid them out "
                                f"(px, expected = MathJax's width): {state['small'][:5]}")
    assert state["tabStops"] == 0, f"{where}: {state['tabStops']} formulas are Tab stops (MathJax menu inTabOrder)"
    assert state["scrollWidth"] <= state["clientWidth"], (
        f"{where}: the page scrolls sideways ({state['scrollWidth']} px of content in a "
        f"{state['clientWidth']} px viewport); widest elements: {state['wide']}")
    return state


@pytest.mark.parametrize("view,path", _cases())
def test_page(view_context, site_url, view, path):
    """Zero failed or foreign requests, zero console errors, all images loaded, every formula
    typeset and drawn at full size, no sideways scrolling; a full-page screenshot is kept."""
    if path is None:
        unavailable(f"the site is not built ({SITE_DIR / 'sitemap.xml'} missing): run mkdocs build --strict")
    page = view_context(view).new_page()
    try:
        rec = PageRecorder(page, f"http://{HOST}")
        url = urljoin(site_url, path)
        where = f"{url} [{view}]"
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{where}: HTTP {response.status if response else '?'}"
        if page_has_math(path):
            wait_for_math(page, 1, rec.console_errors)
        state = check_layout(page, where)
        check_math(page, where)
        wrapped = page.evaluate(WRAPPED_OUTPUTS)
        assert not wrapped, f"{where}: notebook output lines wrap instead of scrolling: {wrapped[:3]}"
        images = page.evaluate(IMAGES_STATE)
        broken = [img["src"] for img in images if img["w"] == 0]
        assert not broken, f"{where}: images that did not load: {broken}"
        for img in images:
            if img["figure"]:
                assert img["alt"] and img["alt"].strip(), f"{where}: figure without alt text: {img['src']}"
                assert img["bg"] == "rgb(255, 255, 255)", f"{where}: figure not on a white card: {img['bg']}"
        scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
        assert scheme == ("slate" if VIEWS[view][2] == "dark" else "default"), f"{where}: color scheme {scheme}"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=screenshot_path(view, path), full_page=True, type="jpeg", quality=60)
        assert not rec.failed, f"{where}: failed requests: {rec.failed}"
        assert not rec.foreign_requests(), f"{where}: requests to other hosts: {rec.foreign_requests()}"
        assert not rec.console_errors, f"{where}: console errors: {rec.console_errors}"
        assert state["measured"] == state["count"]
    finally:
        page.close()


def test_search_finds_adam(recorded_page, site_url):
    page = recorded_page.page
    page.goto(site_url, wait_until="load")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").fill("Adam")
    result = page.locator(".md-search-result__item").first
    result.wait_for(state="visible", timeout=20_000)
    titles = page.locator(".md-search-result__item").all_inner_texts()
    assert any("adam" in t.lower() for t in titles), f"search results for 'Adam': {titles[:5]}"
    assert not recorded_page.console_errors, recorded_page.console_errors
    assert not recorded_page.foreign_requests(), recorded_page.foreign_requests()


def test_math_renders_after_instant_navigation(recorded_page, site_url):
    """Click a link from the home page: no full reload (instant navigation), math typeset again."""
    pages = site_pages() or []
    targets = [p for p in pages if p and page_has_math(p)]
    if not targets:
        pytest.fail("no page of the site has math")
    page = recorded_page.page
    page.goto(site_url, wait_until="load")
    if page_has_math(""):
        wait_for_math(page)
    before = page.evaluate("() => Number(document.documentElement.dataset.math || 0)")
    page.evaluate("() => { window.__dlnotesNoReload = 42; }")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    wanted = {urljoin(site_url, t) for t in targets}
    index = next((i for i, h in enumerate(hrefs) if h.split("#")[0] in wanted
                  and page.locator("a[href]").nth(i).is_visible()), None)
    assert index is not None, "the home page links to no page with math"
    target = hrefs[index].split("#")[0]
    page.locator("a[href]").nth(index).click()
    page.wait_for_url(target)
    wait_for_math(page, before + 1, recorded_page.console_errors)
    assert page.evaluate("() => window.__dlnotesNoReload") == 42, "the click reloaded the page (no instant navigation)"
    check_layout(page, target)
    state = check_math(page, target)
    assert state["count"] > 0
    assert not recorded_page.console_errors, recorded_page.console_errors


def test_figures_on_white_card_in_dark_mode(recorded_page, site_url):
    pages = site_pages() or []
    with_fig = [p for p in pages if "dlnotes-figure" in (SITE_DIR / p / "index.html").read_text(encoding="utf-8")]
    if not with_fig:
        pytest.skip("no page has a figure yet")
    page = recorded_page.page
    page.emulate_media(color_scheme="dark")
    page.goto(urljoin(site_url, with_fig[0]), wait_until="load")
    scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert scheme == "slate"
    images = [img for img in page.evaluate(IMAGES_STATE) if img["figure"]]
    assert images and all(img["w"] > 0 and img["bg"] == "rgb(255, 255, 255)" for img in images), images
