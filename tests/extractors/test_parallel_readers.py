"""A large casa log is read in ranges by forked workers whose readers' partial results are
merged in file order: the facts and warnings are those of a read in one process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qa2docs.collect import extraction as collect
from qa2docs.extractors import casalog, logscan, logscan_ranges

pytestmark = pytest.mark.usefixtures("marker_search")  # Hyperscan and re

SAMPLE_LOG = (Path(__file__).parents[2] / "samples" / "seed" / "reduction" / "X66d"
              / "casapy-20140828-093512.log")


def eb_json(path: Path) -> str:
    """Everything ``qa2docs facts`` says about the casa log *path* (facts, provenance,
    warnings, all facts before resolution), as JSON."""
    extractors = collect.get_extractors()
    inputs = [(cls, path) for cls in extractors.values()
              if any(path.match(p) for p in getattr(cls, "patterns", ()))]
    return json.dumps(collect._extract(path.parent, path.name, inputs, extractors).to_json())


def both_ways(path: Path, monkeypatch, cpus: int) -> tuple[str, str, list[int]]:
    """The facts of *path* read in one process and in ranges (*cpus* of them); the number of
    ranges merged by each parallel read."""
    monkeypatch.setattr(logscan_ranges, "PARALLEL_MIN_SIZE", 1 << 60)
    one = eb_json(path)
    monkeypatch.setattr(logscan_ranges, "PARALLEL_MIN_SIZE", 32 * 1024)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    merged: list[int] = []
    real = logscan_ranges.split_ranges

    def split(fd, may_start=None):
        ranges = real(fd, may_start)
        merged.append(len(ranges))
        return ranges

    monkeypatch.setattr(logscan_ranges, "split_ranges", split)
    return one, eb_json(path), merged


def repeated(sources: list[Path], tmp_path: Path, copies: int) -> Path:
    path = tmp_path / "casa-20261124-000000.log"
    path.write_bytes(b"".join(p.read_bytes() for p in sources) * copies)
    return path


@pytest.mark.parametrize("copies,cpus,shown", [(7, 2, 4), (7, 4, 4), (6, 3, 1000), (9, 4, 60)])
def test_corpus_logs_give_the_same_facts_in_ranges(corpus_dir, tmp_path, monkeypatch, copies,
                                                   cpus, shown):
    monkeypatch.setattr(casalog, "TASKS_SHOWN", shown)
    monkeypatch.setattr(casalog, "STEPS_SHOWN", shown)
    monkeypatch.setattr(casalog, "MESSAGES_SHOWN", shown)
    sources = sorted((corpus_dir / "casa6").glob("casa-*.log"))
    sources += sorted((corpus_dir / "casa_logs").glob("casa-*.log"))
    one, merged, ranges = both_ways(repeated(sources, tmp_path, copies), monkeypatch, cpus)
    assert ranges == [cpus]
    assert merged == one


@pytest.mark.parametrize("cpus", [2, 4])
def test_sample_log_with_listobs_summaries_in_ranges(tmp_path, monkeypatch, cpus):
    monkeypatch.setattr(casalog, "TASKS_SHOWN", 3)
    one, merged, ranges = both_ways(repeated([SAMPLE_LOG], tmp_path, 5), monkeypatch, cpus)
    assert ranges == [cpus]
    assert merged == one


def line(n: int, priority: str, origin: str, message: str) -> str:
    return f"2026-11-24 12:{n // 60 % 60:02d}:{n % 60:02d}\t{priority}\t{origin}\t{message}\n"


def odd_log(path: Path, blocks: int) -> None:
    """Long WARN continuation runs (a range may not start inside one), unreadable task calls,
    truncated fluxscale lines and version banners, in every block."""
    out, n = [], 0
    for b in range(blocks):
        rows = [("INFO", "casa", f"Step {b % 7} block {b}"),
                ("INFO", "casa", "CASA Version 6.%d.0" % (b % 3)),
                ("INFO", "casa", "##### Begin Task: gaincal   #####"),
                ("INFO", "casa", "gaincal( vis='a.ms', caltable=[1, 2"),
                ("WARN", "flagdata", f"first part {b}")]
        rows += [("WARN", "flagdata+", f"more {b} {k}") for k in range(40)]
        rows += [("INFO", "fluxscale::::", "Flux density for J1 in SpW=0 is: 1.2 +/-"),
                 ("SEVERE", "casa", "done"), ("INFO", "casa", "filler " * 30)]
        for priority, origin, message in rows:
            out.append(line(n, priority, origin, message))
            n += 1
    path.write_text("".join(out))


@pytest.mark.parametrize("cpus", [2, 3, 4])
def test_continuations_warnings_and_versions_merge_in_order(tmp_path, monkeypatch, cpus):
    monkeypatch.setattr(casalog, "TASKS_SHOWN", 5)
    monkeypatch.setattr(casalog, "MESSAGES_SHOWN", 5)
    path = tmp_path / "casa-20261124-000000.log"
    odd_log(path, 60)
    one, merged, ranges = both_ways(path, monkeypatch, cpus)
    assert ranges == [cpus]
    assert merged == one
    data = json.loads(one)
    assert data["warnings"] and "other CASA versions" in data["facts"]["casa_version"]["note"]


def test_no_range_starts_on_a_continuation_line(tmp_path, monkeypatch):
    path = tmp_path / "casa-20261124-000000.log"
    odd_log(path, 60)
    monkeypatch.setattr(logscan_ranges, "PARALLEL_MIN_SIZE", 32 * 1024)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    with open(path, "rb") as f:
        ranges = logscan_ranges.split_ranges(f.fileno(), logscan._may_start_range)
        plain = logscan_ranges.split_ranges(f.fileno())
    data = path.read_bytes()
    assert len(ranges) == 4 and ranges != plain
    for begin, _ in ranges[1:]:
        assert data[begin - 1:begin] == b"\n"
        assert b"flagdata+" not in data[begin:data.index(b"\n", begin)]


class Lines(logscan.LogReader):
    """A mergeable reader keeping the numbers of its lines; *fail_at* raises there."""

    message_starts = (rb"Step +\d",)
    mergeable = True

    def __init__(self, fail_at: int | None = None) -> None:
        super().__init__(lambda line, message: None)
        self.lines: list[int] = []
        self.fail_at = fail_at

    def feed(self, hit, scanner):
        if hit.raw.endswith(b"block 50\n") and self.fail_at:
            raise RuntimeError("bug in a worker")
        self.lines.append(hit.number)

    def fresh(self):
        return Lines(self.fail_at)

    def partial(self):
        return self.lines

    def merge(self, partial, lines_before, scanner):
        self.lines += [n + lines_before for n in partial]


def test_a_reader_failing_in_a_worker_fails_alone(tmp_path, monkeypatch):
    path = tmp_path / "casa-20261124-000000.log"
    odd_log(path, 60)
    monkeypatch.setattr(logscan_ranges, "PARALLEL_MIN_SIZE", 32 * 1024)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    good, bad = Lines(), Lines(fail_at=50)
    failed = logscan.scan_log(path, [good, bad])
    assert list(failed) == [1] and "bug in a worker" in str(failed[1])
    text = path.read_text().splitlines()
    assert good.lines == [n for n, t in enumerate(text, 1) if "\tStep " in t]
    assert len(good.lines) == 60


def test_every_casalog_state_is_merged(tmp_path):
    """A new attribute of the casalog reader's state must be merged too (add it to
    ``_PARTIAL`` and ``merge``), or a large log read in ranges would lose it."""
    state = casalog._LogState(casalog.CasaLogExtractor(), tmp_path / "casa-1.log")
    not_state = {"warn", "ex", "path", "file", "runs", "in_worker", "warned_from"}
    assert set(vars(state)) - not_state == set(casalog._LogState._PARTIAL)
