"""Browser tests of the built site: every page loads cleanly, offline, with its math and images.

Run after ``mkdocs build --strict``: ``python -m pytest tests/browser`` (see conftest.py).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from .conftest import SITE_DIR, site_pages, unavailable

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


def test_page(recorded_page, site_url, page_path):
    """Zero failed or foreign requests, zero console errors, all images loaded, all math rendered."""
    if page_path is None:
        unavailable(f"the site is not built ({SITE_DIR / 'sitemap.xml'} missing): run mkdocs build --strict")
    rec = recorded_page
    page = rec.page
    url = urljoin(site_url, page_path)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else '?'}"
    if page_has_math(page_path):
        wait_for_math(page, 1, rec.console_errors)
    check_math(page, url)
    images = page.evaluate(IMAGES_STATE)
    broken = [img["src"] for img in images if img["w"] == 0]
    assert not broken, f"{url}: images that did not load: {broken}"
    for img in images:
        if img["figure"]:
            assert img["alt"] and img["alt"].strip(), f"{url}: figure without alt text: {img['src']}"
            assert img["bg"] == "rgb(255, 255, 255)", f"{url}: figure not on a white card: {img['bg']}"
    page.wait_for_load_state("networkidle")
    assert not rec.failed, f"{url}: failed requests: {rec.failed}"
    assert not rec.foreign_requests(), f"{url}: requests to other hosts: {rec.foreign_requests()}"
    assert not rec.console_errors, f"{url}: console errors: {rec.console_errors}"


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
