"""qa2docs: fill, validate and render ALMA QA2 checklists and reports."""

from __future__ import annotations

__version__ = "0.1.0"
