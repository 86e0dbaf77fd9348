"""Extractors on hostile inputs (issue 10, items 8 and 9): numbers of thousands of digits,
a corrupted ``encoding=`` in one ASDM table, a script line of megabytes. Each gives a
warning naming the file and line, never an exception, and keeps the rest of the facts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES
from helpers import extract_facts

from qa2docs.extractors.asdm import AsdmExtractor
from qa2docs.extractors.calscript import CalScriptExtractor
from qa2docs.extractors.listobs import ListobsExtractor
from qa2docs.extractors.script_text import MAX_LINE_BYTES, read_text

SEED = SAMPLES / "seed"
X66D = "uid___A002_Xdd9c61_X66d"
ASDM = SEED / "archive" / "B6_IRAS12345" / X66D
REDUCTION = SEED / "reduction" / "X66d"
HUGE = "9" * 5000


def _replace_line(path: Path, start: str, new: str) -> int:
    """Replace the first line starting with *start* by *new*; its 1-based number."""
    lines = path.read_text().split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith(start))
    lines[number] = new
    path.write_text("\n".join(lines))
    return number + 1


def test_listobs_line_with_a_5000_digit_number_is_skipped_with_a_warning(tmp_path):
    path = tmp_path / f"{X66D}.ms.listobs"
    shutil.copy(REDUCTION / path.name, path)
    line = _replace_line(path, "Data records:",
                         f"Data records: {HUGE}       Total elapsed time = 3103.3 seconds")
    facts, ex = extract_facts(ListobsExtractor, path)
    assert [(w.line, w.message[:13]) for w in ex.warnings] == [(line, "line skipped:")]
    assert "5000 digits" in ex.warnings[0].message
    assert facts["bands"].value == [6]            # the rest of the summary is read


@pytest.mark.parametrize("encoding", ["x-unknown", "utf-32"])
def test_asdm_table_with_a_corrupted_encoding_keeps_the_other_tables(tmp_path, encoding):
    asdm = tmp_path / X66D
    shutil.copytree(ASDM, asdm)
    table = asdm / "Antenna.xml"
    table.write_text(table.read_text(encoding="latin-1").replace(
        'encoding="ISO-8859-1"', f'encoding="{encoding}"', 1), encoding="latin-1")
    intact, _ = extract_facts(AsdmExtractor, ASDM)
    facts, ex = extract_facts(AsdmExtractor, asdm)
    assert [(w.path, w.line) for w in ex.warnings] == [(f"{X66D}/Antenna.xml", 1)]
    assert ex.warnings[0].message.startswith("cannot decode the table: ")
    lost = set(intact) - set(facts)
    assert lost and all(f.startswith("antenna") or f == "array" for f in lost), lost
    assert facts["asdm_uid"] == intact["asdm_uid"] and "bands" in facts


def test_script_line_over_the_limit_is_skipped_with_its_line(tmp_path):
    path = tmp_path / "x.ms.scriptForCalibration.py"
    path.write_bytes(b"a = 1\nx = '" + b"y" * (2 * MAX_LINE_BYTES) + b"'\nb = 2\n")
    warned: list[tuple[int, str]] = []
    text = read_text(path, lambda line, message: warned.append((line, message)))
    assert text == "a = 1\n\nb = 2\n"
    assert warned == [(2, "line of 2 MiB skipped: a line over 1 MiB is data, not code")]


def test_calibration_script_with_an_8_mib_line_keeps_its_facts(tmp_path):
    """The 8 MiB line is skipped with its line number and every other fact stays.

    Its cost (before: 14.6 s and 4.6 GB peak; tokenize on millions of tokens of one line) is
    measured in ``bench/bench_script_line.py``, not here."""
    script = REDUCTION / f"{X66D}.ms.scriptForCalibration.py"
    lines = script.read_text().split("\n")
    lines.insert(20, "flagdata(vis='x.ms', antenna=[" + "1, " * ((8 << 20) // 3) + "])")
    path = tmp_path / script.name
    path.write_text("\n".join(lines))
    facts, ex = extract_facts(CalScriptExtractor, path)
    assert (21, "line of 8 MiB skipped: a line over 1 MiB is data, not code") in [
        (w.line, w.message) for w in ex.warnings]
    intact, _ = extract_facts(CalScriptExtractor, script)
    assert set(facts) == set(intact)


def test_asdm_table_that_cannot_be_read_keeps_the_other_tables(tmp_path, monkeypatch):
    asdm = tmp_path / X66D
    shutil.copytree(ASDM, asdm)
    real_open = open

    def failing_open(file, *args, **kwargs):
        if Path(file).name == "Antenna.xml":
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    facts, ex = extract_facts(AsdmExtractor, asdm)
    assert [(w.path, w.message) for w in ex.warnings] == [
        (f"{X66D}/Antenna.xml", "cannot read the table: Permission denied")]
    assert "bands" in facts and "asdm_uid" in facts
