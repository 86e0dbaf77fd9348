"""The fact cache: a cached FactSet equals a fresh one, and any change of an input, of the
inputs found or of the code makes it extract again."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import re
import shutil
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

import qa2docs
from helpers import run_cli, start_sample
from qa2docs import api
from qa2docs.collect import cache as factcache
from qa2docs.collect import extraction as collect
from qa2docs.discover.layout import discover
from qa2docs.extractors.base import ExtractionWarning
from qa2docs.models.facts import make_fact

SB = "B6_IRAS12345"
X66D = "uid___A002_Xdd9c61_X66d"
NOW = datetime(2024, 8, 1, 12, 0, tzinfo=timezone.utc)
HOUR_AGO_NS = (time.time_ns() - 3600 * 10**9) // 10**9 * 10**9


def _age(tree: Path, ns: int = HOUR_AGO_NS) -> None:
    """Date every file below *tree* at *ns*: older than the cache's racy window."""
    for top, _, files in os.walk(tree):
        for name in files:
            path = Path(top) / name
            if not path.is_symlink():
                os.utime(path, ns=(ns, ns))


@pytest.fixture
def root(tmp_path) -> Path:
    """The sample SB after ``qa2docs start`` and the reducer's outputs, not filled."""
    dest = tmp_path / "seed"
    sb_root = start_sample(dest)
    _age(dest)
    return sb_root


@pytest.fixture
def extractions(monkeypatch) -> list[Path]:
    """The directories the collection stage really extracted (cache misses), in order."""
    done: list[Path] = []
    real = collect._extract

    def counting(directory, *args):
        done.append(directory)
        return real(directory, *args)

    monkeypatch.setattr(collect, "_extract", counting)
    return done


def _cli(monkeypatch, *args: str, no_cache: bool = False, check: int | None = 0) -> str:
    """``qa2docs ARGS``'s stdout, with the cache on or off."""
    if no_cache:
        monkeypatch.setenv(factcache.NO_CACHE_ENV, "1")
    else:
        monkeypatch.delenv(factcache.NO_CACHE_ENV, raising=False)
    return run_cli(*args, check=check).stdout


def _eb(root: Path):
    return next(eb for eb in discover(root).ebs if eb.uid == X66D)


def _fresh(eb) -> dict:
    return collect.extract_dir(eb.dir, eb.uid, "eb").to_json()


def _cache_files(root: Path) -> list[Path]:
    return sorted(factcache.cache_dir(root).glob("*.json"))


# ---------------------------------------------------------------------------- same facts


def test_cached_facts_equal_fresh_ones_for_every_eb_and_the_sb(root, extractions):
    sb = discover(root)
    fresh = {eb.uid: _fresh(eb) for eb in sb.ebs}
    fresh_sb = collect.extract_dir(sb.calibrated, sb.name, "sb").to_json("dir")
    extractions.clear()
    cold = {eb.uid: collect.eb_facts(eb) for eb in sb.ebs}
    cold_sb = collect.sb_facts(sb)
    assert len(extractions) == 3 and len(_cache_files(root)) == 3
    warm = {eb.uid: collect.eb_facts(eb) for eb in sb.ebs}
    warm_sb = collect.sb_facts(sb)
    assert len(extractions) == 3, "the second round came from the cache"
    for uid, fs in warm.items():
        assert fs.to_json() == cold[uid].to_json() == fresh[uid]
        assert fs.all_facts == cold[uid].all_facts
        assert fs.warnings == cold[uid].warnings and fs.inputs == cold[uid].inputs
    assert warm_sb.to_json("dir") == cold_sb.to_json("dir") == fresh_sb
    assert any(f.provenance and f.provenance[0].excerpt for f in warm[X66D].facts.values())


