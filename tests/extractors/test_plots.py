"""PlotsExtractor on an EB dir shaped like what the ALMA calibration scripts leave."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa2docs.extractors.plots import PlotsExtractor, plot_item
from qa2docs.models.facts import Fact

UID = "uid___A002_Xbf792a_X14cc"

# folder -> files, with the names the corpus scripts create (aU.plotWVRSolutions figfile,
# aU.plotbandpass figfile, es.checkCalTable's "<caltable>.plots", plotms plotfile)
TREE = {
    f"{UID}.ms.wvr.plots": ["DV04.spw23.png", "DV05.spw23.png"],
    f"{UID}.ms.tsys.plots": ["tsys_spw17.png"],
    f"{UID}.ms.tsys.plots.overlayTime": [f"{UID}.ms.tsys.DV04.spw17.png"],
    f"{UID}.ms.split.ap_pre_bandpass.plots": ["phase_spw0.png"],
    f"{UID}.ms.split.bandpass.plots": ["amp_spw0.png", "phase_spw0.png"],
    f"{UID}.ms.split.bandpass_smooth20ch.plots": ["amp_spw0.png"],
    f"{UID}.ms.split.phase_int.plots": ["phase_int.png"],
    f"{UID}.ms.split.phase_short_int.plots": ["a.png"],
    f"{UID}.ms.split.ampli_inf.plots": ["amp.png"],
    f"{UID}.ms.split.flux_inf.plots": ["flux.pdf"],
    f"{UID}.ms.split.phase_inf.plots": ["phase.jpg", "notes.txt"],
    f"{UID}.ms.split.phasediff_inf.plots": ["diff.png"],
    "plots": ["weights_spw17.png", "ampvsuvdist_field2.png", "plotms_uvdata_target.png"],
}
LOOSE = [f"{UID}.ms.split.setjy.field0.png", f"{UID}.ms.split.setjy.field1.png",
         f"{UID}.ms.flagcmd.png", f"{UID}.ms.scriptForCalibration.py"]


def make_eb_dir(root: Path) -> Path:
    eb = root / "X14cc"
    for folder, files in TREE.items():
        (eb / folder).mkdir(parents=True)
        for name in files:
            (eb / folder / name).write_bytes(b"\x89PNG")
    for name in LOOSE:
        (eb / name).write_bytes(b"x")
    # a calibration table and an MS: never descended into, even with png files inside
    for table in (f"{UID}.ms.split.bandpass", f"{UID}.ms"):
        (eb / table).mkdir()
        (eb / table / "table.dat").write_bytes(b"")
        (eb / table / "odd.png").write_bytes(b"")
    (eb / f"{UID}.ms.split.phase_inf.plots" / "sub").mkdir()
    (eb / f"{UID}.ms.split.phase_inf.plots" / "sub" / "more.png").write_bytes(b"")
    return eb


def run(path: Path) -> dict[str, Fact]:
    return {f.field: f for f in PlotsExtractor().extract(path)}


def test_eb_dir_plots_by_item(tmp_path: Path) -> None:
    facts = run(make_eb_dir(tmp_path))
    value = {k: f.value for k, f in facts.items()}
    assert value == {
        "plots.apriori.wvr": [f"{UID}.ms.wvr.plots/DV04.spw23.png",
                              f"{UID}.ms.wvr.plots/DV05.spw23.png"],
        "plots.apriori.tsys": [f"{UID}.ms.tsys.plots.overlayTime/{UID}.ms.tsys.DV04.spw17.png",
                               f"{UID}.ms.tsys.plots/tsys_spw17.png"],
        "plots.apriori.weights": ["plots/weights_spw17.png"],
        "plots.flagging.model_amp_uvdist": ["plots/ampvsuvdist_field2.png",
                                            f"{UID}.ms.split.setjy.field0.png",
                                            f"{UID}.ms.split.setjy.field1.png"],
        "plots.bandpass.ap_pre_bandpass": [f"{UID}.ms.split.ap_pre_bandpass.plots/phase_spw0.png"],
        "plots.bandpass.bandpass": [f"{UID}.ms.split.bandpass.plots/amp_spw0.png",
                                    f"{UID}.ms.split.bandpass.plots/phase_spw0.png"],
        "plots.bandpass.smooth": [f"{UID}.ms.split.bandpass_smooth20ch.plots/amp_spw0.png"],
        "plots.gaincal.phase_int": [f"{UID}.ms.split.phase_int.plots/phase_int.png",
                                    f"{UID}.ms.split.phase_short_int.plots/a.png"],
        "plots.gaincal.ampli_inf": [f"{UID}.ms.split.ampli_inf.plots/amp.png",
                                    f"{UID}.ms.split.flux_inf.plots/flux.pdf"],
        "plots.gaincal.phase_inf": [f"{UID}.ms.split.phase_inf.plots/phase.jpg",
                                    f"{UID}.ms.split.phase_inf.plots/sub/more.png"],
        "plots.gaincal.uvdata": ["plots/plotms_uvdata_target.png"],
    }
    smooth = facts["plots.bandpass.smooth"]
    assert smooth.rank == 20
    prov = smooth.provenance[0]
    assert (prov.extractor, prov.file, prov.line) == (
        "plots", f"{UID}.ms.split.bandpass_smooth20ch.plots", None)
    assert facts["plots.flagging.model_amp_uvdist"].provenance[0].file == "."


def test_plot_folder_input_reads_its_eb_dir_once(tmp_path: Path) -> None:
    eb = make_eb_dir(tmp_path)
    extractor = PlotsExtractor()
    first = list(extractor.extract(eb / f"{UID}.ms.wvr.plots"))
    again = list(extractor.extract(eb / f"{UID}.ms.split.setjy.field0.png"))
    assert len(first) == 11 and again == []
    assert extractor.warnings == []


def test_no_plots_no_facts(tmp_path: Path) -> None:
    eb = tmp_path / "Xa12"
    (eb / f"{UID}.ms.wvr.plots").mkdir(parents=True)  # empty folder: nothing to look at
    (eb / f"{UID}.ms.flagcmd.png").write_bytes(b"")  # a plot no checklist item asks for
    assert run(eb) == {}
    assert run(tmp_path / "missing") == {}


@pytest.mark.parametrize(("name", "item"), [
    (f"{UID}.ms.split.bandpass_smooth40ch.plots", "bandpass.smooth"),
    (f"{UID}.ms.split.bandpass2.plots", "bandpass.bandpass"),
    (f"{UID}.ms.split.ampli_short_inf.plots", "gaincal.ampli_inf"),
    (f"{UID}.ms.tsys.plots.overlayTimeBeforeTsysFlag", "apriori.tsys"),
    (f"{UID}.ms.split.phasediff_inf.plots", None),
    ("SB_with_wvr_in_its_name.ms.split.bandpass.plots", "bandpass.bandpass"),
])
def test_plot_item_names(name: str, item: str | None) -> None:
    assert plot_item(name) == item


def test_seed_eb_dir() -> None:
    seed = Path(__file__).resolve().parents[2] / "samples" / "seed" / "reduction" / "X66d"
    if not seed.is_dir():
        pytest.skip("samples/seed absent")
    facts = run(seed)
    assert sorted(facts) == [
        "plots.apriori.tsys", "plots.apriori.wvr", "plots.bandpass.ap_pre_bandpass",
        "plots.bandpass.bandpass", "plots.bandpass.smooth", "plots.flagging.model_amp_uvdist",
        "plots.gaincal.ampli_inf", "plots.gaincal.phase_inf", "plots.gaincal.phase_int"]
    assert facts["plots.flagging.model_amp_uvdist"].value == [
        "uid___A002_Xdd9c61_X66d.ms.split.setjy.field1.png"]
    assert [p.partition("/")[0] for p in facts["plots.gaincal.ampli_inf"].value] == [
        "uid___A002_Xdd9c61_X66d.ms.split.ampli_short_inf.plots",
        "uid___A002_Xdd9c61_X66d.ms.split.flux_inf.plots"]


def test_candidates_from_one_listing_are_those_of_is_file_and_is_dir(tmp_path: Path) -> None:
    """Links (to a plot, to a plot folder, nowhere, to themselves), a FIFO, a CASA table
    named like a plot folder: the listing gives what ``is_file``/``is_dir`` per entry gave."""
    import os

    from qa2docs.extractors.plots import _is_casa_table, _plot_files
    eb = tmp_path / "eb"
    (eb / "x.ms.wvr.plots").mkdir(parents=True)
    (eb / "x.ms.wvr.plots" / "a.png").write_bytes(b"")
    (eb / "table.plots").mkdir()
    (eb / "table.plots" / "table.dat").write_bytes(b"")
    (eb / "table.plots" / "b.png").write_bytes(b"")
    (eb / "Top.PNG").write_bytes(b"")
    (eb / "linked.png").symlink_to(eb / "Top.PNG")
    (eb / "linked.plots").symlink_to(eb / "x.ms.wvr.plots")
    (eb / "nowhere.png").symlink_to(eb / "gone")
    (eb / "loop.png").symlink_to(eb / "loop.png")
    os.mkfifo(eb / "fifo.png")

    def before(eb_dir: Path):  # the candidates as they were found before the listing
        for entry in sorted(eb_dir.iterdir()):
            if entry.is_file() and entry.suffix.lower() in {".png", ".jpg", ".jpeg", ".pdf"}:
                yield entry, [entry.name]
            elif (entry.is_dir() and "plots" in entry.name.lower()
                  and not _is_casa_table(entry)):
                for plot in _plot_files(entry):
                    yield plot, [entry.name, plot.relative_to(entry).as_posix()]

    found = list(PlotsExtractor._candidates(eb))
    assert found == list(before(eb))
    assert [p.name for p, _ in found] == ["Top.PNG", "a.png", "linked.png", "a.png"]
