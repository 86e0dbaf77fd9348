"""The fact cache: one EB dir's (or the SB's calibrated dir's) extraction result, kept in
``<SB root>/.qa2docs/facts/`` so that each command does not run every extractor again.

A cache file holds the resolved facts, all facts, the warnings and the inputs, with the key
they were made under. The key covers what the result depends on, by stat only (no file is
hashed): every entry below the directory (CASA tables and links to folders by name only:
no extractor reads inside them), every input folder outside it (the ASDM behind its link)
and every input file, as (size, mtime_ns, inode); the inputs each extractor was given; the
extractors registered (third-party ones included) and a digest of the source of the
collection stage, the extractors and the resolver; the qa2docs version. A file that cannot
be read, does not parse or has another key is ignored and rewritten; nothing here is ever
an error for the user. ``QA2DOCS_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

import qa2docs
from qa2docs.discover.layout import STATE_DIR
from qa2docs.extractors.base import ExtractionWarning, Extractor
from qa2docs.fileio import write_atomically
from qa2docs.models.facts import Fact, Provenance

if TYPE_CHECKING:
    from qa2docs.collect.factset import FactSet

log = logging.getLogger(__name__)

FORMAT = 1
"""Bumped when the cache file's shape changes."""
CACHE_DIR = "facts"
NO_CACHE_ENV = "QA2DOCS_NO_CACHE"
RACY_NS = 2 * 10**9
"""A file changed this recently may change again within the file system's timestamp
granularity without its mtime moving (git's "racily clean" entries): such a result is not
stored."""
# The modules whose code decides the facts, relative to the package (the classes of
# third-party extractors are added by their source file).
CODE = ("extractors/**/*.py", "collect/*.py", "discover/*.py", "models/facts.py",
        "models/common.py", "errors.py")


class CachedFacts(BaseModel):
    """One cache file: the key it was made under and the parts of a FactSet."""

    key: str
    name: str
    facts: dict[str, Fact]
    all_facts: list[Fact]
    warnings: list[ExtractionWarning]
    inputs: list[str]


