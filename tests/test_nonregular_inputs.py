"""Hostile inputs through the real entry point (issue 10, items 2, 3, 8 and 10): a FIFO in
an EB dir never makes a command wait, a broken qa2docs.yaml is one ``FILE:LINE`` error, a
value of 5,000 digits is a finding, never an internal error."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run_cli
from validate_support import README, SB, X66D, build_filled_sample

X66D_DIR = Path(SB) / "X66d"
HUGE = "9" * 5000


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return build_filled_sample(tmp_path_factory.mktemp("sample") / "seed")


@pytest.fixture
def sb(filled, tmp_path) -> Path:
    root = tmp_path / "top" / SB
    shutil.copytree(filled, root, symlinks=True)
    return root


def _one_line_error(proc, path: Path, line: int, message: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stderr == f"qa2docs: error: {path}:{line}: {message}\n"


# ---------------------------------------------------------------------------- qa2docs.yaml

YAML_CASES = {
    "nul": (b"project_code: 2013.1.12345.S\nsb_name: B6\x00\n", 2,
            "holds a NUL byte: binary, not text"),
    "utf16": ("project_code: 2013.1.12345.S\n".encode("utf-16"), 1,
              "UTF-16 text: save it as UTF-8"),
    "binary": (b"project_code: 2013.1.12345.S\npi: \xff\xfe\x80\n", 2,
               "not UTF-8 text (byte 0xff): save it as UTF-8"),
    "long number": (f"project_code: 2013.1.12345.S\ncycle: {HUGE}\n".encode(), 2,
                    "a number of 5000 digits: not a project fact"),
    "deep nesting": (b"project_code: 2013.1.12345.S\nx: " + b"[" * 20000 + b"]" * 20000
                     + b"\n", 2, "nested too deeply: qa2docs.yaml holds flat project facts"),
    "too large": (b"project_code: 2013.1.12345.S\nx: '" + b"a" * (64 << 20) + b"'\n", 1,
                  f"{(64 << 20) + 35} bytes: too large for a file of project facts "
                  f"(at most 1 MiB)"),
    "unclosed": (b"project_code: 2013.1.12345.S\nx: [\n", 3,
                 "not valid YAML: expected the node content, but found '<stream end>'"),
}


@pytest.mark.parametrize("case", list(YAML_CASES))
def test_broken_project_file_is_one_located_line(sb, case):
    content, line, message = YAML_CASES[case]
    (sb / "qa2docs.yaml").write_bytes(content)
    proc = subprocess.run([sys.executable, "-m", "qa2docs", "validate", str(sb)],
                          capture_output=True, text=True, timeout=60)
    _one_line_error(proc, sb / "qa2docs.yaml", line, message)


# ---------------------------------------------------------------------------- numbers


def test_band_and_readme_cycle_of_5000_digits_are_findings(sb):
    checklist, readme = sb / X66D, sb / README
    checklist.write_text(re.sub(r"(?m)^Band\(s\)(\s*):.*$", rf"Band(s)\1: {HUGE}",
                                checklist.read_text()))
    readme.write_text(re.sub(r"(?m)^Cycle:.*$", f"Cycle: {HUGE}", readme.read_text()))
    proc = run_cli("validate", str(sb), check=1)
    assert "internal error" not in proc.stderr
    band = next(ln for ln in proc.stdout.splitlines() if ln.startswith("WARNING QA2108"))
    assert f"{X66D}:12: Band(s) is '{'9' * 40}... (5000 characters)'" in band
    assert (f"ERROR QA2107 {README}:5: Cycle '{'9' * 40}... (5000 characters)' is not a "
            f"number") in proc.stdout
    run_cli("report", "--html", str(sb))


# ---------------------------------------------------------------------------- FIFO


def _run(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI in its own session; fail (and kill the session) if it does not finish,
    and check that it leaves no process behind (batch's workers)."""
    proc = subprocess.Popen([sys.executable, "-m", "qa2docs", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=dict(os.environ, COLUMNS="200"))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"qa2docs {' '.join(args)} did not finish in {timeout} s (a FIFO read?)")
    left = subprocess.run(["ps", "-o", "pid=", "-s", str(proc.pid)], capture_output=True,
                          text=True).stdout.split()
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
    assert left == [], f"qa2docs {' '.join(args)} left processes behind: {left}"
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def test_fifos_bearing_input_names_are_skipped_with_a_warning(sb):
    eb = sb / X66D_DIR
    asdm = next(p for p in eb.iterdir() if p.is_symlink())
    target = asdm.resolve()
    asdm.unlink()
    shutil.copytree(target, asdm)
    (asdm / "Antenna.xml").unlink()
    fifos = [eb / "casapy-20990101-000000.log", eb / "x.ms.split.listobs.txt",
             asdm / "Antenna.xml", sb / SB / "calibrated" / "scriptForImaging.py"]
    (sb / SB / "calibrated" / "scriptForImaging.py").unlink()
    for fifo in fifos:
        os.mkfifo(fifo)
    proc = _run(["validate", str(sb)])
    assert proc.returncode == 1, proc.stderr
    for name in ("casapy-20990101-000000.log", "x.ms.split.listobs.txt"):
        assert (f"WARNING QA2402 {X66D_DIR}/{name}: not a regular file (a FIFO, socket or "
                f"device): not read") in proc.stdout
    assert f"{X66D_DIR}/{asdm.name}/Antenna.xml: not a regular file; not read" in proc.stdout
    assert f"QA2402 {SB}/calibrated/scriptForImaging.py" in proc.stdout
    assert _run(["report", "--html", str(sb)]).returncode == 0
    filled = _run(["fill", str(sb)])
    assert filled.returncode == 0 and "casapy-20990101-000000.log" in filled.stderr
    batch = _run(["batch", str(sb.parent), "--html", "--jobs", "2", "--force"])
    assert batch.returncode == 0, batch.stderr
    assert "1 with input problems" in batch.stdout
    assert (f"qa2docs: input problem: {SB}/WARNING QA2402 {X66D_DIR}/casapy-20990101-000000.log"
            in batch.stderr)
