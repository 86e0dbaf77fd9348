"""qa2docs.yaml: project facts typed once, read and updated round-trip with ruamel.yaml."""

from __future__ import annotations

import io
import re
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from qa2docs.documents.store import read_for_update, replace_document
from qa2docs.errors import ProjectFileError
from qa2docs.fileio import read_bytes

if TYPE_CHECKING:  # built on first use: ``qa2docs facts`` reads no project model
    from qa2docs.models import Project

PROJECT_FILE = "qa2docs.yaml"

_HEADER = """\
# qa2docs project facts for this SB, typed once. Edit freely: comments are kept.
# project_code: YYYY.C.NNNNN.T   jira: [SCOPS-NNNN]   waivers: [{rule, document, reason}]
"""


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: keeps comments, order and quoting
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _line_of(data: Any, loc: tuple) -> int | None:
    """The 1-based line of a key path in ruamel's round-trip data, when known."""
    node = data
    line = None
    for key in loc:
        try:
            if hasattr(node, "lc"):
                if isinstance(key, int):
                    line = node.lc.item(key)[0] + 1
                else:
                    line = node.lc.key(key)[0] + 1
            node = node[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


MAX_PROJECT_BYTES = 1 << 20
"""qa2docs.yaml holds a few project facts: a larger file is refused before it is parsed."""
# Longer digit strings than int() converts (Python's default limit is 4300 digits).
_LONG_NUMBER_RE = re.compile(r"\d{4000,}")


def _line_at(data: bytes | str, offset: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1


def project_text(path: Path) -> str:
    """The text of a qa2docs.yaml, refused early (one ``FILE:LINE`` error) when the file is too
    large or not UTF-8 text (NUL bytes, UTF-16, invalid bytes). A UTF-8 BOM is dropped."""
    if not path.is_file():
        raise ProjectFileError(path, 1, "not a regular file")
    size = path.stat().st_size
    if size > MAX_PROJECT_BYTES:
        raise ProjectFileError(path, 1, f"{size} bytes: too large for a file of project facts "
                                        f"(at most {MAX_PROJECT_BYTES >> 20} MiB)")
    data = read_bytes(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProjectFileError(path, 1, "UTF-16 text: save it as UTF-8")
    if (nul := data.find(b"\0")) >= 0:
        raise ProjectFileError(path, _line_at(data, nul), "holds a NUL byte: binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ProjectFileError(path, _line_at(data, err.start),
                               f"not UTF-8 text (byte 0x{data[err.start]:02x}): save it as "
                               f"UTF-8") from None


def load_raw(path: Path, text: str | None = None) -> Any:
    """The round-trip data of a YAML file (or of its *text*, as read for an update); a syntax
    error names the file and line."""
    if text is None:
        text = project_text(path)
    if (long := _LONG_NUMBER_RE.search(text)) is not None:
        raise ProjectFileError(path, _line_at(text, long.start()),
                               f"a number of {len(long.group())} digits: not a project fact")
    try:
        data = _yaml().load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = str(getattr(err, "problem", None) or err).splitlines()[0]
        raise ProjectFileError(path, line, f"not valid YAML: {problem}") from err
    except RecursionError:
        raise ProjectFileError(path, _deepest_line(text), "nested too deeply: qa2docs.yaml "
                                                          "holds flat project facts") from None
    return {} if data is None else data


def _deepest_line(text: str) -> int:
    """The line where flow brackets or indentation go deepest (where a nesting error is)."""
    best, best_line, depth = -1, 1, 0
    for number, line in enumerate(text.splitlines(), 1):
        opened = line.count("[") + line.count("{")
        level = depth + len(line) - len(line.lstrip(" -")) + opened
        depth += opened - line.count("]") - line.count("}")
        if max(level, depth) > best:
            best, best_line = max(level, depth), number
    return best_line


def load_project(path: Path) -> Project:
    """The Project in a qa2docs.yaml; invalid values name the file, line and field."""
    from qa2docs.models import Project

    data = load_raw(path)
    if not isinstance(data, dict):
        raise ProjectFileError(path, 1, "expected a mapping of project facts")
    try:
        return Project.model_validate(dict(data))
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc)
        raise ProjectFileError(path, _line_of(data, loc) or 1,
                               f"{field}: {first['msg']}") from err


def save_project(path: Path, project: Project,
                 lock: AbstractContextManager | None = None) -> None:
    """Write *project* into *path*, keeping the comments and order of an existing file; a
    compare-and-swap under *lock* (a save made meanwhile raises ``DocumentChanged``)."""
    values = project.model_dump(mode="json", exclude_defaults=True)
    snap = read_for_update(path)
    if snap.exists:
        data = load_raw(path, snap.text)
        for key in list(data):
            if key not in values:
                del data[key]
        for key, value in values.items():
            if data.get(key) != value:
                data[key] = value
        buf = io.StringIO()
        _yaml().dump(data, buf)
        text = buf.getvalue()
    else:
        buf = io.StringIO()
        _yaml().dump(values, buf)
        text = _HEADER + buf.getvalue()
    replace_document(snap, text, lock=lock)
