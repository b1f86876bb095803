"""Sphinx extension: the book's settings that follow from its public address.

Listed in _config.yml's sphinx.config.extensions. The address is the one
setting html.baseurl (Sphinx's html_baseurl; see book_address). From it:

- the build fails unless it is an absolute http(s) URL, so a book is never
  published with links that the assignments and the grader would not make;
- the 404 page (sphinx-notfound-page) links its styles, scripts and
  navigation under the address's path: GitHub and GitLab Pages serve that
  page for a missing file at any depth, where relative links would break.
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


def setup(app: Sphinx) -> dict:
    # Before sphinx-notfound-page checks its prefix on the same event.
    app.connect("config-inited", _derive, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
