"""The tolerance data file: every number sourced, Cycle lookup, band lookup, packaging."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import REPO

from qa2docs.errors import Qa2DocsError
from qa2docs.criteria.tolerances import load_tolerances

DATA = REPO / "qa2docs" / "criteria" / "tolerances.yaml"


def _data() -> dict:
    return YAML(typ="safe").load(DATA.read_text())


def test_every_group_of_numbers_names_a_known_source():
    data = _data()
    sources = data["sources"]
    for key, info in sources.items():
        assert set(info) == {"cite", "title", "url", "verified"}, key
        assert isinstance(info["verified"], bool)
    groups = [data["flux_spread"], data["fluxscale_checks"]]
    for cycle in data["cycles"].values():
        groups += [cycle[k] for k in ("flux_spread", "fluxscale", "sensitivity", "beam")]
    for group in groups:
        assert group["source"] in sources
        assert group.get("band7_source", group["source"]) in sources
    # every number of every group sits in a group with a source (no bare numbers elsewhere)
    assert set(data) == {"version", "sources", "flux_spread", "fluxscale_checks", "cycles"}


@pytest.mark.parametrize("cycle, key", [
    (0, "0-2"), (2, "0-2"), (3, "3-6"), (6, "3-6"), (7, "7-"), (12, "7-"), (None, "7-")])
def test_cycle_lookup(cycle, key):
    assert load_tolerances(cycle).cycle_key == key


def test_flux_spread_per_band():
    tol = load_tolerances(2)
    assert tol.flux_spread([3]) == (0.05, "flux_accuracy_handbook")
    assert tol.flux_spread([6]) == (0.10, "flux_accuracy_handbook")
    assert tol.flux_spread([7]) == (0.10, "flux_accuracy_band7")
    assert tol.flux_spread([9]) == (0.20, "flux_accuracy_handbook")
    assert tol.flux_spread([3, 7]) == (0.10, "flux_accuracy_handbook")   # the looser band
    assert tol.flux_spread([]) is None
    assert (tol.min_snr, tol.spidx_range) == (10.0, (-2.0, 1.0))


def test_sensitivity_and_beam_limits_by_cycle():
    c2 = load_tolerances(2)
    band7 = c2.sensitivity([7])
    assert (band7.factor, band7.relaxed, band7.source) == (1.15, 1.5, "kb_qa2_cycle1_2")
    assert c2.sensitivity([5]) is None                  # Band 5 was not offered in Cycles 1-2
    beam = c2.beam()
    assert (beam.kind, beam.factor, beam.relaxed) == ("area", 1.2, 1.5)
    c7 = load_tolerances(7)
    band10 = c7.sensitivity([10])
    assert (band10.factor, band10.relaxed, band10.source) == (1.2, None, "kb_qa2_current")
    assert c7.beam().kind == "range"
    assert load_tolerances(4).beam().source == "assumed_cycle1_2_beam"


def test_citations_say_when_a_source_was_not_verified():
    tol = load_tolerances(2)
    assert tol.cite("kb_qa2_cycle1_2") == "ALMA KB, QA2 criteria for Cycles 1-2"
    assert tol.cite("flux_accuracy_handbook") == ("ALMA Technical Handbook, flux calibration "
                                                  "accuracy, not verified")


@pytest.mark.slow
def test_the_file_ships_as_package_data(tmp_path):
    """Build the wheel, install it into a fresh venv and read the data from there."""
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps",
                            "--no-build-isolation", "--no-index", "-q", "-w", str(wheels)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("qa2docs-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, env=env, cwd=tmp_path)
    read = subprocess.run(
        [str(python), "-c", "from importlib.resources import files; "
         "from qa2docs.criteria.tolerances import load_tolerances; "
         "print(files('qa2docs.criteria') / 'tolerances.yaml'); "
         "print(load_tolerances(2).beam().factor)"],
        env=env, cwd=tmp_path, capture_output=True, text=True)
    assert read.returncode == 0, read.stderr
    shipped, factor = read.stdout.splitlines()
    assert Path(shipped).is_relative_to(venv), shipped  # the wheel's copy, not this checkout's
    assert Path(shipped).read_bytes() == DATA.read_bytes()
    assert factor == "1.2"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(DATA)], cwd=REPO)
    assert ignored.returncode == 1, "tolerances.yaml must not be git-ignored (the wheel skips it)"


def test_unreadable_file_is_a_qa2docs_error(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("cycles: [\n")
    with pytest.raises(Qa2DocsError, match="cannot read the tolerance file"):
        load_tolerances(2, bad)
    bad.write_text("version: 1\n")
    with pytest.raises(Qa2DocsError, match="not a tolerance file"):
        load_tolerances(2, bad)
