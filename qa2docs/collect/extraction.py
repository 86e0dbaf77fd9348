"""Facts of an EB dir or an SB: run the extractors, resolve one fact per field.

Kept apart from :mod:`qa2docs.api` so that ``qa2docs facts`` imports only discovery, the
extractors and the resolver (not the documents, merge and rendering stages).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from contextlib import AbstractContextManager
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from qa2docs.collect.cache import open_cache
from qa2docs.collect.factset import FactSet
from qa2docs.collect.inputs import eb_inputs, input_problems
from qa2docs.collect.resolve import resolve_facts
from qa2docs.discover.layout import (
    EBInfo,
    SBLayout,
    discover,
    eb_files,
    find_sb_root,
    uid_of_dir,
)
from qa2docs.errors import ExtractionError, LayoutError
from qa2docs.extractors.base import ExtractionWarning, Extractor
from qa2docs.extractors.logscan import LogReader, log_problem, scan_log
from qa2docs.extractors.registry import get_extractors
from qa2docs.memo import RunMemo
from qa2docs.models.common import ASDM_UID_RE
from qa2docs.models.facts import Fact

log = logging.getLogger(__name__)
DEBUG = os.environ.get("QA2DOCS_DEBUG") == "1"


def extract_dir(directory: Path, name: str, level: str = "eb") -> FactSet:
    """Run every extractor of *level* on the inputs found in *directory*."""
    extractors = get_extractors()
    result = _extract(directory, name, eb_inputs(directory, extractors, level), extractors)
    return _with_problems(result, directory, extractors, level)


_facts = RunMemo("qa2docs_extraction_scope")
"""The facts of each directory looked at in the current :func:`extraction_scope`."""


def extraction_scope() -> AbstractContextManager[None]:
    """Within it, each directory's facts are extracted (or loaded from the fact cache) once:
    the validation, the reports and the input rules of one SB root share them rather than
    stat every input, key and load the cache again. Only for work that changes no input
    (a report run); scopes nest (the outermost one holds the facts)."""
    return _facts.scope()


def cached_extract_dir(directory: Path, name: str, level: str = "eb",
                       root: Path | None = None) -> FactSet:
    """:func:`extract_dir`, through the fact cache of SB root *root* (none: no cache), and
    once per directory in an :func:`extraction_scope`.

    The result is the same as a fresh extraction's: the cache is used only when every input
    and the extractors' code are as they were when it was written (:mod:`qa2docs.collect.cache`).
    """
    scope = _facts.current()
    if scope is None:
        return _cached_extract_dir(directory, name, level, root)
    key = (str(directory), name, level, str(root))
    if key not in scope:
        scope[key] = _cached_extract_dir(directory, name, level, root)
    return scope[key]


def _cached_extract_dir(directory: Path, name: str, level: str,
                        root: Path | None) -> FactSet:
    extractors = get_extractors()
    inputs = eb_inputs(directory, extractors, level)
    cache = open_cache(root, directory, name, level, inputs, extractors)
    if cache is not None and (hit := cache.load()) is not None:
        log.debug("facts of %s from %s", directory, cache.path)
        result = FactSet(hit.name, hit.facts, hit.all_facts, hit.warnings,
                         [Path(p) for p in hit.inputs])
    else:
        result = _extract(directory, name, inputs, extractors)
        if cache is not None:
            cache.save(result)
    return _with_problems(result, directory, extractors, level)


def _with_problems(result: FactSet, directory: Path, extractors: dict[str, type[Extractor]],
                   level: str) -> FactSet:
    """*result* with the entries that bear an input's name but were not read (a link that
    points nowhere, a FIFO) first among its warnings; looked at on every call, never cached."""
    result.warnings[:0] = input_problems(directory, extractors, level)
    return result


def _extract(directory: Path, name: str, inputs: list[tuple[type[Extractor], Path]],
             extractors: dict[str, type[Extractor]]) -> FactSet:
    """Run the extractors on *inputs* (found in *directory*) and resolve their facts."""
    facts: list[Fact] = []
    warnings: list[ExtractionWarning] = []
    # Extractors that read a whole folder (plots) get the folder once, when it has any of
    # their inputs, rather than once per matching file.
    dir_readers = [cls for cls in extractors.values()
                   if getattr(cls, "reads_dirs", False) and any(c is cls for c, _ in inputs)]
    inputs = [(c, p) for c, p in inputs if c not in dir_readers]
    inputs += [(cls, directory) for cls in dir_readers]
    extractors_of = [(cls(), path) for cls, path in inputs]
    shared = _scan_shared_logs(extractors_of)
    for key, (extractor, path) in enumerate(extractors_of):
        try:
            if key in shared:
                result = shared[key]
                if isinstance(result, Exception):
                    raise result
                facts.extend(result.facts())
            else:
                facts.extend(extractor.extract(path))
        except ExtractionError as err:
            warnings.append(ExtractionWarning(str(err.path), err.line, err.message))
        except Exception as err:  # a bug in one extractor must not stop the others
            if DEBUG:
                raise
            log.debug("extractor %s failed on %s", extractor.name, path, exc_info=True)
            warnings.append(ExtractionWarning(str(path), None,
                                              f"{extractor.name} extractor failed: {err!r}"))
        warnings.extend(extractor.warnings)
    warnings[:0] = _log_problems([p for _, p in inputs])
    return FactSet(name, resolve_facts(facts), facts, warnings,
                   list(dict.fromkeys(p for _, p in inputs)))


def _log_problems(paths: list[Path]) -> list[ExtractionWarning]:
    """A warning for each file named as a casa log that is not one (garbage, empty)."""
    logs = sorted({p for p in paths if p.is_file() and fnmatch(p.name, "casa*.log")})
    return [ExtractionWarning(p.name, None, problem) for p in logs
            if (problem := log_problem(p)) is not None]


def _scan_shared_logs(extractors: list[tuple[Extractor, Path]]
                      ) -> dict[int, LogReader | Exception]:
    """Scan each casa log that two or more extractors read once for all of them.

    Returns, by index into *extractors*, the reader that collected an extractor's facts
    during the shared scan, or the exception that stopped it; extractors absent from the
    result read their input themselves.
    """
    by_path: dict[Path, list[tuple[int, LogReader]]] = defaultdict(list)
    for key, (extractor, path) in enumerate(extractors):
        if path.is_file() and (reader := extractor.log_reader(path)) is not None:
            by_path[path].append((key, reader))
    done: dict[int, LogReader | Exception] = {}
    for path, group in by_path.items():
        if len(group) < 2:
            continue
        try:
            failed = scan_log(path, [reader for _, reader in group])
        except ExtractionError as err:
            failed = dict.fromkeys(range(len(group)), err)
        for i, (key, reader) in enumerate(group):
            done[key] = failed.get(i, reader)
    return done


def eb_facts(eb: EBInfo) -> FactSet:
    """The facts of one EB dir (cached in its SB root's ``.qa2docs/``)."""
    return cached_extract_dir(eb.dir, eb.uid, "eb", _sb_root(eb.dir))


def sb_facts(sb: SBLayout) -> FactSet:
    """The facts of the SB work dir's ``calibrated`` folder (flux equalisation, imaging)."""
    return cached_extract_dir(sb.calibrated, sb.name, "sb", sb.root)


def facts(path: Path | str) -> dict[str, Any]:
    """``qa2docs facts``: one EB's facts, or ``{"sb": ..., "ebs": [...]}`` for an SB root."""
    path = Path(path)
    if path.is_dir() and _is_eb_dir(path) and not _has_sb_root(path):
        uid = eb_dir_uid(path)
        return extract_dir(path, uid).to_json()
    sb = discover(path)
    ebs = [eb_facts(eb).to_json() for eb in sb.selected]
    if not sb.whole:
        return ebs[0]
    return {"sb": sb.name, "ebs": ebs, "sb_facts": sb_facts(sb).to_json("dir")["facts"]}


def _has_sb_root(path: Path) -> bool:
    try:
        discover(path)
        return True
    except LayoutError:
        return False


def _sb_root(path: Path) -> Path | None:
    try:
        return find_sb_root(path)
    except LayoutError:
        return None


def _is_eb_dir(path: Path) -> bool:
    return (any(ASDM_UID_RE.match(p.name.split(".")[0]) for p in path.iterdir())
            or bool(eb_files(path)))


def eb_dir_uid(path: Path) -> str:
    """The ASDM UID an EB dir is named after (its first ``uid___...`` entry), else the one its
    listobs files or casa logs name (:func:`~qa2docs.discover.layout.uid_of_dir`), else its name."""
    names = sorted(p.name.split(".")[0] for p in path.iterdir())
    found = next((n for n in names if ASDM_UID_RE.match(n)), None)
    if found is None and (of_dir := uid_of_dir(path)) is not None:
        found = of_dir[0]
    return found or path.name
