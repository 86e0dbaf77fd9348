"""HTTP for qa2docs download: a page's body, and a tar streamed resumably into ``<tar>.part``.

Each wait for the server is bounded by *timeout* seconds (the socket's timeout), and a body
must also come at MIN_RATE bytes/s or more over every *timeout* seconds: a server trickling
a byte at a time cannot hold a download forever. The ``.part`` file is opened without
following a symbolic link, and only if it is a regular file.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import os
import re
import stat
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Callable, Iterator

from qa2docs import __version__
from qa2docs.workflow.download.page import Link
from qa2docs.errors import Qa2DocsError

CHUNK = 1 << 20
TIMEOUT = 60.0
#: Bytes/s a body must keep up over every *timeout* seconds, or it is a network error.
MIN_RATE = 1024
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")

#: Called with (tar name, bytes so far, total bytes or None) while a tar streams.
ProgressFn = Callable[[str, int, "int | None"], None]


class _NetworkError(Exception):
    """A failure worth retrying (connection, timeout, 5xx, a body cut short)."""


def _request(url: str, headers: dict[str, str] | None = None, timeout: float = TIMEOUT
             ) -> http.client.HTTPResponse:
    req = urllib.request.Request(url, headers={"User-Agent": f"qa2docs/{__version__}",
                                               **(headers or {})})
    try:
        return urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as err:
        if err.code == 416:
            return err  # type: ignore[return-value]  # the caller reads Content-Range
        if err.code >= 500 or err.code in (408, 429):
            raise _NetworkError(f"HTTP {err.code} {err.reason}") from err
        raise Qa2DocsError(f"{url}: HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        raise _NetworkError(str(err.reason)) from err
    except (OSError, http.client.HTTPException) as err:
        raise _NetworkError(str(err) or type(err).__name__) from err


def _retrying(what: str, retries: int, attempt: Callable[[], object], pause: float = 1.0):
    """Run *attempt*, again up to *retries* times on a network failure, then a one-line error."""
    for n in range(retries + 1):
        try:
            return attempt()
        except _NetworkError as err:
            last = err
            if n < retries:
                time.sleep(pause * (n + 1))
    raise Qa2DocsError(f"{what}: network error after {retries + 1} attempt(s): {last}")


def _body(resp: http.client.HTTPResponse, what: str, timeout: float, done: int = 0
          ) -> Iterator[bytes]:
    """The body of *resp* piece by piece as it arrives (*done* bytes of it already in hand).

    A network error when it is cut, or when it comes slower than MIN_RATE bytes/s over
    *timeout* seconds: the socket's timeout alone bounds each read, not the transfer.
    """
    since, got = time.monotonic(), 0
    while True:
        try:
            chunk = resp.read1(CHUNK)
        except (OSError, http.client.HTTPException) as err:
            raise _NetworkError(f"{what}: transfer cut at {done} bytes") from err
        if not chunk:
            return
        done += len(chunk)
        got += len(chunk)
        elapsed = time.monotonic() - since
        if elapsed >= timeout:
            if got < MIN_RATE * elapsed:
                raise _NetworkError(f"{what}: too slow: {got} bytes in {elapsed:.1f} s "
                                    f"(less than {MIN_RATE} bytes/s over {timeout:g} s)")
            since, got = time.monotonic(), 0
        yield chunk


def fetch(url: str, retries: int, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """The body of *url* and the URL it came from after redirects."""

    def attempt() -> tuple[bytes, str]:
        with _request(url, timeout=timeout) as resp:
            return b"".join(_body(resp, url, timeout)), resp.geturl()

    return _retrying(url, retries, attempt)


def part_of(final: Path) -> Path:
    """Where the tar *final* is downloaded before it is whole: ``<tar>.part``."""
    return final.with_name(f"{final.name}.part")


def _not_regular(path: Path, link: bool) -> Qa2DocsError:
    if link:
        return Qa2DocsError(f"{path}: is a symbolic link; not followed (remove it and rerun)")
    return Qa2DocsError(f"{path}: is not a regular file; not used (remove it and rerun)")


def check_regular(path: Path) -> None:
    """A one-line error if *path* is there as a symbolic link or anything but a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise _not_regular(path, stat.S_ISLNK(mode))


