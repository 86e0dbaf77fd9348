"""The values of the expressions :mod:`qa2docs.extractors.pyscript` finds: each parsed alone
with ``ast``, a literal read without evaluating anything (casapy's ``T``/``F`` and names
bound to literals looked up), and the source text of a node."""

from __future__ import annotations

import ast
import re
import warnings
from typing import Any, Mapping

#: casapy's True and False, which its scripts write as bare names.
CASAPY_NAMES: Mapping[str, Any] = {"T": True, "F": False}


class NotLiteral(Exception):
    """An expression whose value the script does not spell out."""


def parse_expression(source: str) -> ast.expr:
    """The expression *source*; warnings (invalid escapes in Python 2 strings) are not ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, mode="eval").body


def literal(node: ast.AST, names: Mapping[str, Any] = CASAPY_NAMES) -> Any:
    """The value of a literal expression (lists and tuples give lists; names from *names*)."""
    if type(node) is ast.Constant:  # what ast.literal_eval gives for it, without its set-up
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise NotLiteral(node.id)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [literal(e, names) for e in node.elts]
    if isinstance(node, ast.Dict) and None not in node.keys:
        try:
            return {literal(k, names): literal(v, names) for k, v in zip(node.keys, node.values)}
        except TypeError as err:  # an unhashable key
            raise NotLiteral(str(err)) from err
    try:
        return ast.literal_eval(node)  # constants, signed numbers, sets
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as err:
        raise NotLiteral(type(node).__name__) from err


LINE = re.compile(r".*?(?:\r\n|\r|\n)|.+", re.S)
"""A line with its end, split as :func:`ast.get_source_segment` splits (no form feed)."""


def source_segment(lines: list[str], node: ast.expr) -> str | None:
    """:func:`ast.get_source_segment` on source already split into *lines* (it splits the
    whole source again on each call: quadratic over a call with many arguments)."""
    if node.end_lineno is None or node.end_col_offset is None:
        return None
    first, last = node.lineno - 1, node.end_lineno - 1
    if not 0 <= first <= last < len(lines):
        return None
    if first == last:
        return lines[first].encode()[node.col_offset:node.end_col_offset].decode()
    head = lines[first].encode()[node.col_offset:].decode()
    tail = lines[last].encode()[:node.end_col_offset].decode()
    return "".join([head, *lines[first + 1:last], tail])
