"""Every validation rule: a sample that triggers it, and one that does not.

The "complete" sample is samples/seed filled by qa2docs and then finished as a reducer
would: it validates without a single finding, which is the not-triggered case of every
rule; each test then breaks one thing and checks the rule, severity, document and line.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qa2docs.validate.run import RULES
from validate_support import (
    README, SB, SB_CHECKLIST, X66D, XA12, build_filled_sample, complete_sb, edit, of_rule,
    set_line, validate,
)

X66D_DIR = Path(SB) / "X66d"
XA12_DIR = Path(SB) / "Xa12"
XA12_FLUXSCALE = XA12_DIR / "uid___A002_X4sda4d_Xa12.ms.split.fluxscale"


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return build_filled_sample(tmp_path_factory.mktemp("sample") / "seed")


@pytest.fixture(scope="module")
def completed(filled, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("complete") / SB
    shutil.copytree(filled, root, symlinks=True)
    return complete_sb(root)


@pytest.fixture
def sb(completed, tmp_path) -> Path:
    """A private copy of the complete sample SB root."""
    root = tmp_path / SB
    shutil.copytree(completed, root, symlinks=True)
    return root


def ln(path: Path, needle: str) -> int:
    """The 1-based line of *path* that holds *needle* (the finding must point there)."""
    lines = path.read_text().splitlines()
    hits = [i for i, line in enumerate(lines, 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def only(report, rule):
    found = of_rule(report, rule)
    assert len(found) == 1, [f.text() for f in report.findings]
    return found[0]


# ---------------------------------------------------------------------------- not triggered


def test_complete_sample_has_no_finding_of_any_rule(completed):
    report = validate(completed)
    assert report.findings == [], report.text()
    assert report.counts() == {"error": 0, "warning": 0, "info": 0}
    assert report.exit_code(strict=True) == 0


def test_every_rule_has_a_test_here():
    text = Path(__file__).read_text()
    missing = [r for r in RULES if f'"{r}"' not in text.replace(f'"{r}": ', "")]
    assert missing == []


# ---------------------------------------------------------------------------- completeness


def test_qa2000_unparsable_checklist(sb):
    edit(sb / X66D, "- checked Tsys tables?                      [x]",
         "- checked Tsys tables?                      [?]")
    f = only(validate(sb), "QA2000")
    assert (f.severity, f.document, f.line) == ("error", X66D, ln(sb / X66D, "Tsys tables?"))
    assert "box holds '?'" in f.message


def test_qa2001_empty_header_and_required_fields(sb):
    edit(sb / XA12, "PWV              : 1.80 mm (median)", "PWV              :")
    edit(sb / SB_CHECKLIST, "QA2 result (PASS / SEMIPASS / FAIL): PASS",
         "QA2 result (PASS / SEMIPASS / FAIL):")
    edit(sb / X66D, "SPW and channel ranges: 5:236~277, 3:170~199", "SPW and channel ranges:")
    found = {(f.document, f.line, f.message) for f in of_rule(validate(sb), "QA2001")}
    assert found == {
        (XA12, ln(sb / XA12, "PWV"), "header field 'PWV' is empty"),
        (SB_CHECKLIST, 46, "'QA2 result (PASS / SEMIPASS / FAIL)' is empty"),
        (X66D, ln(sb / X66D, "atmospheric lines"),
         "'flagged atmospheric lines?' is answered yes but 'SPW and channel ranges' is empty"),
    }


def test_qa2001_imaging_fields_only_when_imaging_was_done(sb):
    edit(sb / SB_CHECKLIST, "achieved rms: 1.9 mJy/beam (CO(2-1) cube, 2.6 km/s)", "achieved rms:")
    assert [f.line for f in of_rule(validate(sb), "QA2001")] == [37]
    edit(sb / SB_CHECKLIST, "- scriptForImaging.py generated?            [x] [ ]",
         "- scriptForImaging.py generated?            [ ] [x]")
    assert of_rule(validate(sb), "QA2001") == []


@pytest.mark.parametrize("placeholder", ["?", "TBD", "XXX", "t.b.d.", "<pwv>"])
def test_qa2002_placeholder(sb, placeholder):
    edit(sb / X66D, "PWV              : 1.20 mm (median)", f"PWV              : {placeholder}")
    f = only(validate(sb), "QA2002")
    assert (f.severity, f.document, f.line, f.eb) == ("error", X66D, ln(sb / X66D, "PWV"),
                                                      "uid___A002_Xdd9c61_X66d")
    assert f.message == f"'PWV' holds the placeholder {placeholder!r}"


def test_qa2002_placeholder_in_readme_and_inline_value(sb):
    edit(sb / README, "Configuration: C34-4", "Configuration: TBD")
    edit(sb / XA12, "Name of REFANT: DA49", "Name of REFANT: DA49 ??")
    found = {(f.document, f.line) for f in of_rule(validate(sb), "QA2002")}
    assert found == {(README, 10), (XA12, ln(sb / XA12, "Name of REFANT"))}


def test_qa2002_question_marks_inside_words_are_not_placeholders(sb):
    edit(sb / README, "Comments from Reducer:\n", "Comments from Reducer:\nWhy? Because.\n")
    edit(sb / X66D, "PWV              : 1.20 mm (median)", "PWV              : 1.20 mm (median?)")
    assert of_rule(validate(sb), "QA2002") == []


def test_qa2003_unanswered_yes_no(sb):
    edit(sb / X66D, "- fixplanets necessary?                     [x] [ ]",
         "- fixplanets necessary?                     [ ] [ ]")
    f = only(validate(sb), "QA2003")
    assert (f.severity, f.document, f.line) == ("error", X66D, ln(sb / X66D, "fixplanets"))
    assert f.message == "'fixplanets necessary?' has neither Yes nor No ticked"


def test_qa2004_both_boxes(sb):
    edit(sb / XA12, "- fixplanets necessary?                     [ ] [x]",
         "- fixplanets necessary?                     [x] [x]")
    f = only(validate(sb), "QA2004")
    assert (f.severity, f.document, f.line) == ("error", XA12, ln(sb / XA12, "fixplanets"))


def test_qa2005_unticked_check_names_the_plots(sb):
    edit(sb / X66D, "- checked Tsys tables?                      [x]",
         "- checked Tsys tables?                      [ ]")
    f = only(validate(sb), "QA2005")
    assert (f.severity, f.document, f.line) == ("warning", X66D, ln(sb / X66D, "Tsys"))
    assert f.fix == ("look at uid___A002_Xdd9c61_X66d.ms.tsys.plots, "
                     "uid___A002_Xdd9c61_X66d.ms.tsys.plots.overlayTime in the EB dir, then "
                     "tick the box")
    assert validate(sb).exit_code(strict=False) == 0
    assert validate(sb).exit_code(strict=True) == 1


def test_qa2005_quasar_references_only_for_a_quasar_flux_calibrator(sb):
    for box in ("reference value from ASDM Source tbl?   [x]", "other reference:                        [x]"):
        edit(sb / X66D, box, box.replace("[x]", "[ ]"))
    assert of_rule(validate(sb), "QA2005") == []     # Titan: no quasar reference needed
    edit(sb / X66D, "- Quasar flux calibrator                    [ ] [x]",
         "- Quasar flux calibrator                    [x] [ ]")
    assert [f.line for f in of_rule(validate(sb), "QA2005")] == [
        ln(sb / X66D, "ASDM Source tbl"), ln(sb / X66D, "other reference")]
    edit(sb / X66D, "reference value from ASDM Source tbl?   [ ]",
         "reference value from ASDM Source tbl?   [x]")
    assert of_rule(validate(sb), "QA2005") == []     # one of the two is enough


def test_qa2005_bandpass_items_follow_the_correlator_mode(sb):
    edit(sb / X66D, "- mixed: used solint = 'inf,XMhz'?          [x]",
         "- mixed: used solint = 'inf,XMhz'?          [ ]")
    assert of_rule(validate(sb), "QA2005") == []     # FDM: the mixed-mode item does not apply
    edit(sb / X66D, "TDM/FDM/both     : FDM", "TDM/FDM/both     : both")
    assert [f.line for f in of_rule(validate(sb), "QA2005")] == [
        ln(sb / X66D, "mixed: used solint")]


def test_qa2006_section_not_done(sb):
    edit(sb / SB_CHECKLIST, "D) DELIVERY -----------------------------------------------------[x]",
         "D) DELIVERY -----------------------------------------------------[ ]")
    f = only(validate(sb), "QA2006")
    assert (f.severity, f.document, f.line) == ("warning", SB_CHECKLIST, 42)


def test_qa2007_missing_documents(sb):
    (sb / XA12).unlink()
    (sb / README).unlink()
    found = {(f.document, f.eb) for f in of_rule(validate(sb), "QA2007")}
    assert found == {(XA12, "uid___A002_X4sda4d_Xa12"), (README, None)}


def test_qa2008_readme_field_required_for_the_cycle(sb):
    set_line(sb / README, "Proposed rms", "")
    f = only(validate(sb), "QA2008")
    assert (f.severity, f.document, f.line) == ("error", README, 11)
    # a Cycle 3 project needs the Cycle 3 lines, which the Cycle 2 form lacks
    edit(sb / "qa2docs.yaml", "cycle: 2", "cycle: 3")
    missing = [f.message for f in of_rule(validate(sb), "QA2008") if f.line is None]
    assert missing == [f"'{label}:' line is missing (Cycle 3 requires it)" for label in
                       ("Proposed beam size", "QA2 Result",
                        "Total Number of Member SBs in this OUS Group")]


def test_qa2009_reducer_comments_empty(sb):
    edit(sb / README, "\nBoth EBs calibrated with the scripts; Titan as flux calibrator.\n", "\n")
    f = only(validate(sb), "QA2009")
    assert (f.severity, f.document, f.line) == ("warning", README, 13)


def test_qa2010_unreadable_tick_is_reported_with_its_line(sb):
    edit(sb / X66D, "- checked Tsys tables?                      [x]",
         "- checked Tsys tables?                      (x)")
    f = only(validate(sb), "QA2010")
    assert (f.severity, f.document, f.line, f.eb) == (
        "error", X66D, ln(sb / X66D, "Tsys tables?"), "uid___A002_Xdd9c61_X66d")
    assert "'checked Tsys tables' but its box cannot be read" in f.message
    assert of_rule(validate(sb), "QA2005") == []    # not also "not ticked" without a line


# ---------------------------------------------------------------------------- consistency


def test_qa2101_project_code_differs(sb):
    edit(sb / XA12, "Project code     : 2013.1.12345.S", "Project code     : 2013.1.12346.S")
    f = only(validate(sb), "QA2101")
    assert (f.document, f.line) == (XA12, 1)
    assert f.message == "project code '2013.1.12346.S' differs from qa2docs.yaml's '2013.1.12345.S'"


def test_qa2102_sb_name_differs(sb):
    edit(sb / SB_CHECKLIST, "SB Name          : B6_IRAS12345", "SB Name          : B6_IRAS12354")
    shutil.copy(sb / X66D, sb / X66D.replace("IRAS12345", "IRAS1234"))
    found = {(f.document, f.line) for f in of_rule(validate(sb), "QA2102")}
    assert found == {(SB_CHECKLIST, 4), (X66D.replace("IRAS12345", "IRAS1234"), None)}


def test_qa2102_root_directory_named_otherwise(sb, tmp_path):
    other = tmp_path / "renamed"
    sb.rename(other)
    f = only(validate(other), "QA2102")
    assert f.document == "qa2docs.yaml"


def test_qa2103_asdm_uid_differs(sb):
    edit(sb / X66D, "ASDM UID         : uid___A002_Xdd9c61_X66d",
         "ASDM UID         : uid://A002/X4sda4d/Xa12")
    f = only(validate(sb), "QA2103")
    assert (f.document, f.line, f.eb) == (X66D, 5, "uid___A002_Xdd9c61_X66d")
    assert "'uid://A002/X4sda4d/Xa12' differs from the EB directory's" in f.message


def test_qa2104_answer_contradicts_the_script(sb):
    edit(sb / X66D, "- fixplanets necessary?                     [x] [ ]",
         "- fixplanets necessary?                     [ ] [x]")
    f = only(validate(sb), "QA2104")
    assert (f.severity, f.document, f.line) == ("error", X66D, ln(sb / X66D, "fixplanets"))
    assert f.message.startswith("'fixplanets necessary?' is answered No but the files say "
                                "Yes (uid___A002_Xdd9c61_X66d.ms.scriptForCalibration.py:")


def test_qa2104_sb_flux_consistency_answer(sb):
    edit(sb / SB_CHECKLIST, "- flux density scales consistent between EBs? [x] [ ]",
         "- flux density scales consistent between EBs? [ ] [x]")
    f = only(validate(sb), "QA2104")
    assert (f.document, f.line) == (SB_CHECKLIST, 22)


def test_qa2105_refant_differs(sb):
    edit(sb / XA12, "Name of REFANT: DA49", "Name of REFANT: DV01")
    f = only(validate(sb), "QA2105")
    assert (f.document, f.line) == (XA12, ln(sb / XA12, "Name of REFANT"))
    assert f.message.startswith("Name of REFANT is 'DV01' but the script uses 'DA49'")


def test_qa2106_resolved_flux_calibrator_needs_paste_and_uvrange(sb):
    text = (sb / X66D).read_text()
    start = text.index("      Flux density for J1751+0939 in SpW=0")
    end = text.index("  - checked .phase_int table?")
    (sb / X66D).write_text(text[:start] + text[end:])
    edit(sb / XA12, "uvrange (m) for later gaincal: 0~100m", "uvrange (m) for later gaincal:")
    found = {(f.document, f.line) for f in of_rule(validate(sb), "QA2106")}
    assert found == {(X66D, ln(sb / X66D, "paste .fluxscale")),
                     (XA12, ln(sb / XA12, "uvrange (m)"))}


def test_qa2106_the_antenna_subset_written_in_the_field_answers_it(sb):
    """Cycle 1-2 scripts limit a resolved calibrator by an antenna subset, not a uvrange:
    the field then says so, and the rule asks only that it is not empty."""
    edit(sb / XA12, "uvrange (m) for later gaincal: 0~100m",
         "uvrange (m) for later gaincal:  antenna='DV04,DV18&' in the script, no uvrange")
    assert of_rule(validate(sb), "QA2106") == []
    edit(sb / XA12, "uvrange (m) for later gaincal:  antenna='DV04,DV18&' in the script, no uvrange",
         "uvrange (m) for later gaincal:")
    found = of_rule(validate(sb), "QA2106")
    assert [f.document for f in found] == [XA12]
    assert "antenna subset" in found[0].fix


@pytest.mark.parametrize("where, old, new, line", [
    (X66D, "Project code     : 2013.1.12345.S", "Project code     : 2013.12345.S", 1),
    (SB_CHECKLIST, "QA2 result (PASS / SEMIPASS / FAIL): PASS",
     "QA2 result (PASS / SEMIPASS / FAIL): OK", 46),
    (README, "Cycle: 2", "Cycle: two", 5),
    (X66D, "ASDM UID         : uid___A002_Xdd9c61_X66d", "ASDM UID         : X66d", 5),
])
def test_qa2107_wrong_form(sb, where, old, new, line):
    edit(sb / where, old, new)
    f = only(validate(sb), "QA2107")
    assert (f.severity, f.document, f.line) == ("error", where, line)


def test_qa2108_header_value_differs_from_listobs(sb):
    edit(sb / X66D, "Band(s)          : 6", "Band(s)          : 7")
    edit(sb / XA12, "TDM/FDM/both     : FDM", "TDM/FDM/both     : TDM")
    found = {(f.document, f.line, f.severity) for f in of_rule(validate(sb), "QA2108")}
    assert found == {(X66D, ln(sb / X66D, "Band(s)"), "warning"),
                     (XA12, ln(sb / XA12, "TDM/FDM"), "warning")}


def _own_asdm(sb: Path, eb_dir: Path) -> Path:
    """Replace the EB dir's ASDM link by a private copy (the link is shared by the tests)."""
    link = next(p for p in (sb / eb_dir).iterdir() if p.is_symlink() and p.name.startswith("uid___"))
    target = link.resolve()
    link.unlink()
    shutil.copytree(target, link)
    return link


