"""Template filters, registered in one place."""

from __future__ import annotations

from jinja2 import Environment


def box(ticked: bool) -> str:
    """``[x]`` or ``[ ]``."""
    return "[x]" if ticked else "[ ]"


def register(env: Environment) -> None:
    """Add the qa2docs filters to *env*."""
    env.filters["box"] = box
