"""Folders as bytes: what travels between the coordinator and its workers.

A batch assumes no shared file system: the template course goes to the
workers, and each graded folder (autograded/, feedback/) comes back, as a
gzipped tar archive in memory. Unpacking refuses links, devices and paths
that leave the target folder (tarfile's "data" filter).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path


def pack(folder: Path, skip: tuple[str, ...] = ("__pycache__",)) -> bytes:
    """The files under `folder` (modes kept, names relative to it), gzipped.
    Folders and files whose name is in `skip` are left out."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        for path in sorted(Path(folder).rglob("*")):
            relative = path.relative_to(folder)
            if any(part in skip for part in relative.parts) or path.is_symlink():
                continue
            archive.add(path, arcname=str(relative), recursive=False)
    return buffer.getvalue()


def unpack(data: bytes, target: Path) -> None:
    """Unpack what :func:`pack` made into `target` (created if missing)."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(target, filter="data")


def members(data: bytes) -> dict[str, bytes]:
    """{relative path: content} of the files in a packed folder."""
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile():
                handle = archive.extractfile(member)
                assert handle is not None
                found[member.name] = handle.read()
    return found
