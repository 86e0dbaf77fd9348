"""The seed's qa2_download: fetch the ASDM tars a web page links to, check md5, untar safely.

The page (the link in ESO's mail) is read for links to ``uid___*.tar`` (also ``.tar.gz``,
``.tgz``) and to md5 files (``md5sums.txt``, ``*.md5``). Each tar is streamed in 1 MiB
chunks into ``<name>.part``; a rerun resumes it with ``Range: bytes=<size>-`` (appending on
206, starting over on 200) and renames it when complete. Its md5 is checked against the md5
files; a mismatch deletes the tar. A verified tar is extracted through a checked list of
members (no absolute path, no ``..``, no link or device leading out, one ``uid___*`` folder
only) with ``filter="data"``, into a hidden folder renamed into place. What was verified is
remembered in ``<DIR>/.qa2docs-download.json`` (name, size, mtime, md5), so a rerun skips it.
Several tars may download at once (threads; each tar's md5 and untar in its own thread).
Standard library only.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import posixpath
import re
import shutil
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

from qa2docs import __version__
from qa2docs.errors import Qa2DocsError
from qa2docs.workflow.packaging import md5_file, write_bytes_atomically

CHUNK = 1 << 20
TIMEOUT = 60.0
STATE_FILE = ".qa2docs-download.json"
TAR_RE = re.compile(r"^uid___[A-Za-z0-9_]+\.(?:tar|tar\.gz|tgz)$")
MD5_RE = re.compile(r"^(?:md5sums?\.txt|.+\.md5)$", re.I)
_MD5_LINE = re.compile(r"^\s*([0-9a-fA-F]{32})\s+\*?(\S.*?)\s*$")
_BSD_LINE = re.compile(r"^\s*MD5\s*\((.+)\)\s*=\s*([0-9a-fA-F]{32})\s*$")
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")

#: Called with (tar name, bytes so far, total bytes or None) while a tar streams.
ProgressFn = Callable[[str, int, "int | None"], None]


class _NetworkError(Exception):
    """A failure worth retrying (connection, timeout, 5xx, a body cut short)."""


@dataclass
class Link:
    """A file the page links to: its absolute URL and its file name."""

    url: str
    name: str


@dataclass
class TarOutcome:
    """What happened to one tar: *status* is downloaded, resumed, skipped or failed."""

    name: str
    status: str
    message: str = ""
    folder: str | None = None
    extracted: bool = False
    verified: bool = False
    size: int = 0


@dataclass
class DownloadResult:
    """Every tar's outcome, the md5 files saved, and warnings."""

    outcomes: list[TarOutcome] = field(default_factory=list)
    md5_files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[TarOutcome]:
        """The tars that failed (md5 mismatch, unsafe or malformed tar)."""
        return [o for o in self.outcomes if o.status == "failed"]


