"""PDF reports: WeasyPrint prints the HTML of a ``pdf/*.pdf.j2`` template.

WeasyPrint is imported here, inside the functions, so that ``qa2docs --help`` stays fast.
It gets a URL fetcher that serves ``data:`` URIs and files inside the SB root, nothing else:
no network, no ``file:///etc/...``. A refused or missing resource is logged by WeasyPrint
and left out; the page still renders (the templates name missing images in text).
"""

from __future__ import annotations

import gc
import logging
import os
import re
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from qa2docs.errors import PdfBackendError

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A resource the report may not load (network, or a file outside the SB root)."""


def allowed_file(url: str, root: Path) -> Path:
    """The local path of a ``file:`` URL inside *root*; RefusedURL for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "file":
        raise RefusedURL(f"refused (only files inside the SB root are served): {url}")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"refused (remote host): {url}")
    path = Path(url2pathname(unquote(parts.path)))
    try:
        resolved = path.resolve()
    except OSError as err:
        raise RefusedURL(f"refused ({err}): {url}") from err
    if not resolved.is_relative_to(root.resolve()):
        raise RefusedURL(f"refused (outside the SB root {root}): {url}")
    return resolved


def make_url_fetcher(root: Path) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and files inside *root* only."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 66: a class with fetch()

        class SBRootFetcher(urls.URLFetcher):
            """Serves data: URIs and files inside the SB root; refuses the rest."""

            def fetch(self, url, headers=None):
                if not url.lower().startswith("data:"):
                    allowed_file(url, root)
                return super().fetch(url, headers)

        return SBRootFetcher(allowed_protocols=("data", "file"), timeout=5)

    def fetcher(url: str) -> dict:  # WeasyPrint < 66: a function returning a dict
        if not url.lower().startswith("data:"):
            allowed_file(url, root)
        return urls.default_url_fetcher(url)

    return fetcher


class _WarningLog(logging.Handler):
    """Collects WeasyPrint's warnings (refused URLs, missing images) for the caller."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # CSS the printer ignores (screen-only rules) and font notices are not the reader's
        # concern; resources that could not be loaded are.
        if not message.startswith(("Ignored", "Using fontTools", "Unsupported")):
            self.messages.append(message)


def load_weasyprint() -> Any:
    """The weasyprint module (imported on first use: it takes about a second)."""
    try:
        import weasyprint
    except (ImportError, OSError) as err:  # OSError: Pango/cairo libraries missing
        raise PdfBackendError(f"WeasyPrint is not usable ({err}); install it, or use --html") from err
    return weasyprint


_ROOT_RULE = re.compile(r":root\s*\{([^}]*)\}")
_DECLARED = re.compile(r"--([\w-]+)\s*:\s*([^;}]+)")
_USED = re.compile(r"var\(--([\w-]+)\)")


def inline_root_variables(css: str) -> str:
    """*css* with each ``var(--name)`` replaced by the value ``:root`` gives *name*, when no
    other rule declares it. WeasyPrint resolves a variable per element and property (~4 % of
    a report's time); a value from ``:root`` is the same everywhere."""
    roots = _ROOT_RULE.findall(css)
    values = {name: value.strip() for block in roots for name, value in _DECLARED.findall(block)}
    everywhere = [name for name, _ in _DECLARED.findall(css)]
    fixed = {name: value for name, value in values.items() if everywhere.count(name) == 1}
    return _USED.sub(lambda m: fixed.get(m.group(1), m.group(0)), css)


@lru_cache(maxsize=4)
def _stylesheet(text: str) -> Any:
    """*text* parsed by WeasyPrint, once per process (parsing it costs ~0.03 s a report), its
    ``:root`` variables inlined."""
    return load_weasyprint().CSS(string=inline_root_variables(text))


@lru_cache(maxsize=1)
def _font_config(pid: int) -> Any:
    """WeasyPrint's fontconfig and Pango font map, one per process (*pid*: a forked worker
    makes its own). WeasyPrint makes a fresh one per document otherwise: loading the
    configuration and warming Pango's font caches again costs ~0.05 s a report."""
    try:
        from weasyprint.text.fonts import FontConfiguration
    except ImportError:  # older WeasyPrint: it makes its own per document
        return None
    return FontConfiguration()


#: The cyclic garbage collector's first threshold while WeasyPrint prints (Python's is 700).
PRINT_GC_THRESHOLD = 50_000


@contextmanager
def _fewer_collections():
    """Python's cyclic collector runs less often while the block runs: WeasyPrint allocates
    millions of small objects, and at the default threshold the collector scanned them again
    and again (PDFs printed in a row: ~25 % less CPU per report). The garbage is collected
    later as usual; the price is memory (peak RSS ~160 MB instead of ~95 MB)."""
    old = gc.get_threshold()
    gc.set_threshold(PRINT_GC_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def write_pdf(html: str, out_path: Path, base_dir: Path, root: Path,
              stylesheet: str = "") -> list[str]:
    """Print *html* to *out_path*; relative URLs resolve from *base_dir*. *stylesheet* (CSS
    text) is applied after the page's own styles, parsed once per process.

    Returns:
        WeasyPrint's warnings (resources refused or not found), for the caller to show.
    """
    weasyprint = load_weasyprint()
    wlog = logging.getLogger("weasyprint")
    handler = _WarningLog()
    wlog.addHandler(handler)
    try:
        with _fewer_collections():
            doc = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                                  url_fetcher=make_url_fetcher(root))
            styles = [_stylesheet(stylesheet)] if stylesheet else None
            data = doc.write_pdf(stylesheets=styles, font_config=_font_config(os.getpid()))
    except Exception as err:  # WeasyPrint raises many kinds; say which report failed
        raise PdfBackendError(f"{out_path}: WeasyPrint failed: {err}") from err
    finally:
        wlog.removeHandler(handler)
    _write_bytes(out_path, data)
    return handler.messages


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
