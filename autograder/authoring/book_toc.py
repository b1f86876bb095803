"""The book's table of contents (_toc.yml, jb-book format), read as a list
of document names: what the site must have a page for."""

from __future__ import annotations

from pathlib import Path

import yaml

TOC = Path(__file__).resolve().parents[2] / "_toc.yml"


def toc_documents(toc_path: Path = TOC) -> list[str]:
    """Document names in the order of the table of contents, e.g. "book/intro".

    Reads a jb-book _toc.yml: the root, then every file of every part,
    chapter and nested section.
    """
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    documents = [toc["root"]]

    def collect(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                documents.append(entry["file"])
            collect(entry.get("sections", []))

    for part in toc.get("parts", []):
        collect(part.get("chapters", []))
    collect(toc.get("chapters", []))
    return documents
