"""``qa2docs review``: judge each checklist item beside its evidence in a local web app.

A UI layer beside the CLI: it reads the documents, the merge state, the validate findings
and the collected facts directly (never through :mod:`qa2docs.api`), and saves a person's
answers with :func:`qa2docs.review.save.save_answer` (compare-and-swap under the SB's lock).
The web stack (Starlette, uvicorn) is the optional extra ``qa2docs[review]``.
"""

from __future__ import annotations

#: What to run when the web stack is missing.
INSTALL_HINT = "qa2docs review needs the 'review' extra: pip install 'qa2docs[review]'"


def missing_dependency() -> str | None:
    """The name of the first missing web package, or None when the extra is installed."""
    from importlib.util import find_spec

    for name in ("starlette", "uvicorn"):
        if find_spec(name) is None:
            return name
    return None
