"""HTML reports: one self-contained file per report.

The stylesheet is inlined in a ``<style>`` element; small images become ``data:`` URIs and
large plot files get an inlined thumbnail (when Pillow can read them) linked to the file by a
relative URL, so the page opens from disk with no server and no network. An image that is
listed but gone renders as a note naming the missing file.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import os
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

from qa2docs.fileio import derived_durable, write_atomically
from qa2docs.render.environment import render_template

#: Images up to this size are inlined as ``data:`` URIs; larger ones are linked.
INLINE_MAX_BYTES = 96 * 1024
#: Longest side of a gallery thumbnail, in pixels.
THUMB_PX = 360
_RASTER = {".png", ".jpg", ".jpeg", ".gif"}


@dataclass(frozen=True)
class Image:
    """An image as the templates use it: where to show it from, where it links, or why not."""

    name: str
    """Path shown to the reader (relative to the EB dir or SB root)."""
    src: str | None = None
    """``data:`` URI or relative URL for ``<img src>``; None when nothing can be shown."""
    href: str | None = None
    """Relative URL of the full-size file, when it is not inlined."""
    missing: str | None = None
    """Why the image is not there (file missing, unreadable, not an image)."""


def data_uri(data: bytes, mime: str) -> str:
    """``data:<mime>;base64,...``."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


class ImageResolver:
    """Turns plot files under the SB root into :class:`Image` values for one output folder."""

    def __init__(self, root: Path, out_dir: Path, inline_max: int = INLINE_MAX_BYTES,
                 thumb_px: int = THUMB_PX):
        self.root = root.resolve()
        self.out_dir = out_dir.resolve()
        self.inline_max = inline_max
        self.thumb_px = thumb_px

    def _relative_url(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.out_dir)).as_posix()

    def href(self, path: Path) -> str | None:
        """The relative URL of a file inside the SB root (None when missing or outside)."""
        if not path.is_file() or not self._inside_root(path):
            return None
        return self._relative_url(path)

    def _inside_root(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.root)
        except OSError:
            return False

    def image(self, path: Path, name: str | None = None) -> Image:
        """*path* inlined when small, else a thumbnail (or the file itself) linked to the file."""
        name = name or self._display(path)
        if not path.is_file():
            return Image(name, missing=f"missing: {name}")
        if not self._inside_root(path):
            return Image(name, missing=f"outside the SB root, not shown: {name}")
        suffix = path.suffix.lower()
        href = self._relative_url(path)
        if suffix not in _RASTER:
            return Image(name, href=href, missing=f"not an image ({suffix or 'no suffix'}): {name}")
        try:
            size = path.stat().st_size
            if size <= self.inline_max:
                mime = mimetypes.guess_type(path.name)[0] or "image/png"
                return Image(name, src=data_uri(path.read_bytes(), mime), href=href)
            thumb = self._thumbnail(path)
            if thumb is not None:
                return Image(name, src=thumb, href=href)
        except OSError as err:
            return Image(name, missing=f"unreadable ({err.strerror or err}): {name}")
        return Image(name, src=href, href=href)

    def _thumbnail(self, path: Path) -> str | None:
        return jpeg_thumbnail(path, self.thumb_px)

    def _display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return path.name


def jpeg_thumbnail(source: Path | io.BytesIO, px: int) -> str | None:
    """A JPEG ``data:`` URI of the image in *source*, its longest side at most *px*; None
    when Pillow is not there or cannot read it (the caller links the file instead)."""
    try:
        from PIL import Image as PILImage
    except ImportError:  # Pillow comes with WeasyPrint; without it, link the file
        return None
    try:
        with PILImage.open(source) as im:
            im.draft("RGB", (px, px))
            im.thumbnail((px, px))
            if im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=80, optimize=True)
    except (OSError, ValueError, SyntaxError):
        return None
    return data_uri(buf.getvalue(), "image/jpeg")


def print_image(img: Image, px: int) -> Image:
    """*img* for the PDF: an inlined raster image (``data:`` URI) as a JPEG of at most *px*
    pixels, which the PDF embeds as it is (a PNG is decoded and compressed again); any
    other image unchanged."""
    if not (img.src or "").startswith("data:image/") or img.src.startswith("data:image/svg"):
        return img
    try:
        data = base64.b64decode(img.src.split(",", 1)[1], validate=True)
    except (ValueError, IndexError):
        return img
    thumb = jpeg_thumbnail(io.BytesIO(data), px)
    return replace(img, src=thumb) if thumb is not None else img


def render_html(template: str, **context) -> str:
    """Render an HTML report template, or a PDF one (``pdf/*.pdf.j2``, escaped as HTML too)."""
    return render_template(template, **context)


def write_html(path: Path, text: str) -> Path:
    """Write a report atomically (and durably, unless inside
    :func:`~qa2docs.fileio.unsynced_derived_files`) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text, durable=derived_durable())
    return path


# ---------------------------------------------------------------------------- stable form

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}
_DATA_URI = re.compile(r"data:([\w/+.-]+)(;base64)?,[^\"'\s)]*")
_SPACE = re.compile(r"\s+")


class _Canonical(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.depth = 0
        self.raw = 0  # inside <script>/<pre>: keep the text as is
        self.style = False

    def _line(self, text: str) -> None:
        self.out.append("  " * self.depth + text)

    def handle_starttag(self, tag, attrs):
        parts = [tag] + [f'{k}="{_mask(v or "")}"' for k, v in sorted(attrs)]
        self._line("<" + " ".join(parts) + ">")
        if tag not in _VOID:
            self.depth += 1
            if tag in ("script", "pre"):
                self.raw += 1
            self.style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if tag in ("script", "pre"):
            self.raw = max(0, self.raw - 1)
        self.style = False
        self.depth = max(0, self.depth - 1)
        self._line(f"</{tag}>")

    def handle_data(self, data):
        if self.style:  # the stylesheet is a template file of its own: say it is there
            self._line("| (stylesheet inlined)")
            return
        if self.raw:
            for line in data.strip("\n").splitlines():
                self._line("| " + line.rstrip())
            return
        text = _SPACE.sub(" ", data).strip()
        if text:
            self._line(_mask(text))


def _mask(text: str) -> str:
    return _DATA_URI.sub(lambda m: f"data:{m.group(1)}…", text)


def canonical_html(text: str) -> str:
    """A stable serialisation of an HTML page for golden files.

    One element or text run per line, indented by depth, attributes sorted, whitespace in
    text collapsed, ``data:`` URIs reduced to their media type (image bytes depend on the
    Pillow and matplotlib versions, the page structure does not) and the inlined stylesheet
    reduced to a marker (it is a template file of its own).
    """
    parser = _Canonical()
    parser.feed(text)
    parser.close()
    return "\n".join(parser.out) + "\n"