def test_qa2110_pwv_above_the_sb_weather_limit(sb):
    # X66d's CalWVR median is 1.198 mm; the SB allows 2.058 mm: no finding
    assert of_rule(validate(sb), "QA2110") == []
    asdm = _own_asdm(sb, X66D_DIR)
    edit(asdm / "SBSummary.xml", '"maxPWVC = 2.058 mm"', '"maxPWVC = 1.0 mm"')
    f = only(validate(sb), "QA2110")
    assert (f.document, f.line, f.severity, f.eb) == (
        X66D, ln(sb / X66D, "PWV"), "info", "uid___A002_Xdd9c61_X66d")
    assert f.message == (
        "median PWV 1.20 mm (uid___A002_Xdd9c61_X66d/CalWVR.xml:3) is above the SB's weather "
        "limit maxPWVC 1 mm (uid___A002_Xdd9c61_X66d/SBSummary.xml:3)")


def test_qa2109_readme_cycle_differs(sb):
    edit(sb / README, "Cycle: 2", "Cycle: 3")
    f = only(validate(sb), "QA2109")
    assert (f.document, f.line, f.message) == (README, 5, "Cycle is 3 but the project is Cycle 2")


# ---------------------------------------------------------------------------- flux


def test_qa2201_spread_beyond_the_band_tolerance(sb):
    # J1751+0939 spw 0 in Xa12: 2.29612 -> 2.9 Jy. By hand: weights 1/0.00677892^2 = 21761
    # and 1/0.0072379^2 = 19089, mean (21761 x 2.22776 + 19089 x 2.9) / 40850 = 2.5419 Jy,
    # ratios 0.8764 (X66d) and 1.1409 (Xa12): both outside 10 % (Band 6)
    edit(sb / XA12_FLUXSCALE, "is: 2.29612 +/- 0.0072379", "is: 2.9 +/- 0.0072379")
    f = only(validate(sb), "QA2201")
    assert (f.severity, f.document, f.line) == ("error", SB_CHECKLIST, 22)
    assert f.message.startswith("J1751+0939 differs from the SB mean beyond 10% (Band 6): "
                                "spw 0: X66d -12.4%, Xa12 +14.1% [ALMA Technical Handbook")


