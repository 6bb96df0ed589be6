"""Fixtures for the browser tests: the built site on 127.0.0.1 and a headless Chromium.

The browser tests check the *built* site (``mkdocs build --strict`` first), so they run only
when asked for explicitly::

    mkdocs build --strict && python -m pytest tests/browser

In the main test run (``python -m pytest``) they are skipped with that reason. When they are
asked for but the site is not built, Playwright or Chromium is missing, they are skipped with the
reason -- except when the environment has ``CI=true``, where that is a failure.

Environment: ``DLNOTES_SITE_DIR`` (default ``<repo>/site``), ``DLNOTES_CHROMIUM``
(default ``/usr/bin/chromium``), ``DLNOTES_BROWSER_TESTS=1`` runs them in any invocation,
``DLNOTES_SCREENSHOTS`` (default ``tests/browser/screenshots``, git-ignored) is where the page
screenshots are written (CI uploads that directory as an artifact).

The pages are checked in several *views* (viewport width and color scheme, see ``VIEWS``):
each view has one browser context for the whole session.
"""

from __future__ import annotations

import http.server
import os
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SITE_DIR = Path(os.environ.get("DLNOTES_SITE_DIR", ROOT / "site"))
CHROMIUM = os.environ.get("DLNOTES_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("DLNOTES_SCREENSHOTS", HERE / "screenshots"))
#: name -> (viewport width, viewport height, color scheme). 390 x 844 is a phone (iPhone 12-15),
#: 320 the narrowest phone still in use.
VIEWS = {
    "390-light": (390, 844, "light"),
    "390-dark": (390, 844, "dark"),
    "1280-light": (1280, 900, "light"),
    "1280-dark": (1280, 900, "dark"),
    "320-light": (320, 640, "light"),
}
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    """Skip locally; fail under CI=true (a CI run must really test the site)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def site_pages(site_dir: Path = SITE_DIR) -> list[str] | None:
    """Page paths relative to the site root (``""``, ``"about/"``...), from sitemap.xml."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return None
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text.strip() for el in ET.parse(sitemap).getroot().findall("s:url/s:loc", ns)]
    if not locs:
        return []
    # the sitemap uses site_url; strip its path prefix (common to every page, incl. the home page)
    prefix = min((urlsplit(u).path for u in locs), key=len)
    return sorted(urlsplit(u).path[len(prefix):] for u in locs)


def _explicitly_requested(config) -> bool:
    if os.environ.get("DLNOTES_BROWSER_TESTS") == "1":
        return True
    for arg in config.args:
        path = Path(str(arg).split("::")[0])
        if not path.is_absolute():
            path = Path(config.invocation_params.dir) / path
        try:
            path.resolve().relative_to(HERE)
            return True
        except ValueError:
            continue
    return False


def pytest_collection_modifyitems(config, items):
    if _explicitly_requested(config):
        return
    skip = pytest.mark.skip(reason="browser tests check the built site and run separately: "
                                   "mkdocs build --strict && python -m pytest tests/browser")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        pages = site_pages()
        if pages is None:
            metafunc.parametrize("page_path", [pytest.param(None, id="site-not-built")])
        else:
            metafunc.parametrize("page_path", pages, ids=[p or "home" for p in pages])


# The site is served as http://dlnotes.test/<site_url path>/: Chromium maps that host name to the
# local server (--host-resolver-rules), so the pages see the same path as on GitHub Pages and the
# default port. Material's instant navigation needs this: it only intercepts links found in
# sitemap.xml, whose URLs keep site_url's path and port (it only swaps protocol and host name).
HOST = "dlnotes.test"


def site_prefix(site_dir: Path = SITE_DIR) -> str:
    """Path of site_url (``/dlnotes/``), from the home page's entry in sitemap.xml."""
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text.strip() for el in ET.parse(site_dir / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    path = min((urlsplit(u).path for u in locs), key=len) if locs else "/"
    return path if path.endswith("/") else path + "/"


def _handler(prefix: str):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(SITE_DIR), **kwargs)

        def translate_path(self, path):
            clean = path.split("?", 1)[0].split("#", 1)[0]
            if not clean.startswith(prefix):
                return str(SITE_DIR / "__outside_site_url__")  # 404
            return super().translate_path("/" + path[len(prefix):])

        def log_message(self, format, *args):  # noqa: A002 - signature of the base class
            pass

    return Handler


@pytest.fixture(scope="session")
def server():
    """Serve the built site on 127.0.0.1 (a free port) in a background thread."""
    if site_pages() is None:
        unavailable(f"the site is not built ({SITE_DIR / 'sitemap.xml'} missing): run mkdocs build --strict")
    prefix = site_prefix()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(prefix))
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield {"port": httpd.server_address[1], "prefix": prefix}
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_url(server):
    """Base URL of the site as the browser sees it, e.g. ``http://dlnotes.test/dlnotes/``."""
    return f"http://{HOST}{server['prefix']}"


@pytest.fixture(scope="session")
def browser(server):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -r requirements.txt)")
    if not Path(CHROMIUM).exists():
        unavailable(f"chromium not found at {CHROMIUM} (apt-get install chromium, or set DLNOTES_CHROMIUM)")
    args = CHROMIUM_ARGS + [f"--host-resolver-rules=MAP {HOST}:80 127.0.0.1:{server['port']}"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield b
        finally:
            b.close()


class PageRecorder:
    """Everything a page did on the network and the console while it was open."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", self._on_response)
        page.on("console", lambda m: self.console_errors.append(f"{m.text} @ {m.location}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))

    def _on_response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def foreign_requests(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                out.append(url)
        return out


@pytest.fixture(scope="session")
def view_context(browser, site_url):
    """``view_context(name)``: the browser context of a view of ``VIEWS`` (one per session)."""
    contexts = {}

    def get(name: str):
        if name not in contexts:
            width, height, scheme = VIEWS[name]
            contexts[name] = browser.new_context(viewport={"width": width, "height": height},
                                                 color_scheme=scheme, service_workers="block")
        return contexts[name]

    try:
        yield get
    finally:
        for ctx in contexts.values():
            ctx.close()


@pytest.fixture
def context(browser, site_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def recorded_page(context, site_url):
    page = context.new_page()
    rec = PageRecorder(page, f"http://{HOST}")
    return rec
