"""Reading text as people save it, and writing it back atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qa2docs.errors import Qa2DocsError


def read_bytes(path: Path) -> bytes:
    """The bytes of the regular file *path*; anything else (a FIFO, a socket, a device, a
    folder) is refused rather than read, so that no read waits forever."""
    if not path.is_file():
        raise Qa2DocsError(f"{path}: not a regular file")
    try:
        return path.read_bytes()
    except OSError as err:
        raise Qa2DocsError(f"{path}: cannot read: {err.strerror}") from err


def read_text(path: Path) -> tuple[str, str]:
    """The text of *path* and its encoding (UTF-8, else latin-1), newlines untouched."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def write_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write *text* to *path* through a temporary file and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
