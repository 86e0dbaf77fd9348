"""Regenerate the QA2 reports of every SB root under a folder, incrementally.

    >>> from qa2docs.workflow.batch import run_batch, sb_roots
    >>> [o.status for o in run_batch(sb_roots("/analysis/me"), jobs=4)]

An SB root is skipped when nothing it is made from changed since its reports were written:
its checklists, qa2docs.yaml and README.header.txt, every input file an extractor reads in
its EB dirs, and the entries of ``calibrated/``. Their mtimes (and the reports') are kept
in ``<SB root>/.qa2docs/batch.json`` after each run (:func:`run_batch` writes the reports
without a fsync each and records them once the file system is flushed, every
:data:`SYNC_EVERY` roots and at the end). One failing SB root is reported and
the others go on. ``jobs > 1`` spreads the SB roots over a process pool; a dask.distributed
scheduler address (``tcp://host:8786``, the optional ``dask`` extra) spreads them over the
scheduler's workers instead, which must have qa2docs installed and see the same paths.
"""

from __future__ import annotations

import gc
import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from qa2docs.collect.inputs import eb_inputs
from qa2docs.discover.layout import STATE_DIR, SBLayout, discover
from qa2docs.errors import Qa2DocsError
from qa2docs.fileio import (
    sync_file_system,
    trace_worker,
    unsynced_derived_files,
    write_atomically,
)

BATCH_STATE = "batch.json"
_STATE_VERSION = 2


@dataclass
class Outcome:
    """What happened to one SB root: ``regenerated``, ``skipped`` or ``failed``."""

    root: Path
    status: str
    message: str = ""
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """The SB's input problems (``validate``'s input rules, QA2401-QA2404), one line each:
    reports made from a broken input are not a silent success."""
    state: dict | None = field(default=None, repr=False)
    """What to record in batch.json once the reports are on disk (``deferred`` runs)."""


def input_problems(sb: SBLayout) -> list[str]:
    """The findings of the input rules on *sb*, as ``validate`` prints them."""
    from qa2docs.validate.context import SBContext
    from qa2docs.validate.inputs import check_eb_inputs, check_sb_inputs

    ctx = SBContext(sb, None, ebs=list(sb.ebs))
    found = [f for eb in sb.ebs for f in check_eb_inputs(ctx, eb)] + list(check_sb_inputs(ctx))
    return [f"{sb.name}/{f.text()}" for f in found]


def _mtimes(paths: Iterable[Path], root: Path) -> dict[str, int]:
    """Relative path -> mtime in ns of each path that exists (links followed)."""
    out = {}
    for p in paths:
        try:
            out[os.path.relpath(p, root)] = p.stat().st_mtime_ns
        except OSError:
            continue
    return out


def input_files(sb: SBLayout) -> list[Path]:
    """Every file the reports of *sb* are made from (folders with their direct entries)."""
    from qa2docs.extractors.registry import get_extractors

    extractors = get_extractors()
    found = [p for p in sb.root.glob("Checklist_SB_*.txt")]
    found += [sb.project_file, sb.readme]
    for eb in sb.ebs:
        # the EB dir itself: an entry added or removed (a FIFO, a deleted script) moves its
        # mtime, which the input rules' findings depend on
        found += [eb.dir, *(p for _, p in eb_inputs(eb.dir, extractors, "eb"))]
    found += [p for _, p in eb_inputs(sb.calibrated, extractors, "sb")]
    if sb.calibrated.is_dir():
        found += [sb.calibrated, *sb.calibrated.iterdir()]
    for p in list(found):
        if p.is_dir():
            found += list(p.iterdir())
    return sorted(set(found))


def state_path(root: Path) -> Path:
    """``<SB root>/.qa2docs/batch.json``."""
    return root / STATE_DIR / BATCH_STATE


