"""qa2docs download through the real entry point, against an HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import run_cli

from qa2docs.workflow.download.page import Link, find_links, parse_md5
from qa2docs.workflow.download.transfer import download_tar
from qa2docs.errors import Qa2DocsError

UID_A = "uid___A002_X4sda4d_Xa12"
UID_B = "uid___A002_Xdd9c61_X66d"


class _Site:
    """What the server serves (path -> bytes) and the requests it got."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        self.ignore_range = False
        self.cuts = 0  # this many next tar answers stop after half the body
        self.delay = 0.0  # seconds each tar answer waits before its headers
        self.trickle = 0.0  # if set, tar bodies are sent one byte every this many seconds
        self.inflight = self.most_inflight = 0  # tar requests being answered at once
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    site: _Site

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        if not self.path.endswith(".tar"):
            self._answer()
            return
        with self.site.lock:
            self.site.inflight += 1
            self.site.most_inflight = max(self.site.most_inflight, self.site.inflight)
        try:
            time.sleep(self.site.delay)
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)
        finally:
            with self.site.lock:
                self.site.inflight -= 1

    def _answer(self) -> None:
        rng = self.headers.get("Range")
        self.site.requests.append((self.path, rng))
        body = self.site.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if rng and not self.site.ignore_range and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
        if start:
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if self.site.trickle and self.path.endswith(".tar"):
            for i in range(start, len(body)):  # until the client hangs up
                self.wfile.write(body[i:i + 1])
                time.sleep(self.site.trickle)
            return
        if self.site.cuts and self.path.endswith(".tar"):
            self.site.cuts -= 1
            self.wfile.write(body[start:start + (len(body) - start) // 2])
            self.close_connection = True
            return
        self.wfile.write(body[start:])


@pytest.fixture
def site():
    """A ThreadingHTTPServer on 127.0.0.1 (free port), shut down after the test."""
    state = _Site()
    handler = type("Handler", (_Handler,), {"site": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def make_tar(members: list[tuple[str, bytes | None, str | None]]) -> bytes:
    """A tar of (name, file content or None for a folder, symlink target or None)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, content, link in members:
            info = tarfile.TarInfo(name)
            if link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            elif content is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def asdm_tar(uid: str, size: int = 300_000) -> bytes:
    """An ASDM-like tar: uid/ASDM.xml, uid/ASDMBinary/<blob> of *size* bytes."""
    blob = hashlib.sha256(uid.encode()).digest() * (size // 32 + 1)
    return make_tar([(uid, None, None), (f"{uid}/ASDM.xml", f"<ASDM>{uid}</ASDM>".encode(), None),
                     (f"{uid}/ASDMBinary", None, None),
                     (f"{uid}/ASDMBinary/{uid}_0000", blob[:size], None)])


def publish(site: _Site, tars: dict[str, bytes], md5_override: dict[str, str] | None = None,
            with_md5: bool = True) -> str:
    """Serve a listing page at /qa2/abc/ linking the tars and md5sums.txt; its URL."""
    links = ['<a href="?C=N;O=D">Name</a>', '<a href="../">Parent Directory</a>']
    sums = []
    for name, data in tars.items():
        site.files[f"/qa2/abc/{name}"] = data
        links.append(f'<a href="{name}">{name}</a>')
        digest = (md5_override or {}).get(name, hashlib.md5(data).hexdigest())
        sums.append(f"{digest}  {name}\n")
    if with_md5:
        site.files["/qa2/abc/md5sums.txt"] = "".join(sums).encode()
        links.append('<a href="md5sums.txt">md5sums.txt</a>')
    page = "<html><body><h1>Index</h1>\n" + "<br>\n".join(links) + "\n</body></html>"
    site.files["/qa2/abc/"] = page.encode()
    return f"{site.base}/qa2/abc/"


def run_bounded(*args: str, seconds: float, check: int) -> subprocess.CompletedProcess:
    """``run_cli`` that fails the test instead of hanging when qa2docs takes over *seconds*."""
    try:
        proc = subprocess.run([sys.executable, "-m", "qa2docs", *args], capture_output=True,
                              text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"qa2docs {' '.join(args)} still ran after {seconds} s")
    assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def tar_gets(site: _Site) -> list[tuple[str, str | None]]:
    return [r for r in site.requests if r[0].endswith(".tar")]


def test_full_download_md5_and_extract(site, tmp_path):
    tars = {f"{UID_A}.tar": asdm_tar(UID_A), f"{UID_B}.tar": asdm_tar(UID_B, 2_500_000)}
    url = publish(site, tars)
    out = tmp_path / "B6_IRAS12345"
    proc = run_cli("download", url, "-o", str(out))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".qa2docs-download.json", "md5sums.txt", UID_A, f"{UID_A}.tar", UID_B, f"{UID_B}.tar"])
    for name, data in tars.items():
        assert (out / name).read_bytes() == data
    assert (out / UID_A / "ASDM.xml").read_text() == f"<ASDM>{UID_A}</ASDM>"
    assert (out / UID_B / "ASDMBinary" / f"{UID_B}_0000").stat().st_size == 2_500_000
    assert f"downloaded: {UID_B}.tar (2.4 MiB), md5 ok, extracted {UID_B}" in proc.stdout
    assert "download: 2 of 2 ASDM tar(s) ready" in proc.stdout
    assert proc.stderr == ""
    # a rerun skips both: no tar is fetched again
    site.requests.clear()
    again = run_cli("download", url, "-o", str(out))
    assert tar_gets(site) == []
    assert again.stdout.count("skipped: ") == 2 and f"present {UID_A}" in again.stdout


def test_resume_partial_file_with_range(site, tmp_path):
    data = asdm_tar(UID_A, 3_000_000)
    url = publish(site, {f"{UID_A}.tar": data})
    out = tmp_path / "sb"
    out.mkdir()
    cut = 1_234_567
    (out / f"{UID_A}.tar.part").write_bytes(data[:cut])
    proc = run_cli("download", url, "-o", str(out))
    assert tar_gets(site) == [(f"/qa2/abc/{UID_A}.tar", f"bytes={cut}-")]
    assert (out / f"{UID_A}.tar").read_bytes() == data
    assert not (out / f"{UID_A}.tar.part").exists()
    assert f"resumed: {UID_A}.tar" in proc.stdout and "md5 ok" in proc.stdout
    assert (out / UID_A / "ASDM.xml").exists()


def test_cut_transfer_resumes_in_the_run_or_exits_2_keeping_the_part(site, tmp_path):
    data = asdm_tar(UID_A, 2_000_000)
    url = publish(site, {f"{UID_A}.tar": data})
    half = len(data) // 2
    site.cuts = 1
    out = tmp_path / "sb"
    proc = run_cli("download", url, "-o", str(out), "--retries", "1")
    assert tar_gets(site) == [(f"/qa2/abc/{UID_A}.tar", None),
                              (f"/qa2/abc/{UID_A}.tar", f"bytes={half}-")]
    assert (out / f"{UID_A}.tar").read_bytes() == data and "md5 ok" in proc.stdout
    # without retries the cut is fatal (exit 2), the part stays, and the next run resumes it
    out2 = tmp_path / "sb2"
    site.cuts, site.requests = 1, []
    proc = run_cli("download", url, "-o", str(out2), "--retries", "0", check=2)
    assert proc.stderr.startswith(f"qa2docs: error: {url}{UID_A}.tar (partial file kept as "
                                  f"{UID_A}.tar.part; rerun to resume): network error after "
                                  "1 attempt(s): ")
    assert len(proc.stderr.splitlines()) == 1
    assert (out2 / f"{UID_A}.tar.part").read_bytes() == data[:half]
    proc = run_cli("download", url, "-o", str(out2))
    assert tar_gets(site)[-1] == (f"/qa2/abc/{UID_A}.tar", f"bytes={half}-")
    assert (out2 / f"{UID_A}.tar").read_bytes() == data and f"resumed: {UID_A}.tar" in proc.stdout


def test_server_ignoring_range_starts_over(site, tmp_path):
    data = asdm_tar(UID_A)
    url = publish(site, {f"{UID_A}.tar": data})
    site.ignore_range = True
    out = tmp_path / "sb"
    out.mkdir()
    (out / f"{UID_A}.tar.part").write_bytes(b"garbage that must not survive")
    proc = run_cli("download", url, "-o", str(out))
    assert tar_gets(site)[0][1] == "bytes=29-"
    assert (out / f"{UID_A}.tar").read_bytes() == data
    assert f"downloaded: {UID_A}.tar" in proc.stdout


def test_md5_mismatch_deletes_tar_and_goes_on(site, tmp_path):
    tars = {f"{UID_A}.tar": asdm_tar(UID_A), f"{UID_B}.tar": asdm_tar(UID_B)}
    url = publish(site, tars, md5_override={f"{UID_A}.tar": "0" * 32})
    out = tmp_path / "sb"
    proc = run_cli("download", url, "-o", str(out), check=1)
    assert not (out / f"{UID_A}.tar").exists() and not (out / UID_A).exists()
    assert (out / UID_B / "ASDM.xml").exists()
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"qa2docs: error: {UID_A}.tar: md5 mismatch: got ")
    assert "md5 file says " + "0" * 32 in errors[0]
    assert "download: 1 of 2 ASDM tar(s) ready" in proc.stdout


@pytest.mark.parametrize("members, why", [
    ([(UID_A, None, None), (f"{UID_A}/../../evil.txt", b"x", None)], "path with '..'"),
    ([(UID_A, None, None), ("/tmp/qa2docs-evil-abs.txt", b"x", None)], "absolute path"),
    ([(UID_A, None, None), (f"{UID_A}/esc", None, "../../outside")], "points out"),
    ([(UID_A, None, None), (f"{UID_A}/abs", None, "/etc/passwd")], "points out"),
    ([(UID_A, None, None), (f"{UID_A}/x", b"x", None), ("README", b"x", None)],
     "not inside an ASDM folder"),
    ([("notes", None, None), ("notes/x", b"x", None)], "must hold one uid___* folder"),
])
def test_hostile_tar_refused(site, tmp_path, members, why):
    url = publish(site, {f"{UID_A}.tar": make_tar(members)})
    out = tmp_path / "deep" / "sb"
    proc = run_cli("download", url, "-o", str(out), check=1)
    assert proc.stderr.startswith(f"qa2docs: error: {UID_A}.tar: ")
    assert why in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == [".qa2docs-download.json", "md5sums.txt",
                                                     f"{UID_A}.tar"]
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "deep" / "evil.txt").exists()
    assert not Path("/tmp/qa2docs-evil-abs.txt").exists()


def test_no_asdm_on_page(site, tmp_path):
    site.files["/empty/"] = b'<html><a href="readme.txt">readme</a> <a href="x.tar">x</a></html>'
    proc = run_cli("download", f"{site.base}/empty/", "-o", str(tmp_path), check=2)
    assert proc.stderr == (f"qa2docs: error: {site.base}/empty/: no ASDM (uid___*.tar) "
                           "linked on the page\n")


def test_bad_urls_are_one_line_errors(site, tmp_path):
    proc = run_cli("download", "ftp://example.org/x/", "-o", str(tmp_path), check=2)
    assert proc.stderr == ("qa2docs: error: ftp://example.org/x/: not an http(s) URL "
                           "(give the page from ESO's mail)\n")
    proc = run_cli("download", f"{site.base}/missing/", "-o", str(tmp_path), check=2)
    assert proc.stderr == f"qa2docs: error: {site.base}/missing/: HTTP 404 Not Found\n"
    # a closed port on loopback: connection refused, given up after the retries
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = run_cli("download", f"http://127.0.0.1:{port}/x/", "--retries", "1",
                   "-o", str(tmp_path), check=2)
    assert proc.stderr.startswith(f"qa2docs: error: http://127.0.0.1:{port}/x/: network "
                                  "error after 2 attempt(s): ")
    assert len(proc.stderr.splitlines()) == 1


def test_find_links_and_parse_md5():
    html = ('<a href="uid___A002_X1_X2.tar">a</a><a HREF="sub/uid___A002_X1_X3.tar.gz">b</a>'
            '<a href="uid___A002_X1_X2.tar">dup</a><a href="ftp://h/uid___A002_X1_X9.tar">c</a>'
            '<a href="md5sums.txt">m</a><a href="uid___A002_X1_X4.tgz.md5">m2</a>'
            '<a href="uid___x.tar.part">p</a><a href="?C=M">sort</a>')
    tars, md5s = find_links(html, "https://h/qa2/abc/")
    assert [(t.name, t.url) for t in tars] == [
        ("uid___A002_X1_X2.tar", "https://h/qa2/abc/uid___A002_X1_X2.tar"),
        ("uid___A002_X1_X3.tar.gz", "https://h/qa2/abc/sub/uid___A002_X1_X3.tar.gz")]
    assert [m.name for m in md5s] == ["md5sums.txt", "uid___A002_X1_X4.tgz.md5"]
    text = ("d41d8cd98f00b204e9800998ecf8427e  uid___A.tar\n"
            "D41D8CD98F00B204E9800998ECF8427F *dir/uid___B.tar\n"
            "MD5 (uid___C.tar) = 0123456789abcdef0123456789abcdef\nnot a line\n")
    assert parse_md5(text) == {"uid___A.tar": "d41d8cd98f00b204e9800998ecf8427e",
                               "uid___B.tar": "d41d8cd98f00b204e9800998ecf8427f",
                               "uid___C.tar": "0123456789abcdef0123456789abcdef"}
    assert parse_md5("0123456789abcdef0123456789abcdef\n", "uid___D.tar.md5") == {
        "uid___D.tar": "0123456789abcdef0123456789abcdef"}


def test_page_without_md5_file_warns_and_extracts(site, tmp_path):
    data = gzip.compress(asdm_tar(UID_B, 2_000_000))
    url = publish(site, {f"{UID_B}.tgz": data}, with_md5=False)
    proc = run_cli("download", url, "-o", str(tmp_path / "sb"))
    size = f"{len(data) / 1024:.1f} KiB"
    assert f"downloaded: {UID_B}.tgz ({size}), md5 not checked, extracted {UID_B}" \
        in proc.stdout
    assert (tmp_path / "sb" / UID_B / "ASDMBinary" / f"{UID_B}_0000").stat().st_size == 2_000_000
    assert proc.stderr == ("warning: no md5 file (md5sums.txt, *.md5) on the page: "
                           "the tars are not verified\n"
                           f"warning: {UID_B}.tgz: no md5 listed for it: not verified\n")


def test_part_already_whole_is_finished_on_416(site, tmp_path):
    data = asdm_tar(UID_A)
    url = publish(site, {f"{UID_A}.tar": data})
    out = tmp_path / "sb"
    out.mkdir()
    (out / f"{UID_A}.tar.part").write_bytes(data)
    proc = run_cli("download", url, "-o", str(out))
    assert tar_gets(site) == [(f"/qa2/abc/{UID_A}.tar", f"bytes={len(data)}-")]
    assert (out / f"{UID_A}.tar").read_bytes() == data
    assert f"resumed: {UID_A}.tar" in proc.stdout and "md5 ok" in proc.stdout


def test_jobs_download_several_tars_at_once(site, tmp_path):
    uids = [UID_A, UID_B, "uid___A002_Xdd9c61_X7f0"]
    tars = {f"{uid}.tar": asdm_tar(uid, 200_000 * (i + 1)) for i, uid in enumerate(uids)}
    url = publish(site, tars)
    site.delay = 0.3  # long enough for the three requests to overlap
    out = tmp_path / "sb"
    proc = run_cli("download", url, "-o", str(out), "--jobs", "3")
    assert site.most_inflight >= 2
    for uid in uids:
        assert (out / uid / "ASDM.xml").read_text() == f"<ASDM>{uid}</ASDM>"
        assert f"downloaded: {uid}.tar" in proc.stdout
    assert "download: 3 of 3 ASDM tar(s) ready" in proc.stdout
    state = json.loads((out / ".qa2docs-download.json").read_text())
    assert sorted(state) == sorted(tars) and all(state[n]["folder"] for n in tars)


def test_timeout_is_a_one_line_network_error(site, tmp_path):
    url = publish(site, {f"{UID_A}.tar": asdm_tar(UID_A)})
    site.delay = 6.0
    t0 = time.monotonic()
    proc = run_cli("download", url, "-o", str(tmp_path / "sb"), "--timeout", "1",
                   "--retries", "0", check=2)
    assert time.monotonic() - t0 < 5.5  # it gave up before the server answered
    assert proc.stderr.startswith(f"qa2docs: error: {url}{UID_A}.tar (partial file kept as ")
    assert "network error after 1 attempt(s): timed out" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_trickling_server_is_given_up_at_the_minimum_rate(site, tmp_path):
    """--timeout bounds each wait; a byte every second (each read well within it) is too slow."""
    url = publish(site, {f"{UID_A}.tar": asdm_tar(UID_A)})
    site.trickle = 1.0
    out = tmp_path / "sb"
    t0 = time.monotonic()
    proc = run_bounded("download", url, "-o", str(out), "--timeout", "2", "--retries", "0",
                       seconds=20, check=2)
    assert time.monotonic() - t0 < 12
    assert proc.stderr.startswith(f"qa2docs: error: {url}{UID_A}.tar (partial file kept as ")
    assert f"network error after 1 attempt(s): {UID_A}.tar: too slow: " in proc.stderr
    assert "less than 1024 bytes/s over 2 s" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert 0 < (out / f"{UID_A}.tar.part").stat().st_size < 10


@pytest.mark.parametrize("where, kind", [
    (".part", "link"), (".part", "dangling link"), (".part", "fifo"), ("", "link")])
def test_link_or_fifo_at_the_tar_paths_is_never_followed(site, tmp_path, where, kind):
    data = asdm_tar(UID_A)
    url = publish(site, {f"{UID_A}.tar": data, f"{UID_B}.tar": asdm_tar(UID_B)})
    out = tmp_path / "sb"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    if kind == "link":
        outside.write_bytes(data[:1000])  # looks like a partial download: resumable
    placed = out / f"{UID_A}.tar{where}"
    if kind == "fifo":
        os.mkfifo(placed)
    else:
        placed.symlink_to(outside)
    proc = run_bounded("download", url, "-o", str(out), seconds=60, check=1)
    what = "is not a regular file; not used" if kind == "fifo" else \
        "is a symbolic link; not followed"
    assert proc.stderr == f"qa2docs: error: {placed}: {what} (remove it and rerun)\n"
    assert (outside.read_bytes() == data[:1000]) if kind == "link" else not outside.exists()
    assert placed.is_symlink() or kind == "fifo"
    assert [r[0] for r in tar_gets(site)] == [f"/qa2/abc/{UID_B}.tar"]  # the other tar goes on
    assert (out / UID_B / "ASDM.xml").exists() and not (out / UID_A).exists()
    assert "download: 1 of 2 ASDM tar(s) ready" in proc.stdout


@pytest.mark.parametrize("dangling", [False, True])
def test_download_tar_opens_the_part_without_following_a_link(site, tmp_path, dangling):
    """The open itself refuses a link (a link put there after the check is not followed)."""
    url = publish(site, {f"{UID_A}.tar": asdm_tar(UID_A)})
    outside = tmp_path / "precious.txt"
    if not dangling:
        outside.write_bytes(b"keep me")
    (tmp_path / f"{UID_A}.tar.part").symlink_to(outside)
    with pytest.raises(Qa2DocsError, match=r"\.tar\.part: is a symbolic link; not followed"):
        download_tar(Link(f"{url}{UID_A}.tar", f"{UID_A}.tar"), tmp_path, retries=0)
    assert outside.read_bytes() == b"keep me" if not dangling else not outside.exists()


@pytest.mark.parametrize("change", ["size", "mtime"])
def test_rerun_checks_again_a_tar_changed_since_its_md5_was_recorded(site, tmp_path, change):
    """The record (size, mtime, md5) only spares the md5 of a tar that is unchanged since."""
    data = asdm_tar(UID_A)
    url = publish(site, {f"{UID_A}.tar": data})
    out = tmp_path / "sb"
    run_cli("download", url, "-o", str(out))
    tar = out / f"{UID_A}.tar"
    before = tar.stat()
    if change == "size":  # bytes appended, the mtime put back: only the size tells
        tar.write_bytes(data + b"\0" * 512)
        os.utime(tar, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:  # a byte flipped, the size the same: only the mtime tells
        tar.write_bytes(data[:-2000] + bytes([data[-2000] ^ 0xFF]) + data[-1999:])
        os.utime(tar, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    site.requests.clear()
    proc = run_cli("download", url, "-o", str(out))
    assert tar_gets(site) == [(f"/qa2/abc/{UID_A}.tar", None)]  # hashed, found wrong, fetched
    assert tar.read_bytes() == data
    assert f"downloaded: {UID_A}.tar" in proc.stdout and "md5 ok" in proc.stdout
    state = json.loads((out / ".qa2docs-download.json").read_text())
    assert state[f"{UID_A}.tar"]["mtime_ns"] == tar.stat().st_mtime_ns
