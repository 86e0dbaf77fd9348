"""Parse the ESO text checklists and README.header with the place of every answer.

Parsing is tolerant: labels are matched after folding whitespace and case, boxes are found
as ``[.]`` (or ``[ x ]``), items may stand on ``-`` or ``*`` bullets, a section's done-box
may follow its title without dashes, CRLF, tabs and a UTF-8 byte-order mark are accepted,
and lines the layout does not know are kept as they are.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Literal

from qa2docs.documents.spans import (
    Line,
    ParsedDocument,
    Spans,
    detect_newline,
    split_lines,
)
from qa2docs.errors import ChecklistError, Qa2DocsError
from qa2docs.memo import RunMemo
from qa2docs.models import EBChecklist, ReadmeHeader, SBChecklist
from qa2docs.models.layout import (
    HEADER_CONT_INDENT,
    ITEM_CONT_INDENT,
    README_COMMENTS,
    README_FIELDS,
    README_RULE,
    Element,
)

TICKS = frozenset("xX*vV✓✔")

# A box: one character between brackets, a space on either side of it allowed ("[ x ]").
_BOX = r"\[ ?(?P<box>[^\[\]]) ?\]"
_BOX_RE = re.compile(_BOX)
# A section header: its title, dashes (or none) and its done-box at the end of the line.
_SECTION_RE = re.compile(r"^(?P<title>\s*\S.*?)\s*-*\s*" + _BOX + r"\s*$")
_BULLET_RE = re.compile(r"^(\s*)[-*]\s+(.*)$")
_COLHEAD_RE = re.compile(r"^\s*yes\s+no\s+comments\s*:\s*$", re.IGNORECASE)
# Lines a reducer pastes from a .fluxscale file or a casa log, at whatever indentation.
_FLUXSCALE_LINE_RE = re.compile(
    r"(Flux density for \S+ in SpW|Fitted spectrum for \S+ with fitorder|"
    r"Found (reference|transfer) field)")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _indent(text: str) -> int:
    stripped = text.expandtabs(8)
    return len(stripped) - len(stripped.lstrip())


# ---------------------------------------------------------------------------- parsing


class _Builder:
    """Collects answers and spans while the lines are read."""

    def __init__(self, path: Path, layout: tuple[Element, ...]):
        self.path = path
        self.layout = layout
        self.by_kind: dict[str, dict[str, Element]] = {}
        for el in layout:
            if el.answers:
                group = {"yesno": "item", "check": "item", "paste": "item"}.get(el.kind, el.kind)
                self.by_kind.setdefault(group, {})[_norm(el.label)] = el
        self.values: dict[str, dict] = {}
        self.spans: dict[str, Spans] = {}

    def claim(self, el: Element, line: Line) -> Spans:
        if el.id in self.spans:
            first = self.spans[el.id].line
            raise ChecklistError(self.path, line.number,
                                 f"'{el.label}' appears twice (first at line {first})")
        spans = Spans(line=line.number)
        self.spans[el.id] = spans
        return spans

    def read_box(self, line: Line, m: re.Match[str]) -> tuple[bool, int]:
        char = m.group(1)
        if char != " " and char not in TICKS:
            raise ChecklistError(self.path, line.number,
                                 f"box holds {char!r}: tick it with x or leave it blank")
        return char in TICKS, line.start + m.start(1)


def parse_checklist(text: str, path: Path | str = "<checklist>",
                    kind: Literal["eb", "sb"] | None = None, encoding: str = "utf-8"
                    ) -> ParsedDocument:
    """Parse an EB or SB checklist (kind guessed from its labels when not given)."""
    path = Path(path)
    if kind is None:
        kind = "eb" if re.search(r"^\ufeff?ASDM\s+UID\s*:|DATA\s+IMPORT", text,
                                 re.IGNORECASE | re.MULTILINE) else "sb"
    model_cls = EBChecklist if kind == "eb" else SBChecklist
    b = _Builder(path, model_cls.layout)
    lines = split_lines(text)
    open_el: Element | None = None       # the element whose continuation lines may follow
    open_parts: list[str] = []
    open_end = 0
    blank = False                        # blank lines since the last non-blank one

    def close() -> None:
        nonlocal open_el, open_parts
        if open_el is None:
            return
        spans = b.spans[open_el.id]
        target = "text" if open_el.kind == "paste" else (
            "value" if open_el.kind in ("header", "field") else "comment")
        b.values[open_el.id][target] = "\n".join(open_parts)
        if target == "value":
            spans.value = (spans.value[0], open_end)
        else:
            spans.comment = (spans.comment[0], open_end)
        open_el, open_parts = None, []

    for line in lines:
        content = line.content
        if not content.strip():
            # Whether a blank line parts two paragraphs of an answer or ends it is up to the
            # next line; until then the answer's span stops before it (the layout's blank).
            blank = True
            continue
        after_blank, blank = blank, False
        indent = _indent(content)
        el, kind_found = _classify(b, content)
        if (el is None and kind_found != "colhead" and open_el is not None
                and _continues(open_el, content, indent, after_blank)):
            if after_blank and open_parts:
                open_parts.append("")     # a paragraph break, as Markdown writes it
            open_parts.append(content.strip())
            open_end = line.end
            continue
        close()
        if el is None:
            continue                      # a line the layout does not know: kept as is
        spans = b.claim(el, line)
        if kind_found == "section":
            box = list(_BOX_RE.finditer(content))[-1]
            done, offset = b.read_box(line, box)
            spans.boxes = [offset]
            b.values[el.id] = {"done": done}
        elif kind_found in ("header", "field"):
            colon = content.index(":")
            b.values[el.id] = {}
            spans.value = (line.start + colon + 1, line.end)
            open_el, open_parts, open_end = el, _nonempty(content[colon + 1:]), line.end
        elif el.kind == "paste":
            b.values[el.id] = {}
            spans.comment = (line.end, line.end)
            open_el, open_parts, open_end = el, [], line.end
        else:
            open_el, open_parts, open_end = el, _read_item(b, el, line, spans), line.end
    close()
    if not b.spans:
        raise ChecklistError(path, 1, f"not a {kind.upper()} checklist: none of its labels found")
    model = model_cls.model_validate(_assemble(b))
    return ParsedDocument(path, text, model, b.spans, detect_newline(text), encoding)


def _nonempty(text: str) -> list[str]:
    text = text.strip()
    return [text] if text else []


def _classify(b: _Builder, content: str) -> tuple[Element | None, str]:
    """The layout element a line starts, if any, and how it was recognised."""
    m = _SECTION_RE.match(content)
    if m and _norm(m["title"]) in b.by_kind.get("section", {}):
        return b.by_kind["section"][_norm(m["title"])], "section"
    if _COLHEAD_RE.match(content):
        return None, "colhead"
    bullet = _BULLET_RE.match(content)
    if bullet:
        rest = bullet.group(2)
        box = _BOX_RE.search(rest)
        label = rest[: box.start()] if box else rest
        el = b.by_kind.get("item", {}).get(_norm(label))
        if el is not None and (box is not None or el.kind == "paste"):
            return el, "item"
        if ":" in rest:
            el = b.by_kind.get("field", {}).get(_norm(rest.split(":", 1)[0]))
            if el is not None and el.bullet:
                return el, "field"
        return None, ""
    if ":" in content:
        label = _norm(content.split(":", 1)[0])
        if _indent(content) < 2 and label in b.by_kind.get("header", {}):
            return b.by_kind["header"][label], "header"
        el = b.by_kind.get("field", {}).get(label)
        if el is not None and not el.bullet:
            return el, "field"
    return None, ""


def _continues(el: Element, content: str, indent: int, after_blank: bool = False) -> bool:
    """Whether an unrecognised line continues the answer of *el*.

    After a blank line only a line at the answer's continuation indent (or deeper) does: it
    starts the answer's next paragraph; anything less indented leaves the blank to the layout.
    """
    if el.kind in ("header", "paste"):
        if indent >= HEADER_CONT_INDENT:
            return True
        if after_blank:
            return False
        return indent >= 2 if el.kind == "header" else bool(_FLUXSCALE_LINE_RE.search(content))
    return indent >= ITEM_CONT_INDENT


def _read_item(b: _Builder, el: Element, line: Line, spans: Spans) -> list[str]:
    """Boxes, inline value and same-line comment of an item; returns the comment's lines."""
    content = line.content
    boxes = list(_BOX_RE.finditer(content, _BULLET_RE.match(content).start(2)))
    expected = 2 if el.kind == "yesno" else 1
    if len(boxes) < expected:
        raise ChecklistError(b.path, line.number,
                             f"'{el.label}' needs {expected} box(es) [ ], found {len(boxes)}")
    boxes = boxes[:expected]
    ticks = [b.read_box(line, m) for m in boxes]
    spans.boxes = [offset for _, offset in ticks]
    values: dict = ({"yes": ticks[0][0], "no": ticks[1][0]} if el.kind == "yesno"
                    else {"checked": ticks[0][0]})
    b.values[el.id] = values
    after = boxes[-1].end()
    tail = content[after:]
    if el.suffix and tail.lstrip().startswith(el.suffix):
        after += len(tail) - len(tail.lstrip()) + len(el.suffix)
        tail = content[after:]
    if el.inline:
        words = [re.escape(w) for w in el.inline.split()]
        m = re.search(r"\s*".join(words), tail, re.IGNORECASE)
        if m:
            values["value"] = tail[m.end():].strip()
            spans.value = (line.start + after + m.end(), line.end)
            spans.comment = (line.end, line.end)
            spans.comment_column = ITEM_CONT_INDENT
            return []
    spans.comment = (line.start + after, line.end)
    spans.comment_column = len(content[:after].expandtabs(8))
    return _nonempty(tail)


