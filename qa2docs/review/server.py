"""Running the review app: a loopback socket, the secret URL, the browser, Ctrl-C to stop."""

from __future__ import annotations

import socket
import threading
import webbrowser
from pathlib import Path
from typing import Callable

from qa2docs.errors import Qa2DocsError
from qa2docs.review.app import create_app

HOST = "127.0.0.1"


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1 (a free port unless *port* is given)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port or 0))
    except OSError as err:
        sock.close()
        raise Qa2DocsError(f"{HOST}:{port}: cannot listen there: {err.strerror}") from err
    sock.listen(64)
    return sock


def serve(path: Path, port: int | None = None, open_browser: bool = True,
          echo: Callable[[str], None] = print) -> None:
    """Serve the review of the SB at *path* until Ctrl-C."""
    import uvicorn

    app, secrets_ = create_app(path)
    sock = bind(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/?token={secrets_.token}"
    echo(f"qa2docs review: {url}")
    echo("  (the token in the URL is your key to this session; Ctrl-C stops the server)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