def _load_state(root: Path) -> dict:
    try:
        data = json.loads(state_path(root).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == _STATE_VERSION else {}


def up_to_date(root: Path, inputs: dict[str, int], formats: list[str],
               state: dict | None = None) -> bool:
    """Whether the last run saw exactly these inputs (same files, same mtimes: the reports
    are newer than all of them), wrote these *formats*, and its reports are untouched.

    Comparing with the recorded mtimes rather than with the reports' own ones also catches
    an input replaced by an older copy, and is not fooled by a file dated in the future.
    """
    state = _load_state(root) if state is None else state
    if not state or state.get("inputs") != inputs or not isinstance(state.get("problems"), list):
        return False
    if not set(formats) <= set(state.get("formats") or []):
        return False
    reports = state.get("reports") or {}
    return bool(reports) and _mtimes((root / rel for rel in reports), root) == reports


def regenerate(root: Path | str, html: bool = True, pdf: bool = True,
               force: bool = False, deferred: bool = False) -> Outcome:
    """Regenerate the reports of one SB root unless they are up to date; never raises.

    *deferred*: write the reports without their fsyncs and leave batch.json to the caller
    (the outcome's ``state``, for :class:`_Recorder`): a crash must not leave batch.json
    naming a report that never reached the disk."""
    root = Path(root)
    trace_worker(f"batch:{root.name}")
    try:
        sb = discover(root)
        inputs = _mtimes(input_files(sb), root)
        formats = [f for f, wanted in (("html", html), ("pdf", pdf)) if wanted]
        state = _load_state(root)
        if not force and up_to_date(root, inputs, formats, state):
            # the input problems depend only on the inputs (their mtimes, the EB dirs'
            # entries, the links' targets), all in the key: the recorded ones still hold
            return Outcome(root, "skipped", "up to date", problems=list(state["problems"]))
        from qa2docs.collect.extraction import extraction_scope
        from qa2docs.report.build import make_reports

        # the input rules see the facts the reports were made from
        with extraction_scope(), unsynced_derived_files() if deferred else nullcontext():
            written = make_reports(root, html=html, pdf=pdf)
            problems = input_problems(sb)
        state = {"version": _STATE_VERSION, "inputs": inputs, "formats": formats,
                 "reports": _mtimes(written, root), "problems": problems}
        outcome = Outcome(root, "regenerated", f"{len(written)} report file(s)", written,
                          problems)
        if deferred:
            outcome.state = state
        else:
            _write_state(root, state)
        return outcome
    except Qa2DocsError as err:
        return Outcome(root, "failed", str(err))
    except Exception as err:  # one broken SB must not stop the batch
        if os.environ.get("QA2DOCS_DEBUG") == "1":
            raise
        return Outcome(root, "failed", f"{type(err).__name__}: {err}")


def _write_state(root: Path, state: dict) -> None:
    write_atomically(state_path(root), json.dumps(state, indent=1, sort_keys=True) + "\n",
                     durable=False)  # lost, the next run regenerates


SYNC_EVERY = 50
"""SB roots regenerated between two flushes of the file system (and their batch.json)."""


class _Recorder:
    """Writes the batch.json of deferred outcomes, :data:`SYNC_EVERY` roots at a time, after
    one ``syncfs`` of each file system their reports are on (instead of ~6 fsyncs a root)."""

    def __init__(self) -> None:
        self.pending: list[Outcome] = []

    def add(self, outcome: Outcome) -> None:
        if outcome.state is not None:
            self.pending.append(outcome)
            if len(self.pending) >= SYNC_EVERY:
                self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        folders = {}
        for outcome in pending:
            for path in outcome.written:
                try:
                    folders.setdefault(os.stat(path.parent).st_dev, path.parent)
                except OSError:
                    continue
        try:
            for folder in folders.values():
                sync_file_system(folder)
        except OSError:
            return  # not known to be on disk: not recorded, so regenerated next time
        for outcome in pending:
            _write_state(outcome.root, outcome.state)  # type: ignore[arg-type]
            outcome.state = None


GC_THRESHOLDS = (2000, 20, 20)
"""The collector's thresholds in a process that regenerates SB roots one after another
(Python's are 700, 10, 10): matplotlib and the models leave many young objects per root."""
_gc_settled = False


def _settle_gc() -> None:
    """Once per process, after its first SB root (when matplotlib, the models and the
    templates are loaded): move everything alive to the collector's permanent generation and
    collect less often. Full collections scanned those objects again for every root: ~15 %
    of a root's CPU."""
    global _gc_settled
    if not _gc_settled:
        _gc_settled = True
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)


