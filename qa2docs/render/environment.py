"""The Jinja2 environment: template search path, filters, layout constants."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

from qa2docs.errors import RenderError
from qa2docs.models import layout

_PACKAGE = Path(__file__).resolve().parents[1]


def data_dir(name: str) -> Path:
    """A shipped data folder (``templates``, ``schemas``): the wheel's copy, else the checkout's."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


@lru_cache(maxsize=None)
def make_environment(extra_path: tuple[Path, ...] = ()) -> Environment:
    """The environment: user override dirs first, the built-in templates last."""
    env = Environment(
        loader=FileSystemLoader([*extra_path, data_dir("templates")]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # The PDF templates extend the HTML ones: they escape as HTML too.
        autoescape=select_autoescape(["html.j2", "pdf.j2", "html"]),
    )
    env.globals.update(
        BOX_COLUMN=layout.BOX_COLUMN, COMMENT_COLUMN=layout.COMMENT_COLUMN,
        SECTION_WIDTH=layout.SECTION_WIDTH, HEADER_PAD=layout.HEADER_PAD,
        HEADER_CONT_INDENT=layout.HEADER_CONT_INDENT, ITEM_CONT_INDENT=layout.ITEM_CONT_INDENT,
        README_FIELDS=layout.README_FIELDS,
    )
    from qa2docs.render import filters  # registered in one place

    filters.register(env)
    return env


def render_template(name: str, **context) -> str:
    """Render template *name* with *context*; a missing template is a RenderError."""
    try:
        return make_environment().get_template(name).render(**context)
    except TemplateNotFound as err:
        raise RenderError(f"template not found: {err.name}") from err
