"""TableReader (pyexpat set up as defusedxml sets it up) reads and refuses what the
defusedxml SAX reader it replaced read and refused: same rows, lines, errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.sax
import pytest
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from conftest import CORPUS
from qa2docs.extractors.asdm_xml import MalformedXml, TableReader


class SaxTable(ContentHandler):
    """The SAX handler asdm.py used before TableReader (kept here as the yardstick)."""

    def __init__(self, row_tag: str = "row") -> None:
        super().__init__()
        self.row_tag, self.rows, self.entity_id, self.bulk_store = row_tag, [], None, False
        self._locator: Any = None
        self._depth, self._row, self._row_depth, self._column, self._text = 0, None, 0, None, []

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802
        self._locator = locator

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802
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
            self._column, self._text = local, []
            self._row["_lines"][local] = self._locator.getLineNumber()
        elif local == "EntityRef" and self._column:
            self._row[self._column] = attrs.get("entityId", "")

    def characters(self, content: str) -> None:
        if self._column:
            self._text.append(content)

    def endElement(self, name: str) -> None:  # noqa: N802
        if self._row is not None:
            if self._depth == self._row_depth + 1 and self._column:
                self._row.setdefault(self._column, "".join(self._text).strip())
                self._column = None
            elif self._depth == self._row_depth:
                self.rows.append(self._row)
                self._row = None
        self._depth -= 1


def outcome(reader: Any, data: bytes, read: Any) -> tuple:
    """What a reader gives for *data*: its rows and the like, or the error it raised."""
    try:
        read(io.BytesIO(data), reader)
    except SAXParseException as err:
        return ("malformed", err.getLineNumber(), err.getMessage())
    except MalformedXml as err:
        return ("malformed", err.line, err.message)
    except defusedxml.DefusedXmlException as err:
        return ("refused", type(err).__name__, str(err))
    except (LookupError, ValueError) as err:
        return ("decode", type(err).__name__, str(err))
    return ("rows", reader.rows, reader.entity_id, reader.bulk_store)


def both(data: bytes, row_tag: str = "row") -> tuple[tuple, tuple]:
    old = outcome(SaxTable(row_tag), data, lambda s, h: defusedxml.sax.parse(s, h))
    new = outcome(TableReader(row_tag), data, lambda s, r: r.read(s))
    return old, new


ROWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<AntennaTable xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Entity entityId="uid://A002/X1/X2" entityIdEncrypted="na" entityTypeName="AntennaTable"/>
  <row>
    <antennaId> Antenna_0 </antennaId>
    <name>DA41</name><xsi:dishDiameter> 12.0 </xsi:dishDiameter>
    <stationId><EntityRef entityId="uid://A002/X1/X3" partId="X1"/> tail </stationId>
    <position>3 1 &lt;&amp;&gt; <![CDATA[ <raw> ]]>
      2.0 </position>
    <name>second name is ignored</name>
    <empty/><comment><!-- c --> kept </comment><?pi data?>
  </row>
  <row><name>PM01</name><a:>colon only</a:></row>
</AntennaTable>
"""