def test_qa2201_equalised_calibrator_is_a_warning(sb):
    # J1851+0035 is set to the mean per spw by setjy in scriptForFluxCalibration.py
    edit(sb / XA12_FLUXSCALE, "is: 0.291837 +/- 0.00470881", "is: 0.4 +/- 0.00470881")
    f = only(validate(sb), "QA2201")
    assert f.severity == "warning"
    assert "set to the mean by setjy in scriptForFluxCalibration.py:" in f.message


def test_qa2201_within_tolerance_is_quiet(sb):
    edit(sb / XA12_FLUXSCALE, "is: 2.29612 +/- 0.0072379", "is: 2.45 +/- 0.0072379")
    assert of_rule(validate(sb), "QA2201") == []


def test_qa2202_implausible_spectral_index(sb):
    edit(sb / XA12_FLUXSCALE, "spidx=-1.5866 +/- 0.238845", "spidx=-3.5866 +/- 0.238845")
    f = only(validate(sb), "QA2202")
    assert (f.severity, f.document, f.line) == ("warning", XA12_FLUXSCALE.name, 32)
    assert f.message.startswith("J1851+0035: fitted spectral index -3.5866 +/- 0.238845 is "
                                "outside -2..1")


def test_qa2203_insufficient_data(sb):
    edit(sb / XA12_FLUXSCALE,
         "in SpW=2 (freq=2.1995e+11 Hz) is: 2.27053 +/- 0.00655547 (SNR = 346.357, N = 9)",
         "in SpW=2 is:  INSUFFICIENT DATA ")
    f = only(validate(sb), "QA2203")
    assert (f.severity, f.document, f.line, f.eb) == (
        "warning", XA12_FLUXSCALE.name, 17, "uid___A002_X4sda4d_Xa12")


