"""Per-run memos: what one run (the reports of one SB root) reads once and shares.

A :class:`RunMemo` is a dict in a context variable (per thread: a dask worker may run SB
roots in threads), there only inside :meth:`RunMemo.scope`; scopes nest, the outermost one
holds the memo. Only for work that changes no input.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class RunMemo:
    """One kind of memo (facts by directory, documents by path, ...)."""

    def __init__(self, name: str) -> None:
        self._var: ContextVar[dict[Any, Any] | None] = ContextVar(name, default=None)

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Remember within it (the outermost scope's memo, when nested)."""
        if self._var.get() is not None:
            yield
            return
        token = self._var.set({})
        try:
            yield
        finally:
            self._var.reset(token)

    def current(self) -> dict[Any, Any] | None:
        """The memo of the scope this runs in; None outside every scope."""
        return self._var.get()