# ---------------------------------------------------------------------------- the page


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def find_links(html: str, base_url: str) -> tuple[list[Link], list[Link]]:
    """The ASDM tar links and the md5 file links of a page, absolute, http(s) only, unique."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    tars: dict[str, Link] = {}
    md5s: dict[str, Link] = {}
    for href in parser.hrefs:
        url = urllib.parse.urljoin(base_url, href.strip())
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        name = posixpath.basename(urllib.parse.unquote(parts.path))
        if TAR_RE.match(name):
            tars.setdefault(name, Link(url, name))
        elif MD5_RE.match(name):
            md5s.setdefault(name, Link(url, name))
    return list(tars.values()), list(md5s.values())


def parse_md5(text: str, file_name: str = "md5sums.txt") -> dict[str, str]:
    """File name -> md5 from ``md5sum`` (``<md5>  <name>``) or BSD (``MD5 (name) = <md5>``) text.

    A ``<tar>.md5`` file holding only a digest gives that digest to ``<tar>``.
    """
    sums: dict[str, str] = {}
    for line in text.splitlines():
        if m := _MD5_LINE.match(line):
            sums[posixpath.basename(m.group(2).replace("\\", "/"))] = m.group(1).lower()
        elif m := _BSD_LINE.match(line):
            sums[posixpath.basename(m.group(1))] = m.group(2).lower()
        elif re.fullmatch(r"\s*[0-9a-fA-F]{32}\s*", line) and file_name.lower().endswith(".md5"):
            sums[file_name[:-4]] = line.strip().lower()
    return sums


# ---------------------------------------------------------------------------- HTTP


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


def fetch(url: str, retries: int, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """The body of *url* and the URL it came from after redirects."""

    def attempt() -> tuple[bytes, str]:
        with _request(url, timeout=timeout) as resp:
            try:
                return resp.read(), resp.geturl()
            except (OSError, http.client.HTTPException) as err:
                raise _NetworkError(str(err) or type(err).__name__) from err

    return _retrying(url, retries, attempt)


def _stream(link: Link, part: Path, md5: list, progress: ProgressFn | None,
            timeout: float = TIMEOUT) -> bool:
    """One attempt at the rest of *link* into *part*, feeding ``md5[0]``: resumed?"""
    have = part.stat().st_size if part.exists() else 0
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
        try:
            out = open(part, "ab" if resumed else "wb")
        except OSError as err:
            raise Qa2DocsError(f"{part}: cannot write: {err.strerror}") from err
        with out:
            while True:
                try:
                    chunk = resp.read(CHUNK)
                except (OSError, http.client.HTTPException) as err:
                    raise _NetworkError(f"{link.name}: transfer cut at {done} bytes") from err
                if not chunk:
                    break
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
    part = out_dir / f"{link.name}.part"
    md5 = [hashlib.md5()]
    if part.exists():
        with open(part, "rb") as fh:
            while chunk := fh.read(CHUNK):
                md5[0].update(chunk)
    resumed: list[bool] = []
    _retrying(f"{link.url} (partial file kept as {part.name}; rerun to resume)", retries,
              lambda: resumed.append(_stream(link, part, md5, progress, timeout)))
    final = out_dir / link.name
    os.replace(part, final)
    return final, md5[0].hexdigest(), any(resumed)


# ---------------------------------------------------------------------------- safe untar


def check_members(tar: tarfile.TarFile, label: str) -> str:
    """The one ``uid___*`` folder *tar* holds; a one-line error for any member leading out."""
    tops: set[str] = set()
    for m in tar.getmembers():
        name = m.name
        parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            raise Qa2DocsError(f"{label}: refused: absolute path {name!r}")
        if ".." in parts:
            raise Qa2DocsError(f"{label}: refused: path with '..' {name!r}")
        if not parts:
            continue
        if m.isdev() or m.isfifo():
            raise Qa2DocsError(f"{label}: refused: device or fifo {name!r}")
        if m.issym() or m.islnk():
            target = m.linkname.replace("\\", "/")
            base = posixpath.dirname("/".join(parts)) if m.issym() else ""
            dest = posixpath.normpath(posixpath.join(base, target))
            if target.startswith("/") or dest == ".." or dest.startswith("../") \
                    or dest.split("/")[0] != parts[0]:
                raise Qa2DocsError(f"{label}: refused: link {name!r} -> {m.linkname!r} "
                                   "points out of the ASDM folder")
        if len(parts) == 1 and not m.isdir():
            raise Qa2DocsError(f"{label}: refused: {name!r} is not inside an ASDM folder")
        tops.add(parts[0])
    if len(tops) != 1 or not next(iter(tops)).startswith("uid___"):
        found = ", ".join(sorted(tops)) or "nothing"
        raise Qa2DocsError(f"{label}: must hold one uid___* folder, holds: {found}")
    return tops.pop()


def safe_extract(tar_path: Path, out_dir: Path) -> tuple[str, bool]:
    """Extract the ASDM folder of *tar_path* into *out_dir*: (folder name, extracted now?).

    An existing folder of that name is left alone.
    """
    try:
        with tarfile.open(tar_path) as tar:
            folder = check_members(tar, tar_path.name)
            if (out_dir / folder).exists():
                return folder, False
            tmp = out_dir / f".{folder}.extracting"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            try:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(tmp, filter="data")
                else:  # Python < 3.11.4: the member checks above are the guard
                    tar.extractall(tmp)
                os.replace(tmp / folder, out_dir / folder)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except (tarfile.TarError, EOFError, OSError) as err:
        raise Qa2DocsError(f"{tar_path.name}: cannot extract: {err}") from err
    return folder, True


# ---------------------------------------------------------------------------- state


def _load_state(out_dir: Path) -> dict[str, dict]:
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_state(out_dir: Path, state: dict[str, dict]) -> None:
    text = json.dumps(state, indent=1, sort_keys=True) + "\n"
    write_bytes_atomically(out_dir / STATE_FILE, text.encode())


def _stamp(path: Path, md5: str) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "md5": md5}


def _known_md5(path: Path, state: dict[str, dict]) -> str | None:
    """The md5 recorded for *path* if the file is unchanged since, else None."""
    rec = state.get(path.name)
    if not rec or not path.exists():
        return None
    st = path.stat()
    if rec.get("size") == st.st_size and rec.get("mtime_ns") == st.st_mtime_ns:
        return rec.get("md5")
    return None


# ---------------------------------------------------------------------------- the whole run


def check_url(url: str) -> None:
    """A one-line error unless *url* is an http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Qa2DocsError(f"{url}: not an http(s) URL (give the page from ESO's mail)")


