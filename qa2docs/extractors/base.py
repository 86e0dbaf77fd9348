"""The Extractor base class that every input kind implements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Iterator

from qa2docs.extractors.logscan import LogReader, scan_log
from qa2docs.models.facts import Fact


@dataclass(frozen=True)
class ExtractionWarning:
    """A problem in an input file that did not stop the extraction."""

    path: str
    line: int | None
    message: str
    kind: str = "content"
    """What went wrong: "content" (the file is read but not understood), "dangling" (a link
    bearing an input's name points nowhere), "special" (a FIFO, socket or device)."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line or '?'}: {self.message}"


class Extractor:
    """Base class. Subclasses parse one kind of input file into Facts.

    Attributes:
        name: the registry name (``"listobs"``), also written into each Provenance.
        patterns: globs, relative to an EB dir (or the SB's ``calibrated`` dir for SB-level
            extractors), of the files this extractor reads.
        level: ``"eb"`` for EB-dir inputs, ``"sb"`` for inputs of the SB work dir.

    An extractor never guesses: no evidence, no fact. It knows no template, no CLI and no
    other extractor, and makes no precedence decisions beyond setting ``Fact.rank``.
    Problems that do not stop it are recorded with :meth:`warn`; a file it cannot read at
    all raises :class:`qa2docs.errors.ExtractionError`.
    """

    name: ClassVar[str] = ""
    patterns: ClassVar[tuple[str, ...]] = ()
    level: ClassVar[str] = "eb"

    def __init__(self) -> None:
        self.warnings: list[ExtractionWarning] = []

    def warn(self, path: Path | str, line: int | None, message: str) -> None:
        """Record a non-fatal problem at ``path:line``."""
        self.warnings.append(ExtractionWarning(str(path), line, message))

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the facts found in one input file.

        Args:
            path: the file (or folder, for ``asdm`` and ``plots``) to read.

        Returns:
            An iterator of :class:`qa2docs.models.facts.Fact`; provenance ``file`` is ``path.name``
            unless the extractor has reason to keep more of the path.
        """
        raise NotImplementedError

    def log_reader(self, path: Path) -> LogReader | None:
        """A reader for a shared scan of the casa log *path*, or None (the default) when
        this extractor reads *path* on its own.

        When several extractors claim the same log, the collection stage scans it once for
        all their readers (:func:`qa2docs.extractors.logscan.scan_log`) instead of calling
        :meth:`extract` on each.
        """
        return None

    def extract_log(self, path: Path, reader: LogReader) -> Iterator[Fact]:
        """:meth:`extract` for a log read by *reader* alone."""
        failed = scan_log(path, [reader])
        if failed:
            raise failed[0]
        yield from reader.facts()


class LogExtractor(Extractor):
    """An extractor whose every input is a log, read by one :class:`LogReader` class.

    Subclasses set :attr:`reader`, a LogReader taking ``(extractor, path)``.
    """

    reader: ClassVar[type[LogReader]]

    def extract(self, path: Path) -> Iterator[Fact]:
        """Yield the facts the reader collects from the log at *path*."""
        return self.extract_log(path, self.log_reader(path))

    def log_reader(self, path: Path) -> LogReader:
        """A new reader of the log at *path*."""
        return self.reader(self, Path(path))  # type: ignore[call-arg]