def test_qa2204_low_snr(sb):
    edit(sb / XA12_FLUXSCALE, "(SNR = 16.2069, N = 9)", "(SNR = 6.2069, N = 9)")
    f = only(validate(sb), "QA2204")
    assert (f.severity, f.document, f.line) == ("warning", XA12_FLUXSCALE.name, 25)
    assert f.message.startswith("J1851+0035 spw 2: SNR 6.2069 < 10")


def test_qa2205_band_unknown(corpus_dir, tmp_path):
    from helpers import make_sb

    casa6 = corpus_dir / "casa6"
    root = make_sb(tmp_path, ebs={
        "uid___A002_Xc0ffee_X1b": [casa6 / "uid___A002_Xc0ffee_X1b.ms.split.fluxscale"],
        "uid___A002_Xc10a2b_X2c": [casa6 / "uid___A002_Xc10a2b_X2c.ms.split.fluxscale"]})
    f = only(validate(root), "QA2205")
    assert f.severity == "info"
    # largest: the J1733-1304 fits, 1.09714 +/- 0.000280106 and 1.13298 +/- 0.00213541 at
    # 341.157 GHz; weighted mean 1.09775, so EB2 is +3.2 % (per spw at most 2.0 %)
    assert "1 calibrator(s) differ between EBs by up to 3.2%" in f.message
    (root / "B7_HD163296" / "X1b" / "uid___A002_Xc0ffee_X1b.ms.listobs").write_text(
        (casa6 / "uid___A002_Xc0ffee_X1b.ms.listobs").read_text())
    assert of_rule(validate(root), "QA2205") == []   # Band 7 known now: judged, within 10%
    assert of_rule(validate(root), "QA2201") == []


