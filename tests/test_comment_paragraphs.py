"""Markdown paragraphs in checklist answers: a blank line, then a line at the answer's
continuation indent, continues the answer; anything less indented ends it."""

from __future__ import annotations

import re

import pytest

from qa2docs.documents.checklist_text import parse_checklist, parse_readme
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change
from qa2docs.discover.layout import discover
from qa2docs.models import EBChecklist, ReadmeHeader, SBChecklist
from qa2docs.models.layout import COMMENT_COLUMN
from qa2docs.render.text import render_checklist, render_readme
from qa2docs.report.build import make_reports

from conftest import GOLDEN
from helpers import run_cli
from test_report import NOW, build_sample

BLANK_EB = (GOLDEN / "Checklist_EB.blank.txt").read_text()
FIXPLANETS = "  - fixplanets necessary?                     [ ] [ ]\n"
WEIGHTS = "  - checked Weights?                          [ ]\n"
# What a reducer types under a Yes/No item: two Markdown paragraphs in one comment.
TYPED = (
    "  - fixplanets necessary?                     [x] [ ]  Titan's ephemeris was off by 2\".\n"
    "      Applied fixplanets with the JPL position.\n"
    "\n"
    "      Checked the *amp vs uvdist* plot afterwards:\n"
    "        the model fits.\n")
COMMENT = ("Titan's ephemeris was off by 2\".\nApplied fixplanets with the JPL position.\n\n"
           "Checked the *amp vs uvdist* plot afterwards:\nthe model fits.")


def _typed(item: str = TYPED) -> str:
    """The blank EB checklist with *item* typed in place of the fixplanets line."""
    return BLANK_EB.replace(FIXPLANETS, item)


def test_two_paragraph_comment_is_read_whole():
    doc = parse_checklist(_typed(), kind="eb")
    assert doc.model.items.apriori_fixplanets.comment == COMMENT
    # ... and nothing else: the next item keeps its own (empty) answer.
    assert doc.model == EBChecklist.model_validate(
        {"items": {"apriori_fixplanets": {"yes": True, "comment": COMMENT}}})


def test_several_blank_lines_and_blank_lines_with_spaces_are_one_paragraph_break():
    typed = TYPED.replace("\n\n", "\n   \n\t\n\n")
    doc = parse_checklist(_typed(typed), kind="eb")
    assert doc.model.items.apriori_fixplanets.comment == COMMENT


def _commented(line: str, comment: str) -> str:
    """An item line with *comment* where the form puts it (column 55)."""
    return line.rstrip("\n").ljust(COMMENT_COLUMN) + comment + "\n"


@pytest.mark.parametrize("line, after", [
    (FIXPLANETS, ""),                                            # the next item
    (WEIGHTS, ""),                                               # the layout's blank, a section
    (FIXPLANETS, "                                              Yes No   Comments:\n"),
    (FIXPLANETS, "My own note at column zero\n"),                # a person's free line
    (FIXPLANETS, "    indented by four, less than an item comment's six\n"),
], ids=["item", "section", "column head", "free line", "indent 4"])
def test_a_blank_line_then_a_less_indented_line_ends_the_comment(line, after):
    text = BLANK_EB.replace(line, _commented(line, "first paragraph") + "\n" + after)
    element, attr = (("apriori.fixplanets", "apriori_fixplanets") if line == FIXPLANETS
                     else ("apriori.weights", "apriori_weights"))
    doc = parse_checklist(text, kind="eb")
    assert doc.model == EBChecklist.model_validate(
        {"items": {attr: {"comment": "first paragraph"}}})
    # The blank line belongs to the layout: an edit of the comment leaves it and what follows.
    edited, unplaced = apply_changes(doc, [Change(element, "comment", "changed")])
    assert unplaced == []
    assert edited == text.replace("first paragraph", "changed")


