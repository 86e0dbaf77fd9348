"""Hand-written ticks the reducer means unambiguously (issue 10, items 6 and 7): ``[ x ]``,
``*`` bullets, a section's done-box without dashes, a UTF-8 byte-order mark."""

from __future__ import annotations

from types import SimpleNamespace

from qa2docs.documents.checklist_text import parse_checklist, parse_readme, read_document
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change

from conftest import GOLDEN

BLANK = (GOLDEN / "Checklist_EB.blank.txt").read_text()
FIXPLANETS = "  - fixplanets necessary?                     [ ] [ ]"
TSYS = "  - checked Tsys tables?                      [ ]"
APRIORI = "  1) Apriori calibration ----------------------------------------[ ]"


def _edited(*pairs: tuple[str, str]) -> str:
    text = BLANK
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    return text


def test_spaced_tick_is_read_and_edited_in_place():
    text = _edited((FIXPLANETS, "  - fixplanets necessary?                     [ x ] [ ]"),
                   (TSYS, "  - checked Tsys tables?                      [ X ]"))
    doc = parse_checklist(text, kind="eb")
    assert doc.model.items.apriori_fixplanets.answer == "yes"
    assert doc.model.items.apriori_tsys.checked
    edited, _ = apply_changes(doc, [Change("apriori.fixplanets", "answer", "no")])
    assert "  - fixplanets necessary?                     [   ] [x]" in edited
    assert parse_checklist(edited, kind="eb").model.items.apriori_fixplanets.answer == "no"


def test_star_bullet_item_is_read():
    text = _edited((FIXPLANETS, "  * fixplanets necessary?                     [x] [ ]"),
                   (TSYS, "  * checked Tsys tables?                      [x]  seen"))
    items = parse_checklist(text, kind="eb").model.items
    assert items.apriori_fixplanets.answer == "yes"
    assert items.apriori_tsys.checked and items.apriori_tsys.comment == "seen"


def test_section_tick_without_dashes_is_read():
    text = _edited((APRIORI, "  1) Apriori calibration [x]"))
    doc = parse_checklist(text, kind="eb")
    assert doc.model.sections.apriori.done
    edited, _ = apply_changes(doc, [Change("apriori", "done", False)])
    assert "  1) Apriori calibration [ ]" in edited


def test_utf8_bom_hides_no_line_and_is_kept(tmp_path):
    sb = (GOLDEN / "Checklist_SB.blank.txt").read_text()
    path = tmp_path / "Checklist_SB_X.txt"
    path.write_bytes(b"\xef\xbb\xbf" + sb.replace("Project code     :",
                                                  "Project code     : 2013.1.12345.S").encode())
    doc = read_document(path)
    assert doc.model.header.project_code == "2013.1.12345.S"
    assert doc.line_of("project_code") == 1
    edited, _ = apply_changes(doc, [Change("project_code", "value", "2015.1.00001.S")])
    assert edited.startswith("\ufeffProject code     : 2015.1.00001.S")


def test_utf8_bom_in_eb_checklist_and_readme():
    eb = parse_checklist("\ufeff" + BLANK.replace("Project code     :",
                                                  "Project code     : 2013.1.12345.S"))
    assert eb.model.header.project_code == "2013.1.12345.S"
    readme = (GOLDEN / "README.header.cycle3.blank.txt").read_text()
    first = readme.splitlines()[0]
    assert ":" not in first    # the banner; a label on line 1 is covered by the SB test
    assert parse_readme("\ufeff" + readme).model.form == 3


def test_unreadable_tick_is_reported_with_its_line(tmp_path):
    from qa2docs.validate.completeness import check_checklist

    text = _edited((TSYS, "  - checked Tsys tables?                      (x)"),
                   (APRIORI, "  1) Apriori calibration  done: x"))
    doc = parse_checklist(text, "Checklist_x.txt", kind="eb")
    ctx = SimpleNamespace(eb_facts=lambda eb: SimpleNamespace(facts={}))
    found = [f for f in check_checklist(ctx, doc, SimpleNamespace(uid="uid___A"))
             if f.rule == "QA2010"]
    assert [(f.line, f.message) for f in found] == [
        (20, "line 20 names '1) Apriori calibration' but its box cannot be read"),
        (26, "line 26 names 'checked Tsys tables' but its box cannot be read")]
    assert all(f.severity == "error" for f in found)
