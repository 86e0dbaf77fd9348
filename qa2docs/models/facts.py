"""Fact and Provenance: what an extractor found, and where."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Provenance(BaseModel):
    """Where a fact came from: file, line range, excerpt, extractor."""

    model_config = ConfigDict(frozen=True)

    extractor: str
    file: str
    """Path of the input file (as discovered; relative to the EB dir when inside it)."""
    line: int | None = None
    """First line (1-based) of the evidence, when it is a line."""
    end_line: int | None = None
    """Last line (1-based) of the evidence when it spans several lines."""
    excerpt: str | None = None
    """The evidence text, shortened to a few lines."""

    def where(self) -> str:
        """``file:line`` or ``file:line-end`` for messages."""
        if self.line is None:
            return self.file
        if self.end_line and self.end_line != self.line:
            return f"{self.file}:{self.line}-{self.end_line}"
        return f"{self.file}:{self.line}"


class Fact(BaseModel):
    """One value for one field id (DESIGN 4.2), with its evidence."""

    model_config = ConfigDict(frozen=True)

    field: str
    value: Any
    provenance: tuple[Provenance, ...] = Field(default_factory=tuple)
    rank: int = 0
    """Specificity of the source: when several facts give one field, the highest rank wins
    (ties: the later one). Guide: casa log lines 10, the EB's own listobs/fluxscale file 20,
    the calibration script 30, the raw ASDM 40 for observation facts."""
    note: str | None = None
    """A disagreement between sources, or a caveat, kept with the fact."""


def make_fact(
    field: str,
    value: Any,
    extractor: str,
    file: str,
    line: int | None = None,
    excerpt: str | None = None,
    end_line: int | None = None,
    rank: int = 0,
    note: str | None = None,
) -> Fact:
    """Shorthand for a Fact with one piece of evidence."""
    prov = Provenance(extractor=extractor, file=str(file), line=line, end_line=end_line,
                      excerpt=_shorten(excerpt))
    return Fact(field=field, value=value, provenance=(prov,), rank=rank, note=note)


def _shorten(text: str | None, max_lines: int = 12, max_chars: int = 2000) -> str | None:
    if text is None:
        return None
    lines = text.splitlines()
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... ({len(text.splitlines()) - max_lines} more lines)"]
    out = "\n".join(lines)
    return out if len(out) <= max_chars else out[: max_chars - 3] + "..."
