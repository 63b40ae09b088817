"""The built documentation site and the HTML report, checked in headless Chromium.

The site (``mkdocs build``, or the folder named by ``IKMOPT_SITE_DIR``, which ``.ci/run``
builds first) is served on localhost; every page must load with no console error, no failed
request, every formula typeset by MathJax (no raw ``$$`` or ``\\(`` left in the text) and
every image loaded. The HTML report is opened from disk, offline, and a screenshot must show
its charts.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, installed by ``.ci/run``),
driven by Playwright. Where it is missing the tests are skipped, except under CI
(``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import ikmopt as ik

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# flags for a closed network: no background connections, no sandbox as root
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need_browser() -> None:
    missing = []
    if not Path(CHROMIUM).is_file():
        missing.append(f"chromium ({CHROMIUM}; apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[dev]')")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


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
    _need_browser()
    path = tmp_path_factory.mktemp("site")
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(path)], cwd=ROOT,
                   check=True, capture_output=True)
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
    """Open ``url``; return (page, problems): console errors, page errors, failed loads."""
    page = browser.new_page()
    problems: list[str] = []
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


def test_every_page_loads_with_formulas_and_figures(browser, server, site):
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


def test_methodology_formulas_are_typeset_not_raw(browser, server):
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
