"""The task call a casa log prints after a ``Begin Task`` banner, read cheaply.

A dense log (many sessions appended to one file) has a ``flagdata`` banner every few
thousand lines, and each one's call must be read (an antenna flagged in full counts). So the
call is looked for in a small window after the banner first, its lines parsed one by one
only until the call is found, and the full :data:`CALL_WINDOW` is read only when the small
window could not decide; and a call text already parsed is not parsed again (an appended log
repeats the same calls).
"""

from __future__ import annotations

import ast
import copy
import functools
import re
from typing import Any, NamedTuple

from qa2docs.extractors.logscan import Hit, LogScanner
from qa2docs.extractors.logscan_lines import decode_line, parse_line

CALL_LOOKAHEAD = 40
"""Lines after a banner in which its call is looked for."""
CALL_WINDOW = 65536
"""Bytes after a banner in which its call is looked for."""
_FIRST_WINDOW = 4096
_HEAD_LINES = 3
_NOT_CONTINUED = re.compile(
    rb"[0-9]{4}-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9][^\t]*\t[^\t]*\t"
    rb"(?:[^\t]*[^\t+])?\t")
"""A line that :func:`parse_line` splits into date, priority, origin and message, whose
origin does not end with ``+``: no continuation line (read without decoding it)."""


def parse_task_call(text: str) -> dict[str, Any] | None:
    """The keyword arguments of a logged task call ``task( a=1, b='x' )``; None if unreadable."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if not isinstance(node, ast.Call):
        return None
    params: dict[str, Any] = {}
    for kw in node.keywords:
        if kw.arg is None:
            continue
        try:
            params[kw.arg] = _literal(kw.value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            params[kw.arg] = ast.unparse(kw.value)
    return params


def _literal(node: ast.expr) -> Any:
    """:func:`ast.literal_eval` of *node*; a constant's value without its set-up."""
    if type(node) is ast.Constant:
        return node.value
    return ast.literal_eval(node)


_parse_cached = functools.lru_cache(maxsize=512)(parse_task_call)


class TaskCall(NamedTuple):
    """A task call found after its banner."""

    line: int
    """Its (first) line's number."""
    params: dict[str, Any] | None
    """Its keyword arguments (None: unreadable or truncated); shared between equal calls
    unless asked for a copy."""


def find_call(name: str, hit: Hit, scanner: LogScanner, private: bool = True) -> TaskCall | None:
    """The call of task *name* logged after its banner *hit*: the first of the
    :data:`CALL_LOOKAHEAD` lines within :data:`CALL_WINDOW` bytes whose message starts with
    ``name(``, joined with the continuation lines that follow it; None if there is none.
    *private*: the params are a copy the caller may keep and change."""
    data = scanner.bytes_after(hit, _FIRST_WINDOW)
    head = data.split(b"\n", _HEAD_LINES)  # the call is mostly the next line: split no more
    found = _UNDECIDED
    if len(head) > _HEAD_LINES:  # the first lines complete: an answer there is final
        found = _match(name, hit, head[:_HEAD_LINES], False)
    if found is _UNDECIDED:
        found = _find(name, hit, scanner, _FIRST_WINDOW, data)
    if found is _UNDECIDED:
        found = _find(name, hit, scanner, CALL_WINDOW)
    if found is None or found is _UNDECIDED:
        return None
    number, text = found
    params = _parse_cached(text)
    return TaskCall(number, private_copy(params) if private else params)


_ATOMS = frozenset({str, int, float, bool, type(None), bytes, complex})


def private_copy(value: Any) -> Any:
    """``copy.deepcopy(value)`` of a call's parameters: their dicts and lists copied here,
    atoms kept (deepcopy keeps them too), anything else through ``deepcopy``."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {key: private_copy(item) for key, item in value.items()}
    if kind is list:
        return [private_copy(item) for item in value]
    return copy.deepcopy(value)


_UNDECIDED = object()


def _find(name: str, hit: Hit, scanner: LogScanner, window: int,
          data: bytes | None = None) -> Any:
    """(line number, call text), None, or :data:`_UNDECIDED` when the lines within *window*
    bytes (*data*, if read already) end before the answer is known and a larger window
    could hold more."""
    raws, to_eof = scanner.raw_lines_after(hit, window, data)
    raws = raws[:CALL_LOOKAHEAD]
    return _match(name, hit, raws, to_eof or len(raws) == CALL_LOOKAHEAD or window >= CALL_WINDOW)


def _match(name: str, hit: Hit, raws: list[bytes], final: bool) -> Any:
    """What :func:`_find` says of the complete lines *raws* after *hit*; *final*: no more
    lines could follow them (else the answer may be :data:`_UNDECIDED`)."""
    start = name + "("
    # a line whose message starts with an ASCII name's call has its bytes: skip the others
    needle = start.encode() if start.isascii() else b""
    for i, raw in enumerate(raws):
        if needle not in raw:
            continue
        nxt = parse_line(hit.number + 1 + i, decode_line(raw))
        if (text := nxt.message.strip()).startswith(start):
            call = [text]
            for j in range(i + 1, len(raws)):
                if _NOT_CONTINUED.match(raws[j]):
                    return nxt.number, " ".join(call)
                cont = parse_line(hit.number + 1 + j, decode_line(raws[j]))
                if not cont.is_continuation:
                    return nxt.number, " ".join(call)
                call.append(cont.message.strip())
            return (nxt.number, " ".join(call)) if final else _UNDECIDED
    return None if final else _UNDECIDED
