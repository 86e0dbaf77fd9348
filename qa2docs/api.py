"""The Python API: the facade the CLI wraps thinly; importable inside a CASA 6 session.

    >>> from qa2docs import api
    >>> api.fill("/analysis/me/B6_IRAS12345")

Nothing inside the package imports this module: it gathers, in pipeline order, the entry
points of the stages (see the package docstring of :mod:`qa2docs`).
"""

from __future__ import annotations

from qa2docs.answers.explain import DOCUMENT_PREFIXES, Explanation, explain
from qa2docs.answers.fill import (
    DocumentResult,
    FillResult,
    fill,
    fill_document,
    lock_for,
)
from qa2docs.collect.extraction import FactSet, eb_facts, extract_dir, facts, sb_facts
from qa2docs.discover.layout import discover, load_project_of
from qa2docs.workflow.start import StartResult, list_archive_sbs, start

__all__ = ["DOCUMENT_PREFIXES", "DocumentResult", "Explanation", "FactSet", "FillResult",
           "StartResult", "discover", "eb_facts", "explain", "extract_dir", "facts", "fill",
           "fill_document", "list_archive_sbs", "load_project_of", "lock_for", "make_reports",
           "sb_facts", "start", "validate"]


def validate(path):
    """``qa2docs validate``: the findings of every document under *path*."""
    from qa2docs.validate.run import validate_path

    return validate_path(path)


def make_reports(path, **options):
    """``qa2docs report``: the HTML and PDF QA2 reports of *path*."""
    from qa2docs.report.build import make_reports as build

    return build(path, **options)
