"""The text of a document as lines with offsets, and where each answer stands in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from qa2docs.models import EBChecklist, ReadmeHeader, SBChecklist

Part = Literal["answer", "value", "comment", "text", "done"]

BOM = "\ufeff"
_LINE_RE = re.compile(r"([^\r\n]*)(\r\n|\n|\r|$)")


@dataclass(frozen=True)
class Line:
    """One line: its number, content (no line ending) and offsets in the text."""

    number: int
    content: str
    start: int

    @property
    def end(self) -> int:
        """Offset just after the content (before the line ending)."""
        return self.start + len(self.content)


def split_lines(text: str) -> list[Line]:
    """The lines of *text* with their offsets; any of CRLF, LF, CR ends a line.

    A UTF-8 byte-order mark is not part of the first line's content (its offsets skip it), so
    it hides no label and stays in the text an edit writes back.
    """
    lines = []
    bom = 1 if text.startswith(BOM) else 0
    for number, m in enumerate(_LINE_RE.finditer(text, bom), start=1):
        if m.start() == len(text) and not m.group(0):
            break
        lines.append(Line(number, m.group(1), m.start()))
    return lines


def detect_newline(text: str) -> str:
    """The line ending the file uses (that of its first line; LF when it has none)."""
    m = re.search(r"\r\n|\n|\r", text)
    return m.group(0) if m else "\n"


@dataclass
class Spans:
    """Where the answers of one element stand in the text (character offsets)."""

    line: int
    boxes: list[int] = field(default_factory=list)
    value: tuple[int, int] | None = None
    comment: tuple[int, int] | None = None
    comment_column: int = 0
    """Column of the comment span's start (for aligning a new comment)."""


@dataclass
class ParsedDocument:
    """A parsed text document: the model, the text and the place of each answer."""

    path: Path
    text: str
    model: EBChecklist | SBChecklist | ReadmeHeader
    spans: dict[str, Spans]
    newline: str
    encoding: str = "utf-8"

    def line_of(self, element_id: str) -> int | None:
        """The 1-based line of an element, or None when the file lacks it."""
        spans = self.spans.get(element_id)
        return spans.line if spans else None


@dataclass(frozen=True)
class Change:
    """Set one part of one element: an answer (yes/no/both/x/''), value, comment, text, done."""

    element: str
    part: Part
    value: str | bool
