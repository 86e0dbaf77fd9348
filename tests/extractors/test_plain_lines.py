"""casalog takes plain task banners and step posts from their bytes (``_PLAIN``, in the range
scan's lane or in ``feed``), and taskcall reads the first lines after a banner before its
whole window: the facts and warnings must be those of parsing every line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from test_parallel_readers import both_ways, eb_json, line

from qa2docs.extractors import casalog, logscan, logscan_ranges, taskcall

pytestmark = pytest.mark.usefixtures("marker_search")  # Hyperscan and re

CALL = ("flagdata( vis='a.ms', mode='manual', antenna='DA41', spw='', field='', scan='',"
        " intent='', timerange='', correlation='', uvrange='', reason='any' )")


def rows(b: int) -> list[tuple[str, str, str]]:
    """One block of lines, plain and not quite plain, numbered by *b*."""
    out = [("INFO", "casa", f"Step {b % 9} plain title {b}"),
           ("INFO", "flagdata::::casa", "##### Begin Task: flagdata           #####"),
           ("INFO", "flagdata::::casa", CALL),
           ("INFO", "casa", f"Step {b % 5}a not a step {b}"),
           ("INFO", "casa", f"Step {b % 4}\ttab in the title"),
           ("INFO", "casa", f"Step {b % 3} caf\u00e9 {b}"),
           ("INFO", "casa", "#####   Begin Task: flag\u00e9data #####"),
           ("INFO1", "casa", f"Step {b % 6} an INFO1 post"),
           ("WARN", "casa", f"Step {b % 7} posted as a warning"),
           ("INFO", "casa+", f"Step {b % 8} on a continuation line"),
           ("INFO", "fluxscale::::casa", "##### Begin Task: fluxscale #####"),
           ("INFO", "fluxscale::::casa", f"Flux density for J1 in SpW={b % 2} (freq=1e+11 Hz)"
                                         f" is: {b}.5 +/- 0.1 (SNR = 12, N = 40)"),
           ("INFO", "listobs::::casa", "##### Begin Task: gaincal\tMeasurementSet Name:  "
                                       f"x{b}.ms      MS Version 2"),
           ("INFO", "listobs::::casa", f"   Observer: me{b}     Project: uid://A001/X1/X{b}"),
           ("INFO", "listobs::::casa", "Data records: 657       Total elapsed time = 31.3 seconds"),
           ("INFO", "casa", f"Step {b % 2} fluxscale"),
           ("INFO", "listobs::::casa", "##### Begin Task: listobs #####"),
           ("INFO", "casa", f"Step  {b % 9}   two spaces  "),
           ("INFO", "gaincal::::casa", "##### Begin Task: gaincal #####"),
           ("INFO", "casa", "some filler line"),
           ("INFO", "casa", "another filler line"),
           ("INFO", "gaincal::::casa", "gaincal( vis='a.ms', caltable='b' )"),
           ("INFO", "flagdata::::casa", "##### Begin Task: flagdata #####"),
           ("INFO", "flagdata::::casa", "flagdata( vis='a.ms', mode='manual', antenna="),
           ("INFO", "flagdata::::casa+", "'DV02', reason='any' )"),
           ("INFO", "flagdata::::casa", "##### Begin Task: flagdata #####"),
           ("INFO", "flagdata::::casa", "flagdata( vis='a.ms', mode='manual', antenna=['DV0'")]
    return out


def write_log(path, blocks: int) -> bytes:
    text = []
    n = 0
    for b in range(blocks):
        for priority, origin, message in rows(b):
            text.append(line(n, priority, origin, message))
            n += 1
        text.append(f"2026-11-24 12:00:00  INFO  casa  Step {b % 9} a spaced copy\n")
        text.append(f"2026-11-24 12:00:01\tINFO\tcasa\tStep {b % 9} crlf\r\n")
    data = "".join(text).encode()
    # latin-1 bytes (not UTF-8) in a title and in a task's name
    data = data.replace(b"caf\xc3\xa9 1", b"caf\xe9 1").replace(b"flag\xc3\xa9data", b"flag\xe9data")
    path.write_bytes(data + b"2026-11-24 12:00:02\tINFO\tflagdata::::casa\t"
                            b"##### Begin Task: flagdata #####")  # at the end, no call
    return data


def slow(monkeypatch) -> None:
    """Parse every line, as before the plain lines."""
    monkeypatch.setattr(casalog._LogState, "plain", None)
    monkeypatch.setattr(casalog, "_PLAIN", re.compile(rb"(?!)"))
    monkeypatch.setattr(taskcall, "_HEAD_LINES", 0)
    monkeypatch.setattr(taskcall, "_NOT_CONTINUED", re.compile(rb"(?!)"))


@pytest.mark.parametrize("shown", [1, 7, 1000])
def test_plain_lines_give_the_facts_of_parsed_lines(tmp_path, monkeypatch, shown):
    for name in ("TASKS_SHOWN", "STEPS_SHOWN", "MESSAGES_SHOWN"):
        monkeypatch.setattr(casalog, name, shown)
    path = tmp_path / "casa-20261124-000000.log"
    write_log(path, 40)
    monkeypatch.setattr(logscan, "CHUNK_SIZE", 4096)  # lines straddle the chunks
    fast = eb_json(path)
    with monkeypatch.context() as m:
        slow(m)
        assert eb_json(path) == fast
    data = json.loads(fast)
    facts = data["facts"]
    assert facts["log.steps"]["value"][0] == {"number": 0, "title": "plain title 0", "line": 1}
    assert facts["log.flagged_antennas"]["value"][0]["antennas"] == ["DA41"]
    if shown == 1000:
        assert {"number": 0, "title": "two spaces", "line": 18} in facts["log.steps"]["value"]
        assert "flag\u00e9data" in {t["name"] for t in facts["log.tasks"]["value"]}
        assert ["DV02"] in [f["antennas"] for f in facts["log.flagged_antennas"]["value"]]
    assert any("unreadable or truncated call of task flagdata" in w
               for w in data["warnings"])


@pytest.mark.parametrize("cpus", [2, 3])
def test_plain_lines_at_range_starts(tmp_path, monkeypatch, cpus):
    """The ranges start on a plain banner, a plain step post and a call line."""
    monkeypatch.setattr(casalog, "TASKS_SHOWN", 3)
    path = tmp_path / "casa-20261124-000000.log"
    data = write_log(path, 40)
    starts = [data.index(b"##### Begin Task: flagdata  ", len(data) // 3),
              data.index(b"\tStep ", len(data) // 2), data.index(b"flagdata( ", len(data) // 4)]
    starts = sorted(data.rfind(b"\n", 0, s) + 1 for s in starts)[:cpus - 1]
    real = logscan_ranges.split_ranges

    def split(fd, may_start=None):
        assert len(real(fd, may_start)) == cpus
        return list(zip([0, *starts], [*starts, os.fstat(fd).st_size]))

    one, merged, _ = both_ways(path, monkeypatch, cpus)
    monkeypatch.setattr(logscan_ranges, "split_ranges", split)
    assert eb_json(path) == one == merged
    with monkeypatch.context() as m:
        slow(m)
        assert eb_json(path) == one


class Taker(logscan.LogReader):
    """Takes its step posts as plain lines, except those with ``skip`` in them."""

    message_starts = (rb"Step +\d",)
    plain = re.compile(rb"[^\t\n]*\t[^\t\n]*\t[^\t\n]*\tStep")
    mergeable = True

    def __init__(self) -> None:
        super().__init__(lambda line, message: None)
        self.lines: list[tuple[int, str]] = []

    def feed(self, hit, scanner):
        self.lines.append((hit.number, "hit"))

    def feed_plain(self, match, number, offset, end, scanner):
        if match.string.find(b"skip", match.pos, match.endpos) >= 0:
            return False
        assert match.string[match.pos:match.endpos] == os.pread(scanner._file.fileno(),
                                                                end - offset, offset)
        self.lines.append((number, "plain"))
        return True

    def fresh(self):
        return type(self)()

    def partial(self):
        return self.lines

    def merge(self, partial, lines_before, scanner):
        self.lines += [(n + lines_before, how) for n, how in partial]


class Needled(Taker):
    """Wants the lines with ``listobs(`` after a tab; has a needle."""

    message_starts = (rb"listobs\(",)
    needles = (b"listobs",)
    plain = None


@pytest.mark.parametrize("cpus", [1, 2])
def test_the_lane_gives_a_plain_reader_only_lines_no_other_reader_wants(tmp_path, monkeypatch,
                                                                        cpus):
    path = tmp_path / "casa-20261124-000000.log"
    messages = ["Step 1 plain", "Step 2 plain\tlistobs( vis='a' )", "Step 3 skip",
                "listobs( vis='b' )", "Step 4 a listobs mention"] * 300
    path.write_text("".join(line(n, "INFO", "casa", m) for n, m in enumerate(messages)))
    monkeypatch.setattr(logscan_ranges, "PARALLEL_MIN_SIZE", 32 * 1024)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    taker, needled = Taker(), Needled()
    assert logscan.scan_log(path, [taker, needled]) == {}
    steps = [(n, "hit" if "listobs" in m or "skip" in m else "plain")
             for n, m in enumerate(messages, 1) if m.startswith("Step")]
    assert taker.lines == steps
    assert needled.lines == [(n, "hit") for n, m in enumerate(messages, 1) if "listobs(" in m]


@pytest.mark.parametrize("data", [
    b"", b"\n", b"2024-01-01 00:00:00\tINFO\tx\tm\n", b"junk\n2024-01-01T00:00:00\tWARN\t\n",
    b"2024-01-01 00:00:00 INFO x\n2024-01-01 00:00:00\tSEVERE2\tx\n\n\r\n2024-01-01 00:00",
    b"\n2024-01-01 00:00:00.5\tINFO\t\n2024-01-01 00:00:00\t\t\nx2024-01-01 00:00:00\tA\t",
    b"2024-01-01 00:00:00\tINFO\t" * 3 + b"\n" * 3,
])
def test_count_lines_is_what_findall_counts(data):
    from qa2docs.extractors.logscan_lines import DATED_LINE, TAB_LINE, count_lines
    for pattern in (DATED_LINE, TAB_LINE):
        assert count_lines(pattern, data) == len(pattern.findall(data))


def test_count_lines_on_the_sample_and_corpus_logs():
    from conftest import CORPUS
    from qa2docs.extractors.logscan_lines import DATED_LINE, SNIFF_SIZE, TAB_LINE, count_lines
    repo = Path(__file__).resolve().parents[2]
    logs = sorted(repo.glob("samples/**/*.log")) + sorted(CORPUS.glob("**/*.log"))
    assert logs
    for path in logs:
        head = path.read_bytes()[:SNIFF_SIZE]
        for pattern in (DATED_LINE, TAB_LINE):
            assert count_lines(pattern, head) == len(pattern.findall(head)), path
