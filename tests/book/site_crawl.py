"""Follow every link of the deployed site in Chromium, as a reader would.

Pages are opened in the browser (page_visit.visit_page: what they load, what
fails, their links once scripts have run); every link target, page or file,
is then fetched from the same server, and a #fragment must name an element
of the page it points at. Everything is read over HTTP from the server that
serves the site under its sub-path, never from the files.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from bs4 import BeautifulSoup
from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from tests.book.page_visit import PageVisit, visit_page


@dataclass(frozen=True)
class Target:
    """What the server answered for one URL (without its fragment)."""

    status: int
    body: bytes
    ids: frozenset[str] = frozenset()


@dataclass
class Crawl:
    """Every page reached from the home page, and every link target fetched."""

    root: str
    visits: dict[str, PageVisit] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)

    def links(self) -> list[tuple[str, str]]:
        """(page, link) for every link of every visited page to the same server."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.root))
        return [
            (page, link)
            for page, visit in self.visits.items()
            for link in visit.links
            if link.startswith(origin + "/")
        ]

    def broken(self, page: str, link: str) -> str | None:
        """Why `link` of `page` does not lead where it says, or None."""
        address, fragment = urldefrag(link)
        if not address.startswith(self.root):
            return f"{link} (outside the site's path {urlsplit(self.root).path})"
        target = self.targets[address]
        if target.status != 200:
            return f"{link} (HTTP {target.status})"
        if fragment and unquote(fragment) not in target.ids:
            return f"{link} (no element with id {unquote(fragment)!r})"
        return None


def element_ids(markup: bytes) -> frozenset[str]:
    """The ids (and legacy <a name>s) of an HTML document: its valid #fragments."""
    soup = BeautifulSoup(markup, "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids)


def _fetch(context: BrowserContext, address: str) -> Target:
    response = context.request.get(address, max_redirects=5)
    body = response.body()
    is_html = "text/html" in response.headers.get("content-type", "")
    return Target(response.status, body, element_ids(body) if is_html else frozenset())


def crawl_site(context: BrowserContext, root: str, screenshots: Path) -> Crawl:
    """Open the site's home page (`root`, the site's URL ending in "/") and
    every HTML page of the site it leads to; fetch every link's target."""
    crawl = Crawl(root)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(root))
    queue = deque([root + home_page(crawl, context)])
    while queue:
        address = queue.popleft()
        if address in crawl.visits:
            continue
        name = address.removeprefix(root).replace("/", "_") or "index"
        try:
            visit = visit_page(context, address, screenshots / f"{Path(name).stem}.png")
        except PlaywrightError as error:
            raise AssertionError(f"{address} did not load: {error.message}") from None
        crawl.visits[address] = visit
        for link in visit.links:
            target, _ = urldefrag(link)
            if not target.startswith(origin + "/"):
                continue
            if target not in crawl.targets:
                crawl.targets[target] = _fetch(context, target)
            is_page = urlsplit(target).path.endswith(".html")
            if is_page and target.startswith(root) and crawl.targets[target].status == 200:
                queue.append(target)
    return crawl


_REFRESH = re.compile(rb'http-equiv="refresh"\s+content="0;\s*url=([^"]+)"', re.IGNORECASE)


def home_page(crawl: Crawl, context: BrowserContext) -> str:
    """Where the site's root sends a reader: Jupyter Book's index.html is a
    redirect to the first chapter (fetched and recorded like any target)."""
    crawl.targets[crawl.root] = root = _fetch(context, crawl.root)
    match = _REFRESH.search(root.body)
    if root.status != 200 or not match:
        raise AssertionError(f"{crawl.root}: HTTP {root.status}, no redirect to a first page")
    return match.group(1).decode()