def test_explain_and_facts_print_the_same_evidence_from_the_cache(root, monkeypatch):
    explain = ("explain", str(root / SB / "X66d"), "bandpass.refant")
    fresh = _cli(monkeypatch, *explain, no_cache=True)
    assert not factcache.cache_dir(root).exists()
    cold = _cli(monkeypatch, *explain)
    assert _cache_files(root)
    warm = _cli(monkeypatch, *explain)
    assert "refant" in fresh and fresh == cold == warm
    facts = ("facts", str(root), "--format", "json")
    assert _cli(monkeypatch, *facts) == _cli(monkeypatch, *facts) == _cli(
        monkeypatch, *facts, no_cache=True)


def _undated(html: str) -> str:
    """*html* with its inline SVG plots decoded and their matplotlib creation date removed."""

    def svg(m: re.Match) -> str:
        return re.sub(r"<dc:date>[^<]*</dc:date>", "", base64.b64decode(m[1]).decode())

    return re.sub(r"data:image/svg\+xml;base64,([^\"]+)", svg, html)


def test_report_html_is_the_same_from_the_cache(root, extractions):
    api.fill(root)
    shutil.rmtree(factcache.cache_dir(root))
    from qa2docs.report.build import make_reports

    cold = {p.name: _undated(p.read_text()) for p in make_reports(root, pdf=False, now=NOW)}
    misses = len(extractions)
    warm = {p.name: _undated(p.read_text()) for p in make_reports(root, pdf=False, now=NOW)}
    assert len(extractions) == misses, "the second report came from the cache"
    assert warm == cold and len(cold) == 3


# ---------------------------------------------------------------------------- invalidation


