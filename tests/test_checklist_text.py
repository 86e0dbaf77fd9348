"""Exact rendering, tolerant parsing and in-place editing of the text checklists."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa2docs.documents.checklist_text import parse_checklist, parse_readme
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change
from qa2docs.errors import ChecklistError
from qa2docs.models import EBChecklist, ReadmeHeader, SBChecklist
from qa2docs.models.layout import EB_LAYOUT
from qa2docs.render.text import render_checklist, render_readme

from conftest import GOLDEN

BLANKS = [
    (lambda: render_checklist(EBChecklist()), "Checklist_EB.blank.txt"),
    (lambda: render_checklist(SBChecklist()), "Checklist_SB.blank.txt"),
    (lambda: render_readme(ReadmeHeader(form=2)), "README.header.cycle2.blank.txt"),
    (lambda: render_readme(ReadmeHeader(form=3)), "README.header.cycle3.blank.txt"),
]


@pytest.mark.parametrize("render, name", BLANKS, ids=[n for _, n in BLANKS])
def test_blank_render_is_byte_identical_to_golden(render, name):
    assert render().encode() == (GOLDEN / name).read_bytes()


@pytest.mark.parametrize("name, model", [("Checklist_EB.blank.txt", EBChecklist()),
                                         ("Checklist_SB.blank.txt", SBChecklist())])
def test_blank_parses_to_empty_model(name, model):
    doc = parse_checklist((GOLDEN / name).read_text())
    assert doc.model == model
    assert all(el.id in doc.spans for el in type(model).layout if el.answers)


# Words a person might write: no brackets, no leading dash, no colon (which would read as
# a label), so that a comment line can never be taken for another element.
_word = st.text(string.ascii_letters + string.digits + ".,'()=~+/", min_size=1, max_size=8)
_line = st.lists(_word, min_size=1, max_size=5).map(" ".join)
_paragraph = st.lists(_line, min_size=1, max_size=3).map("\n".join)
# Paragraph breaks as a person types them (one or more blank lines, maybe with spaces); the
# model keeps each as one blank line.
_break = st.sampled_from(["\n\n", "\n\n\n", "\n  \n", "\n\t\n  \n"])


@st.composite
def _texts(draw) -> str:
    paragraphs = draw(st.lists(_paragraph, max_size=3))
    return "".join(p + draw(_break) for p in paragraphs[:-1]) + "".join(paragraphs[-1:])


_text = _texts()
_one_line = st.one_of(st.just(""), _line)


def _model_strategy(model_cls):
    parts = {"header": {}, "sections": {}, "items": {}}
    for el in model_cls.layout:
        if el.kind == "header":
            parts["header"][el.attr] = _text
        elif el.kind == "section":
            parts["sections"][el.attr] = st.fixed_dictionaries({"done": st.booleans()})
        elif el.kind == "yesno":
            parts["items"][el.attr] = st.fixed_dictionaries({
                "yes": st.booleans(), "no": st.booleans(),
                "value": _one_line if el.inline else st.just(""), "comment": _text})
        elif el.kind == "check":
            parts["items"][el.attr] = st.fixed_dictionaries(
                {"checked": st.booleans(), "comment": _text})
        elif el.kind == "field":
            parts["items"][el.attr] = st.fixed_dictionaries({"value": _text})
        elif el.kind == "paste":
            parts["items"][el.attr] = st.fixed_dictionaries({"text": _text})
    return st.fixed_dictionaries(
        {k: st.fixed_dictionaries(v) for k, v in parts.items()}).map(model_cls.model_validate)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_model_strategy(EBChecklist), _model_strategy(SBChecklist)))
def test_parse_render_roundtrip(model):
    kind = "eb" if isinstance(model, EBChecklist) else "sb"
    assert parse_checklist(render_checklist(model), kind=kind).model == model


def _change_for(el, draw):
    if el.kind == "yesno":
        return [Change(el.id, "answer", draw(st.sampled_from(["yes", "no", "", "both"]))),
                Change(el.id, "comment", draw(_text))] + (
                    [Change(el.id, "value", draw(_one_line))] if el.inline else [])
    if el.kind == "check":
        return [Change(el.id, "answer", draw(st.sampled_from(["x", ""]))),
                Change(el.id, "comment", draw(_text))]
    if el.kind == "section":
        return [Change(el.id, "done", draw(st.booleans()))]
    if el.kind == "paste":
        return [Change(el.id, "text", draw(_text))]
    return [Change(el.id, "value", draw(_text))]


def _expected(model, changes):
    data = model.model_dump()
    for c in changes:
        el = type(model)().element(c.element)
        if el.kind == "header":
            data["header"][el.attr] = c.value
        elif el.kind == "section":
            data["sections"][el.attr]["done"] = c.value
        elif c.part == "answer" and el.kind == "yesno":
            data["items"][el.attr].update(yes=c.value in ("yes", "both"), no=c.value in ("no", "both"))
        elif c.part == "answer":
            data["items"][el.attr]["checked"] = c.value == "x"
        else:
            data["items"][el.attr][c.part] = c.value
    return type(model).model_validate(data)


@st.composite
def _edit_case(draw):
    model = draw(_model_strategy(EBChecklist))
    elements = draw(st.lists(st.sampled_from([e for e in EB_LAYOUT if e.answers]),
                             unique_by=lambda e: e.id, max_size=8))
    # In any order: where two edits meet at one offset, the order must not matter.
    changes = draw(st.permutations([c for el in elements for c in _change_for(el, draw)]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    # Lines a person adds at column 0 between elements: never part of any answer.
    lines = render_checklist(model).split("\n")
    at_column_0 = [i for i, line in enumerate(lines) if line.strip() and not line.startswith(" ")]
    inserts = draw(st.lists(st.tuples(st.sampled_from(at_column_0), _line), max_size=4,
                            unique_by=lambda t: t[0]))
    notes = []
    for pos, text in sorted(inserts, reverse=True):
        lines.insert(pos, f"NOTE {len(notes)} {text}")
        notes.append(lines[pos])
    return model, changes, newline.join(lines), notes


def _touched(doc, changes) -> list[tuple[int, int]]:
    """The answer spans (start, end) of the original text the *changes* may rewrite, merged."""
    spans = []
    for c in changes:
        s = doc.spans[c.element]
        if c.part in ("answer", "done"):
            spans.extend((o, o + 1) for o in s.boxes)
        else:
            spans.append(s.value if c.part == "value" else s.comment)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _outside(text: str, touched: list[tuple[int, int]]) -> list[str]:
    """The pieces of *text* between the touched spans, in order."""
    bounds = [0] + [x for span in touched for x in span] + [len(text)]
    return [text[bounds[i]:bounds[i + 1]] for i in range(0, len(bounds), 2)]


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(_edit_case())
def test_edit_in_place_changes_only_answers(case):
    model, changes, text, notes = case
    doc = parse_checklist(text, kind="eb")
    assert doc.model == model
    edited, unplaced = apply_changes(doc, changes)
    assert unplaced == []
    assert parse_checklist(edited, kind="eb").model == _expected(model, changes)
    # Every byte outside the answer spans is kept, in order; only the spans are rewritten.
    pieces = _outside(text, _touched(doc, changes))
    pattern = "(.*?)".join(re.escape(p) for p in pieces)
    assert re.fullmatch(pattern, edited, re.DOTALL), (pieces, edited)
    for note in notes:  # the person's lines are really there, and kept
        assert text.count(note) == 1 and edited.count(note) == 1
    # Every line ending, also inside a multi-line answer written by the edit, is the file's.
    assert set(re.findall(r"\r\n|\r|\n", text)) == {doc.newline}
    assert set(re.findall(r"\r\n|\r|\n", edited)) == {doc.newline}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_single_and_multi_line_edits_keep_every_other_byte(newline):
    text = newline.join(["NOTE mine", *render_checklist(EBChecklist()).split("\n")])
    doc = parse_checklist(text, kind="eb")
    changes = [Change("bands", "value", "6"),                               # header, one line
               Change("observation", "value", "from A\nto B"),               # header block
               Change("flagging.atm_lines", "answer", "yes"),
               Change("flagging.atm_lines", "value", "5:236~277"),           # inline value
               Change("apriori.fixplanets", "comment", "one\n\ntwo\nthree"),  # paragraphs
               Change("gaincal.fluxscale_paste", "text", "line 1\nline 2")]
    edited, unplaced = apply_changes(doc, changes)
    assert unplaced == []
    pieces = _outside(text, _touched(doc, changes))
    assert re.fullmatch("(.*?)".join(re.escape(p) for p in pieces), edited, re.DOTALL)
    assert set(re.findall(r"\r\n|\r|\n", edited)) == {newline}
    assert parse_checklist(edited, kind="eb").model == _expected(doc.model, changes)


HAND_EDITED = """\
Project code     : 2013.1.12345.S\r
Contact Scientist:\tJohn Smith\r
PI               : Jane Doe   \r
ASDM UID         :\r
My own note at column zero\r
\r
DATA IMPORT -----------------------------------------------------[X]\r
                                              Yes No   Comments:\r
  - asis='Antenna Station CalAtmosphere Receiver Source' [ ] [*] not in the script\r
        and a second comment line\r
  1) Apriori calibration ----------------------------------------[ ]\r
  - FIXPLANETS   necessary?\t\t[v] [ ]\r
  - checked Tsys tables?                      [✓]  fine\r