def _open_part(part: Path, mode: str) -> IO[bytes]:
    """*part* opened in *mode* (rb, ab, wb), never through a symbolic link, a regular file."""
    flags = {"rb": os.O_RDONLY, "ab": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
             "wb": os.O_WRONLY | os.O_CREAT | os.O_TRUNC}[mode]
    try:  # O_NONBLOCK: a FIFO put there opens at once (and is refused) instead of hanging
        fd = os.open(part, flags | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.ENXIO):  # a link; a FIFO without a reader
            raise _not_regular(part, err.errno == errno.ELOOP) from err
        raise Qa2DocsError(f"{part}: cannot {'read' if mode == 'rb' else 'write'}: "
                           f"{err.strerror}") from err
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _not_regular(part, False)
    os.set_blocking(fd, True)
    return os.fdopen(fd, mode)


def _stream(link: Link, part: Path, md5: list, progress: ProgressFn | None,
            timeout: float = TIMEOUT) -> bool:
    """One attempt at the rest of *link* into *part*, feeding ``md5[0]``: resumed?"""
    have = os.lstat(part).st_size if part.exists() else 0
    resp = _request(link.url, {"Range": f"bytes={have}-"} if have else None, timeout)
    with resp:
        status = getattr(resp, "status", None) or resp.code
        content_range = resp.headers.get("Content-Range", "") or ""
        crange = _CONTENT_RANGE.match(content_range)
        if status == 416:
            total = re.search(r"/(\d+)", content_range)
            if total and int(total.group(1)) == have:
                return True  # the part was already whole
            part.unlink()
            md5[0] = hashlib.md5()
            raise _NetworkError("the server refused the resume range; starting over")
        resumed = status == 206 and have > 0
        if status == 206 and not (crange and int(crange.group(1)) == have):
            raise Qa2DocsError(f"{link.url}: the server answered a range other than "
                               f"bytes={have}-")
        if not resumed:
            have = 0
            md5[0] = hashlib.md5()  # the server starts over (200): so do we
        length = resp.headers.get("Content-Length")
        total = (int(crange.group(3)) if crange and crange.group(3) != "*"
                 else (have + int(length) if length else None))
        done = have
        if progress:
            progress(link.name, done, total)
        with _open_part(part, "ab" if resumed else "wb") as out:
            for chunk in _body(resp, link.name, timeout, done):
                try:
                    out.write(chunk)
                except OSError as err:
                    raise Qa2DocsError(f"{part}: cannot write: {err.strerror}") from err
                md5[0].update(chunk)
                done += len(chunk)
                if progress:
                    progress(link.name, done, total)
    if total is not None and done != total:
        raise _NetworkError(f"{link.name}: got {done} of {total} bytes")
    return resumed


def download_tar(link: Link, out_dir: Path, retries: int, progress: ProgressFn | None = None,
                 timeout: float = TIMEOUT) -> tuple[Path, str, bool]:
    """Download *link* resumably into *out_dir*: (final path, md5, resumed?)."""
    part = part_of(out_dir / link.name)
    md5 = [hashlib.md5()]
    if part.exists():
        with _open_part(part, "rb") as fh:
            while chunk := fh.read(CHUNK):
                md5[0].update(chunk)
    resumed: list[bool] = []
    _retrying(f"{link.url} (partial file kept as {part.name}; rerun to resume)", retries,
              lambda: resumed.append(_stream(link, part, md5, progress, timeout)))
    final = out_dir / link.name
    os.replace(part, final)
    return final, md5[0].hexdigest(), any(resumed)
