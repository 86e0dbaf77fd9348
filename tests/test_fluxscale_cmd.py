"""``qa2docs fluxscale``: EB lines as qa2_fluxscale.sh prints them, the SB comparison table
checked against hand-computed values, and the comparison figure."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from helpers import make_sb, run_cli
from validate_support import SB, build_filled_sample

KAMENO_B3 = "kameno_2016.1.00375.S_B3_Xc2bb44.fluxscale_log.txt"
KAMENO_B7 = "kameno_2022.A.00023.S_X10a7a20_X65a8.fluxscale_log.txt"


def result_messages(path: Path) -> list[str]:
    """The fluxscale result messages of a casa log file, without the log prefix."""
    out = []
    for line in path.read_text().splitlines():
        message = line.split("\t")[-1].strip()
        if message.startswith(("Flux density for", "Fitted spectrum for")):
            out.append(message)
    return out


def eb_dir_with(tmp_path: Path, uid: str, files: dict[str, Path]) -> Path:
    """A bare EB dir (no SB root) holding copies of *files* under new names."""
    eb = tmp_path / uid.rsplit("_", 1)[-1]
    eb.mkdir()
    for name, src in files.items():
        shutil.copy(src, eb / name)
    return eb


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build_filled_sample(tmp_path_factory.mktemp("sample") / "seed")


# ---------------------------------------------------------------------------- EB dir


def test_eb_dir_prints_the_result_lines_as_in_the_file(corpus_dir, tmp_path):
    src = corpus_dir / "casa6" / "uid___A002_Xc10a2b_X2c.ms.split.fluxscale"
    eb = eb_dir_with(tmp_path, "uid___A002_Xc10a2b_X2c", {src.name: src})
    out = run_cli("fluxscale", cwd=eb).stdout
    assert out.splitlines() == result_messages(src)
    assert out.splitlines()[6] == "Flux density for J1751-1950 in SpW=2 is:  INSUFFICIENT DATA"
    assert len(out.splitlines()) == 10


def test_sample_eb_prints_the_seeds_lines(sample):
    out = run_cli("fluxscale", str(sample / SB / "X66d")).stdout.splitlines()
    # the seed's qa2_fluxscale.sh example, verbatim
    assert out[0] == ("Flux density for J1751+0939 in SpW=0 (freq=2.16276e+11 Hz) is: 2.22776 "
                      "+/- 0.00677892 (SNR = 328.631, N = 9)")
    assert out[15] == ("Flux density for J1851+0035 in SpW=7 (freq=2.32452e+11 Hz) is: 0.26856 "
                       "+/- 0.00338729 (SNR = 79.2846, N = 9)")
    assert out[16:] == [
        "Fitted spectrum for J1751+0939 with fitorder=1: Flux density = 2.19474 +/- 0.00107564 "
        "(freq=223.031 GHz) spidx=-0.549826 +/- 0.016824",
        "Fitted spectrum for J1851+0035 with fitorder=1: Flux density = 0.285309 +/- 0.00565662 "
        "(freq=223.031 GHz) spidx=-1.4004 +/- 0.573228"]


def test_sb_root_without_sb_lists_each_eb(sample):
    out = run_cli("fluxscale", str(sample)).stdout.splitlines()
    assert out[0] == "# X66d" and out.count("# Xa12") == 1
    assert len(out) == 2 * (1 + 18) + 1


# ---------------------------------------------------------------------------- SB table


def _row(out: str, source: str, spw: str) -> list[str]:
    (line,) = [x for x in out.splitlines() if x.split()[:2] == [source, spw]]
    return line.split()


def test_sb_table_two_corpus_fluxscale_files_by_hand(corpus_dir, tmp_path):
    """NGC_1052 is in both files (Band 3 in one, Band 7 in the other: the table says so)."""
    fluxscale = corpus_dir / "fluxscale"
    root = make_sb(tmp_path, sb="NGC1052", ebs={})
    for uid, name in (("uid___A002_Xc2bb44_X1", KAMENO_B3), ("uid___A002_X10a7a20_X65a8", KAMENO_B7)):
        eb = root / "NGC1052" / uid.rsplit("_", 1)[-1]
        eb.mkdir()
        shutil.copy(fluxscale / name, eb / f"{uid}.ms.split.fluxscale")
    out = run_cli("fluxscale", str(root), "--sb").stdout
    assert out.splitlines()[0] == ("Flux density scales of SB NGC1052: 2 EB(s); tolerance 10% "
                                   "(band unknown: 10% used)")
    # spw 0 by hand: 1.1373 +/- 0.00260619 (X1) and 0.701114 +/- 0.00382401 (X65a8)
    w1, w2 = 1 / 0.00260619**2, 1 / 0.00382401**2
    mean = (w1 * 1.1373 + w2 * 0.701114) / (w1 + w2)
    assert mean == pytest.approx(0.998956, abs=1e-6)
    row = _row(out, "NGC_1052", "0")
    # source spw freq | X1: value +/- err ratio* | X65a8: value +/- err ratio* | mean +/- err
    assert row[2] == f"{(8.78549e10 + 3.05705e11) / 2 / 1e9:.3f}"
    assert row[3:7] == ["1.1373", "+/-", "0.00261", f"{1.1373 / mean:.3f}*"]
    assert row[7:11] == ["0.701114", "+/-", "0.00382", f"{0.701114 / mean:.3f}*"]
    assert row[11:14] == [f"{mean:.6g}", "+/-", f"{1 / math.sqrt(w1 + w2):.3g}"]
    assert row[14] == "!freq"
    assert "!freq: the EBs' frequencies of this spw (or of the fits) differ by more than 1%" \
        in out
    # the fits are 92.6217 and 312.612 GHz apart: X65a8's is extrapolated to 92.6 GHz,
    # 0.68513 x (92.6217 / 312.612) ** -1.03001 = 2.398 Jy
    fit = _row(out, "NGC_1052", "fit")
    assert fit[7] == f"{0.68513 * (92.6217 / 312.612) ** -1.03001:.6g}" and fit[-1] == "!freq"
    # a source in one EB only: its own value, ratio 1, no mean error beyond its own
    only = _row(out, "J0235-0402", "3")
    assert only[3:6] == ["-", "0.0977055", "+/-"] and only[7] == "1.000"


def test_sb_table_casa6_pair_with_band_from_listobs(corpus_dir, tmp_path):
    casa6 = corpus_dir / "casa6"
    root = make_sb(tmp_path, ebs={
        "uid___A002_Xc0ffee_X1b": [casa6 / "uid___A002_Xc0ffee_X1b.ms.split.fluxscale",
                                   casa6 / "uid___A002_Xc0ffee_X1b.ms.listobs"],
        "uid___A002_Xc10a2b_X2c": [casa6 / "uid___A002_Xc10a2b_X2c.ms.split.fluxscale",
                                   casa6 / "uid___A002_Xc10a2b_X2c.ms.listobs"]})
    out = run_cli("fluxscale", str(root / "B7_HD163296" / "X1b"), "--sb", "--tolerance",
                  "0.02").stdout
    assert "tolerance 2% (given with --tolerance)" in out.splitlines()[0]
    # spw 1: 1.10561 vs 1.14605, weighted mean 1.12845: X1b 0.980, outside 2 %
    assert _row(out, "J1733-1304", "1")[3:7] == ["1.10561", "+/-", "0.00293", "0.980*"]
    out = run_cli("fluxscale", str(root), "--sb").stdout
    assert out.splitlines()[0].startswith(
        "Flux density scales of SB B7_HD163296: 2 EB(s); tolerance 10% (Band 7; Francis et al. "
        "2020, arXiv:2010.02186)")
    assert "*" not in "".join(x for x in out.splitlines() if x.startswith("J1733"))
    # the fits: EB2 / EB1 = 1.13298 / 1.09714 = 1.0327 (README: true ratio 1.03)
    fit = _row(out, "J1733-1304", "fit")
    assert float(fit[7]) / float(fit[3]) == pytest.approx(1.0327, abs=1e-4)


# ---------------------------------------------------------------------------- plot and errors


def test_plot_png_and_svg(sample, tmp_path):
    png, svg = tmp_path / "flux.png", tmp_path / "flux.svg"
    proc = run_cli("fluxscale", str(sample), "--sb", "--plot", str(png))
    assert proc.stderr == f"wrote {png}\n"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    run_cli("fluxscale", str(sample / SB / "X66d"), "--plot", str(svg))
    text = svg.read_text()
    assert text.startswith("<?xml")
    assert "Comparison of flux density scales derived from one execution block (X66d)" in text


def test_bad_plot_suffix_exits_2(sample, tmp_path):
    proc = run_cli("fluxscale", str(sample), "--plot", str(tmp_path / "x.pdf"), check=2)
    assert "the plot must be a .png or .svg file" in proc.stderr


def test_no_results_exits_2(tmp_path):
    eb = eb_dir_with(tmp_path, "uid___A002_Xc10a2b_X2c", {})
    (eb / "uid___A002_Xc10a2b_X2c.ms.scriptForCalibration.py").write_text("# nothing\n")
    proc = run_cli("fluxscale", str(eb), check=2)
    assert proc.stderr == (f"qa2docs: error: {eb}: no fluxscale results found (no *.fluxscale "
                           "file, no fluxscale lines in a casa log, no flux equalisation table)\n")


def test_missing_path_exits_2(tmp_path):
    proc = run_cli("fluxscale", str(tmp_path / "nope"), check=2)
    assert proc.stderr == f"qa2docs: error: {tmp_path / 'nope'}: no such file or directory\n"
