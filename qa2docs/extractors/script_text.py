"""The text of a CASA script, read with a bound on what one line may hold."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

#: A script line longer than this is data, not code: it is not read (issue 10, item 9).
MAX_LINE_BYTES = 1 << 20


def read_text(path: Path, warn: Callable[[int, str], None] | None = None) -> str:
    """A script's text: UTF-8, else Latin-1 (old casapy scripts); OSError when unreadable.

    Only a regular file is read (a FIFO would wait forever). A line longer than
    :data:`MAX_LINE_BYTES` is read in pieces and dropped (an empty line keeps the numbering),
    with *warn(line, message)*: no more than one such piece is held at a time.
    """
    path = Path(path)
    if not path.is_file():
        raise OSError(f"{path}: not a regular file")
    kept: list[bytes] = []
    with open(path, "rb") as stream:
        while piece := stream.readline(MAX_LINE_BYTES + 1):
            if len(piece) <= MAX_LINE_BYTES or piece.endswith(b"\n"):
                kept.append(piece)
                continue
            size = len(piece)
            while (piece := stream.readline(MAX_LINE_BYTES)) and not piece.endswith(b"\n"):
                size += len(piece)
            size += len(piece)
            kept.append(b"\n")
            if warn is not None:
                warn(len(kept), f"line of {size >> 20} MiB skipped: a line over "
                                f"{MAX_LINE_BYTES >> 20} MiB is data, not code")
    raw = b"".join(kept)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
