"""Edit a parsed document in place: only the spans that hold answers change; every other
byte (unknown lines, line endings, the person's layout) survives."""

from __future__ import annotations

from typing import Iterable

from qa2docs.documents.spans import Change, ParsedDocument, Spans
from qa2docs.models import ReadmeHeader
from qa2docs.models.common import normalize_text
from qa2docs.models.layout import COMMENT_COLUMN, HEADER_CONT_INDENT, ITEM_CONT_INDENT, Element


def apply_changes(doc: ParsedDocument, changes: Iterable[Change]) -> tuple[str, list[Change]]:
    """The text with *changes* applied in place, and the changes that had no place to go."""
    edits: list[tuple[int, int, int, str]] = []
    unplaced: list[Change] = []
    nl = doc.newline
    readme = isinstance(doc.model, ReadmeHeader)
    layout = {el.id: el for el in getattr(type(doc.model), "layout", ())}
    for change in changes:
        spans = doc.spans.get(change.element)
        el = layout.get(change.element)
        edit = None
        if spans is not None:
            edit = (_readme_edit(spans, change, nl) if readme
                    else _checklist_edit(el, spans, change, nl))
        if edit is None:
            unplaced.append(change)
        else:
            # An empty inline value and an empty comment both sit at the line's end: the
            # comment goes after the value, whichever order the changes came in.
            rank = 1 if change.part in ("comment", "text") else 0
            edits.extend((start, end, rank, new) for start, end, new in edit)
    text = doc.text
    for start, end, _, new in sorted(edits, key=lambda e: e[:3], reverse=True):
        text = text[:start] + new + text[end:]
    return text, unplaced


def _checklist_edit(el: Element, spans: Spans, change: Change, nl: str
                    ) -> list[tuple[int, int, str]] | None:
    value = change.value
    if change.part in ("answer", "done"):
        if change.part == "done" or el.kind == "check":
            ticks = [bool(value) and value not in ("", "no")]
        else:
            ticks = [value in ("yes", "both"), value in ("no", "both")]
        if len(spans.boxes) != len(ticks):
            return None
        return [(o, o + 1, "x" if t else " ") for o, t in zip(spans.boxes, ticks)]
    text = normalize_text(value)
    lines = text.split("\n") if text else []
    if change.part == "value" and spans.value is not None:
        if not lines:
            new = ""
        elif el.kind == "header" and el.block:
            new = _continuation(lines, nl, HEADER_CONT_INDENT)
        elif el.kind in ("header", "field"):
            indent = HEADER_CONT_INDENT if el.kind == "header" else ITEM_CONT_INDENT
            new = " " + lines[0] + _continuation(lines[1:], nl, indent)
        else:                                   # an item's inline value: one line
            new = " " + "; ".join(filter(None, lines))
        return [(spans.value[0], spans.value[1], new)]
    if change.part in ("comment", "text") and spans.comment is not None:
        start, end = spans.comment
        if spans.comment_column == ITEM_CONT_INDENT or el.kind == "paste" or el.inline:
            new = _continuation(lines, nl, ITEM_CONT_INDENT)
        elif lines:
            pad = max(2, COMMENT_COLUMN - spans.comment_column)
            new = " " * pad + lines[0] + _continuation(lines[1:], nl, ITEM_CONT_INDENT)
        else:
            new = ""
        return [(start, end, new)]
    return None


def _continuation(lines: list[str], nl: str, indent: int) -> str:
    """*lines* as continuation lines, each after a line ending; a paragraph break stays bare."""
    return "".join(nl + (" " * indent + line if line else "") for line in lines)


def _readme_edit(spans: Spans, change: Change, nl: str) -> list[tuple[int, int, str]] | None:
    if change.part == "comment" and spans.comment is not None:
        body = ReadmeHeader(comments=str(change.value)).comments
        body = nl.join(body.split("\n"))
        new = nl + nl + (body + nl if body else "") + nl
        return [(spans.comment[0], spans.comment[1], new)]
    if change.part == "value" and spans.value is not None:
        text = " ".join(filter(None, normalize_text(change.value).split("\n")))
        return [(spans.value[0], spans.value[1], (" " + text) if text else "")]
    return None