def _touch(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def _add_plot(eb_dir: Path) -> None:
    folder = next(eb_dir.glob("*.tsys.plots"))
    shutil.copy(next(folder.glob("*.png")), folder / "extra_tsys_spw99.png")
    _age(folder)


def _add_log(eb_dir: Path) -> None:
    log = next(eb_dir.glob("casa*.log"))
    shutil.copy2(log, eb_dir / "casa-20990101-000000.log")


CHANGES = {
    "touch the listobs": lambda d: _touch(next(d.glob("*.ms.listobs"))),
    "touch a file in the ASDM behind its link": lambda d: _touch(d / X66D / "ASDM.xml"),
    "rewrite the script, same size": lambda d: [
        p.write_bytes(p.read_bytes().replace(b"DV", b"DA")) or _age(d, HOUR_AGO_NS + 10**9)
        for p in d.glob("*.scriptForCalibration.py")],
    "add a plot": _add_plot,
    "add a casa log": _add_log,
    "remove the fluxscale file": lambda d: next(d.glob("*.fluxscale")).unlink(),
    "remove a plot folder": lambda d: shutil.rmtree(next(d.glob("*.tsys.plots"))),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_input_extracts_again(root, extractions, change):
    eb = _eb(root)
    before = collect.eb_facts(eb).to_json()
    CHANGES[change](eb.dir)
    extractions.clear()
    after = collect.eb_facts(eb)
    assert extractions == [eb.dir]
    assert after.to_json() == _fresh(eb)
    if change not in ("touch the listobs", "touch a file in the ASDM behind its link"):
        assert after.to_json() != before


def test_an_unchanged_eb_is_not_extracted_again_when_another_changes(root, extractions):
    sb = discover(root)
    for eb in sb.ebs:
        collect.eb_facts(eb)
    other = next(eb for eb in sb.ebs if eb.uid != X66D)
    _touch(next(other.dir.glob("*.ms.listobs")))
    extractions.clear()
    for eb in sb.ebs:
        collect.eb_facts(eb)
    assert extractions == [other.dir]


def test_a_new_version_or_extractor_extracts_again(root, extractions, monkeypatch):
    eb = _eb(root)
    collect.eb_facts(eb)
    monkeypatch.setattr(qa2docs, "__version__", "99.0")
    collect.eb_facts(eb)
    collect.eb_facts(eb)
    assert len(extractions) == 2
    real = collect.get_extractors

    class ThirdParty(real()["listobs"]):
        name = "thirdparty"

    monkeypatch.setattr(collect, "get_extractors", lambda: {**real(), "thirdparty": ThirdParty})
    collect.eb_facts(eb)
    assert len(extractions) == 3


def test_editing_an_extractor_source_changes_the_code_digest(tmp_path, monkeypatch):
    module = tmp_path / "my_extractor.py"
    module.write_text("from qa2docs.extractors.base import Extractor\n"
                      "class Mine(Extractor):\n    name = 'mine'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from my_extractor import Mine  # type: ignore[import-not-found]

    extractors = {**collect.get_extractors(), "mine": Mine}
    before = factcache.code_digest(extractors)
    assert factcache.code_digest(extractors) == before
    module.write_text(module.read_text() + "    patterns = ('*.mine',)\n")
    assert factcache.code_digest(extractors) != before
    assert factcache.code_digest(collect.get_extractors()) != before
    sys.modules.pop("my_extractor", None)


def test_a_file_changed_just_now_is_not_cached(root):
    eb = _eb(root)
    os.utime(next(eb.dir.glob("*.ms.listobs")))  # now: its stat may not move on a rewrite
    collect.eb_facts(eb)
    assert not _cache_files(root)


# ---------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("content", [b"", b"\x00garbage{", b'{"key": "x"}', b"[1, 2]",
                                     b'{"key": "KEY", "name": 3}'])
def test_a_corrupt_cache_file_is_ignored_and_rewritten(root, extractions, content):
    eb = _eb(root)
    expected = collect.eb_facts(eb).to_json()
    (path,) = _cache_files(root)
    key = json.loads(path.read_text())["key"]
    path.write_bytes(content.replace(b"KEY", key.encode()))
    assert collect.eb_facts(eb).to_json() == expected
    assert len(extractions) == 2
    assert json.loads(path.read_text())["key"] == key
    collect.eb_facts(eb)
    assert len(extractions) == 2


def test_a_cache_file_of_another_format_is_ignored(root, extractions, monkeypatch):
    eb = _eb(root)
    collect.eb_facts(eb)
    monkeypatch.setattr(factcache, "FORMAT", factcache.FORMAT + 1)
    collect.eb_facts(eb)
    assert len(extractions) == 2


def test_facts_json_does_not_give_back_are_not_cached(root):
    eb = _eb(root)
    extractors = collect.get_extractors()
    inputs = collect.eb_inputs(eb.dir, extractors, "eb")
    cache = factcache.open_cache(root, eb.dir, eb.uid, "eb", inputs, extractors)
    assert cache is not None and not cache.racy
    for value in [(1, 2), float("nan"), {1: "a"}]:
        fact = make_fact("x", value, "test", "f")
        fs = collect.FactSet(eb.uid, {"x": fact}, [fact], [], [])
        assert cache.save(fs) is False and cache.load() is None
    fact = make_fact("x", [1, 1.5e-7, 2**70, {"a": None, "é": "\t"}], "test", "f", line=3)
    warning = ExtractionWarning("casa.log", None, "WARN in the log")
    assert cache.save(collect.FactSet(eb.uid, {"x": fact}, [fact], [warning], [eb.dir])) is True
    hit = cache.load()
    assert hit.facts == {"x": fact} and hit.warnings == [warning] and hit.inputs == [str(eb.dir)]


def test_no_cache_env_and_bare_eb_dir_write_nothing(root, tmp_path, monkeypatch):
    eb = _eb(root)
    monkeypatch.setenv("QA2DOCS_NO_CACHE", "1")
    collect.eb_facts(eb)
    assert not factcache.cache_dir(root).exists()
    monkeypatch.delenv("QA2DOCS_NO_CACHE")
    bare = tmp_path / "bare" / "X66d"
    shutil.copytree(eb.dir, bare, symlinks=True)
    out = _cli(monkeypatch, "facts", str(bare), "--format", "json")
    assert json.loads(out)["eb"] == X66D
    assert [p for p in (tmp_path / "bare").rglob("*") if ".qa2docs" in p.parts] == []


def test_an_unwritable_state_dir_is_no_error(root):
    eb = _eb(root)
    shutil.rmtree(root / ".qa2docs")
    (root / ".qa2docs").write_text("not a folder")
    assert collect.eb_facts(eb).to_json() == _fresh(eb)
    assert (root / ".qa2docs").read_text() == "not a folder"


def _facts_in_child(root: str, queue) -> None:
    sb = discover(Path(root))
    queue.put([json.dumps(collect.eb_facts(eb).to_json(), sort_keys=True) for eb in sb.ebs])


def test_processes_filling_the_cache_at_once_leave_it_whole(root):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_facts_in_child, args=(str(root), queue)) for _ in range(4)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert all(r == results[0] for r in results)
    files = _cache_files(root)
    assert len(files) == 2
    assert not [p for p in factcache.cache_dir(root).iterdir() if p.name.endswith(".tmp")]
    sb = discover(root)
    assert [json.dumps(_fresh(eb), sort_keys=True) for eb in sb.ebs] == results[0]


