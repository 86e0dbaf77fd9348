"""Reading text as people save it, and writing it back atomically.

Every temporary file qa2docs writes is named ``.NAME.PID@HOST.XXXXXXXX.tmp`` beside its
target; one left behind by a killed writer (``kill -9``) is removed by the next writer in that
directory (see :func:`clean_stale_temps`). :func:`trace_worker` lets the tests see which
process did a piece of parallel work.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from qa2docs.errors import Qa2DocsError

STALE_AFTER = 15 * 60
"""Seconds after which a temp file of ours is stale whoever wrote it."""

_TEMP_RE = re.compile(
    r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]*)\.)?[a-z0-9_]{8}\.tmp$")
"""Our temp names: the current ``.NAME.PID@HOST.XXXXXXXX.tmp`` and the older
``.NAME.XXXXXXXX.tmp`` (no writer recorded: removed on age alone)."""

_cleaned: set[Path] = set()

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def _libc_call(name: str) -> Any:
    """The C library's function *name* (errno kept), or None (not glibc / not Linux)."""
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (AttributeError, OSError):
        return None


_renameat2 = _libc_call("renameat2")
_syncfs = _libc_call("syncfs")

_derived_unsynced: ContextVar[bool] = ContextVar("qa2docs_derived_unsynced", default=False)


def _exchange(tmp: str, target: Path) -> str | None:
    """Exchange *tmp* and *target* atomically ("swapped"), or move *tmp* to an absent
    *target* without replacing anything ("new"); None when this system cannot. Raises the
    OSError of a real failure; a *target* that appears (or vanishes) meanwhile is retried."""
    if _renameat2 is None:
        return None
    src, dst = os.fsencode(tmp), os.fsencode(target)
    for _ in range(8):
        for flags, outcome in ((_RENAME_EXCHANGE, "swapped"), (_RENAME_NOREPLACE, "new")):
            if _renameat2(_AT_FDCWD, src, _AT_FDCWD, dst, flags) == 0:
                return outcome
            err = ctypes.get_errno()
            if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EOPNOTSUPP):
                return None
            if err not in (errno.ENOENT, errno.EEXIST):
                raise OSError(err, os.strerror(err), str(target))
    raise OSError(errno.EBUSY, "replaced again and again while qa2docs was writing", str(target))


def decode_text(data: bytes) -> tuple[str, str]:
    """*data* as text and its encoding (UTF-8, else latin-1), newlines untouched."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


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
    return decode_text(read_bytes(path))


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40]


def _writer_gone(pid: str | None, host: str | None) -> bool:
    """Whether the process that named a temp file is known to be dead (same host only)."""
    if pid is None or host != _host():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False


def clean_stale_temps(directory: Path, now: float | None = None) -> list[Path]:
    """Remove the temp files of ours in *directory* whose writer died or that are older than
    :data:`STALE_AFTER`; never any other file. Returns what was removed."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_RE.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        if now - st.st_mtime > STALE_AFTER or _writer_gone(m["pid"], m["host"]):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def _write_temp(target: Path, data: bytes, mode: int | None, durable: bool) -> str:
    """A temp file beside *target* holding *data* (fsynced when *durable*), with *target*'s
    mode (0o644 for a new file); its path."""
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    if directory not in _cleaned:
        _cleaned.add(directory)
        clean_stale_temps(directory)
    if mode is None:
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}@{_host()}.", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_bytes_atomically(target: Path, data: bytes, mode: int | None = None,
                           durable: bool = True) -> None:
    """Write *data* to *target* through a temp file beside it, fsync and a rename: never half
    a file. *mode* defaults to the mode of the file replaced (0o644 for a new one).

    ``durable=False`` skips the two fsyncs (file and folder): for a file that can be made
    again (a cache, the batch state), which after a power cut may be empty or the old one
    but is still never half written by a process that stopped."""
    tmp = _write_temp(target, data, mode, durable)
    try:
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_dir(target.parent)


def write_bytes_if_unchanged(target: Path, data: bytes,
                             unchanged: Callable[[Path | None], bool]) -> bool:
    """Put *data* at *target* (temp file, fsync, rename) only if the file it replaces is the
    one expected: ``unchanged(path_of_the_old_file)``, ``unchanged(None)`` when there is none.
    False (nothing written) when it is not.

    On Linux the new file and the old one are exchanged in one step (``renameat2`` with
    ``RENAME_EXCHANGE``; ``RENAME_NOREPLACE`` for a new file) and the old one is checked
    *after* the exchange, then exchanged back if it is not the one expected: a file saved by
    renaming over *target* at any moment is never lost. Where the call is missing or the
    file system refuses it, the old file is checked just before a plain rename."""
    tmp = _write_temp(target, data, None, True)
    try:
        swapped = _exchange(tmp, target)
        if swapped is None:  # no renameat2 here: check, then rename
            if not unchanged(target if target.exists() else None):
                return False
            os.replace(tmp, target)
        elif swapped == "new":
            if not unchanged(None):  # the file read was removed meanwhile: take ours back
                os.rename(target, tmp)
                return False
        elif not unchanged(Path(tmp)):
            _exchange(tmp, target)  # the file found goes back
            if _read_or_none(tmp) != data:  # and a save landed between the two exchanges:
                _exchange(tmp, target)  # the newest save is the one to keep
            return False
    finally:
        Path(tmp).unlink(missing_ok=True)
    _fsync_dir(target.parent)
    return True


def _read_or_none(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str, encoding: str = "utf-8",
                     durable: bool = True) -> None:
    """Write *text* to *path* through a temporary file and a rename: never half a file
    (*durable*: see :func:`write_bytes_atomically`).

    A symbolic link at *path* is replaced, not followed (a person's documents go through
    :mod:`qa2docs.documents.store`, which writes through links)."""
    write_bytes_atomically(path, text.encode(encoding), durable=durable)


def trace_worker(what: str) -> None:
    """Append ``WHAT PID PARENT-PID`` to the file named by $QA2DOCS_TRACE_WORKERS, if set:
    how the tests see which process did a piece of parallel work."""
    trace = os.environ.get("QA2DOCS_TRACE_WORKERS")
    if trace:
        with open(trace, "a", encoding="utf-8") as fh:
            fh.write(f"{what} {os.getpid()} {os.getppid()}\n")


@contextmanager
def unsynced_derived_files() -> Iterator[None]:
    """Inside: derived files (the reports, made again from the inputs) are written without
    their fsyncs; the caller makes them durable in one go with :func:`sync_file_system`
    before recording them as done. A person's documents keep their own fsyncs."""
    token = _derived_unsynced.set(True)
    try:
        yield
    finally:
        _derived_unsynced.reset(token)


def derived_durable() -> bool:
    """Whether a derived file written now should be fsynced (see
    :func:`unsynced_derived_files`)."""
    return not _derived_unsynced.get()


def sync_file_system(path: Path) -> None:
    """Flush everything written to the file system holding *path* (``syncfs``; ``sync``
    where it is missing). Raises OSError when the flush fails."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if _syncfs is None:
            os.sync()
        elif _syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
    finally:
        os.close(fd)
