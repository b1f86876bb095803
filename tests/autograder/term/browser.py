"""Debian's Chromium driven by Playwright, launched as the book's tests do,
recording every request, dialog and error of the pages it opens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, sync_playwright

from tests.book.conftest import CHROMIUM, CHROMIUM_ARGS


@contextmanager
def chromium(profile: Path) -> Iterator[BrowserContext]:
    if not CHROMIUM.is_file():
        raise AssertionError(
            f"{CHROMIUM} is missing: run `bash scripts/install-system-packages.sh`"
        )
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        try:
            yield context
        finally:
            context.close()


@dataclass
class Recorder:
    """What a page did: every request (method, path), dialog and uncaught error."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        page.on("request", lambda r: self.requests.append((r.method, r.url)))
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def jupyter_api_requests(self) -> list[tuple[str, str]]:
        """Requests to Jupyter's REST API (/api/...), which the token opens."""
        return [(m, url) for m, url in self.requests if urlsplit(url).path.startswith("/api/")]
