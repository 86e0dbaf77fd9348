"""The sample SB end to end: demo (start + fill) produces the committed documents byte for byte."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from helpers import run_cli

EXPECTED = SAMPLES / "seed" / "expected"
DOCUMENTS = [
    "Checklist_SB_B6_IRAS12345_uid___A002_Xdd9c61_X66d.txt",
    "Checklist_SB_B6_IRAS12345_uid___A002_X4sda4d_Xa12.txt",
    "Checklist_SB_B6_IRAS12345.txt",
    "README.header.txt",
]


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "qa2-demo"
    proc = run_cli("demo", str(out))
    assert "Done. The SB root is" in proc.stdout
    return out / "analysis" / "B6_IRAS12345"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_filled_sample_documents_match_golden(demo_root, name, update_golden):
    produced = (demo_root / name).read_bytes()
    if update_golden:
        EXPECTED.mkdir(exist_ok=True)
        (EXPECTED / name).write_bytes(produced)
    assert produced == (EXPECTED / name).read_bytes(), f"{name} differs (pytest --update-golden)"


def test_demo_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x").write_text("mine")
    proc = run_cli("demo", str(tmp_path), check=2)
    assert proc.stderr == f"qa2docs: error: {tmp_path}: exists and is not empty; name a new folder\n"
    assert (tmp_path / "x").read_text() == "mine"


def test_refill_of_the_sample_changes_nothing(demo_root):
    before = {n: (demo_root / n).read_bytes() for n in DOCUMENTS}
    out = run_cli("fill", str(demo_root)).stdout
    assert {n: (demo_root / n).read_bytes() for n in DOCUMENTS} == before
    assert out.count("[unchanged]: filled 0") == len(DOCUMENTS)
