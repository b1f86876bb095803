"""Fixtures of the book tests: the built site, a local server for it, and a
headless Chromium that may reach nothing but that server."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

from tests.book.built_site import (
    DEPLOYED_SITE_DIR,
    SCREENSHOT_DIR,
    SITE_DIR,
    TOC_PATH,
    page_path,
    toc_documents,
)
from tests.book.local_server import serve_directory
from tests.book.page_visit import PageVisit, visit_page
from tests.book.site_server import serve_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """_build/html, which must have been built before the tests run."""
    if not (SITE_DIR / "index.html").is_file():
        pytest.fail(
            f"{SITE_DIR} holds no built book: run `make book` first.",
            pytrace=False,
        )
    return SITE_DIR


@pytest.fixture(scope="session")
def deployed_site() -> Path:
    """_build/site, which `make site` must have assembled before the tests run."""
    if not (DEPLOYED_SITE_DIR / "index.html").is_file():
        pytest.fail(f"{DEPLOYED_SITE_DIR} holds no site: run `make site` first.", pytrace=False)
    return DEPLOYED_SITE_DIR


@pytest.fixture(scope="session")
def deployed_url(deployed_site: Path) -> Iterator[str]:
    """_build/site served as GitHub or GitLab Pages would, under the path of
    the book's address (html.baseurl), by scripts/serve_site.py in a
    subprocess on a free port; e.g. "http://127.0.0.1:41234/rnn-gradients-course/"."""
    with serve_site(deployed_site) as url:
        yield url


@pytest.fixture(scope="session")
def toc_pages(site_dir: Path) -> list[str]:
    """Document names of every page in _toc.yml, each built into the site."""
    documents = toc_documents(TOC_PATH)
    missing = [doc for doc in documents if not page_path(doc, site_dir).is_file()]
    if missing:
        pytest.fail(
            f"pages in _toc.yml missing from {site_dir}: {missing}; run `make book` again",
            pytrace=False,
        )
    return documents


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """Base URL of an HTTP server on 127.0.0.1 (ephemeral port) serving the site."""
    with serve_directory(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Debian's Chromium, headless, with a fresh profile and no background traffic."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/install-system-packages.sh`",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            color_scheme="light",
            service_workers="block",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def visit(
    browser_context: BrowserContext, site_url: str, toc_pages: list[str]
) -> Callable[[str], PageVisit]:
    """visit("book/intro") opens that page once per session (later calls reuse
    the record) and saves its screenshot as _build/screenshots/intro.png."""

    @functools.cache
    def visit_document(document: str) -> PageVisit:
        screenshot = SCREENSHOT_DIR / f"{Path(document).name}.png"
        return visit_page(browser_context, f"{site_url}/{document}.html", screenshot)

    return visit_document
