"""The built documentation site and the HTML report, checked in headless Chromium.

The site is the folder named by ``IKMOPT_SITE_DIR`` (``.ci/run`` builds it after
``docs/generate.py``) or else built here with ``mkdocs build --strict``, after the one
step of ``docs/generate.py`` whose output is not committed: the copy of MathJax
(its ``vendor_mathjax``: ``npm pack`` from the npm registry, into the git-ignored
``docs/javascripts/vendor/mathjax/``; under a second when npm has it cached).

Without a browser, every page's HTML is read: it must load no network resource (no
``http(s)://`` script, stylesheet, font, image or frame: the site works offline), and every
file it loads must be in the site. In headless Chromium the site is served on localhost;
every page must load with no console error, no failed request, no request off localhost,
every formula typeset by MathJax (no raw ``$$`` or ``\\(`` left in the text) and every
image loaded. The HTML report is opened from disk, offline, and a screenshot must show its
charts.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, installed by ``.ci/run``, or
the file named by ``CHROMIUM``), driven by Playwright. Where it is missing, or MathJax
cannot be copied (no npm, no registry), the tests that need it are skipped, except under
CI (``CI=true``), where either is a failure.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from unittest import mock
from urllib.parse import unquote, urljoin, urlsplit

import numpy as np
import pytest

import ikmopt as ik

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# flags for a closed network: no background connections, no sandbox as root
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


#: where the site loads MathJax from (``extra_javascript`` in ``mkdocs.yml``)
MATHJAX = "javascripts/vendor/mathjax/tex-mml-chtml.js"


def _skip_or_fail(message: str) -> None:
    """Skip, or under CI (``CI=true``: everything is installed there) fail."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _need_browser() -> None:
    missing = []
    if not Path(CHROMIUM).is_file():
        missing.append(f"chromium ({CHROMIUM}; apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[dev]')")
    if missing:
        _skip_or_fail("browser tests need " + " and ".join(missing))


def _need_mathjax(site: Path) -> None:
    """The site's own MathJax copy (it loads MathJax from nowhere else)."""
    if (site / MATHJAX).is_file():
        return
    if os.environ.get("IKMOPT_SITE_DIR"):  # a site given as built is incomplete
        pytest.fail(f"{site / MATHJAX} is missing: build the site after docs/generate.py, "
                    "which copies MathJax into docs/javascripts/vendor/mathjax/")
    _skip_or_fail("the site needs MathJax, which docs/generate.py copies into "
                  "docs/javascripts/vendor/mathjax/ with npm from the npm registry; that "
                  "failed here (no npm or no registry: `python docs/generate.py` says why)")


#: npm settings for the test's copy: a cached tarball is used as is (the version is pinned)
#: and an unreachable registry gives up within seconds, not after npm's minute of retries
_NPM_QUICK = {"npm_config_prefer_offline": "true", "npm_config_fetch_retries": "1",
              "npm_config_fetch_retry_mintimeout": "1000",
              "npm_config_fetch_retry_maxtimeout": "2000"}