"""


def test_hand_edited_checklist_is_read_tolerantly():
    doc = parse_checklist(HAND_EDITED, kind="eb")
    m = doc.model
    assert m.header.contact_scientist == "John Smith"
    assert m.header.pi == "Jane Doe"
    assert m.sections.data_import.done
    assert (m.items.import_asis.yes, m.items.import_asis.no) == (False, True)
    assert m.items.import_asis.comment == "not in the script\nand a second comment line"
    assert m.items.apriori_fixplanets.yes
    assert m.items.apriori_tsys.checked and m.items.apriori_tsys.comment == "fine"
    edited, _ = apply_changes(doc, [Change("asdm_uid", "value", "uid___A002_Xdd9c61_X66d")])
    assert edited == HAND_EDITED.replace("ASDM UID         :\r",
                                         "ASDM UID         : uid___A002_Xdd9c61_X66d\r")


def test_bad_box_names_file_and_line():
    text = (GOLDEN / "Checklist_EB.blank.txt").read_text().replace(
        "fixplanets necessary?                     [ ]", "fixplanets necessary?                     [q]")
    with pytest.raises(ChecklistError) as err:
        parse_checklist(text, "Checklist_x.txt")
    assert str(err.value) == "Checklist_x.txt:22: box holds 'q': tick it with x or leave it blank"


def test_duplicate_item_is_an_error():
    text = (GOLDEN / "Checklist_EB.blank.txt").read_text()
    text += "  - fixplanets necessary?                     [ ] [ ]\n"
    with pytest.raises(ChecklistError, match=r":64: 'fixplanets necessary\?' appears twice \(first at line 22\)"):
        parse_checklist(text, "c.txt")


def test_not_a_checklist():
    with pytest.raises(ChecklistError, match="none of its labels found"):
        parse_checklist("hello\nworld\n", "x.txt", kind="eb")


def test_readme_roundtrip_keeps_markdown_comments():
    header = ReadmeHeader(form=3, cycle="3", project_code="2015.1.00262.S",
                          comments="Phase drifts for *CM07*.\n\n- item one\n  - nested")
    assert parse_readme(render_readme(header)).model == header


def test_readme_real_header_from_corpus(corpus_dir):
    text = (corpus_dir / "readme_headers" / "FeO_band4_README").read_text()
    doc = parse_readme(text)
    assert doc.model.form == 3
    assert doc.model.project_code == "2015.1.00262.S"
    assert doc.model.total_member_sbs == "1"
    assert doc.model.comments.startswith("Requested continuum RMS (for object OrionBullets)")
    assert doc.model.comments.endswith('Achieved beam: 0.38"x0.34"')
    edited, _ = apply_changes(doc, [Change("qa2_result", "value", "SEMIPASS")])
    assert edited == text.replace("QA2 Result: PASS", "QA2 Result: SEMIPASS")


@st.composite
def _anywhere_case(draw):
    model = draw(_model_strategy(EBChecklist))
    lines = render_checklist(model).split("\n")
    inserts = draw(st.lists(st.tuples(st.integers(0, len(lines)), _line), min_size=1, max_size=6))
    notes = []
    for pos, text in sorted(inserts, reverse=True):
        note = f"NOTE {len(notes)} {text}"
        lines.insert(pos, note)
        notes.append(note)
    elements = draw(st.lists(st.sampled_from([e for e in EB_LAYOUT if e.answers]),
                             unique_by=lambda e: e.id, max_size=10))
    changes = draw(st.permutations([c for el in elements for c in _change_for(el, draw)]))
    return "\n".join(lines), changes, notes


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(_anywhere_case())
def test_lines_a_person_adds_anywhere_survive_any_edit(case):
    text, changes, notes = case
    edited, _ = apply_changes(parse_checklist(text, kind="eb"), changes)
    for note in notes:
        assert edited.count(note) == text.count(note), note


def test_a_reading_scope_parses_each_document_once(tmp_path, monkeypatch):
    """A report and its validation read the same checklist: within a reading scope it is
    parsed once, and a file that cannot be read fails every reader the same way."""
    from qa2docs.documents import checklist_text
    from qa2docs.documents.checklist_text import read_document, reading_scope

    good = tmp_path / "Checklist_EB.txt"
    good.write_text(render_checklist(EBChecklist()))
    bad = tmp_path / "Checklist_SB.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    parses = []
    real = checklist_text._read_document
    monkeypatch.setattr(checklist_text, "_read_document",
                        lambda path, kind: parses.append(path.name) or real(path, kind))
    with reading_scope():
        first = read_document(good, "eb")
        with reading_scope():  # nested: the outer scope's parse
            assert read_document(good, "eb") is first
        errors = []
        for _ in range(2):
            with pytest.raises(ChecklistError) as caught:
                read_document(bad, "sb")
            errors.append(str(caught.value))
    assert parses == ["Checklist_EB.txt", "Checklist_SB.txt"] and errors[0] == errors[1]
    assert read_document(good, "eb") is not first  # outside a scope: read again
    assert parses[-1] == "Checklist_EB.txt"
