"""``qa2docs review``: answer the checklist items in a browser, beside their plots."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("."))
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port on 127.0.0.1 (default: a free one).")
@click.option("--no-browser", is_flag=True, help="Print the URL only; do not open a browser.")
def review(path: Path, port: int | None, no_browser: bool) -> None:
    """Review an SB (or one EB) in the browser: tick, comment, save.

    PATH is an SB root or an EB dir. The app listens on 127.0.0.1 only and prints its URL
    with a secret token. Each item shows its answer and who set it, what the files say,
    the validate findings on it and its diagnostic plots. A save changes only the answer
    spans of the text checklist (refused if the file changed since the page loaded), and
    the answer becomes yours: 'qa2docs fill' never overwrites it. Ctrl-C stops the server.

    \b
    Example:
        qa2docs review B6_IRAS12345/B6_IRAS12345/X66d
    """
    from qa2docs.errors import Qa2DocsError
    from qa2docs.review import INSTALL_HINT, missing_dependency

    if missing_dependency():
        raise Qa2DocsError(INSTALL_HINT)
    from qa2docs.review.server import serve

    serve(path, port, open_browser=not no_browser, echo=click.echo)