def _assemble(b: _Builder) -> dict:
    data: dict = {"header": {}, "sections": {}, "items": {}}
    for el in b.layout:
        if el.id not in b.values:
            continue
        v = b.values[el.id]
        if el.kind == "header":
            data["header"][el.attr] = v.get("value", "")
        elif el.kind == "section":
            data["sections"][el.attr] = v
        else:
            data["items"][el.attr] = v
    return data


def label_line(doc: ParsedDocument, el: Element) -> int | None:
    """The line that starts with the label of *el* (after any bullet) although the parser
    could not read it as *el* (a box it cannot read, a form it does not know), if any."""
    if el.id in doc.spans:
        return None
    label = _norm(el.label.rstrip(":"))
    claimed = {spans.line for spans in doc.spans.values()}
    for line in split_lines(doc.text):
        if line.number not in claimed and _norm(line.content.lstrip(" \t-*+")).startswith(label):
            return line.number
    return None


# ---------------------------------------------------------------------------- README


def parse_readme(text: str, path: Path | str = "README.header.txt",
                 encoding: str = "utf-8") -> ParsedDocument:
    """Parse README.header.txt (Cycle 2 or Cycle 3 form)."""
    path = Path(path)
    labels = {_norm(label): fid for fid, label, _ in README_FIELDS}
    values: dict[str, str] = {}
    spans: dict[str, Spans] = {}
    lines = split_lines(text)
    comments_at: int | None = None
    for i, line in enumerate(lines):
        if ":" not in line.content:
            continue
        label, rest = line.content.split(":", 1)
        if _norm(label) == _norm(README_COMMENTS):
            comments_at = i
            break
        fid = labels.get(_norm(label))
        if fid is None:
            continue
        if fid in spans:
            raise ChecklistError(path, line.number,
                                 f"'{label.strip()}' appears twice (first at line {spans[fid].line})")
        colon = line.content.index(":")
        values[fid] = rest.strip()
        spans[fid] = Spans(line=line.number, value=(line.start + colon + 1, line.end))
    if not spans and comments_at is None:
        raise ChecklistError(path, 1, "not a README header: none of its labels found")
    if comments_at is not None:
        head = lines[comments_at]
        rule = next((ln for ln in lines[comments_at + 1:] if ln.content.strip() == README_RULE),
                    None)
        stop = rule.start if rule else len(text)
        values["comments"] = text[head.end:stop]
        spans["comments"] = Spans(line=head.number, comment=(head.end, stop))
    form = 3 if any(f in spans for f in ("proposed_beam_size", "qa2_result", "total_member_sbs")) else 2
    model = ReadmeHeader.model_validate({"form": form, **values})
    return ParsedDocument(path, text, model, spans, detect_newline(text), encoding)


_documents = RunMemo("qa2docs_document_scope")


def reading_scope() -> AbstractContextManager[None]:
    """Within it, :func:`read_document` parses each file once (a report and the validation it
    shows read the same checklists): readers only, nothing in it writes a document. Scopes
    nest (the outermost one counts)."""
    return _documents.scope()


def read_document(path: Path, kind: Literal["eb", "sb", "readme"] | None = None
                  ) -> ParsedDocument:
    """Read and parse a checklist or README header file (once in a :func:`reading_scope`)."""
    scope = _documents.current()
    if scope is None:
        return _read_document(path, kind)
    key = (str(path), kind)
    if key not in scope:
        try:
            scope[key] = _read_document(path, kind)
        except (Qa2DocsError, OSError) as err:  # the same error for every reader in it
            scope[key] = err
    found = scope[key]
    if isinstance(found, Exception):
        raise found
    return found


def _read_document(path: Path, kind: Literal["eb", "sb", "readme"] | None) -> ParsedDocument:
    from qa2docs.fileio import read_text

    text, encoding = read_text(path)
    if kind == "readme" or (kind is None and path.name.startswith("README")):
        return parse_readme(text, path, encoding)
    return parse_checklist(text, path, kind, encoding)  # type: ignore[arg-type]