def run_download(url: str, out_dir: Path, retries: int = 3,
                 progress: ProgressFn | None = None,
                 on_done: Callable[[TarOutcome], None] | None = None,
                 timeout: float = TIMEOUT, jobs: int = 1) -> DownloadResult:
    """Download, verify and extract every ASDM tar the page at *url* links to, into *out_dir*,
    *jobs* tars at a time; *timeout* seconds is the longest wait for a server's answer."""
    check_url(url)
    out_dir.mkdir(parents=True, exist_ok=True)
    body, base = fetch(url, retries, timeout)
    tars, md5_links = find_links(body.decode("utf-8", "replace"), base)
    if not tars:
        raise Qa2DocsError(f"{url}: no ASDM (uid___*.tar) linked on the page")
    result = DownloadResult()
    sums: dict[str, str] = {}
    for link in md5_links:
        data, _ = fetch(link.url, retries, timeout)
        write_bytes_atomically(out_dir / link.name, data)
        result.md5_files.append(link.name)
        sums.update(parse_md5(data.decode("utf-8", "replace"), link.name))
    if not md5_links:
        result.warnings.append("no md5 file (md5sums.txt, *.md5) on the page: "
                               "the tars are not verified")
    state = _load_state(out_dir)
    saving = threading.Lock()  # tars end in any order; the state file is written by one

    def one(link: Link) -> TarOutcome:
        outcome = _one_tar(link, out_dir, retries, sums.get(link.name), state, progress,
                           timeout)
        with saving:
            if outcome.status == "failed":
                state.pop(link.name, None)
            _save_state(out_dir, state)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(tars)))) as pool:
        futures = {pool.submit(one, link): i for i, link in enumerate(tars)}
        done: list[tuple[int, TarOutcome]] = []
        try:
            for future in as_completed(futures):
                outcome = future.result()
                done.append((futures[future], outcome))
                if on_done:
                    on_done(outcome)
        except BaseException:  # a network error ends the run: start no other tar
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    result.outcomes = [outcome for _, outcome in sorted(done, key=lambda d: d[0])]
    return result


def _one_tar(link: Link, out_dir: Path, retries: int, expected: str | None,
             state: dict[str, dict], progress: ProgressFn | None,
             timeout: float = TIMEOUT) -> TarOutcome:
    final = out_dir / link.name
    outcome = TarOutcome(link.name, "skipped")
    md5 = _known_md5(final, state)
    if md5 is None and final.exists():
        md5 = md5_file(final)  # a tar from elsewhere or an earlier tool: hash it once
    if md5 is None or (expected and md5 != expected):
        final.unlink(missing_ok=True)  # not the published file: fetch it again
        final, md5, resumed = download_tar(link, out_dir, retries, progress, timeout)
        outcome.status = "resumed" if resumed else "downloaded"
    outcome.size = final.stat().st_size
    if expected and md5 != expected:
        final.unlink()
        outcome.status = "failed"
        outcome.message = (f"{link.name}: md5 mismatch: got {md5}, md5 file says {expected}; "
                           "tar deleted")
        return outcome
    outcome.verified = expected is not None
    if expected is None:
        outcome.message = f"{link.name}: no md5 listed for it: not verified"
    folder = state.get(link.name, {}).get("folder")
    state[link.name] = _stamp(final, md5)
    if outcome.status == "skipped" and folder and (out_dir / folder).is_dir():
        outcome.folder = state[link.name]["folder"] = folder
        return outcome
    try:
        outcome.folder, outcome.extracted = safe_extract(final, out_dir)
    except Qa2DocsError as err:
        outcome.status = "failed"
        outcome.message = str(err)
        return outcome
    state[link.name]["folder"] = outcome.folder
    return outcome
