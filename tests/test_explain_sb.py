"""qa2docs explain and facts on the SB level (SB checklist, README.header, calibrated/),
through the entry point."""

from __future__ import annotations

from helpers import run_cli
from validate_support import (  # noqa: F401 (filled, sb: fixtures)
    README, SB, SB_CHECKLIST, filled, sb, set_line,
)


def test_sb_field_shows_the_asdm_science_goal_as_evidence(sb):
    out = run_cli("explain", str(sb), "requested_resolution").stdout.splitlines()
    assert out[:4] == [
        f"{SB_CHECKLIST}  requested_resolution  (Requested angular resolution)",
        "  checklist value: '0.6\" - 0.9\"'",
        "  set by: qa2docs (from the files)",
        "  proposed value: '0.6\" - 0.9\"'"]
    assert "  evidence (asdm) uid___A002_Xdd9c61_X66d/SBSummary.xml:3" in out


def test_readme_field_a_person_changed_is_theirs_with_the_conflict(sb):
    set_line(sb / README, "Proposed rms", "0.08 mJy (continuum)")
    out = run_cli("explain", str(sb), "proposed_rms").stdout.splitlines()
    assert out[:3] == [f"{README}  proposed_rms  (Proposed rms)",
                       "  checklist value: '0.08 mJy (continuum)'",
                       "  set by: a person"]
    assert ("  conflict: value: document says '0.08 mJy (continuum)', files say "
            "'2.0 mJy at Rep. Freq. 230.505 GHz'") in out


def test_prefix_picks_the_document_of_a_shared_field(sb):
    eb = run_cli("explain", str(sb), "bands").stdout
    assert eb.count("  bands  (Band(s))") == 2  # one per EB checklist
    out = run_cli("explain", str(sb), "sb:bands").stdout.splitlines()
    assert out[0] == f"{SB_CHECKLIST}  bands  (Band(s))"
    assert "  checklist value: '6'" in out
    proc = run_cli("explain", str(sb), "sb:nonsense", check=2)
    assert proc.stderr.startswith("qa2docs: error: unknown field 'nonsense'")
    proc = run_cli("explain", str(sb), "pdf:bands", check=2)
    assert proc.stderr == ("qa2docs: error: unknown document prefix 'pdf:' "
                           "(use sb: or readme:)\n")


def test_facts_text_of_the_sb_root_ends_with_the_calibrated_dir(sb):
    out = run_cli("facts", str(sb)).stdout.splitlines()
    heads = [line for line in out if line.startswith("== ")]
    assert heads == ["== uid___A002_Xdd9c61_X66d", "== uid___A002_X4sda4d_Xa12",
                     f"== {SB} (calibrated/: flux equalisation and imaging)"]
    tail = out[out.index(heads[-1]) + 1:]
    assert any(line.startswith("fluxcal.concat_vis               \"calibrated.ms\"  "
                               "[scriptForFluxCalibration.py:") for line in tail)
    assert any(line.startswith("imaging.targets ") for line in tail)
