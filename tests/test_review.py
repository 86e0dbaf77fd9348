"""``qa2docs review``: the web app through Starlette's test client, and the CAS save."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from helpers import run_cli  # noqa: E402
from review_support import EB_SHORT, demo_copy, eb_checklist  # noqa: E402

from qa2docs.documents.spans import Change  # noqa: E402
from qa2docs.review.app import create_app  # noqa: E402
from qa2docs.errors import Qa2DocsError  # noqa: E402
from qa2docs.review.save import StaleDocument, file_digest, save_answer  # noqa: E402

DOC = f"/doc/eb-{EB_SHORT}"


@pytest.fixture
def root(tmp_path_factory, tmp_path) -> Path:
    return demo_copy(tmp_path_factory, tmp_path)


def _client(path: Path, login: bool = True):
    app, secrets_ = create_app(path)
    client = TestClient(app, base_url="http://127.0.0.1")
    if login:
        r = client.get(f"/?token={secrets_.token}", follow_redirects=False)
        assert r.status_code == 303 and secrets_.cookie in r.headers["set-cookie"]
    return client, secrets_


def _digest(client: TestClient) -> str:
    page = client.get(DOC)
    assert page.status_code == 200
    return re.search(r'data-digest="([0-9a-f]{64})"', page.text).group(1)


def _post(client, secrets_, element: str, digest: str, parts: dict, csrf: bool = True):
    headers = {"X-CSRF-Token": secrets_.csrf} if csrf else {}
    return client.post(f"{DOC}/item/{element}", json={"digest": digest, "parts": parts},
                       headers=headers)


def _line(path: Path, label: str) -> str:
    return next(line for line in path.read_text().splitlines() if label in line)


def test_token_is_needed_and_becomes_a_cookie(root):
    client, secrets_ = _client(root, login=False)
    assert client.get(DOC).status_code == 403
    assert client.get(DOC + "?token=wrong").status_code == 403
    client.cookies.set(secrets_.cookie, "wrong")
    assert client.get(DOC).status_code == 403
    client.cookies.clear()
    r = client.get(f"{DOC}?token={secrets_.token}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == DOC   # the token leaves the URL
    page = client.get(DOC)
    assert page.status_code == 200 and "checked Tsys tables?" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_only_loopback_host_names_are_served(root):
    app, secrets_ = create_app(root)
    client = TestClient(app, base_url="http://evil.example")
    assert client.get(f"/?token={secrets_.token}").status_code == 403


def test_post_without_csrf_token_is_refused(root):
    client, secrets_ = _client(root)
    path = eb_checklist(root)
    before = path.read_bytes()
    r = _post(client, secrets_, "apriori.tsys", _digest(client), {"answer": "x"}, csrf=False)
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post(f"{DOC}/item/apriori.tsys", json={"digest": "0", "parts": {}},
                    headers={"X-CSRF-Token": "guess"})
    assert r.status_code == 403
    assert path.read_bytes() == before


def test_path_escapes_are_refused(root, tmp_path):
    client, _ = _client(root)
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG secret")
    (root / "leak.png").symlink_to(outside)
    plot = next(root.rglob("*.wvr.DA46.png")).relative_to(root).as_posix()
    assert client.get(f"/file/{plot}").status_code == 200
    for bad in ("/file/..%2F..%2Fsecret.png", "/file/%2E%2E/%2E%2E/secret.png",
                "/file/leak.png", f"/file/{outside}", "/file/qa2docs.yaml",
                f"/file/{eb_checklist(root).name}"):
        r = client.get(bad)
        assert r.status_code == 404, bad
        assert b"secret" not in r.content


def test_save_changes_only_the_answer_spans(root):
    client, secrets_ = _client(root)
    path = eb_checklist(root)
    before = path.read_text().splitlines(keepends=True)
    r = _post(client, secrets_, "apriori.tsys", _digest(client),
              {"answer": "x", "comment": "Tsys *flat*, no spikes"})
    assert r.status_code == 200, r.text
    after = path.read_text().splitlines(keepends=True)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    i = changed[0]
    assert before[i] == "  - checked Tsys tables?                      [ ]\n"
    assert after[i] == "  - checked Tsys tables?                      [x]      Tsys *flat*, no spikes\n"
    data = r.json()
    assert data["digest"] == file_digest(path)
    assert "<em>flat</em>" in data["items"]["apriori.tsys"]          # rendered Markdown
    assert "QA2005" not in data["items"]["apriori.tsys"]             # findings refreshed
    assert "QA2005" in data["items"]["apriori.weights"]
    assert "set by a person" in data["items"]["apriori.tsys"]


def test_markdown_comment_stays_inert(root):
    client, secrets_ = _client(root)
    r = _post(client, secrets_, "apriori.weights", _digest(client),
              {"answer": "x", "comment": "<script>alert(1)</script> ![x](http://remote/x.png)"})
    html = r.json()["items"]["apriori.weights"]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html


def test_hand_edit_meanwhile_refuses_the_save(root):
    client, secrets_ = _client(root)
    path = eb_checklist(root)
    digest = _digest(client)
    text = path.read_text()
    edited = text.replace("  - checked Weights?                          [ ]",
                          "  - checked Weights?                          [x]      by hand")
    assert edited != text
    path.write_text(edited)
    r = _post(client, secrets_, "apriori.tsys", digest, {"answer": "x"})
    assert r.status_code == 409
    data = r.json()
    assert "changed on disk" in data["message"] and data["error"]
    assert path.read_text() == edited                                 # nothing overwritten
    assert data["digest"] == file_digest(path)                        # the item reloads
    assert "by hand" in data["items"]["apriori.weights"]
    assert _post(client, secrets_, "apriori.tsys", data["digest"], {"answer": "x"}).status_code == 200
    assert "by hand" in path.read_text() and "[x]" in _line(path, "checked Tsys tables?")


def test_a_persons_answer_survives_fill(root):
    client, secrets_ = _client(root)
    path = eb_checklist(root)
    assert _line(path, "fixplanets necessary?").endswith("[x] [ ]")        # the files' Yes
    assert "DV09" in _line(path, "Is REFANT chosen")
    r = _post(client, secrets_, "apriori.fixplanets", _digest(client),
              {"answer": "no", "comment": "Titan's ephemeris was already right"})
    assert r.status_code == 200
    r = _post(client, secrets_, "bandpass.refant", r.json()["digest"], {"value": ""})
    assert r.status_code == 200
    run_cli("fill", str(root))
    assert _line(path, "fixplanets necessary?").endswith("[ ] [x]  Titan's ephemeris was already right")
    assert "DV09" not in _line(path, "Is REFANT chosen")   # a person emptied it: fill keeps it so
    explained = run_cli("explain", str(root / root.name / EB_SHORT), "apriori.fixplanets").stdout
    assert "a person" in explained


def test_save_keeps_crlf_latin1_and_writes_through_a_symlink(root, tmp_path):
    path = eb_checklist(root)
    text = path.read_text().replace("\n", "\r\n").replace("PI               : Jane Doe",
                                                          "PI               : Jöns Doe")
    target = tmp_path / "shared" / path.name
    target.parent.mkdir()
    target.write_bytes(text.encode("latin-1"))
    path.unlink()
    path.symlink_to(target)
    new = save_answer(path, file_digest(path), [Change("apriori.wvr", "answer", "yes")])
    assert path.is_symlink()
    data = target.read_bytes()
    assert new == file_digest(target)
    assert data == text.replace("  - checked WVR tables?                       [ ] [ ](ACA)",
                                "  - checked WVR tables?                       [x] [ ](ACA)"
                                ).encode("latin-1")
    with pytest.raises(StaleDocument):
        save_answer(path, "0" * 64, [Change("apriori.wvr", "answer", "no")])
    assert target.read_bytes() == data


def test_save_goes_through_the_store(root, tmp_path, monkeypatch):
    """The review save uses fill's write path: an editor's save during the write is refused,
    a hard link is refused, a latin-1 file that cannot hold the answer moves to UTF-8."""
    from qa2docs.documents import store

    path = eb_checklist(root)
    path.write_bytes(path.read_text().encode("latin-1"))
    before = file_digest(path)

    def editor_saves(target):   # under the lock, just before the compare-and-swap re-read
        target.write_bytes(target.read_bytes() + b"note from an editor\n")

    monkeypatch.setattr(store, "before_swap", editor_saves)
    with pytest.raises(StaleDocument):
        save_answer(path, before, [Change("apriori.wvr", "answer", "yes")])
    assert path.read_bytes().endswith(b"note from an editor\n")
    monkeypatch.setattr(store, "before_swap", lambda target: None)

    new = save_answer(path, file_digest(path), [Change("apriori.wvr", "comment", "Jiří checked")])
    text = path.read_bytes().decode("utf-8")
    assert "Jiří checked" in text and "note from an editor" in text and new == file_digest(path)

    twin = tmp_path / "twin.txt"
    twin.hardlink_to(path)
    with pytest.raises(Qa2DocsError, match="hard links"):
        save_answer(path, file_digest(path), [Change("apriori.wvr", "answer", "no")])


def test_bad_parts_are_refused(root):
    client, secrets_ = _client(root)
    before = eb_checklist(root).read_bytes()
    digest = _digest(client)
    assert _post(client, secrets_, "apriori.tsys", digest, {"answer": "maybe"}).status_code == 400
    assert _post(client, secrets_, "apriori.tsys", digest, {"bogus": "x"}).status_code == 400
    assert _post(client, secrets_, "no.such", digest, {"answer": "x"}).status_code == 404
    assert eb_checklist(root).read_bytes() == before


def test_overview_and_eb_path(root):
    client, _ = _client(root)
    page = client.get("/sb")
    assert page.status_code == 200 and "SB total" in page.text and f"eb-{EB_SHORT}" in page.text
    eb_client, _ = _client(root / root.name / EB_SHORT)
    assert eb_client.get("/", follow_redirects=False).headers["location"] == DOC


def test_missing_extra_is_one_line_exit_2(root):
    code = ("import sys; sys.modules['starlette'] = None; sys.argv = ['qa2docs', 'review', "
            f"{str(root)!r}, '--no-browser']; from qa2docs.cli.main import main; main()")
    import subprocess

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "pip install 'qa2docs[review]'" in proc.stderr