def test_trailing_blank_lines_are_not_swallowed_by_an_edit():
    text = BLANK_EB.replace(WEIGHTS, _commented(WEIGHTS, "fine") + "      second line\n\n\n")
    doc = parse_checklist(text, kind="eb")
    assert doc.model.items.apriori_weights.comment == "fine\nsecond line"
    edited, _ = apply_changes(doc, [Change("apriori.weights", "comment", "one\n\ntwo")])
    assert edited == BLANK_EB.replace(WEIGHTS, _commented(WEIGHTS, "one") + "\n      two\n\n\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_two_paragraph_comment_is_edited_in_place(newline):
    text = _typed().replace("\n", newline)
    doc = parse_checklist(text, kind="eb")
    new = "Ephemeris fixed.\n\nAmp vs uvdist checked.\nNothing else to do."
    edited, unplaced = apply_changes(doc, [Change("apriori.fixplanets", "comment", new),
                                           Change("apriori.fixplanets", "answer", "no")])
    assert unplaced == []
    assert edited == BLANK_EB.replace(FIXPLANETS, (
        "  - fixplanets necessary?                     [ ] [x]  Ephemeris fixed.\n"
        "\n"
        "      Amp vs uvdist checked.\n"
        "      Nothing else to do.\n")).replace("\n", newline)
    again = parse_checklist(edited, kind="eb").model.items.apriori_fixplanets
    assert (again.no, again.comment) == (True, new)
    # Emptied, the whole comment goes, both paragraphs; the rest of the file is untouched.
    cleared, _ = apply_changes(doc, [Change("apriori.fixplanets", "comment", "")])
    assert cleared == BLANK_EB.replace(
        FIXPLANETS, FIXPLANETS.replace("[ ] [ ]", "[x] [ ]")).replace("\n", newline)


# Every answer with an indented continuation, and what a two-paragraph answer renders as.
RENDERED = [
    (EBChecklist, {"items": {"apriori_fixplanets": {"yes": True, "comment": "one\ntwo\n\nthree"}}},
     "  - fixplanets necessary?                     [x] [ ]  one\n"
     "      two\n\n      three\n"),
    (EBChecklist, {"items": {"bandpass_refant": {"value": "DV09", "comment": "one\n\ntwo"}}},
     "  - Is REFANT chosen by script gen. good?     [ ] [ ]  Name of REFANT: DV09\n"
     "      one\n\n      two\n"),
    (EBChecklist, {"items": {"flagging_uvrange_gaincal": {"value": "0~100m\n\nshort baselines"}}},
     "    uvrange (m) for later gaincal: 0~100m\n\n      short baselines\n"),
    (EBChecklist, {"items": {"gaincal_fluxscale_paste": {"text": "first run\n\nsecond run"}}},
     "  - For resolved flux cal: paste .fluxscale file here\n"
     "      first run\n\n      second run\n"),
    (EBChecklist, {"header": {"observation": "Observed from A to B\n\nsecond block"}},
     "Observation Dates and Total Integration Time (from listobs):\n"
     "    Observed from A to B\n\n    second block\n"),
    (EBChecklist, {"header": {"pi": "Jane Doe\n\nco-PI John Smith"}},
     "PI               : Jane Doe\n\n    co-PI John Smith\n"),
    (SBChecklist, {"items": {"imaging_achieved_rms": {"value": "0.1 mJy\n\ncube 2 mJy"}}},
     "    achieved rms: 0.1 mJy\n\n      cube 2 mJy\n"),
]


@pytest.mark.parametrize("model_cls, data, lines", RENDERED, ids=range(len(RENDERED)))
def test_paragraph_break_renders_as_a_bare_blank_line_and_parses_back(model_cls, data, lines):
    model = model_cls.model_validate(data)
    text = render_checklist(model)
    assert lines in text
    assert not re.search(r"[ \t]$", text, re.MULTILINE)
    assert parse_checklist(text, kind=_kind(model_cls)).model == model


@pytest.mark.parametrize("model_cls, data, lines", RENDERED, ids=range(len(RENDERED)))
def test_paragraph_break_written_by_an_edit_parses_back(model_cls, data, lines):
    kind = _kind(model_cls)
    doc = parse_checklist(render_checklist(model_cls()), kind=kind)
    want = model_cls.model_validate(data)
    changes = [Change(el.id, "answer", "yes") for el in model_cls.layout
               if el.kind == "yesno" and want.part(el).yes]
    changes += [Change(el.id, name, value) for el in model_cls.layout if el.answers
                for name, value in _texts_of(want.part(el))]
    edited, unplaced = apply_changes(doc, changes)
    assert unplaced == []
    assert lines in edited and not re.search(r"[ \t]$", edited, re.MULTILINE)
    assert parse_checklist(edited, kind=kind).model == want


def _kind(model_cls) -> str:
    return "eb" if model_cls is EBChecklist else "sb"


def _texts_of(part) -> list[tuple[str, str]]:
    """The non-empty text parts of one element's answer, as (part, text)."""
    if isinstance(part, str):
        return [("value", part)] if part else []
    return [(name, getattr(part, name)) for name in ("value", "comment", "text")
            if getattr(part, name, "")]


def test_readme_comments_from_reducer_are_unaffected():
    comments = ("First paragraph.\n\n      an indented line, kept verbatim\n\n\n"
                "- a list\n  - nested\n\nAchieved rms: 0.1 mJy")
    header = ReadmeHeader(form=3, cycle="3", project_code="2015.1.00262.S", comments=comments)
    text = render_readme(header)
    doc = parse_readme(text)
    assert doc.model.comments == comments == header.comments
    assert text.endswith("Achieved rms: 0.1 mJy\n\n#####\n")
    edited, _ = apply_changes(doc, [Change("qa2_result", "value", "PASS\n\nreally")])
    assert edited == text.replace("QA2 Result:\n", "QA2 Result: PASS really\n")
    assert parse_readme(edited).model.comments == comments


# ---------------------------------------------------------------------------- on the sample SB


@pytest.fixture(scope="module")
def typed_sample(tmp_path_factory):
    """The filled sample SB with the reducer's two-paragraph comment typed into one EB."""
    root = build_sample(tmp_path_factory.mktemp("paragraphs") / "seed")
    eb = discover(root).ebs[0]
    filled = eb.checklist.read_text()
    line = next(ln for ln in filled.splitlines(keepends=True)
                if ln.startswith("  - fixplanets necessary?"))
    typed = TYPED.replace("[x] [ ]", line[46:53])
    eb.checklist.write_text(filled.replace(line, typed))
    return root, eb


def test_explain_shows_the_whole_comment(typed_sample):
    root, eb = typed_sample
    out = run_cli("explain", str(eb.dir), "apriori.fixplanets").stdout
    assert f"checklist comment: {COMMENT!r}" in out
    assert "set by: a person" in out


def test_fill_keeps_the_persons_paragraphs(typed_sample):
    """Also where the files propose a comment (the SB checklist's imaging script): the
    merge decides, and keeps the person's two paragraphs."""
    root, eb = typed_sample
    before = eb.checklist.read_text()
    sb_checklist = discover(root).sb_checklist
    typed, _ = apply_changes(parse_checklist(sb_checklist.read_text(), kind="sb"),
                             [Change("imaging.script", "comment", COMMENT)])
    sb_checklist.write_text(typed)
    out = run_cli("fill", str(root)).stdout
    assert eb.checklist.read_text() == before
    assert sb_checklist.read_text() == typed
    assert "conflict imaging.script (comment): yours " in out


def test_html_report_shows_two_paragraphs(typed_sample):
    root, eb = typed_sample
    written = make_reports(root, html=True, pdf=False, now=NOW)
    html = next(p for p in written if p.name == f"qa2_report_{eb.uid}.html").read_text()
    assert ('<div class="comment"><p>Titan\'s ephemeris was off by 2&quot;.\n'
            "Applied fixplanets with the JPL position.</p>\n"
            "<p>Checked the <em>amp vs uvdist</em> plot afterwards:\nthe model fits.</p>\n"
            "</div>") in html
