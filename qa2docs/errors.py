"""The whole exception hierarchy of qa2docs, nothing else."""

from __future__ import annotations

from pathlib import Path


class Qa2DocsError(Exception):
    """Base class; the CLI prints "qa2docs: error: " + str(exc) and exits 2."""


class LocatedError(Qa2DocsError):
    """An error at a place in a file: str() is ``FILE:LINE: message``."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        super().__init__(message)
        self.path = Path(path)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line or '?'}: {self.message}"


class LayoutError(Qa2DocsError):
    """A directory is not what qa2docs expects (no SB root, no EB dir)."""


class ExtractionError(LocatedError):
    """An input file could not be read by an extractor."""


class ChecklistError(LocatedError):
    """A checklist text file cannot be parsed."""


class ProjectFileError(LocatedError):
    """qa2docs.yaml is unreadable or holds invalid values."""


class RenderError(Qa2DocsError):
    """A template is missing or used an undefined variable."""


class PdfBackendError(RenderError):
    """WeasyPrint is missing or failed."""
