"""The merge's promises on the shipped sample SB (no corpus needed): fill never touches a
person's answer, an answer written before qa2docs ran is a person's, ``--force`` overrides
one field; and a property: random person edits x random fills lose no byte a person wrote."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import copy_root, run_cli, start_sample

from qa2docs import api
from qa2docs.answers.eb import eb_proposals
from qa2docs.documents.checklist_text import parse_checklist, parse_readme
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change, ParsedDocument
from qa2docs.collect.extraction import eb_facts, sb_facts
from qa2docs.discover.layout import discover
from qa2docs.answers.merge import Proposal, State, merge_document
from qa2docs.models import EBChecklist, ReadmeHeader, SBChecklist
from qa2docs.render.text import render_checklist, render_readme
from qa2docs.answers.readme import readme_proposals
from qa2docs.answers.sb import sb_proposals

SB = "B6_IRAS12345"
EB = f"Checklist_SB_{SB}_uid___A002_Xdd9c61_X66d.txt"
SB_CHECKLIST = f"Checklist_SB_{SB}.txt"
README = "README.header.txt"
KIND = {EB: "eb", SB_CHECKLIST: "sb", README: "readme"}

# What a person types over what fill wrote (or before fill ever ran): one slot of each kind.
PERSON = {
    EB: [Change("bands", "value", "7 (checked by hand)"),                  # header field
         Change("apriori.fixplanets", "answer", "no"),                     # Yes/No item
         Change("flagging.atm_lines", "value", "5:230~280"),               # item's inline value
         Change("gaincal.fluxscale_paste", "text", "my own paste\nsecond line")],  # paste
    SB_CHECKLIST: [Change("imaging.script", "comment", "I read the script myself.\n\nAll fine."),
                   Change("fluxeq.consistent", "answer", "no")],           # comment, Yes/No
    README: [Change("project_title", "value", "My own title")],
}


def _parse(text: str, name: str) -> ParsedDocument:
    kind = KIND[name]
    return parse_readme(text, name) if kind == "readme" else parse_checklist(text, name, kind)


def _type(root: Path, name: str, changes: list[Change]) -> bytes:
    """Type *changes* into the document *name* of *root* as a person would; its new bytes."""
    path = root / name
    text, unplaced = apply_changes(_parse(path.read_text(), name), changes)
    assert unplaced == []
    path.write_text(text)
    return path.read_bytes()


def _slot_text(doc: ParsedDocument, change: Change) -> str:
    """The characters of *doc* that hold the slot *change* sets."""
    spans = doc.spans[change.element]
    if change.part in ("answer", "done"):
        return "".join(doc.text[o] for o in spans.boxes)
    start, end = spans.value if change.part == "value" else spans.comment
    return doc.text[start:end]


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> Path:
    """The sample SB after ``start`` with the reducer's outputs, never filled."""
    return start_sample(tmp_path_factory.mktemp("merge") / "seed")


@pytest.fixture(scope="module")
def filled_once(started, tmp_path_factory) -> Path:
    root = copy_root(started, tmp_path_factory.mktemp("filled"))
    api.fill(root)
    return root


@pytest.fixture
def filled(filled_once, tmp_path) -> Path:
    """A private copy of the filled sample SB root."""
    return copy_root(filled_once, tmp_path)


def _conflict_slots(result: api.FillResult) -> dict[str, set[str]]:
    return {d.path.name: {c.proposal.slot for c in d.merge.conflicts} for d in result.documents}


def test_fill_keeps_every_kind_of_answer_a_person_wrote(filled):
    typed = {name: _type(filled, name, changes) for name, changes in PERSON.items()}
    result = api.fill(filled)
    for name, data in typed.items():
        assert (filled / name).read_bytes() == data, name
    conflicts = _conflict_slots(result)
    for name, changes in PERSON.items():
        assert {f"{c.element}#{c.part}" for c in changes} <= conflicts[name], name


def test_answers_written_before_qa2docs_ran_are_a_persons(started, tmp_path):
    root = copy_root(started, tmp_path)
    (root / ".qa2docs" / "state.json").unlink()  # qa2docs never wrote anything here
    blanks = {EB: render_checklist(EBChecklist()), SB_CHECKLIST: render_checklist(SBChecklist()),
              README: render_readme(ReadmeHeader(form=ReadmeHeader.form_for_cycle(2)))}
    for name, blank in blanks.items():
        (root / name).write_text(blank)
    typed = {name: _type(root, name, changes) for name, changes in PERSON.items()}
    result = api.fill(root)
    for name, changes in PERSON.items():
        after = _parse((root / name).read_text(), name)
        before = _parse(typed[name].decode(), name)
        for change in changes:
            assert _slot_text(after, change) == _slot_text(before, change), (name, change)
        assert {f"{c.element}#{c.part}" for c in changes} <= _conflict_slots(result)[name]
    # ... and fill did fill the slots nobody answered.
    assert "Band(s)          : 7 (checked by hand)\n" in (root / EB).read_text()
    assert "PWV              : 1.20 mm (median)\n" in (root / EB).read_text()


