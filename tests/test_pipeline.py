"""Pipeline behaviour across stages: plug-in extractors, bad inputs, explain on the sample."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from helpers import make_sb, run_cli

from qa2docs.errors import Qa2DocsError
from qa2docs.extractors import registry
from qa2docs.extractors.base import Extractor
from qa2docs.models.facts import make_fact


class PwvNoteExtractor(Extractor):
    """A third-party extractor: reads a reducer's pwv.txt."""

    name = "pwvnote"
    patterns = ("pwv.txt",)

    def extract(self, path):
        yield make_fact("pwv", {"median_mm": float(path.read_text())}, self.name, path.name, 1,
                        rank=50)


def test_entry_points_are_read_once_per_process(monkeypatch):
    """A batch asks for the extractors several times per SB root; reading every installed
    distribution's metadata each time cost ~70 ms."""
    ep = EntryPoint("pwvnote", f"{__name__}:PwvNoteExtractor", "qa2docs.extractors")
    calls = []

    def entry_points(group):
        calls.append(group)
        return [ep]

    monkeypatch.setattr(registry, "entry_points", entry_points)
    for _ in range(3):
        assert registry.get_extractors()["pwvnote"] is PwvNoteExtractor
    assert calls == ["qa2docs.extractors"]


def test_entry_point_extractors_join_the_registry(monkeypatch, tmp_path):
    ep = EntryPoint("pwvnote", f"{__name__}:PwvNoteExtractor", "qa2docs.extractors")
    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [ep] if group == "qa2docs.extractors" else [])
    assert registry.get_extractors()["pwvnote"] is PwvNoteExtractor
    assert list(registry.get_extractors())[:2] == ["calscript", "listobs"]
    from qa2docs import api

    root = make_sb(tmp_path, ebs={"uid___A002_Xc0ffee_X1b": []})
    (root / "B7_HD163296" / "X1b" / "uid___A002_Xc0ffee_X1b").mkdir()   # the ASDM link
    (root / "B7_HD163296" / "X1b" / "pwv.txt").write_text("0.85\n")
    api.fill(root)
    text = (root / "Checklist_SB_B7_HD163296_uid___A002_Xc0ffee_X1b.txt").read_text()
    assert "PWV              : 0.85 mm (median)\n" in text


def test_unknown_extractor_name_lists_known_ones():
    with pytest.raises(Qa2DocsError, match=r"unknown extractor 'listob': did you mean listobs"):
        registry.get_extractor("listob")


def test_malformed_file_warns_with_file_and_line_and_the_rest_goes_on(tmp_path, corpus_dir):
    uid = "uid___A002_Xc0ffee_X1b"
    c = corpus_dir / "casa6"
    root = make_sb(tmp_path, ebs={uid: [c / f"{uid}.ms.listobs"]})
    bad = root / "B7_HD163296" / "X1b" / f"{uid}.ms.split.fluxscale"
    good = (c / f"{uid}.ms.split.fluxscale").read_text().splitlines(keepends=True)
    # cut the file in the middle of a result line
    cut = next(i for i, line in enumerate(good) if "Flux density for" in line)
    bad.write_text("".join(good[:cut]) + good[cut][:80])
    proc = run_cli("fill", str(root))
    assert f"warning: {bad.name}:{cut + 1}:" in proc.stderr or f"{bad}:{cut + 1}:" in proc.stderr
    text = (root / f"Checklist_SB_B7_HD163296_{uid}.txt").read_text()
    assert "Band(s)          : 7\n" in text          # listobs still read


def test_binary_garbage_input_is_no_traceback(tmp_path):
    uid = "uid___A002_Xc0ffee_X1b"
    root = make_sb(tmp_path, ebs={uid: []})
    eb = root / "B7_HD163296" / "X1b"
    (eb / uid).mkdir()
    (eb / f"{uid}.ms.listobs").write_bytes(bytes(range(256)) * 50)
    (eb / f"{uid}.ms.scriptForCalibration.py").write_bytes(b"\xff\xfe\x00def (((\n" * 10)
    proc = run_cli("fill", str(root))
    assert "Traceback" not in proc.stderr
    assert (root / f"Checklist_SB_B7_HD163296_{uid}.txt").exists()


def test_explain_names_plots_for_a_checked_item(tmp_path):
    run_cli("demo", str(tmp_path / "d"))
    eb = tmp_path / "d" / "analysis" / "B6_IRAS12345" / "B6_IRAS12345" / "X66d"
    out = run_cli("explain", str(eb), "gaincal.phase_int").stdout
    assert "plots to look at:" in out and ".phase_int.plots" in out
    out = run_cli("explain", str(eb), "apriori.fixplanets").stdout
    assert "set by: qa2docs (from the files)" in out and "evidence (calscript)" in out