# ---------------------------------------------------------------------------- imaging


@pytest.mark.parametrize("requested, severity", [("1.0 mJy", "error"), ("1.5 mJy", "warning")])
def test_qa2301_rms_above_the_limit(sb, requested, severity):
    edit(sb / README, "Proposed rms: 2.0 mJy", f"Proposed rms: {requested}")
    f = only(validate(sb), "QA2301")
    assert (f.severity, f.document, f.line) == (severity, SB_CHECKLIST, 37)
    ratio = 1.9 / float(requested.split()[0])
    assert f.message.startswith(f"achieved rms 1.9 mJy is {ratio:.2f} x the requested")
    assert "ALMA KB, QA2 criteria for Cycles 1-2" in f.message


def test_qa2302_beam_outside_the_limit(sb):
    edit(sb / SB_CHECKLIST, "Requested angular resolution: 0.6-0.9 arcsec",
         "Requested angular resolution: 0.5 arcsec")
    f = only(validate(sb), "QA2302")
    # area ratio (0.802 x 0.634) / 0.5^2 = 2.03 > 1.5
    assert (f.severity, f.document, f.line) == ("error", SB_CHECKLIST, 38)
    assert "has 2.03 x the area of the requested 0.5\"" in f.message


def test_qa2302_cycle7_range(sb):
    edit(sb / "qa2docs.yaml", "cycle: 2", "cycle: 7")
    edit(sb / README, "Proposed rms:", "Proposed beam size: 0.3-0.6 arcsec\nProposed rms:")
    f = only(validate(sb), "QA2302")
    assert "geometric mean 0.713\"" in f.message and "0.3\"-0.6\"" in f.message