def _regenerate_settled(root: Path, html: bool, pdf: bool, force: bool) -> Outcome:
    """:func:`regenerate` in a pool worker, then :func:`_settle_gc` (only in the processes
    the pool starts: a caller's process or a dask worker is not ours to tune)."""
    outcome = regenerate(root, html, pdf, force, deferred=True)
    if outcome.status == "regenerated":
        _settle_gc()
    return outcome


def sb_roots(top: Path | str) -> list[Path]:
    """The SB roots (folders with qa2docs.yaml) at or below *top*, sorted."""
    from qa2docs.validate.run import find_sb_roots

    top = Path(top)
    if not top.is_dir():
        raise Qa2DocsError(f"{top}: not a folder")
    return find_sb_roots(top)


def run_batch(roots: Iterable[Path], jobs: int = 1, html: bool = True, pdf: bool = True,
              force: bool = False, on_done: Callable[[Outcome], None] | None = None,
              dask_address: str | None = None) -> list[Outcome]:
    """Regenerate the reports of every SB root in *roots* (see :func:`sb_roots`), *jobs* at
    a time, or on the workers of the dask scheduler at *dask_address*; *on_done* is called
    as each one ends. Returns the outcomes sorted by root."""
    roots = [Path(root).resolve() for root in roots]
    outcomes: list[Outcome] = []
    recorder = _Recorder()

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        recorder.add(outcome)
        if on_done:
            on_done(outcome)

    try:
        if dask_address:  # remote workers: each one syncs its reports and writes batch.json
            _run_on_dask(dask_address, roots, (html, pdf, force), done)
        elif jobs <= 1 or len(roots) <= 1:
            for root in roots:
                done(regenerate(root, html, pdf, force, deferred=True))
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(roots))) as pool:
                futures = [pool.submit(_regenerate_settled, root, html, pdf, force)
                           for root in roots]
                for future in as_completed(futures):
                    done(future.result())
    finally:
        recorder.flush()
    return sorted(outcomes, key=lambda o: o.root)


DASK_TIMEOUT_S = 10.0
"""How long to wait for the dask scheduler to answer ($QA2DOCS_DASK_TIMEOUT overrides)."""


def _run_on_dask(address: str, roots: list[Path], args: tuple[bool, bool, bool],
                 done: Callable[[Outcome], None]) -> None:
    """One task per SB root on the scheduler's workers; *done* as each one ends."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise Qa2DocsError("--dask needs dask.distributed: pip install 'qa2docs[dask]'") from None
    try:
        timeout = float(os.environ.get("QA2DOCS_DASK_TIMEOUT", DASK_TIMEOUT_S))
    except ValueError:
        raise Qa2DocsError("QA2DOCS_DASK_TIMEOUT must be a number of seconds") from None
    try:
        client = Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise Qa2DocsError(f"cannot reach the dask scheduler at {address}: {err}") from None
    with client:
        # pure=False: a root regenerated earlier must be looked at again, not taken from
        # the scheduler's memory of an earlier run.
        futures = client.map(regenerate, roots, *([a] * len(roots) for a in args), pure=False)
        root_of = {future.key: root for future, root in zip(futures, roots)}
        for future in dask_completed(futures, loop=client.loop):
            try:
                done(future.result())
            except Exception as err:  # the worker died or could not unpickle the task
                done(Outcome(root_of[future.key], "failed",
                             f"dask worker: {type(err).__name__}: {err}"))