@dataclass
class FactCache:
    """The cache file of one directory and the key of its inputs as they are now."""

    path: Path
    key: str
    racy: bool
    """Whether an input changed too recently for its stat to be trusted (see RACY_NS)."""

    def load(self) -> CachedFacts | None:
        """The cached result when it was made under this key; None when absent or unusable."""
        try:
            entry = CachedFacts.model_validate_json(self.path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:  # pydantic's ValidationError is a ValueError
            log.debug("fact cache %s ignored: %s", self.path, err)
            return None
        return entry if entry.key == self.key else None

    def save(self, facts: FactSet) -> bool:
        """Store *facts* under this key (atomically); False when not stored."""
        if self.racy:
            log.debug("fact cache %s not written: an input changed in the last %d s",
                      self.path, RACY_NS // 10**9)
            return False
        entry = CachedFacts(key=self.key, name=facts.name, facts=facts.facts,
                            all_facts=facts.all_facts, warnings=facts.warnings,
                            inputs=[str(p) for p in facts.inputs])
        text = entry.model_dump_json()
        # Fact.value is Any: a value JSON does not give back (a tuple, a NaN, an int key)
        # would come back different, so such a result is not cached. An entry made only of
        # what JSON gives back as it is needs no round trip to tell (:func:`plain_entry`).
        if not plain_entry(entry) and CachedFacts.model_validate_json(text) != entry:
            log.debug("fact cache %s not written: facts do not survive JSON", self.path)
            return False
        # No lock: the file is written whole under a name of its own and renamed over the
        # old one, so two processes writing at once leave one whole file (the last renamed),
        # as a lock would; a reader checks the key. (A lock cost ~1 ms a file: a third of
        # the saving's own cost, its flock probe of the folder.)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, text, durable=False)  # made again if lost
        except OSError as err:  # a read-only SB root: just no cache
            log.debug("fact cache %s not written: %s", self.path, err)
            return False
        return True


def plain_entry(entry: CachedFacts) -> bool:
    """True when every value of *entry* is of a type its JSON gives back equal: ``str``,
    ``int``, ``bool``, ``None``, a finite ``float``, a ``list`` of them, a ``dict`` of them by
    ``str`` keys (those exact types), in the fields of exactly :class:`Fact`,
    :class:`Provenance` and :class:`ExtractionWarning`; then ``CachedFacts.model_validate_json(
    entry.model_dump_json()) == entry`` holds without being tried. False says nothing (the
    round trip decides)."""
    if not (type(entry.key) is str and type(entry.name) is str
            and all(type(p) is str for p in entry.inputs)
            and all(_plain_warning(w) for w in entry.warnings)
            and all(type(k) is str for k in entry.facts)):
        return False
    seen = set()
    for fact in entry.all_facts:
        if id(fact) not in seen:
            if not _plain_fact(fact):
                return False
            seen.add(id(fact))
    return all(id(f) in seen or _plain_fact(f) for f in entry.facts.values())


def _plain_fact(fact: Fact) -> bool:
    return (type(fact) is Fact and type(fact.field) is str and type(fact.rank) is int
            and _str_or_none(fact.note) and type(fact.provenance) is tuple
            and all(type(p) is Provenance and type(p.extractor) is str and type(p.file) is str
                    and _int_or_none(p.line) and _int_or_none(p.end_line)
                    and _str_or_none(p.excerpt) for p in fact.provenance)
            and json_plain(fact.value))


def _plain_warning(warning: ExtractionWarning) -> bool:
    return (type(warning) is ExtractionWarning and type(warning.path) is str
            and _int_or_none(warning.line) and type(warning.message) is str
            and type(warning.kind) is str)


def _str_or_none(value: Any) -> bool:
    return value is None or type(value) is str


def _int_or_none(value: Any) -> bool:
    return value is None or type(value) is int


_SCALARS = frozenset({str, int, bool, type(None)})


def json_plain(value: Any) -> bool:
    """True when *value* is made only of what JSON gives back equal (see :func:`plain_entry`)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        items: Any = value
    elif kind is dict:
        for key in value:
            if type(key) is not str:
                return False
        items = value.values()
    else:
        return False
    for item in items:  # the scalars here, not by a call each
        kind = type(item)
        if kind in _SCALARS or (kind is float and math.isfinite(item)):
            continue
        if kind is float or not json_plain(item):
            return False
    return True


def enabled() -> bool:
    """Whether the fact cache is on (``QA2DOCS_NO_CACHE=1`` turns it off)."""
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def cache_dir(root: Path) -> Path:
    """``<SB root>/.qa2docs/facts``."""
    return Path(root) / STATE_DIR / CACHE_DIR


def open_cache(root: Path | None, directory: Path, name: str, level: str,
               inputs: list[tuple[type[Extractor], Path]],
               extractors: dict[str, type[Extractor]]) -> FactCache | None:
    """The cache of *directory* in SB root *root*; None without a root, without inputs or
    when the cache is off."""
    if root is None or not inputs or not enabled():
        return None
    key, racy = cache_key(directory, name, level, inputs, extractors)
    return FactCache(cache_dir(root) / cache_file_name(directory, name, level), key, racy)


def cache_file_name(directory: Path, name: str, level: str) -> str:
    """``<level>-<name>-<hash of the dir's path>.json``."""
    where = hashlib.sha256(str(Path(directory).resolve()).encode()).hexdigest()[:12]
    safe = re.sub(r"[^\w.-]", "_", name)
    return f"{level}-{safe}-{where}.json"


def prune(root: Path, current: list[tuple[Path, str, str]]) -> list[Path]:
    """Remove the cache files of dirs not in *current*, a list of (directory, name, level):
    EB dirs renamed or removed; and the lock files earlier versions left beside them. Returns
    what was removed."""
    folder = cache_dir(root)
    if not folder.is_dir():
        return []
    keep = {cache_file_name(d, n, lv) for d, n, lv in current}
    removed = []
    for path in folder.iterdir():
        if path.name not in keep and path.suffix in (".json", ".lock") and path.is_file():
            try:
                path.unlink()
            except OSError:
                continue  # another process has it; the next run tries again
            removed.append(path)
    return removed


def cache_key(directory: Path, name: str, level: str,
              inputs: list[tuple[type[Extractor], Path]],
              extractors: dict[str, type[Extractor]]) -> tuple[str, bool]:
    """The digest of everything the extraction of *directory* depends on, and whether an
    input changed too recently to be trusted."""
    directory = Path(directory)
    stats: dict[str, Any] = {}
    _tree(directory, ".", stats)
    labels = []
    for cls, path in inputs:
        label = _label(path, directory)
        labels.append([cls.name, label])
        if path.is_dir():
            if stats.get(label) != "dir":  # a link, a table or outside: not walked yet
                _tree(path, label, stats)
        elif label not in stats:
            stats[label] = _stat(path)
    recent = time.time_ns() - RACY_NS
    racy = any(isinstance(s, list) and s[1] > recent for s in stats.values())
    key = {"format": FORMAT, "version": qa2docs.__version__, "code": code_digest(extractors),
           "extractors": sorted([n, f"{c.__module__}:{c.__qualname__}"]
                                for n, c in extractors.items()),
           "directory": str(directory), "name": name, "level": level, "inputs": labels,
           "stats": stats}
    text = json.dumps(key, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest(), racy


def _label(path: Path, directory: Path) -> str:
    try:
        rel = path.relative_to(directory).as_posix()
    except ValueError:
        return str(path)
    return "." if rel == "." else f"./{rel}"


def _stat(path: str | Path) -> list[int] | None:
    """[size, mtime_ns, inode] of *path* (links followed); None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _tree(top: Path, label: str, out: dict[str, Any]) -> None:
    """Every entry below *top* into *out*, by label: files by stat, folders as "dir",
    CASA tables as "table" and links to folders as "link" (not entered)."""
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        out[label] = None
        return
    for entry in entries:
        sub = f"{label}/{entry.name}"
        try:
            if entry.is_dir():
                if entry.is_symlink():
                    out[sub] = "link"
                    out[f"{sub} ->"] = os.readlink(entry.path)
                elif os.path.isfile(os.path.join(entry.path, "table.dat")):
                    out[sub] = "table"
                else:
                    out[sub] = "dir"
                    _tree(Path(entry.path), sub, out)
            else:
                out[sub] = _stat(entry.path)
        except OSError:
            out[sub] = None


def code_digest(extractors: dict[str, type[Extractor]]) -> str:
    """A digest of the source of the collection stage, resolver and every extractor class."""
    sources = tuple(source for cls in extractors.values() if (source := _source_file(cls)))
    digest = hashlib.sha256()
    for path in _code_files(Path(qa2docs.__file__).parent, sources):
        st = _stat(path)
        digest.update(f"{path}\0{_file_digest(path, *st) if st else '-'}\0".encode())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _package_code(package: Path) -> tuple[Path, ...]:
    """The package's files that decide the facts (:data:`CODE`), listed once per process:
    their contents are digested on each call, by stat."""
    return tuple(p for pattern in CODE for p in package.glob(pattern))


@lru_cache(maxsize=16)
def _code_files(package: Path, sources: tuple[Path, ...]) -> tuple[Path, ...]:
    """The package's code files and the extractors' *sources*, sorted, without repeats
    (sorted once per process and set of extractors: their contents are digested on each
    call, by stat)."""
    return tuple(sorted(set(_package_code(package)) | set(sources)))


@lru_cache(maxsize=256)
def _source_file(cls: type) -> Path | None:
    """The file a class is defined in; None for a class without one (its name is keyed)."""
    try:
        source = inspect.getsourcefile(cls)
    except TypeError:
        return None
    return Path(source) if source else None


@lru_cache(maxsize=256)
def _file_digest(path: Path, size: int, mtime_ns: int, ino: int) -> str:
    """The sha256 of a source file, once per (path, stat) in a process."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"
