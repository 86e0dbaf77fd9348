"""Logs that many sessions append to: the facts of one session's log, bounded lists, the last
complete run winning (casalog, listobs through the shared scan, the resolver)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qa2docs.collect import extraction as collect
from qa2docs.extractors import casalog
from qa2docs.models.facts import Fact, Provenance
from qa2docs.collect.resolve import _combine

pytestmark = pytest.mark.usefixtures("marker_search")  # Hyperscan and re

SAMPLE_LOG = (Path(__file__).parents[2] / "samples" / "seed" / "reduction" / "X66d"
              / "casapy-20140828-093512.log")
COPIES = 3


def log_facts(path: Path) -> dict[str, Fact]:
    """The resolved facts of the casa log *path* alone, as ``qa2docs facts`` makes them."""
    directory = path.parent
    extractors = collect.get_extractors()
    inputs = [(cls, path) for cls in extractors.values()
              if any(path.match(p) for p in getattr(cls, "patterns", ()))]
    return collect._extract(directory, path.name, inputs, extractors).facts


def repeated(source: Path, tmp_path: Path, copies: int = COPIES) -> tuple[Path, int]:
    """*source* appended to itself *copies* times (as casa-*.log); its own line count."""
    data = source.read_bytes()
    path = tmp_path / "casa-20261124-000000.log"
    path.write_bytes(data * copies)
    return path, data.count(b"\n")


def shifted(prov: tuple[Provenance, ...], lines: int, file: str) -> list[tuple]:
    """Provenance as (extractor, file, line, end_line, excerpt), lines moved by *lines*."""
    return [(p.extractor, file, p.line and p.line + lines, p.end_line and p.end_line + lines,
             p.excerpt) for p in prov]


def casa6_logs(corpus_dir: Path) -> list[Path]:
    logs = sorted((corpus_dir / "casa6").glob("casa-*.log"))
    assert logs
    return logs


def assert_last_copy_wins(single: dict[str, Fact], many: dict[str, Fact], lines: int,
                          file: str, grows: set[str]) -> None:
    """Every fact of the repeated log is the single log's, read from the last copy."""
    assert many.keys() == single.keys()
    for name, fact in single.items():
        if name in grows:
            continue
        assert many[name].value == fact.value, name
        assert shifted(many[name].provenance, 0, file) == shifted(
            fact.provenance, (COPIES - 1) * lines, file), name


def test_repeated_corpus_log_keeps_its_facts(corpus_dir, tmp_path):
    for source in casa6_logs(corpus_dir):
        single = log_facts(source)
        path, lines = repeated(source, tmp_path)
        many = log_facts(path)
        grows = {"log.tasks", "log.steps", "log.messages", "log.flagged_antennas"}
        assert_last_copy_wins(single, many, lines, path.name, grows)
        tasks = single["log.tasks"].value
        assert many["log.tasks"].value == [
            {**t, "line": t["line"] + k * lines} for k in range(COPIES) for t in tasks]
        assert many["log.messages"].value["total"] == COPIES * single["log.messages"].value[
            "total"]
        assert all(many[n].note is None for n in grows if n in many)
        if "log.flagged_antennas" in single:  # every session's flagdata calls count
            assert len(many["log.flagged_antennas"].value) == COPIES * len(
                single["log.flagged_antennas"].value)


