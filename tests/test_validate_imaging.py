"""Imaging numbers as reducers write them (corpus READMEs and imaging scripts), the QA2
verdicts on them, and the README's 'Achieved ...' lines."""

from __future__ import annotations

import pytest

from qa2docs.documents.checklist_text import parse_readme
from qa2docs.criteria.judgement import judge_beam, judge_rms
from qa2docs.validate.imaging import readme_achieved
from qa2docs.criteria.quantities import format_jy, parse_beam, parse_flux, parse_resolution
from qa2docs.criteria.tolerances import load_tolerances


def line_with(path, needle: str) -> str:
    (line,) = [x for x in path.read_text(errors="replace").splitlines() if needle in x]
    return line


def test_rms_from_corpus_readmes(corpus_dir):
    feo = corpus_dir / "readme_headers" / "FeO_band4_README"
    w51 = corpus_dir / "readme_headers" / "W51_12m_README"
    assert parse_flux(line_with(feo, "Proposed rms:")) == pytest.approx(3.5e-3)
    assert parse_flux(line_with(feo, "Achieved  continuum RMS")) == pytest.approx(35e-6)
    assert parse_flux(line_with(w51, "Proposed rms:")) == pytest.approx(5.85e-3)


def test_beams_from_corpus_readme_and_imaging_script(corpus_dir):
    feo = corpus_dir / "readme_headers" / "FeO_band4_README"
    sgrb2 = corpus_dir / "imaging_scripts" / "SgrB2_12m_scriptForImaging.py"
    assert parse_beam(line_with(feo, "Achieved beam: 0.57")) == (0.57, 0.53)
    assert parse_resolution(line_with(feo, "Proposed beam size:")) == (None, 0.5)
    assert parse_beam(line_with(sgrb2, "Restoring Beam   : 4.685")) == (4.685, 2.529)
    assert parse_beam(line_with(sgrb2, "4.098 arcsec")) == (4.098, 1.963)


@pytest.mark.parametrize("text, expected", [
    ("0.6-0.9 arcsec", (0.6, 0.9)), ("0.6 arcsec - 0.9 arcsec", (0.6, 0.9)),
    ("0.4 to 0.6\"", (0.4, 0.6)), ("500 mas", (None, 0.5)), ("no idea", None),
])
def test_requested_resolution(text, expected):
    assert parse_resolution(text) == expected


@pytest.mark.parametrize("text", ["", "RMS = mJy, no detection", "n/a"])
def test_no_number_no_value(text):
    assert parse_flux(text) is None and parse_beam(text) is None


def test_format_jy():
    assert [format_jy(x) for x in (3.5e-5, 1.9e-3, 2.5)] == ["35 uJy", "1.9 mJy", "2.5 Jy"]


def test_feo_cycle3_verdicts(corpus_dir):
    """FeO (2015.1.00262.S, Cycle 3, Band 4): rms passes, the tapered beam is 1.21 x the area."""
    feo = corpus_dir / "readme_headers" / "FeO_band4_README"
    tol = load_tolerances(3)
    rms = judge_rms(line_with(feo, "Proposed rms:"),
                    line_with(feo, "Achieved  RMS at representative freq. for this object"),
                    [4], tol)
    assert rms.verdict == "pass"
    assert rms.message == ("achieved rms 1.9 mJy is 0.54 x the requested 3.5 mJy (QA2 limit "
                           "1.10 x for Band 4)")
    beam = judge_beam(line_with(feo, "Proposed beam size:"), line_with(feo, "Achieved beam: 0.57"),
                      tol)
    # (0.57 x 0.53) / 0.5^2 = 1.2084: over 1.2, within the relaxed 1.5
    assert beam.verdict == "relaxed"
    assert "has 1.21 x the area of the requested 0.5\"" in beam.message


def test_band_without_a_limit_is_not_judged():
    assert judge_rms("1 mJy", "2 mJy", [5], load_tolerances(2)) is None
    assert judge_rms("1 mJy", "2 mJy", [], load_tolerances(2)) is None


def test_cycle7_range_verdict():
    tol = load_tolerances(8)
    assert judge_beam("0.6-0.9 arcsec", "0.802\" x 0.634\"", tol).verdict == "pass"
    assert judge_beam("0.6-0.9 arcsec", "0.5\" x 0.4\"", tol).verdict == "fail"
    assert judge_beam("0.4 arcsec", "0.5\" x 0.4\"", tol).verdict == "fail"


def test_readme_achieved_lines_with_line_numbers(corpus_dir):
    feo = corpus_dir / "readme_headers" / "FeO_band4_README"
    text = feo.read_text()
    lines = text.splitlines()
    doc = parse_readme(text, feo.name)
    got = readme_achieved(doc)
    # grep -n Achieved FeO_band4_README: lines 19, 21, 23, 30, 31
    assert [(what, v.line) for what, v in got] == [
        ("continuum rms (for object    \"    )", 19),
        ("rms at representative freq. for this object", 21),
        ("beam", 23),
        ("rms at representative freq.", 30),
        ("beam", 31),
    ]
    assert lines[20].startswith("Achieved  RMS at representative freq. for this object: 1.9 mJy")
    assert got[2][1].text == "0.57\"x0.53\""
