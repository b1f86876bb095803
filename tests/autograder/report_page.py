"""Reading a `course report` page the way its reader sees it."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """The parts of a report page the tests read: headings, paragraphs,
    table rows (as lists of cell texts) and images (their attributes)."""

    def __init__(self, markup: str):
        super().__init__()
        self.headings: list[str] = []
        self.paragraphs: list[str] = []
        self.rows: list[list[str]] = []
        self.images: list[dict[str, str]] = []
        self.scripts = 0
        self._text: list[str] | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "p", "td", "th"):
            self._text = []
        if tag == "tr":
            self.rows.append([])
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is None or tag not in ("h1", "h2", "h3", "p", "td", "th"):
            return
        text = "".join(self._text).strip()
        self._text = None
        if tag in ("td", "th"):
            self.rows[-1].append(text)
        elif tag == "p":
            self.paragraphs.append(text)
        else:
            self.headings.append(text)