def test_long_lists_keep_their_first_and_last_entries(corpus_dir, tmp_path, monkeypatch):
    source = casa6_logs(corpus_dir)[0]
    single = log_facts(source)
    monkeypatch.setattr(casalog, "TASKS_SHOWN", 4)
    monkeypatch.setattr(casalog, "STEPS_SHOWN", 3)
    monkeypatch.setattr(casalog, "MESSAGES_SHOWN", 2)
    path, lines = repeated(source, tmp_path)
    many = log_facts(path)
    tasks, n_tasks = single["log.tasks"].value, len(single["log.tasks"].value)
    last = (COPIES - 1) * lines
    assert many["log.tasks"].value == tasks[:4] + [{**t, "line": t["line"] + last}
                                                   for t in tasks[-4:]]
    assert all(t["params"] for t in many["log.tasks"].value)  # the last ones' calls are read
    assert many["log.tasks"].note == (
        f"{COPIES * n_tasks} task calls; first 4 and last 4 shown")
    assert (many["log.tasks"].provenance[0].line, many["log.tasks"].provenance[0].end_line) == (
        tasks[0]["line"], tasks[-1]["line"] + last)
    steps = single["log.steps"].value
    assert [s["line"] for s in many["log.steps"].value] == (
        [s["line"] for s in steps[:3]] + [s["line"] + last for s in steps[-3:]])
    assert many["log.steps"].note.endswith("step posts; first 3 and last 3 shown")
    messages = many["log.messages"].value
    assert len(messages["items"]) == 4 and messages["total"] == (
        COPIES * single["log.messages"].value["total"])
    assert messages["items"][-1]["message"] == single["log.messages"].value["items"][-1][
        "message"]
    assert "WARN/SEVERE messages; first 2 and last 2 shown" in many["log.messages"].note


def test_last_listobs_summary_of_a_repeated_log_wins(tmp_path):
    single = log_facts(SAMPLE_LOG)
    assert "scans" in single and "observation" in single
    path, lines = repeated(SAMPLE_LOG, tmp_path)
    many = log_facts(path)
    grows = {"log.tasks", "log.steps", "log.messages", "apriori.syscal_fix"}  # every copy's
    assert_last_copy_wins(single, many, lines, path.name, grows)
    assert many["apriori.syscal_fix"].provenance[0].end_line == (
        single["apriori.syscal_fix"].provenance[0].end_line + (COPIES - 1) * lines)


def test_a_truncated_last_summary_falls_back_on_the_complete_one(tmp_path):
    data = SAMPLE_LOG.read_bytes()
    lines = data.splitlines(keepends=True)
    antennas = next(i for i, ln in enumerate(lines) if b"\tAntennas: 37:" in ln)
    path = tmp_path / "casa-20261124-000000.log"
    path.write_bytes(data + b"".join(lines[:antennas + 10]))  # the second copy stops early
    many = log_facts(path)
    single = log_facts(SAMPLE_LOG)
    assert many["antennas"].value == single["antennas"].value
    for name in ("antennas", "scans", "observation", "spws"):  # all from the complete one
        assert many[name].provenance == tuple(
            p.model_copy(update={"file": path.name}) for p in single[name].provenance), name


def _combine_pairwise(group: list[Fact], best: Fact) -> Fact:
    """The resolver's former, quadratic combination (pydantic ``==`` on provenance)."""
    value: dict = {}
    provenance: tuple[Provenance, ...] = ()
    for fact in sorted(group, key=lambda f: f.rank):
        value.update({k: v for k, v in fact.value.items() if v not in (None, {}, [])})
        provenance = fact.provenance + tuple(p for p in provenance if p not in fact.provenance)
    return best.model_copy(update={"value": value, "provenance": provenance})


@pytest.mark.parametrize("seed", range(20))
def test_combine_is_the_pairwise_combination(seed):
    rng = random.Random(seed)
    provs = [Provenance(extractor=rng.choice("ab"), file="f", line=rng.randint(1, 3))
             for _ in range(4)]
    group = [Fact(field="observation", rank=rng.choice((10, 20)),
                  value={k: rng.choice((None, 1, 2)) for k in rng.sample("xyz", 2)},
                  provenance=tuple(rng.choices(provs, k=rng.randint(1, 3))))
             for _ in range(rng.randint(2, 6))]
    best = max(enumerate(group), key=lambda ix: (ix[1].rank, ix[0]))[1]
    assert _combine(group, best) == _combine_pairwise(group, best)