def test_force_overrides_one_field_and_keeps_the_others(filled):
    _type(filled, EB, PERSON[EB])
    run_cli("fill", str(filled), "--force", "bands")
    text = (filled / EB).read_text()
    assert "Band(s)          : 6\n" in text
    assert "  - fixplanets necessary?                     [ ] [x]\n" in text  # not forced: kept
    assert "      my own paste\n      second line\n" in text


def test_second_fill_after_a_person_edit_changes_nothing_and_keeps_reporting(filled):
    typed = _type(filled, EB, PERSON[EB])
    api.fill(filled)
    out = run_cli("fill", str(filled)).stdout
    assert (filled / EB).read_bytes() == typed
    assert "conflict bands (value): yours '7 (checked by hand)', files say '6'" in out


def test_an_answer_the_files_once_agreed_with_stays_the_persons(filled):
    """A person types 7; the files say 7 for a while (nothing to write), then 6 again."""
    _type(filled, EB, [Change("bands", "value", "7")])
    doc = _parse((filled / EB).read_text(), EB)
    base = State(filled / ".qa2docs").base(EB)
    assert base["bands#value"] == "6"
    agreed = merge_document(doc, [Proposal("bands", "value", "7")], base)
    assert agreed.changes == [] and agreed.base["bands#value"] == "6"
    later = merge_document(doc, [Proposal("bands", "value", "6")], agreed.base)
    assert later.changes == [] and [c.current for c in later.conflicts] == ["7"]


# ---------------------------------------------------------------------------- property

_word = st.text(string.ascii_letters + string.digits + ".,'()=~+/", min_size=1, max_size=8)
_line = st.lists(_word, min_size=1, max_size=4).map(" ".join)
_lines = st.lists(_line, min_size=1, max_size=3).map("\n".join)


@pytest.fixture(scope="module")
def merge_inputs(filled_once) -> dict[str, tuple[str, list[Proposal], dict[str, str]]]:
    """Per document of the filled sample: its text, what the files propose, the state."""
    sb = discover(filled_once)
    project = api.load_project_of(sb)
    factsets = [eb_facts(eb) for eb in sb.ebs]
    sfs = sb_facts(sb)
    state = State(sb.state_dir)
    proposals = {EB: eb_proposals(factsets[0].facts, project, sb.ebs[0].uid),
                 SB_CHECKLIST: sb_proposals(sb, sfs, factsets, project),
                 README: readme_proposals(sb, sfs, factsets, project)}
    return {name: ((filled_once / name).read_text(), props, state.base(name))
            for name, props in proposals.items()}


def _value_for(part: str, draw) -> str:
    if part == "answer":
        return draw(st.sampled_from(["yes", "no", "both"]))
    return draw(_lines if part in ("comment", "text") else _line)


@st.composite
def _person_and_fills(draw, inputs):
    name = draw(st.sampled_from(sorted(inputs)))
    text, proposals, base = inputs[name]
    slots = {p.slot: p for p in proposals}
    edited = draw(st.lists(st.sampled_from(sorted(slots)), unique=True, min_size=1, max_size=6))
    person = []
    for slot in edited:
        prop = slots[slot]
        value = _value_for(prop.part, draw)
        if prop.part == "value" and name != README and prop.element in (
                "execution_blocks", "observation", "fields_by_intent",
                "imaging.achieved_rms", "imaging.achieved_beam"):
            value = draw(_lines)  # block values hold several lines
        if value != base.get(slot):
            person.append(Change(prop.element, prop.part, value))
    # Each fill: every proposal kept, changed (the files changed) or left out, in any order;
    # --force on fields the person did not touch.
    fills = []
    for _ in range(draw(st.integers(1, 3))):
        props = []
        for prop in proposals:
            how = draw(st.sampled_from(["same", "new", "none"]))
            if how == "new":
                props.append(Proposal(prop.element, prop.part, _value_for(prop.part, draw)))
            elif how == "same":
                props.append(prop)
        untouched = sorted({p.element for p in proposals} - {c.element for c in person})
        force = draw(st.frozensets(st.sampled_from(untouched), max_size=3)) if untouched else frozenset()
        fills.append((draw(st.permutations(props)), force))
    return name, person, fills


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_person_edits_survive_random_fills_byte_for_byte(merge_inputs, data):
    name, person, fills = data.draw(_person_and_fills(merge_inputs))
    text, _, base = merge_inputs[name]
    doc = _parse(text, name)
    typed, unplaced = apply_changes(doc, person)
    assert unplaced == []
    doc = _parse(typed, name)
    wanted = {(c.element, c.part): _slot_text(doc, c) for c in person}
    state = dict(base)
    for proposals, force in fills:
        result = merge_document(doc, list(proposals), state, force)
        new_text, _ = apply_changes(doc, result.changes)
        doc, state = _parse(new_text, name), result.base
        for c in person:
            assert _slot_text(doc, c) == wanted[(c.element, c.part)], (c, result.changes)