def test_qa2303_not_checkable_is_a_note(filled):
    found = of_rule(validate(filled), "QA2303")
    assert [(f.severity, f.line) for f in found] == [
        ("info", ln(filled / SB_CHECKLIST, "achieved rms")),
        ("info", ln(filled / SB_CHECKLIST, "achieved beam"))]
    assert "holds 3 values" in found[0].message


def test_qa2304_reached_answer_contradicts_the_numbers(sb):
    edit(sb / SB_CHECKLIST, "- requested sensitivity reached?            [x] [ ]",
         "- requested sensitivity reached?            [ ] [x]")
    f = only(validate(sb), "QA2304")
    assert (f.document, f.line) == (SB_CHECKLIST, 39)


# ---------------------------------------------------------------------------- inputs

X66D_UID = "uid___A002_Xdd9c61_X66d"


def test_qa2401_dangling_asdm_link(sb):
    link = sb / X66D_DIR / X66D_UID
    link.unlink()
    link.symlink_to(sb / "gone" / X66D_UID)
    f = only(validate(sb), "QA2401")
    assert (f.severity, f.document, f.eb) == ("error", f"{X66D_DIR}/{X66D_UID}", X66D_UID)
    assert f.message == f"link to {sb / 'gone' / X66D_UID} points nowhere: not read"


def test_qa2402_fifo_bearing_an_input_name(sb):
    os.mkfifo(sb / X66D_DIR / "casapy-20990101-000000.log")
    f = only(validate(sb), "QA2402")
    assert (f.severity, f.document, f.eb) == (
        "warning", f"{X66D_DIR}/casapy-20990101-000000.log", X66D_UID)


@pytest.mark.parametrize("name, content, line, message", [
    ("casapy-20140828-093512.log", "garbage, no casa log line\n" * 50, None,
     "not a casa log: no time-stamped line in its first 64 KiB; nothing read from it"),
    ("uid___A002_Xdd9c61_X66d.ms.listobs", "garbage\n", None, "no listobs summary found"),
    (f"{X66D_UID}/Antenna.xml", "<<<garbage\n", 1, "malformed XML: not well-formed (invalid token)"),
])
def test_qa2403_unreadable_input(sb, name, content, line, message):
    if "/" in name:
        _own_asdm(sb, X66D_DIR)
    (sb / X66D_DIR / name).write_text(content)
    f = only(validate(sb), "QA2403")
    assert (f.severity, f.document, f.line, f.eb, f.message) == (
        "warning", f"{X66D_DIR}/{name}", line, X66D_UID, message)


def test_qa2404_no_calibration_script(sb):
    (sb / X66D_DIR / f"{X66D_UID}.ms.scriptForCalibration.py").unlink()
    f = only(validate(sb), "QA2404")
    assert (f.severity, f.document, f.eb) == ("warning", str(X66D_DIR), X66D_UID)
