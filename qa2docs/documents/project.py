"""qa2docs.yaml: project facts typed once, read and updated round-trip with ruamel.yaml."""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from qa2docs.documents.store import read_for_update, replace_document
from qa2docs.errors import ProjectFileError
from qa2docs.fileio import read_text
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


def load_raw(path: Path, text: str | None = None) -> Any:
    """The round-trip data of a YAML file (or of its *text*); a syntax error names the file
    and line."""
    if text is None:
        text, _ = read_text(path)
    try:
        data = _yaml().load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ProjectFileError(path, line, f"not valid YAML: {getattr(err, 'problem', err)}") from err
    return {} if data is None else data


def load_project(path: Path) -> Project:
    """The Project in a qa2docs.yaml; invalid values name the file, line and field."""
    data = load_raw(path)
    if not isinstance(data, dict):
        raise ProjectFileError(path, 1, "expected a mapping of project facts")
    try:
        return Project.model_validate(dict(data))
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc)
        raise ProjectFileError(path, _line_of(data, loc), f"{field}: {first['msg']}") from err


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
