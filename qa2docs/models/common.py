"""Value types shared by the documents: project codes, ASDM UIDs, SB names, text."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

PROJECT_CODE_RE = re.compile(r"^(?P<year>\d{4})\.(?P<cycle>[0-9A])\.\d{5}\.[STLVAP]$")
# The seed's own example (uid___A002_X4sda4d_Xa12) is not hexadecimal: accept alphanumerics.
_UID = r"uid___A\d{3}_X[0-9A-Za-z]+_X[0-9A-Za-z]+"
ASDM_UID_RE = re.compile(rf"^{_UID}$")
# The archive's download names an ASDM folder ``<uid>.asdm.sdm`` (MSs ``<uid>.asdm.sdm.ms``).
ASDM_SUFFIX = ".asdm.sdm"
ASDM_DIR_RE = re.compile(rf"^{_UID}(?:\.asdm\.sdm)?$")
_UID_AT_START = re.compile(rf"^({_UID})(?![0-9A-Za-z_])")
_RENAMED_COPY = re.compile(rf"^({_UID})_(?!X)[0-9A-Za-z]")
"""A reducer's renamed copy of an ASDM: the uid, ``_`` and a tag that is not a further ``X``
part (``uid___A002_Xd80784_X26be_v1``)."""
SB_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$")
JIRA_RE = re.compile(r"^SCOPS-\d+$")
_BLANK_RUN_RE = re.compile(r"\n{3,}")

# First proposal year of each ALMA Cycle (2020 had no call: Cycle 8 is 2021.1).
_CYCLE_BY_YEAR = {2011: 0, 2012: 1, 2013: 2, 2014: 2, 2015: 3, 2016: 4, 2017: 5, 2018: 6,
                  2019: 7, 2020: 7, 2021: 8, 2022: 9, 2023: 10, 2024: 11, 2025: 12, 2026: 13}


def normalize_text(value: object) -> str:
    """Multi-line answer text: each line stripped; paragraphs apart by one blank line."""
    if value is None:
        return ""
    lines = (line.strip() for line in str(value).replace("\r\n", "\n").split("\n"))
    # A Markdown paragraph break survives as one blank line; outer blank lines go.
    return _BLANK_RUN_RE.sub("\n\n", "\n".join(lines)).strip("\n")


def normalize_uid(value: str) -> str:
    """``uid://A002/Xdd9c61/X66d`` -> ``uid___A002_Xdd9c61_X66d``; other text unchanged."""
    value = value.strip()
    if value.startswith("uid://"):
        return "uid___" + value[len("uid://"):].replace("/", "_")
    return value


def uid_of_name(name: str) -> str | None:
    """The ASDM UID a file or folder name starts with, without any suffix; None if none.

    ``uid___A002_Xbe0d4d_X12f5.asdm.sdm.ms.split`` -> ``uid___A002_Xbe0d4d_X12f5``; a path
    is read by its last part (``/data/uid___A002_X1_X2.asdm.sdm`` -> ``uid___A002_X1_X2``).
    """
    m = _UID_AT_START.match(_last_part(name))
    return m.group(1) if m else None


def _last_part(name: str) -> str:
    """The last part of a path or name, a ``uid://`` address read as the uid."""
    return normalize_uid(name).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def uid_of_renamed_copy(name: str) -> str | None:
    """The uid a renamed ASDM copy's name starts with (``uid___A002_X1_X2_v1`` ->
    ``uid___A002_X1_X2``); None for any other name (a path is read by its last part)."""
    m = _RENAMED_COPY.match(_last_part(name))
    return m.group(1) if m else None


def short_id(uid: str) -> str:
    """The last part of an ASDM UID: ``uid___A002_Xdd9c61_X66d`` -> ``X66d`` (also of an
    ASDM folder name with the archive's suffix: ``uid___A002_Xdd9c61_X66d.asdm.sdm``)."""
    return (uid_of_name(uid) or normalize_uid(uid)).rsplit("_", 1)[-1]


def cycle_of(project_code: str) -> int | None:
    """The ALMA Cycle of a project code (2013.1.12345.S -> 2), or None when unknown."""
    m = PROJECT_CODE_RE.match(project_code or "")
    return _CYCLE_BY_YEAR.get(int(m["year"])) if m else None


def _check(regex: re.Pattern[str], what: str, example: str):
    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"{value!r} is not a valid {what} (e.g. {example})")
        return value
    return check


Text = Annotated[str, BeforeValidator(normalize_text)]
ProjectCode = Annotated[str, AfterValidator(_check(PROJECT_CODE_RE, "project code",
                                                   "2013.1.12345.S"))]
AsdmUid = Annotated[str, BeforeValidator(normalize_uid),
                    AfterValidator(_check(ASDM_UID_RE, "ASDM UID", "uid___A002_Xdd9c61_X66d"))]
SbName = Annotated[str, AfterValidator(_check(SB_NAME_RE, "SB name", "B6_IRAS12345"))]
JiraTicket = Annotated[str, AfterValidator(_check(JIRA_RE, "JIRA ticket id", "SCOPS-1234"))]