def _vendor_mathjax() -> bool:
    """``docs/generate.py``'s MathJax step alone (the whole generator rewrites the tutorial
    pages and takes about 10 s; this step takes under a second with npm's cache).
    """
    spec = importlib.util.spec_from_file_location("_ikmopt_docs_generate",
                                                  ROOT / "docs" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    with mock.patch.dict(os.environ, {k: os.environ.get(k, v) for k, v in _NPM_QUICK.items()}):
        return generate.vendor_mathjax()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    given = os.environ.get("IKMOPT_SITE_DIR")
    if given:
        path = Path(given)
        assert (path / "index.html").is_file(), f"IKMOPT_SITE_DIR={given} holds no built site"
        return path
    # the tutorial pages and the model file are committed; the MathJax copy is not (a
    # failure here is reported by the tests that need MathJax, see _need_mathjax)
    _vendor_mathjax()
    path = tmp_path_factory.mktemp("site")
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    done = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{done.stderr[-3000:]}")
    return path


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


def _pages(site: Path) -> list[str]:
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    return ["" if p == "." else p + "/" for p in pages]


def _open(browser, url: str) -> tuple:
    """Open ``url``; return (page, problems): console errors, page errors, failed loads
    and requests to any other host than ``url``'s (the site must work offline).
    """
    page = browser.new_page()
    problems: list[str] = []
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    page.on("request", lambda r: problems.append(f"network request: {r.url}")
            if not r.url.startswith((origin, "data:", "blob:")) else None)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    page.goto(url, wait_until="networkidle")
    return page, problems


def _typeset(page) -> str | None:
    """Wait for MathJax to typeset the page; a problem if it did not load."""
    loaded = page.evaluate("() => !!(window.MathJax && MathJax.startup && "
                           "MathJax.startup.promise)")
    if not loaded:
        return "MathJax did not load"
    page.evaluate("() => MathJax.startup.promise")
    return None


# text of the page outside code: raw TeX delimiters here mean MathJax did not run
_RAW_MATH = """() => {
  const root = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('pre, code, script, style, mjx-container')) continue;
    const t = n.textContent;
    if (t.includes('$$') || t.includes('\\\\(') || t.includes('\\\\[')) raw.push(t.slice(0, 80));
  }
  return raw;
}"""

_IMAGES = """() => Array.from(document.images)
  .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)"""


# ------------------------------------------------------------------ the pages' HTML
#: ``<link rel=...>`` values that name another document rather than load a resource
_NAVIGATION_RELS = {"alternate", "author", "bookmark", "canonical", "help", "license", "me",
                    "next", "prev", "search"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
_NETWORK = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # http://, https://, //
_INLINE = re.compile(r"^(?:data|blob|about|javascript):|^#|^$", re.IGNORECASE)


class _Resources(html.parser.HTMLParser):
    """The URLs a page loads: ``src``/``srcset``/``poster``/``data`` of any element,
    ``href`` of a ``<link>`` that loads something (stylesheet, icon, font preload, ...),
    ``url()``/``@import`` in ``<style>`` and ``style=``; ``<a href>`` links are not loaded.
    """

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (what, url)
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name in ("src", "poster") + (("data",) if tag == "object" else ()):
            if values.get(name):
                self.urls.append((f"<{tag} {name}>", values[name].strip()))
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append((f"<{tag} srcset>", candidate.split()[0]))
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and values.get("href") and not rels <= _NAVIGATION_RELS:
            self.urls.append((f"<link rel={values.get('rel')}>", values["href"].strip()))
        self._css(f"<{tag} style>", values.get("style", ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css("<style>", data)

    def _css(self, what: str, text: str) -> None:
        self.urls += [(what, a or b) for a, b in _CSS_URL.findall(text)]


def _resources(page: Path) -> list[tuple[str, str]]:
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def test_pages_load_no_network_resource(site):
    """No page (and no stylesheet of the site) loads a script, stylesheet, font, image or
    frame from the network: no CDN, no Google Fonts. Links in the text are fine.
    """
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 20
    found: dict[str, list[str]] = {}  # resource -> the pages (or stylesheets) loading it
    for page in pages:
        for what, url in dict.fromkeys(_resources(page)):
            if _NETWORK.match(url):
                found.setdefault(f"{what} {url}", []).append(page.relative_to(site).as_posix())
    for sheet in sorted(site.rglob("*.css")):
        for pair in _CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            for url in filter(_NETWORK.match, filter(None, pair)):
                found.setdefault(f"url() {url}", []).append(sheet.relative_to(site).as_posix())
    assert not found, "resources loaded from the network:\n" + "\n".join(
        f"{resource} (by {len(where)}: {', '.join(where[:3])}{', ...' if len(where) > 3 else ''})"
        for resource, where in found.items())


def test_pages_load_only_files_of_the_site(site):
    """Every script, stylesheet, icon and image a page loads is a file of the site."""
    _need_mathjax(site)
    missing: dict[str, set[str]] = {}
    checked = set()
    for page in sorted(site.rglob("*.html")):
        base = "http://site/" + page.relative_to(site).as_posix()
        for _, url in _resources(page):
            if _NETWORK.match(url) or _INLINE.match(url):
                continue
            path = unquote(urlsplit(urljoin(base, url)).path).lstrip("/")
            target = site / path
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            checked.add(path)
            if not target.is_file():
                missing.setdefault(page.relative_to(site).as_posix(), set()).add(url)
    assert not missing, "files loaded but not in the site:\n" + "\n".join(
        f"{page}: {', '.join(sorted(urls))}" for page, urls in missing.items())
    assert MATHJAX in checked  # the check did see the pages' scripts


# ------------------------------------------------------------------ in the browser
def test_every_page_loads_with_formulas_and_figures(browser, server, site):
    _need_mathjax(site)
    pages = _pages(site)
    assert len(pages) >= 20
    seen_math = seen_images = 0
    failures: dict[str, list[str]] = {}
    for path in pages:
        page, problems = _open(browser, f"{server}/{path}")
        math = page.locator(".arithmatex").count()
        if math:
            problems += [p for p in [_typeset(page)] if p]
            rendered = page.locator(".arithmatex mjx-container").count()
            if rendered < math:
                problems.append(f"{math - rendered} of {math} formulas not typeset")
            problems += [f"raw TeX: {t!r}" for t in page.evaluate(_RAW_MATH)]
            seen_math += math
        images = page.locator("article img").count()
        problems += [f"image not loaded: {src}" for src in page.evaluate(_IMAGES)]
        seen_images += images
        if problems:
            failures[path or "/"] = problems
        page.close()
    assert not failures, "\n".join(f"{p}: {'; '.join(v)}" for p, v in failures.items())
    # the checks did look at something: the methodology is full of formulas, the
    # tutorials have figures
    assert seen_math > 100
    assert seen_images >= 6


def test_methodology_formulas_are_typeset_not_raw(browser, server, site):
    _need_mathjax(site)
    page, problems = _open(browser, f"{server}/methodology/")
    problems += [p for p in [_typeset(page)] if p]
    assert not problems
    assert page.locator("mjx-container[display='true']").count() > 20
    # a known display formula: the budget row's sum sign is drawn by MathJax's own font
    assert page.locator("mjx-container mjx-c").count() > 1000
    page.close()


def _report(tmp_path: Path, lang: str) -> Path:
    plan = ik.optimize(ik.datasets.load(), ik.default_policy())
    return plan.report(tmp_path / f"plan-{lang}.html", lang=lang)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_html_report_renders_its_charts_offline(browser, tmp_path, lang):
    from PIL import Image

    path = _report(tmp_path, lang)
    context = browser.new_context(offline=True)  # self-contained: no network needed
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto(path.as_uri(), wait_until="load")
    assert not problems
    charts = page.locator("svg")
    assert charts.count() >= 2
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
        assert charts.nth(i).locator("rect, path, polyline, circle").count() > 3
    assert page.locator("table tr").count() > 20
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")
    pixels = np.asarray(shot, dtype=float)
    (tmp_path / f"report-{lang}.png").write_bytes(page.screenshot(full_page=True))
    assert pixels.shape[0] > 1000  # the whole report, not an empty viewport
    assert (pixels < 200).mean() > 0.02  # ink: text, bars and lines, not a blank page
    assert pixels.std() > 20
    # the chart region itself has ink
    box = charts.first.bounding_box()
    crop = np.asarray(shot.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["width"]),
                                 int(box["y"] + box["height"]))), dtype=float)
    assert (crop < 230).mean() > 0.05
    context.close()
