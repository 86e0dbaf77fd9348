"""The rows of one ASDM XML table, read with ``pyexpat`` set up as ``defusedxml`` sets it up.

``defusedxml.sax`` runs every element through two Python layers (the SAX reader's callbacks
and their attribute objects) before a handler sees it; here the expat parser calls the
reader's own methods, and character data is handed over only inside a column. The parser is
made as ``defusedxml.expatreader.DefusedExpatParser`` makes it (with its defaults: a DTD is
allowed, entity declarations and external references are refused with defusedxml's own
exceptions; parameter entities parsed unless standalone, as the SAX reader asks), so the
same documents are refused, with the same errors and line numbers.
"""

from __future__ import annotations

import xml.parsers.expat as expat
from typing import Any, BinaryIO

from defusedxml.common import (DefusedXmlException, EntitiesForbidden,
                               ExternalReferenceForbidden)


class MalformedXml(Exception):
    """Expat's error: its words (``expat.ErrorString``) and line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class TableReader:
    """Collects the rows of an ASDM XML table: {column: text or EntityRef id}, with lines."""

    def __init__(self, row_tag: str = "row", columns: frozenset[str] | None = None) -> None:
        self.row_tag = row_tag
        self.columns = columns
        """The columns whose text (or EntityRef) is kept; None: all. The others' text is
        never handed over (a large table's arrays of numbers)."""
        self.rows: list[dict[str, Any]] = []
        self.entity_id: str | None = None
        self.bulk_store = False
        self._parser: Any = None
        self._depth = 0
        self._row: dict[str, Any] | None = None
        self._row_depth = 0
        self._column: str | None = None
        self._text: list[str] = []

    def read(self, stream: BinaryIO) -> None:
        """Parse the table in *stream*; :class:`MalformedXml`, defusedxml's exceptions (with
        the ``line`` of the refused declaration), LookupError / ValueError (an unknown
        ``encoding=``) or OSError when it cannot."""
        parser = expat.ParserCreate(None, intern=None)
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.EntityDeclHandler = _entity_decl
        parser.UnparsedEntityDeclHandler = _unparsed_entity_decl
        parser.ExternalEntityRefHandler = _external_entity_ref
        parser.SkippedEntityHandler = _ignore
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_UNLESS_STANDALONE)
        if isinstance(name := getattr(stream, "name", None), str):
            parser.SetBase(name)
        self._parser = parser
        try:
            parser.ParseFile(stream)
        except expat.ExpatError as err:
            raise MalformedXml(err.lineno, expat.ErrorString(err.code)) from err
        except DefusedXmlException as err:
            err.line = parser.CurrentLineNumber  # type: ignore[attr-defined]
            raise
        finally:
            self._parser = None  # the parser's handlers point back here

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self._depth += 1
        local = name.rpartition(":")[2]
        if self._row is None:
            if local == self.row_tag:
                self._row, self._row_depth = {"_lines": {}}, self._depth
            elif local == "Entity" and self._depth == 2:
                self.entity_id = attrs.get("entityId")
            elif local == "BulkStoreRef":
                self.bulk_store = True
        elif self._depth == self._row_depth + 1:
            self._row["_lines"][local] = self._parser.CurrentLineNumber
            if self.columns is None or local in self.columns:
                self._column, self._text = local, []
                if local:
                    self._parser.CharacterDataHandler = self._text.append
        elif local == "EntityRef" and self._column:
            self._row[self._column] = attrs.get("entityId", "")

    def _end(self, name: str) -> None:
        if self._row is not None:
            if self._depth == self._row_depth + 1 and self._column:
                self._row.setdefault(self._column, "".join(self._text).strip())
                self._column = None
                self._parser.CharacterDataHandler = None
            elif self._depth == self._row_depth:
                self.rows.append(self._row)
                self._row = None
        self._depth -= 1


def _entity_decl(name: str, is_parameter_entity: bool, value: str | None, base: str | None,
                 sysid: str | None, pubid: str | None, notation_name: str | None) -> None:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _unparsed_entity_decl(name: str, base: str | None, sysid: str | None, pubid: str | None,
                          notation_name: str | None) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _external_entity_ref(context: str, base: str | None, sysid: str | None,
                         pubid: str | None) -> None:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _ignore(*_: object) -> None:
    """A skipped entity: the SAX reader hands it to the handler, which ignores it."""
