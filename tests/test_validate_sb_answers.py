"""SB checklist and README.header answers (qa2docs/sb_answers.py) on the sample SB and the
corpus' flux equalisation tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs import api
from qa2docs.extractors.imaging import ImagingExtractor
from qa2docs.criteria.fluxcompare import compare_flux_densities
from qa2docs.criteria.flux_table import per_eb_fluxes
from validate_support import (  # noqa: F401 (filled, sb: fixtures)
    README, SB, SB_CHECKLIST, edit, filled, sb, set_line,
)


def lines_of(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_flux_consistency_from_the_ebs_fluxscale_results(filled):
    # By hand, the largest deviation: J1751+0939 fits 2.19474 +/- 0.00107564 (X66d) and
    # 2.26359 +/- 0.00212897 (Xa12) at 223.031 GHz; weights 864300 and 220630, weighted mean
    # 2.20874, Xa12 / mean = 1.0248. Every per-spw ratio is closer to 1 (spw 7: 1.0176).
    line = next(x for x in lines_of(filled / SB_CHECKLIST) if "consistent between EBs" in x)
    assert line == ("  - flux density scales consistent between EBs? [x] [ ]  largest deviation "
                    "from the SB mean +2.5% (J1751+0939 fitted, Xa12); tolerance 10% for Band 6 "
                    "(ALMA Technical Handbook, flux calibration accuracy, not verified)")


def test_flux_consistency_no_when_beyond_tolerance(sb):
    fluxscale = sb / SB / "Xa12" / "uid___A002_X4sda4d_Xa12.ms.split.fluxscale"
    edit(fluxscale, "is: 2.29612 +/- 0.0072379", "is: 2.9 +/- 0.0072379")
    api.fill(sb)    # qa2docs wrote the old answer and comment: a refill replaces both
    line = next(x for x in lines_of(sb / SB_CHECKLIST) if "consistent between EBs" in x)
    assert line.startswith("  - flux density scales consistent between EBs? [ ] [x]  largest "
                           "deviation from the SB mean +14.1% (J1751+0939 spw 0, Xa12)")
    assert line.endswith("; 1 of 18 comparisons outside it")


def test_imaging_parameters_and_achieved_values(filled):
    text = (filled / SB_CHECKLIST).read_text()
    assert ("  - scriptForImaging.py generated?            [x] [ ]  targets: IRAS12345; "
            "calibrators imaged as checks: J1751+0939\n") in text
    assert ("      calibrated.ms.IRAS12345.cont: field 3, spw 0,1,2,3:0~160;210~479,4,5:"
            "0~220;300~479,6,7, briggs 0.5, cell 0.12arcsec, imsize 320x320, threshold 0.2mJy\n"
            ) in text
    assert ("      clean call at line 71: field 0, velocity, briggs 0.5, cell 0.12arcsec, "
            "imsize 320x320, threshold 6mJy\n") in text
    # the bandpass calibrator's image (0.43 mJy/beam) is a check image, not an achieved value
    assert ("    achieved rms: 0.071 mJy/beam (calibrated.ms.IRAS12345.cont)\n"
            "      1.9 mJy/beam (scriptForImaging.py:94)\n"
            "      2.1 mJy/beam (scriptForImaging.py:95)\n") in text
    assert ("    achieved beam: 0.781\" x 0.617\", PA -68.9 deg (calibrated.ms.IRAS12345.cont)\n"
            ) in text
    assert "0.43 mJy" not in text


def test_readme_fields_from_the_files(filled):
    readme = lines_of(filled / README)
    assert "Configuration: C34-4" in readme           # ASDM ExecBlock configName
    assert "CASA version used for reduction: 4.2.2" in readme    # the casapy logs' banner
    assert "Project title: Hot molecular gas in the infrared-dark core IRAS12345" in readme


def test_requested_values_come_from_the_asdm_science_goal(sb):
    # The ASDMs' SBSummary: sensitivityGoal 2.0 mJy at 230.505 GHz, resolution 0.6-0.9 arcsec
    text = (sb / SB_CHECKLIST).read_text()
    assert ("Requested sensitivity (rms, bandwidth, representative frequency): 2.0 mJy at "
            "Rep. Freq. 230.505 GHz\n") in text
    assert 'Requested angular resolution: 0.6" - 0.9"\n' in text
    readme = (sb / README).read_text()
    assert "Proposed rms: 2.0 mJy at Rep. Freq. 230.505 GHz\n" in readme
    assert "Proposed beam size" not in readme  # the Cycle 2 form has no such line
    goal = api.facts(sb / SB / "X66d")["facts"]["science_goal"]
    assert goal["value"]["sensitivity_goal_jy"] == 0.002
    assert goal["provenance"][0]["file"] == "uid___A002_Xdd9c61_X66d/SBSummary.xml"


def test_requested_values_come_from_the_readme_and_reached_is_judged(sb):
    script = sb / SB / "calibrated" / "scriptForImaging.py"
    lines = script.read_text().splitlines(keepends=True)
    script.write_text("".join(x for x in lines if not x.startswith(("# CO2-1:", "# HC3N24-23:"))))
    set_line(sb / README, "Proposed rms", "0.08 mJy (continuum)")  # a reducer's own words win
    api.fill(sb)
    text = (sb / SB_CHECKLIST).read_text()
    assert ("Requested sensitivity (rms, bandwidth, representative frequency): 0.08 mJy "
            "(continuum)\n") in text
    # 0.071 / 0.08 = 0.89 <= 1.10 (Band 6, Cycle 2): reached
    assert "  - requested sensitivity reached?            [x] [ ]\n" in text
    assert "    achieved rms: 0.071 mJy/beam (calibrated.ms.IRAS12345.cont)\n" in text
    # the resolution comes from the ASDMs (the Cycle 2 README has no beam line); the
    # geometric mean of 0.781" x 0.617" is 0.694", within 0.6"-0.9": reached
    assert 'Requested angular resolution: 0.6" - 0.9"\n' in text
    assert "  - requested resolution reached?             [x] [ ]\n" in text


def test_sb_table_rows_stand_in_for_ebs_without_fluxscale(corpus_dir):
    """SgrB2 12 m (Band 3): J1752-2956 spw 0 has two EB values in the comment table."""
    script = corpus_dir / "other" / "SgrB2_12m_scriptForFluxCalibration.py"
    facts = {f.field: f for f in ImagingExtractor().extract(script)}
    per_eb = per_eb_fluxes([], facts)
    assert sorted(per_eb) == ["X1f13", "X220a", "Xd4f", "Xefe"]
    (row,) = [r for r in compare_flux_densities(per_eb, 0.05)
              if r.source == "J1752-2956" and r.spw == 0]
    # 0.05556 (Xefe) and 0.06456 (Xd4f), no errors: plain mean 0.06006
    assert row.weighting == "unweighted"
    assert row.mean_jy == pytest.approx(0.06006)
    assert row.ratios == pytest.approx({"Xefe": 0.92507, "Xd4f": 1.07493}, abs=1e-5)
    assert sorted(row.flagged) == ["Xd4f", "Xefe"]