def test_a_reader_never_sees_a_torn_cache_file(root, monkeypatch):
    """The writer is paused between writing the new file and renaming it into place; a
    reader polling all the while only ever reads the old or the new file, each whole."""
    eb = discover(root).ebs[0]
    collect.eb_facts(eb)
    [path] = [p for p in _cache_files(root) if eb.uid in p.name]
    old = path.read_bytes()
    _age(eb.dir, HOUR_AGO_NS - 60 * 10**9)  # the inputs' stat changes: a new cache entry
    paused, resume, stop = threading.Event(), threading.Event(), threading.Event()
    real_replace = os.replace

    def replace_after_a_pause(src, dst, *args, **kwargs):
        if Path(dst) == path:
            paused.set()
            resume.wait(60)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace_after_a_pause)
    seen: list[bytes] = []

    def poll() -> None:
        while not stop.is_set():
            seen.append(path.read_bytes())

    writer = threading.Thread(target=collect.eb_facts, args=(eb,))
    reader = threading.Thread(target=poll)
    reader.start()
    writer.start()
    try:
        assert paused.wait(60), "the cache file was not renamed into place: not an atomic write"
        assert path.read_bytes() == old  # the new text is all written, the old file still whole
        [tmp] = [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
        new = tmp.read_bytes()
        assert new != old and json.loads(new)["key"] != json.loads(old)["key"]
    finally:
        resume.set()
        writer.join(60)
        stop.set()
        reader.join(60)
    assert path.read_bytes() == new
    assert seen and set(seen) <= {old, new}


# ---------------------------------------------------------------------------- the CLI


def test_demo_output_is_the_same_with_and_without_the_cache(tmp_path, monkeypatch):
    runs = {}
    for name, no_cache in (("cached", False), ("fresh", True)):
        out = tmp_path / name
        demo = _cli(monkeypatch, "demo", str(out), no_cache=no_cache)
        sb_root = out / "analysis" / SB
        validate = _cli(monkeypatch, "validate", str(sb_root), "--format", "json",
                        no_cache=no_cache, check=None)
        runs[name] = (demo.replace(str(out), "OUT"),
                      {p.name: p.read_bytes() for p in sb_root.glob("*.txt")},
                      validate.replace(str(out), "OUT"), _cache_files(sb_root))
    assert len(runs["cached"][3]) == 3 and runs["fresh"][3] == []
    assert runs["cached"][:3] == runs["fresh"][:3]


def test_fill_prunes_the_cache_of_eb_dirs_renamed_since(root):
    api.fill(root)
    cache = factcache.cache_dir(root)
    before = sorted(p.name for p in cache.iterdir() if p.suffix == ".json")
    assert len(before) == 3  # the two EB dirs and calibrated/
    (root / SB / "X66d").rename(root / SB / "X66d_renamed")
    api.fill(root)
    after = sorted(p.name for p in cache.iterdir() if p.suffix == ".json")
    assert len(after) == 3 and set(after) != set(before)
    gone = set(before) - set(after)
    assert len(gone) == 1 and next(iter(gone)).startswith(f"eb-{X66D}-")
    assert not any(p.name.startswith(next(iter(gone))) for p in cache.iterdir())
    api.fill(root, dry_run=True)  # a dry run removes nothing
    assert sorted(p.name for p in cache.iterdir() if p.suffix == ".json") == after


def test_saving_takes_no_lock_file_and_prune_drops_the_old_ones(root):
    """The file is written whole and renamed: no lock file is made, and those earlier
    versions left (beside current files too) go with the next prune."""
    api.fill(root)
    cache = factcache.cache_dir(root)
    names = sorted(p.name for p in cache.iterdir())
    assert len(names) == 3 and all(n.endswith(".json") for n in names)
    for name in names:
        (cache / f"{name}.lock").write_text("")
    api.fill(root)
    assert sorted(p.name for p in cache.iterdir()) == names


def test_every_code_pattern_of_the_digest_names_files():
    """A module moved or split must not drop out of the cache key silently."""
    package = Path(qa2docs.__file__).parent
    for pattern in factcache.CODE:
        assert list(package.glob(pattern)), pattern
    digested = {p.relative_to(package).as_posix() for pattern in factcache.CODE
                for p in package.glob(pattern)}
    assert {"collect/resolve.py", "extractors/calscript/__init__.py",
            "extractors/listobs/__init__.py", "extractors/logscan_hs.py",
            "models/facts.py"} <= digested


def test_a_report_run_looks_at_each_dir_once(root, monkeypatch):
    """make_reports validates, reports and runs the input rules on the same facts: each dir
    is extracted (or its cache read) once, not once per stage."""
    from qa2docs.report.build import make_reports

    looked: list[str] = []
    real = collect._cached_extract_dir

    def counting(directory, *args):
        looked.append(Path(directory).name)
        return real(directory, *args)

    monkeypatch.setattr(collect, "_cached_extract_dir", counting)
    make_reports(root, pdf=False, now=NOW)
    sb = discover(root)
    assert sorted(looked) == sorted([eb.dir.name for eb in sb.ebs] + [sb.calibrated.name])
    looked.clear()
    collect.eb_facts(_eb(root))
    collect.eb_facts(_eb(root))  # outside a report run: looked at on each call
    assert looked == [_eb(root).dir.name] * 2


def test_discover_reads_the_sb_name_once_per_version_of_qa2docs_yaml(tmp_path, monkeypatch):
    """A batch discovers each SB root twice: the SB name is read from qa2docs.yaml once, and
    again when the file changes (or a new root has the same text)."""
    from qa2docs.discover.layout import discover
    from qa2docs.documents import project

    reads = []
    real = project.load_raw
    monkeypatch.setattr(project, "load_raw", lambda path, text=None: reads.append(path)
                        or real(path, text))
    root = tmp_path / "A"
    root.mkdir()
    (root / "qa2docs.yaml").write_text("sb_name: First\n")
    assert discover(root).name == "First" and discover(root).name == "First"
    assert len(reads) == 1
    (root / "qa2docs.yaml").write_text("sb_name: Second_SB\n")
    assert discover(root).name == "Second_SB" and len(reads) == 2
    (root / "qa2docs.yaml").write_text("project_code: 2013.1.12345.S\n")  # no sb_name
    assert discover(root).name == "A" and discover(root).name == "A" and len(reads) == 3


class _Label(str):
    """A str subclass: JSON gives back a plain str (equal, so the round trip keeps it)."""


PLAIN_VALUES = [
    None, True, False, 0, -1, 2**70, -(2**70), 1.5e-7, -0.0, 1e308, 5e-324, "", "é\t\u2028",
    [], {}, [1, [2, [3, {"a": [None, 1.0]}]]], {"a": {"b": []}},
]
"""Values JSON gives back equal: no round trip is needed to know."""
OTHER_VALUES = [
    (1, 2), (), float("nan"), float("inf"), -float("inf"), [1, float("nan")], {1: "a"},
    {"a": {2: 3}}, {(1, 2): 3}, {1, 2}, frozenset(), b"x", _Label("x"), {_Label("k"): 1},
    [(1,)], 1 + 2j, datetime(2024, 1, 1),
]
"""Values of other types: the round trip decides (most are refused, a str subclass is not)."""


def _entry(value):
    fact = make_fact("x", value, "test", "f", line=3, excerpt="e")
    return factcache.CachedFacts(key="k", name="n", facts={"x": fact}, all_facts=[fact],
                                 warnings=[ExtractionWarning("p", 1, "m")], inputs=["i"])


def _survives(entry) -> bool | None:
    try:
        text = entry.model_dump_json()
    except Exception:  # noqa: BLE001 (not JSON at all: save() raises, as it did)
        return None
    return factcache.CachedFacts.model_validate_json(text) == entry


@pytest.mark.parametrize("value", PLAIN_VALUES, ids=[repr(v) for v in PLAIN_VALUES])
def test_a_plain_entry_survives_json(value):
    entry = _entry(value)
    assert factcache.plain_entry(entry) is True
    assert _survives(entry) is True


@pytest.mark.parametrize("value", OTHER_VALUES, ids=[repr(v) for v in OTHER_VALUES])
def test_other_entries_go_through_the_round_trip(value, root):
    entry = _entry(value)
    assert factcache.plain_entry(entry) is False
    survives = _survives(entry)
    if survives is None:
        return
    eb = _eb(root)
    extractors = collect.get_extractors()
    inputs = collect.eb_inputs(eb.dir, extractors, "eb")
    cache = factcache.open_cache(root, eb.dir, eb.uid, "eb", inputs, extractors)
    fact = entry.all_facts[0]
    assert cache.save(collect.FactSet(eb.uid, {"x": fact}, [fact], [], [])) is survives
    assert survives is (value == "x" or value == {"k": 1})


def test_plain_entry_looks_at_every_part_of_the_entry():
    fact = make_fact("x", [1], "test", "f", line=3)
    entry = factcache.CachedFacts(key="k", name="n", facts={"x": fact}, all_facts=[fact],
                                  warnings=[ExtractionWarning("p", None, "m")], inputs=["i"])
    assert factcache.plain_entry(entry)
    odd = fact.model_copy(update={"value": (1,)})
    assert not factcache.plain_entry(entry.model_copy(update={"all_facts": [fact, odd]}))
    assert not factcache.plain_entry(entry.model_copy(update={"facts": {"x": odd}}))
    assert not factcache.plain_entry(entry.model_copy(
        update={"warnings": [ExtractionWarning("p", 1.0, "m")]}))
    assert not factcache.plain_entry(entry.model_copy(update={"inputs": [Path("i")]}))
    assert not factcache.plain_entry(entry.model_copy(
        update={"facts": {"x": fact.model_copy(update={"rank": True})}}))
    bad_line = fact.provenance[0].model_copy(update={"line": "3"})
    assert not factcache.plain_entry(entry.model_copy(
        update={"facts": {"x": fact.model_copy(update={"provenance": (bad_line,)})}}))


def test_plain_entry_checks_every_field_the_models_have():
    """plain_entry names the fields it vouches for: a field added to one of these models
    must be added to its check (until then this fails), or a value JSON changes could be
    cached."""
    import dataclasses

    from qa2docs.models.facts import Fact, Provenance

    assert set(factcache.CachedFacts.model_fields) == {"key", "name", "facts", "all_facts",
                                                       "warnings", "inputs"}
    assert set(Fact.model_fields) == {"field", "value", "provenance", "rank", "note"}
    assert set(Provenance.model_fields) == {"extractor", "file", "line", "end_line", "excerpt"}
    assert {f.name for f in dataclasses.fields(ExtractionWarning)} == {"path", "line",
                                                                       "message", "kind"}
