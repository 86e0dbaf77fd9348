"""The one write path for a person's documents: read a snapshot, then compare-and-swap.

Every writer of a checklist, README.header.txt or qa2docs.yaml (``fill``, ``start``, the
review app) reads the file with :func:`read_for_update` and writes it with
:func:`replace_document`, which, under the SB root's lock, reads the file again and refuses
(:class:`DocumentChanged`) when its bytes differ from the snapshot: a save made meanwhile (an
editor takes no lock) is never overwritten; the caller merges again on the new text. The new
file is exchanged with the old one in one step and the old one checked after the exchange
(:func:`qa2docs.fileio.write_bytes_if_unchanged`), so even a save that lands between that
check and the rename is kept.

Links: a symbolic link is written through (temp file beside its target, the target replaced,
the link kept); a hard-linked file (more than one name) is refused (:class:`LinkedDocument`),
since replacing it would split the names and writing in place could tear it. Encoding: the
file keeps its encoding; text that encoding cannot hold moves the file to UTF-8, and
:attr:`Written.reencoded_from` says so.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import decode_text, write_bytes_if_unchanged

PAUSE_ENV = "QA2DOCS_TEST_PAUSE_BEFORE_SWAP"
"""Test hook: a file path; each swap first appends its target to ``<path>.waiting``, then waits
(at most :data:`PAUSE_LIMIT` s) until ``<path>`` exists. Makes a save race deterministic."""
PAUSE_LIMIT = 120.0
LOCK_TIMEOUT = 60


class DocumentChanged(Qa2DocsError):
    """The file changed on disk since it was read: nothing was written."""

    def __init__(self, path: Path, message: str = "changed on disk since it was read; "
                                                  "nothing written"):
        super().__init__(f"{path}: {message}")
        self.path = path


class LinkedDocument(Qa2DocsError):
    """The file has more than one hard link: qa2docs will not split nor tear it."""

    def __init__(self, path: Path, nlink: int):
        super().__init__(
            f"{path}: has {nlink} hard links; qa2docs writes a document only through a "
            "single name or a symbolic link (make the other names symbolic links, or copy it)")
        self.path = path


@dataclass(frozen=True)
class Snapshot:
    """A document as read for an update."""

    path: Path
    """The path as given (may be a symbolic link)."""
    target: Path
    """The real file written (symbolic links followed)."""
    text: str
    """The text ('' when the file does not exist)."""
    encoding: str
    """'utf-8' or 'latin-1' (utf-8 for a new file)."""
    digest: str | None
    """SHA-256 of the bytes read; None when the file did not exist."""
    nlink: int = 1

    @property
    def exists(self) -> bool:
        """Whether the file existed when read."""
        return self.digest is not None


@dataclass(frozen=True)
class Written:
    """What :func:`replace_document` wrote."""

    path: Path
    target: Path
    encoding: str
    digest: str
    reencoded_from: str | None = None
    """The old encoding, when the text needed UTF-8 (the file now is UTF-8)."""

    def snapshot(self, text: str) -> Snapshot:
        """The snapshot of the file just written (for a further update)."""
        return Snapshot(self.path, self.target, text, self.encoding, self.digest)


def lock_at(state_dir: Path) -> FileLock:
    """The lock file of an SB root's ``.qa2docs`` dir, guarding every write of its documents.
    Reentrant per object: pass the same object to nested writes."""
    state_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(state_dir / "lock"), timeout=LOCK_TIMEOUT)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_bytes(target: Path) -> tuple[bytes | None, int]:
    """The bytes of *target* (None when absent) and its link count; a FIFO, device or folder
    is refused without waiting on it."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None, 1
    except OSError as err:
        raise Qa2DocsError(f"{target}: cannot read: {err.strerror}") from err
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Qa2DocsError(f"{target}: not a regular file; a document must be one")
        return fh.read(), st.st_nlink


def read_for_update(path: Path | str) -> Snapshot:
    """Read *path* (absent: an empty snapshot) for a later :func:`replace_document`."""
    path = Path(path)
    target = Path(os.path.realpath(path))
    data, nlink = _read_bytes(target)
    if data is None:
        return Snapshot(path, target, "", "utf-8", None)
    text, encoding = decode_text(data)
    return Snapshot(path, target, text, encoding, _digest(data), nlink)


def check_writable(snapshot: Snapshot) -> None:
    """Raise :class:`LinkedDocument` for a hard-linked file (call before writing anything)."""
    if snapshot.nlink > 1:
        raise LinkedDocument(snapshot.path, snapshot.nlink)


def _wait_for_test() -> None:
    go = os.environ.get(PAUSE_ENV)
    if not go:
        return
    with open(f"{go}.waiting", "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + PAUSE_LIMIT
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.02)


def _pause_for_test(target: Path) -> None:
    _wait_for_test()


before_swap: Callable[[Path], None] = _pause_for_test
"""Called under the lock just before the file is read again (tests replace it)."""


def _nothing(target: Path) -> None:
    pass


before_rename: Callable[[Path], None] = _nothing
"""Called after that check, just before the new file takes the place of the old one: tests
save the file here, where a check-then-rename would lose the save."""


def _encode(text: str, encoding: str) -> tuple[bytes, str, str | None]:
    try:
        return text.encode(encoding), encoding, None
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8", encoding


def replace_document(snapshot: Snapshot, new_text: str, *,
                     lock: AbstractContextManager | None = None,
                     encoding: str | None = None) -> Written:
    """Write *new_text* over the document of *snapshot*, under *lock*, only if the file still
    holds the bytes read (else :class:`DocumentChanged`, nothing written).

    The text is written in the snapshot's encoding (or *encoding*), in UTF-8 when that cannot
    hold it; atomically (temp file beside the real target, fsync, rename)."""
    data, enc, old_enc = _encode(new_text, encoding or snapshot.encoding)
    with lock if lock is not None else nullcontext():
        check_writable(snapshot)
        before_swap(snapshot.target)
        refusal: list[Qa2DocsError] = []

        def unchanged(old: Path | None) -> bool:
            """Whether *old* (None: no file) is still the file of the snapshot; if not, the
            error to raise goes to *refusal*."""
            now, nlink = _read_bytes(old) if old is not None else (None, 1)
            if (None if now is None else _digest(now)) != snapshot.digest:
                refusal.append(DocumentChanged(snapshot.path))
            elif nlink > 1:
                refusal.append(LinkedDocument(snapshot.path, nlink))
            return not refusal

        if not unchanged(snapshot.target):  # refused early, before anything is written
            raise refusal[0]
        before_rename(snapshot.target)
        if not write_bytes_if_unchanged(snapshot.target, data, unchanged):
            raise refusal[-1]
    return Written(snapshot.path, snapshot.target, enc, _digest(data), old_enc)
