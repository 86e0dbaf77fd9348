"""A whole qa2docs download run: the page, the md5 files, each tar, and what a rerun skips."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from qa2docs.workflow.download.page import Link, check_url, find_links, parse_md5
from qa2docs.workflow.download.transfer import (TIMEOUT, ProgressFn, check_regular, download_tar, fetch,
                                       part_of)
from qa2docs.workflow.download.untar import safe_extract
from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import write_bytes_atomically
from qa2docs.workflow.packaging.files import md5_file

STATE_FILE = ".qa2docs-download.json"


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


def run_download(url: str, out_dir: Path, retries: int = 3,
                 progress: ProgressFn | None = None,
                 on_done: Callable[[TarOutcome], None] | None = None,
                 timeout: float = TIMEOUT, jobs: int = 1) -> DownloadResult:
    """Download, verify and extract every ASDM tar the page at *url* links to, into *out_dir*,
    *jobs* tars at a time; *timeout* seconds is the longest wait for a server's answer, and
    a body slower than ``MIN_RATE`` bytes/s over that long is given up."""
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
    try:
        for path in (final, part_of(final)):
            check_regular(path)  # never read or write through a link put at either path
    except Qa2DocsError as err:
        return _failed(outcome, str(err))
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
        return _failed(outcome, f"{link.name}: md5 mismatch: got {md5}, md5 file says "
                                f"{expected}; tar deleted")
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
        return _failed(outcome, str(err))
    state[link.name]["folder"] = outcome.folder
    return outcome


def _failed(outcome: TarOutcome, message: str) -> TarOutcome:
    outcome.status = "failed"
    outcome.message = message
    return outcome
