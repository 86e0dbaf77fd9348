"""Support for the validate tests: the sample SB filled as ``qa2docs demo`` fills it (without
the reports, which take minutes), a "complete" copy that validates clean, and small edits."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from helpers import start_sample

from qa2docs import api
from qa2docs.documents.checklist_text import read_document
from qa2docs.documents.edit import apply_changes
from qa2docs.documents.spans import Change
from qa2docs.validate.run import ValidationReport, validate_path

SB = "B6_IRAS12345"
X66D = f"Checklist_SB_{SB}_uid___A002_Xdd9c61_X66d.txt"
XA12 = f"Checklist_SB_{SB}_uid___A002_X4sda4d_Xa12.txt"
SB_CHECKLIST = f"Checklist_SB_{SB}.txt"
README = "README.header.txt"


def build_filled_sample(dest: Path) -> Path:
    """The demo's steps 1-3 (start, copy the reduction outputs, fill) into *dest*; the root."""
    root = start_sample(dest)
    api.fill(root)
    return root


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """The filled sample SB root, built once per test module."""
    return build_filled_sample(tmp_path_factory.mktemp("sample") / "seed")


@pytest.fixture
def sb(filled, tmp_path) -> Path:
    """A private copy of the filled sample SB root."""
    root = tmp_path / SB
    shutil.copytree(filled, root, symlinks=True)
    return root


# Answers a reducer gives to finish the sample (consistent with its files).
_YES = {"bandpass.refant", "ebcal.all_complete", "imaging.sensitivity_reached",
        "imaging.resolution_reached", "delivery.readme"}
_VALUES = {
    "requested_sensitivity": ("value", "2.0 mJy in 1 km/s at 230.505 GHz"),
    "requested_resolution": ("value", "0.6-0.9 arcsec"),
    "delivery.qa2_result": ("value", "PASS"),
    "imaging.achieved_rms": ("value", "1.9 mJy/beam (CO(2-1) cube, 2.6 km/s)"),
    "imaging.achieved_beam": ("value", "0.802\" x 0.634\" (CO(2-1) cube)"),
    "imaging.cubes": ("value", "spw 5 CO(2-1), spw 3 HC3N(24-23)"),
}


def complete_checklist(path: Path) -> None:
    """Answer every open item of a filled checklist as the reducer would."""
    doc = read_document(path)
    changes = []
    for el in type(doc.model).layout:
        if not el.answers:
            continue
        obj = doc.model.part(el)
        if el.id in _VALUES:   # the reducer keeps the representative value only
            changes.append(Change(el.id, *_VALUES[el.id]))
            if el.kind == "yesno" and not obj.answer:
                changes.append(Change(el.id, "answer", "yes"))
        elif el.kind == "section" and not obj.done:
            changes.append(Change(el.id, "done", True))
        elif el.kind == "check" and not obj.checked:
            changes.append(Change(el.id, "answer", "x"))
        elif el.kind == "yesno" and not obj.answer:
            changes.append(Change(el.id, "answer", "yes" if el.id in _YES
                                  or el.label.startswith("checked") else "no"))
    text, unplaced = apply_changes(doc, changes)
    assert not unplaced, unplaced
    path.write_text(text)


def complete_sb(root: Path) -> Path:
    """Finish every document of the filled sample; it then validates without a finding."""
    for name in (X66D, XA12, SB_CHECKLIST):
        complete_checklist(root / name)
    set_line(root / README, "Proposed rms", "2.0 mJy in 1 km/s at 230.505 GHz")
    edit(root / README, "Comments from Reducer:\n",
         "Comments from Reducer:\n\nBoth EBs calibrated with the scripts; Titan as flux "
         "calibrator.\n")
    return root


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace *old* by *new* in a file (the text must be there)."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def set_line(path: Path, label: str, value: str) -> None:
    """Give the line ``label: ...`` of a file the value *value*, as a person would."""
    text = path.read_text()
    new, n = re.subn(rf"(?m)^{re.escape(label)}:.*$", f"{label}: {value}".rstrip(), text, count=1)
    assert n == 1, f"no '{label}:' line in {path.name}"
    path.write_text(new)


def validate(root: Path) -> ValidationReport:
    """validate_path, in-process."""
    return validate_path(root)


def of_rule(report: ValidationReport, rule: str) -> list:
    """The findings of one rule."""
    return [f for f in report.findings if f.rule == rule]
