"""The deployed site (`make site`, _build/site) served as GitHub or GitLab
Pages would: under the path of the book's address, by scripts/serve_site.py
started on a free port and stopped by pid, read by Debian's Chromium.

Every page reached from the home page loads, with nothing from another
host; every internal link, download and equation anchor leads where it
says; a missing page gets the 404 page, styled, at any depth; the search
works offline.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import BrowserContext

from tests.book.built_site import REPO_ROOT, SCREENSHOT_DIR, toc_documents
from tests.book.site_crawl import Crawl, crawl_site

pytestmark = pytest.mark.slow

DOWNLOADS = REPO_ROOT / "course" / "downloads"
SEARCH_TERM = "Jacobian"


@pytest.fixture(scope="module")
def crawl(browser_context: BrowserContext, deployed_url: str) -> Crawl:
    """Every page of the served site reached from its home page, and every
    link target fetched (screenshots in _build/screenshots/site/)."""
    return crawl_site(browser_context, deployed_url, SCREENSHOT_DIR / "site")


def test_the_site_is_served_under_a_sub_path(deployed_url: str):
    """Is the site served below a sub-path (as on GitHub or GitLab Pages),
    so that a link written from the server's root would break?"""
    assert urlsplit(deployed_url).path not in ("", "/"), deployed_url


def test_every_chapter_is_reached_from_the_home_page(crawl: Crawl, deployed_url: str):
    """Does following links from the home page reach every page of the table
    of contents?"""
    reached = {address.removeprefix(deployed_url) for address in crawl.visits}
    expected = {f"{document}.html" for document in toc_documents()}
    assert expected <= reached, sorted(expected - reached)


def test_every_page_loads_everything_from_the_site(crawl: Crawl):
    """Does every page load its styles, scripts, fonts, MathJax and images
    from the site, under its sub-path, without a failed request, a console
    error or an attempt to reach another host?"""
    problems = {
        address: visit.external_requests + visit.failed_requests + visit.console_errors
        for address, visit in crawl.visits.items()
    }
    assert {address: found for address, found in problems.items() if found} == {}


def test_every_internal_link_resolves(crawl: Crawl):
    """Does every link from a page to the site (pages, sources, downloads,
    the index) stay under the sub-path, answer 200 and, with a #fragment,
    land on an element with that id?"""
    links = crawl.links()
    assert len(links) > 500, "the crawl saw too few links to have checked anything"
    broken = [f"{page}: {why}" for page, link in links if (why := crawl.broken(page, link))]
    assert broken == []


def test_every_equation_anchor_resolves(crawl: Crawl):
    """Does every equation reference ({eq}) of every page reach its numbered
    equation, on its own page or another chapter's?"""
    equations = [(page, link) for page, link in crawl.links() if "#equation-" in link]
    assert len(equations) > 50, "the chapters cite more equations than this"
    other_pages = [(p, link) for p, link in equations if urldefrag(link)[0] != p]
    assert other_pages, "no equation reference across chapters was checked"
    assert [link for page, link in equations if crawl.broken(page, link)] == []


def test_every_download_is_the_release(crawl: Crawl):
    """Does the site link every assignment download, and is each one, as
    served, byte for byte the zip `course release` made?"""
    releases = {path.name: path.read_bytes() for path in sorted(DOWNLOADS.glob("*.zip"))}
    assert releases, f"no zip in {DOWNLOADS}: run `make site`"
    served = {
        Path(urlsplit(address).path).name: target.body
        for address, target in crawl.targets.items()
        if address.endswith(".zip") and target.status == 200
    }
    assert sorted(served) == sorted(releases)
    assert [name for name, data in releases.items() if served[name] != data] == []


def test_a_missing_page_gets_the_404_page_at_any_depth(
    browser_context: BrowserContext, deployed_url: str
):
    """Does a missing address, one or three folders deep, answer 404 with the
    book's own 404 page, its styles, scripts and navigation loaded from the
    sub-path, and its links to the chapters working?"""
    for missing in ("no-such-page.html", "book/deeper/still/no-such-chapter.html"):
        page = browser_context.new_page()
        failures: list[str] = []
        page.on("requestfailed", lambda request, f=failures: f.append(request.url))
        page.on(
            "response",
            lambda response, f=failures, m=missing: (
                f.append(f"{response.url}: HTTP {response.status}")
                if response.status >= 400 and not response.url.endswith(m)
                else None
            ),
        )
        try:
            response = page.goto(deployed_url + missing, wait_until="networkidle")
            assert response.status == 404
            assert page.title().startswith("Page not found"), page.title()
            assert page.locator("h1", has_text="Page not found").count() == 1
            assert failures == [], f"{missing}: {failures}"
            # The theme's stylesheet applied: the navigation is a sidebar
            # beside the text, not a full-width list above it.
            sidebar = page.locator("#pst-primary-sidebar")
            assert sidebar.is_visible() and 100 < sidebar.bounding_box()["width"] < 640
            links = page.eval_on_selector_all(
                "#pst-primary-sidebar a[href]", "links => links.map(a => a.href)"
            )
        finally:
            page.close()
        chapters = {f"{deployed_url}{document}.html" for document in toc_documents()[1:]}
        assert chapters <= set(links), sorted(chapters - set(links))
        for link in chapters:
            assert browser_context.request.get(link).status == 200, link


def test_search_finds_a_term_offline(browser_context: BrowserContext, deployed_url: str):
    """Does typing a term into the search box of a chapter, with every other
    host blocked, list the chapters that use it?"""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(deployed_url))
    page = browser_context.new_page()
    external: list[str] = []

    def only_the_site(route, request) -> None:
        if request.url.startswith(origin + "/") or request.url.startswith("data:"):
            route.continue_()
        else:
            external.append(request.url)
            route.abort("blockedbyclient")

    page.route("**/*", only_the_site)
    try:
        page.goto(deployed_url + "book/intro.html", wait_until="networkidle")
        page.locator("#pst-primary-sidebar button.search-button-field").click()
        field = page.locator("#pst-search-dialog input[name=q]")
        field.fill(SEARCH_TERM)
        field.press("Enter")
        page.wait_for_url(re.compile(r"/search\.html\?q=" + SEARCH_TERM))
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=30_000)
        hrefs = results.evaluate_all("links => links.map(a => a.href)")
    finally:
        page.close()
    assert external == []
    assert f"{deployed_url}book/softmax.html" in {urldefrag(h)[0] for h in hrefs}, hrefs
    assert all(h.startswith(deployed_url) for h in hrefs), hrefs
