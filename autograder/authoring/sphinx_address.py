"""Sphinx extension: the book's settings that follow from its public address.

Listed in _config.yml's sphinx.config.extensions. The address is the one
setting html.baseurl (Sphinx's html_baseurl; see book_address). From it:

- the build fails unless it is an absolute http(s) URL, so a book is never
  published with links that the assignments and the grader would not make;
- the 404 page (sphinx-notfound-page) links its styles, scripts and
  navigation under the address's path: GitHub and GitLab Pages serve that
  page for a missing file at any depth, where relative links would break.
  Its table of contents is empty, not None, for a book without chapters
  (sphinx-notfound-page returns None there, on which the book theme fails).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from autograder.authoring.book_address import AddressError, checked_address, site_path


def _derive(app: Sphinx, config: Config) -> None:
    try:
        address = checked_address(config.html_baseurl or "", Path(app.confdir) / "_config.yml")
    except AddressError as error:
        raise ConfigError(str(error)) from None
    config.notfound_urls_prefix = site_path(address)


def _empty_toctree_not_none(app: Sphinx, pagename: str, templatename, context, doctree):
    """On the 404 page, after sphinx-notfound-page (priority 400) put in its
    toctree helper and before the theme's handlers (500) call it."""
    helper = context.get("toctree")
    if pagename != app.config.notfound_pagename or helper is None:
        return

    def toctree(*args, **kwargs):
        return helper(*args, **kwargs) or ""

    context["toctree"] = toctree


def setup(app: Sphinx) -> dict:
    # Before sphinx-notfound-page checks its prefix on the same event.
    app.connect("config-inited", _derive, priority=400)
    app.connect("html-page-context", _empty_toctree_not_none, priority=450)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
