"""Template filters, registered in one place.

``markdown`` renders a reducer's free text (checklist comments, README.header comments) with
markdown-it-py in CommonMark mode, raw HTML off: ``<script>`` and ``<img ...>`` written in a
comment come out as visible text. Images written in Markdown never become ``<img>``
elements (they would be fetched when the report opens or prints): they are shown as text.
Links keep only the http, https and mailto schemes and never open in the report's window.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

#: URL schemes a link in a reducer's comment may use.
LINK_SCHEMES = ("http:", "https:", "mailto:")


def box(ticked: bool) -> str:
    """``[x]`` or ``[ ]``."""
    return "[x]" if ticked else "[ ]"


def _link_allowed(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(LINK_SCHEMES)


def _image_as_text(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = "".join(child.content for child in token.children or [])
    src = token.attrGet("src") or ""
    return f'<span class="md-image">[image: {escape(alt)} — {escape(src)}]</span>'


def _link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    token.attrSet("rel", "noopener noreferrer nofollow")
    return self.renderToken(tokens, idx, options, env)


@lru_cache(maxsize=1)
def _markdown_parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _link_allowed
    md.add_render_rule("image", _image_as_text)
    md.add_render_rule("link_open", _link_open)
    return md


def markdown(text: Any) -> Markup:
    """A reducer's Markdown as safe HTML: no raw HTML, no images, http(s)/mailto links only."""
    if not text:
        return Markup("")
    return Markup(_markdown_parser().render(str(text)))


def json_compact(value: Any) -> str:
    """A value as short JSON (lists and dicts in fact tables)."""
    return json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))


def seconds(value: Any) -> str:
    """``22.0 min (1320 s)``; empty for None."""
    if value is None:
        return ""
    return f"{float(value) / 60:.1f} min ({float(value):.0f} s)"


def freq_ghz(value_hz: Any, digits: int = 3) -> str:
    """Hz -> ``341.000 GHz``; empty for None."""
    if value_hz is None:
        return ""
    return f"{float(value_hz) / 1e9:.{digits}f}"


def number(value: Any, fmt: str = ".4g") -> str:
    """A number with a format spec; other values as text; empty for None."""
    if value is None:
        return ""
    try:
        return format(float(value), fmt)
    except (TypeError, ValueError):
        return str(value)


def excerpt(text: Any, max_lines: int = 12, max_chars: int = 2000) -> str:
    """Evidence text cut to *max_lines* lines of at most *max_chars* characters each."""
    lines = str(text or "").splitlines()
    out = [line if len(line) <= max_chars else line[:max_chars - 1] + "…"
           for line in lines[:max_lines]]
    if len(lines) > max_lines:
        out.append(f"… ({len(lines) - max_lines} more lines)")
    return "\n".join(out)


def utc(iso: Any, date: bool = True) -> str:
    """ISO 8601 UTC -> ``2024-06-02 05:05:37.0`` (or the time alone); other text unchanged."""
    text = str(iso or "")
    m = re.match(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d(?:\.\d+)?)", text)
    if not m:
        return text
    return f"{m.group(1)} {m.group(2)}" if date else m.group(2)


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: Any) -> str:
    """An HTML id from any text: ``bandpass.refant`` -> ``bandpass-refant``."""
    return _SLUG.sub("-", str(text).lower()).strip("-")


def register(env: Environment) -> None:
    """Add the qa2docs filters to *env*."""
    env.filters["box"] = box
    env.filters["markdown"] = markdown
    env.filters["json_compact"] = json_compact
    env.filters["seconds"] = seconds
    env.filters["freq_ghz"] = freq_ghz
    env.filters["number"] = number
    env.filters["slug"] = slug
    env.filters["excerpt"] = excerpt
    env.filters["utc"] = utc
