"""Open one page of the book in Chromium and record what happened.

Every request to a host other than the local test server is aborted and
recorded; so are failed requests, HTTP errors, console errors and uncaught
exceptions. Once MathJax has finished, the page is measured (math, images,
leftover TeX, links) and photographed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import BrowserContext, Page, Request, Route

from tests.book.built_site import element_ids

MATHJAX_TIMEOUT_MS = 30_000

# Resolves to true once MathJax has typeset the page; to false when the page
# has no MathJax, or MathJax did not finish in time.
_WAIT_FOR_MATHJAX = """
async (timeoutMs) => {
  const deadline = new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs));
  const started = new Promise((resolve) => {
    const poll = () => {
      if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
        resolve(window.MathJax.startup.promise.then(() => true));
      } else if (document.readyState === "complete" && !document.querySelector(
          'script[src*="mathjax"]')) {
        resolve(false);
      } else {
        setTimeout(poll, 50);
      }
    };
    poll();
  });
  return Promise.race([started, deadline]);
}
"""

# Every <img>, once each has loaded or failed (lazy images are made eager).
_IMAGES = """
async (timeoutMs) => {
  const images = Array.from(document.images);
  images.forEach((img) => { img.loading = "eager"; });
  const settled = images.map((img) => img.complete ? null : new Promise((resolve) => {
    img.addEventListener("load", resolve, {once: true});
    img.addEventListener("error", resolve, {once: true});
  }));
  await Promise.race([
    Promise.all(settled),
    new Promise((resolve) => setTimeout(resolve, timeoutMs)),
  ]);
  return images.map((img) => ({
    src: img.currentSrc || img.src,
    alt: img.getAttribute("alt"),
    naturalWidth: img.naturalWidth,
  }));
}
"""

# Math as MathJax left it: per Sphinx math node, how many rendered containers.
_MATH = """
() => ({
  containers: document.querySelectorAll("mjx-container").length,
  errors: Array.from(document.querySelectorAll("mjx-merror"))
    .map((e) => e.getAttribute("data-mjx-error") || e.textContent),
  untypeset: Array.from(document.querySelectorAll(".math.notranslate"))
    .filter((node) => node.querySelectorAll("mjx-container").length !== 1)
    .map((node) => node.textContent.slice(0, 120)),
})
"""

# Visible text nodes outside code, scripts and typeset math.
_PROSE_TEXT = """
() => {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "PRE", "CODE",
                        "KBD", "SAMP", "MJX-CONTAINER"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        if (skip.has(el.tagName) || el.classList.contains("highlight")) {
          return NodeFilter.FILTER_REJECT;
        }
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const texts = [];
  while (walker.nextNode()) {
    if (walker.currentNode.nodeValue.trim()) texts.push(walker.currentNode.nodeValue);
  }
  return texts;
}
"""


@dataclass
class PageVisit:
    """What one page did while it loaded in the browser, and what it shows."""

    url: str
    screenshot: Path
    started: float = field(default_factory=time.time)
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    mathjax_ran: bool = False
    mjx_containers: int = 0
    math_errors: list[str] = field(default_factory=list)
    untypeset_math: list[str] = field(default_factory=list)
    prose_text: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def is_local(url: str, origin: str) -> bool:
    """Whether `url` is served by the local test server at `origin`
    (scheme://host:port); data: and blob: URLs never leave the page."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


def broken_internal_links(visit: PageVisit, site_dir: Path) -> list[str]:
    """Links of a visited page that point into the site (same origin) but at
    a file that does not exist, or at a #fragment that no element's id
    matches. Links to other hosts and non-HTTP links are not checked."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(visit.url))
    broken = []
    for href in visit.links:
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or not is_local(href, origin):
            continue
        target = site_dir / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href} (no such file)")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in element_ids(target):
                broken.append(f"{href} (no id {unquote(parts.fragment)!r} in {target.name})")
    return broken


QUIET_S = 0.5
"""How long no request may be in flight before a page counts as loaded."""
SETTLE_TIMEOUT_S = 30.0


def _settle(page: Page, in_flight: set, visit: PageVisit) -> None:
    """Wait until no request of the page has been in flight for QUIET_S.

    Playwright's "networkidle" relies on Chromium's one-off lifecycle event,
    which on a loaded machine sometimes never comes although every request
    has finished; counting the requests ourselves waits for exactly what
    matters and names any request that never ends."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    quiet_since = None
    while time.monotonic() < deadline:
        if in_flight:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_S:
            return
        page.wait_for_timeout(50)
    visit.failed_requests += [
        f"{request.url}: still loading after {SETTLE_TIMEOUT_S:g} s" for request in in_flight
    ]


def visit_page(context: BrowserContext, url: str, screenshot: Path) -> PageVisit:
    """Load `url` in a new tab, wait for MathJax, measure it and screenshot it."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    visit = PageVisit(url=url, screenshot=screenshot)
    page = context.new_page()

    def block_external(route: Route, request: Request) -> None:
        if is_local(request.url, origin):
            route.continue_()
        else:
            visit.external_requests.append(request.url)
            route.abort("blockedbyclient")

    def record_failure(request: Request) -> None:
        if is_local(request.url, origin):
            visit.failed_requests.append(f"{request.url}: {request.failure}")

    def record_http_error(response) -> None:
        if response.status >= 400:
            visit.failed_requests.append(f"{response.url}: HTTP {response.status}")

    def record_console(message) -> None:
        if message.type == "error":
            visit.console_errors.append(f"{message.text} ({message.location.get('url')})")

    in_flight: set[Request] = set()
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))
    page.route("**/*", block_external)
    page.on("requestfailed", record_failure)
    page.on("response", record_http_error)
    page.on("console", record_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
    try:
        page.goto(url, wait_until="load")
        visit.mathjax_ran = page.evaluate(_WAIT_FOR_MATHJAX, MATHJAX_TIMEOUT_MS)
        _settle(page, in_flight, visit)
        visit.images = page.evaluate(_IMAGES, 10_000)
        math = page.evaluate(_MATH)
        visit.mjx_containers = math["containers"]
        visit.math_errors = math["errors"]
        visit.untypeset_math = math["untypeset"]
        visit.prose_text = page.evaluate(_PROSE_TEXT)
        visit.links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
    return visit
