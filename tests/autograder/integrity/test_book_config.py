"""The one setting that links a public repository from the site."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from autograder.integrity.book_config import (
    SETTING,
    PublicRepositoryError,
    main,
    public_config,
)
from tests.book.built_site import REPO_ROOT
from tests.book.test_build_script import BUILD_SCRIPT, BUILD_TIMEOUT_S, CLEAN_PAGE, make_book

PUBLIC = "https://github.com/someone/course-public"


def test_the_course_configuration_links_nothing_by_default():
    """Does _config.yml itself have no repository URL, no repository or
    issues button and no Binder or Colab URL?"""
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["url"] == ""
    assert config["html"]["use_repository_button"] is False
    assert config["html"]["use_issues_button"] is False
    assert config["launch_buttons"]["binderhub_url"] == ""
    assert config["launch_buttons"]["colab_url"] == ""


def test_a_public_repository_turns_on_its_buttons_and_nothing_else():
    """With a public repository named, are the repository and issues
    buttons on and pointing there, and is the rest of _config.yml (the
    launch buttons included) unchanged?"""
    original = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    derived = yaml.safe_load(
        public_config((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"), PUBLIC + "/")
    )
    assert derived["repository"]["url"] == PUBLIC
    assert derived["html"]["use_repository_button"] is True
    assert derived["html"]["use_issues_button"] is True
    for key in ("repository", "html"):
        derived.pop(key), original.pop(key)
    assert derived == original


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/someone/course-public",
        "https://example.org/someone/course-public",
        "https://github.com/someone",
        "https://github.com/someone/course-public/tree/main",
        "course-public",
    ],
)
def test_a_url_that_names_no_repository_is_refused_with_what_is_expected(url: str):
    """Is a URL that is not https://<host>/<owner>/<repository> on a known
    host refused, naming the setting and the expected form?"""
    with pytest.raises(PublicRepositoryError, match=rf"{SETTING}=.*expected https://<host>"):
        public_config("html: {}\n", url)


def test_the_command_writes_the_configuration_or_exits_2(tmp_path: Path, capsys):
    """Does `python -m autograder.integrity.book_config` write the derived
    file, and exit 2 with the reason for a bad URL or a missing file?"""
    out = tmp_path / "public.yml"
    assert main([str(REPO_ROOT / "_config.yml"), PUBLIC, str(out)]) == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["repository"]["url"] == PUBLIC
    assert main([str(REPO_ROOT / "_config.yml"), "nope", str(tmp_path / "x.yml")]) == 2
    assert main([str(tmp_path / "missing.yml"), PUBLIC, str(tmp_path / "y.yml")]) == 2
    assert "expected https://<host>" in capsys.readouterr().err


@pytest.mark.slow
def test_the_build_script_links_the_named_public_repository_only(tmp_path: Path):
    """Built by scripts/build-book.sh with PUBLIC_REPOSITORY_URL set, does a
    page get repository and issues buttons to that repository and still no
    Binder or Colab button?"""
    make_book(tmp_path, CLEAN_PAGE)
    result = subprocess.run(
        ["bash", str(BUILD_SCRIPT), str(tmp_path)],
        env={**os.environ, SETTING: PUBLIC},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    page = tmp_path / "_build" / "html" / "book" / "page.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in soup.find_all("a", href=True)}
    assert PUBLIC in links
    assert any(link.startswith(f"{PUBLIC}/issues/new") for link in links), sorted(links)
    hosts = {urlsplit(link).netloc for link in links}
    assert not hosts & {"mybinder.org", "colab.research.google.com"}
    # The classes the site test looks for, to prove the buttons are absent.
    assert soup.select(".btn-source-repository-button")
    assert soup.select(".btn-source-issues-button")
    assert soup.select(".dropdown-launch-buttons") == []