CASES = {
    "rows": ROWS,
    "latin-1": '<?xml version="1.0" encoding="ISO-8859-1"?>\n<T><row><name>\u00e9t\u00e9</name>'
               "</row></T>".encode("latin-1"),
    "utf-16": '<?xml version="1.0" encoding="UTF-16"?>\n<T><row><name>x</name></row></T>'
              .encode("utf-16"),
    "unknown encoding": b'<?xml version="1.0" encoding="no-such-codec"?>\n<T/>',
    "empty": b"",
    "truncated": ROWS[:-40],
    "mismatched tag": b"<T>\n<row><name>a</nam></row></T>",
    "junk after": b"<T/>\n<U/>",
    "undefined entity": b"<T><row><name>&nope;</name></row></T>",
    "entity bomb": b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">'
                   b'<!ENTITY b "&a;&a;">]>\n<T><row><name>&b;</name></row></T>',
    "external entity": b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM '
                       b'"file:///etc/passwd">]>\n<T><row><name>&e;</name></row></T>',
    "parameter entity": b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY % p SYSTEM '
                        b'"http://example.invalid/x.dtd"> %p;]>\n<T/>',
    "external DTD": b'<?xml version="1.0"?>\n<!DOCTYPE T SYSTEM "http://example.invalid/t.dtd">'
                    b"\n<T><row><name>a</name></row></T>",
    "standalone external DTD": b'<?xml version="1.0" standalone="yes"?>\n'
                               b'<!DOCTYPE T SYSTEM "t.dtd">\n<T><row><name>a</name></row></T>',
    "unparsed entity": b'<?xml version="1.0"?>\n<!DOCTYPE T [<!NOTATION n SYSTEM "x">'
                       b'<!ENTITY u SYSTEM "y" NDATA n>]>\n<T/>',
    "internal DTD without entities": b'<?xml version="1.0"?>\n<!DOCTYPE T [<!ELEMENT T ANY>]>'
                                     b"\n<T><row><name>a</name></row></T>",
    "bulk store": b'<T><Entity entityId="uid://A/B/C"/><BulkStoreRef fileId="x"/></T>',
    "nested rows": b"<T><row><name><row><x>1</x></row>in</name></row></T>",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_table_reader_gives_what_the_sax_reader_gave(name: str) -> None:
    old, new = both(CASES[name])
    assert new == old


def test_table_reader_refuses_what_defusedxml_refuses() -> None:
    for name in ("entity bomb", "external entity", "parameter entity", "external DTD",
                 "unparsed entity"):
        assert both(CASES[name])[1][0] == "refused", name


def test_table_reader_row_tag_and_lines() -> None:
    old, new = both(b'<ASDM>\n<Table>\n<Name>Antenna</Name>\n<NumberRows>3</NumberRows>'
                    b"\n</Table></ASDM>", "Table")
    assert new == old
    assert new[1] == [{"_lines": {"Name": 3, "NumberRows": 4}, "Name": "Antenna",
                       "NumberRows": "3"}]


def test_table_reader_on_big_text_in_many_chunks() -> None:
    text = "x" * 300_000
    data = f"<T><row><name>\n{text}\n</name><n2>a</n2></row></T>".encode()
    old, new = both(data)
    assert new == old and new[1][0]["name"] == text


def test_table_reader_on_the_corpus_and_sample_asdms() -> None:
    repo = Path(__file__).resolve().parents[2]
    tables = sorted(repo.glob("samples/**/uid___*/*.xml"))
    if CORPUS.is_dir():
        tables += sorted(CORPUS.glob("asdm/*/*.xml"))
    assert tables
    for path in tables:
        row_tag = "Table" if path.name == "ASDM.xml" else "row"
        old, new = both(path.read_bytes(), row_tag)
        assert new == old, path


def _kept(outcome: tuple, columns: frozenset[str]) -> tuple:
    if outcome[0] != "rows":
        return outcome
    rows = [{k: v for k, v in row.items() if k == "_lines" or k in columns}
            for row in outcome[1]]
    return ("rows", rows, *outcome[2:])


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_column_filter_keeps_those_columns_as_they_were(name: str) -> None:
    for columns in (frozenset({"name"}), frozenset({"stationId", "position"}), frozenset()):
        full = outcome(TableReader(), CASES[name], lambda s, r: r.read(s))
        kept = outcome(TableReader(columns=columns), CASES[name], lambda s, r: r.read(s))
        assert kept == _kept(full, columns)


def test_a_column_filter_on_the_sample_tables() -> None:
    repo = Path(__file__).resolve().parents[2]
    tables = sorted(repo.glob("samples/**/uid___*/*.xml"))
    assert tables
    for path in tables:
        data = path.read_bytes()
        for columns in (frozenset({"water"}), frozenset({"name", "frequencyBand"})):
            full = outcome(TableReader(), data, lambda s, r: r.read(s))
            kept = outcome(TableReader(columns=columns), data, lambda s, r: r.read(s))
            assert kept == _kept(full, columns), path
    rows = outcome(TableReader(columns=frozenset({"name"})), CASES["rows"],
                   lambda s, r: r.read(s))[1]
    assert rows[0]["name"] == "DA41" and "stationId" not in rows[0]
    assert rows[0]["_lines"]["stationId"] == 7
