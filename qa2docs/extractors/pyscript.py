"""One reader for the CASA scripts: casapy (Python 2) or Python 3, read call by call.

A script is never ``ast.parse``-d whole (``print 'x'`` must not stop it): ``tokenize`` reads
it into logical statements, every ``name(...)`` / ``es.fixForCSV2555(...)`` call is found in
the tokens (nested ones too; a commented-out call is a comment token, never a call), and only
the text of each call's arguments is parsed with ``ast``. An argument's value is a literal
(casapy's ``T``/``F`` included, names bound to literals when a caller passes them) or else its
source text. A tokenizer error is a :class:`Problem` with its line, and reading goes on after
that line (the file ending inside a bracket ends it); the statement it cut keeps its tokens
and its unclosed calls are flagged.

Users: :mod:`qa2docs.extractors.calscript` (calibration scripts) and
:mod:`qa2docs.extractors.imaging` (imaging and flux-calibration scripts).
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from collections import ChainMap
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Collection, Iterator, Mapping

from qa2docs.extractors.pyliteral import (  # re-exported: the readers' one import
    CASAPY_NAMES, LINE, NotLiteral, literal, parse_expression, source_segment,
)

__all__ = ["CASAPY_NAMES", "NotLiteral", "literal", "parse_expression", "Problem", "Arg",
           "Arguments", "Call", "Statement", "PyScript", "closing"]

#: Tokens that never belong to a statement's significant tokens.
NOISE = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
                   tokenize.ENCODING})
#: The ``type`` of a :class:`Problem`, which no token has.
PROBLEM = -1
#: Token types (and :class:`Problem`'s) that are not kept among a statement's tokens.
_NOT_KEPT = NOISE | {tokenize.NEWLINE, tokenize.ENDMARKER, PROBLEM}
#: Operators that rebind the name before them to something that is not a plain literal.
AUGMENTED = frozenset({"+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "^=",
                       "|=", "@=", ":="})
_NOT_CALL_AFTER = frozenset({".", "def", "class"})
_CALL_OR_DOT = frozenset({"(", "."})

Position = tuple[int, int]


@dataclass(frozen=True)
class Problem:
    """A tokenizer error: where, tokenize's words, and whether it ended reading."""

    type: ClassVar[int] = PROBLEM
    """Not a token type: the reader tells problems from tokens by it."""
    line: int
    """1-based; one past the last line when the file ends inside a bracket."""
    message: str
    at_end: bool
    """True when the file ends inside a bracket or string (a string's error names the line
    where it starts, and reading goes on after that line)."""


@dataclass(frozen=True)
class Arg:
    """One argument of a call: its ``ast`` node, its source text and the line it ends on."""

    node: ast.expr
    source: str
    line: int

    def value(self, names: Mapping[str, Any] = CASAPY_NAMES) -> Any:
        """The literal value (names looked up in *names*); :class:`NotLiteral` otherwise."""
        return literal(self.node, names)


@dataclass(frozen=True)
class Arguments:
    """A call's parsed arguments: positional in order, keywords by name."""

    positional: list[Arg]
    keywords: dict[str, Arg]


@dataclass(eq=False)
class Call:
    """One ``name(...)`` call found in the tokens."""

    name: str
    """The (dotted) name as written: ``es.fixForCSV2555``."""
    line: int
    end_line: int
    """The line of the closing bracket (of the last token read, when not closed)."""
    closed: bool
    parent: Call | None
    """The innermost call whose brackets hold this one."""
    paren_line: int
    """The line of the opening bracket (argument lines count from it)."""
    _lines: list[str] = field(default_factory=list, repr=False)
    """The lines the script was read from (:attr:`PyScript._read`)."""
    _spots: tuple[Position, ...] = field(default=(), repr=False)
    """Where the name starts, the brackets start and end (closed calls): the texts below are
    cut from the script when first asked for (most calls' never are)."""

    @cached_property
    def source(self) -> str:
        """From the name to the closing bracket, as read (empty when not closed)."""
        return self._cut(0, 4)

    @cached_property
    def arg_text(self) -> str:
        """Between the brackets (empty when not closed)."""
        return self._cut(2, 3)

    @cached_property
    def _parse_source(self) -> str:
        return "_f" + self._cut(1, 4) if self._spots else ""

    def _cut(self, start: int, end: int) -> str:
        return cut(self._lines, self._spots[start], self._spots[end]) if self._spots else ""

    @property
    def task(self) -> str:
        """The last part of the dotted name (``es.fixForCSV2555`` -> ``fixForCSV2555``)."""
        return self.name.rsplit(".", 1)[-1]

    def within(self, names: Collection[str]) -> bool:
        """True when a call holding this one in its brackets is named one of *names*."""
        parent = self.parent
        while parent is not None:
            if parent.name in names:
                return True
            parent = parent.parent
        return False

    @property
    def arguments(self) -> Arguments | None:
        """The parsed arguments; None when not closed or not parsable (see :attr:`error`)."""
        return self._parsed[0]

    @property
    def error(self) -> str | None:
        """Why the arguments could not be parsed (None when they were, or not closed)."""
        return self._parsed[1]

    @cached_property
    def _parsed(self) -> tuple[Arguments | None, str | None]:
        if not self.closed:
            return None, None
        try:
            node = parse_expression(self._parse_source)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            return None, getattr(err, "msg", None) or str(err)
        if not isinstance(node, ast.Call):  # cannot happen: the text is "_f" + "(...)"
            return None, "not a call"

        lines = LINE.findall(self._parse_source)

        def arg(value: ast.expr) -> Arg:
            return Arg(value, source_segment(lines, value) or "",
                       self.paren_line + (value.end_lineno or 1) - 1)

        keywords = {kw.arg: arg(kw.value) for kw in node.keywords if kw.arg is not None}
        return Arguments([arg(a) for a in node.args], keywords), None


@dataclass
class Statement:
    """One logical line: its significant tokens and the calls that start in it."""

    tokens: list[tokenize.TokenInfo]
    calls: list[Call]
    problem: Problem | None = None
    """The tokenizer error that cut this statement short."""

    def starts(self) -> Iterator[int]:
        """Indexes of the tokens that start a simple statement (first, and after ``;``)."""
        for i, tok in enumerate(self.tokens):
            if i == 0 or self.tokens[i - 1].string == ";":
                yield i


class PyScript:
    """A script read into statements, calls and comments, never parsed whole.

    Args:
        text: the file's text; lines are split as Python reads them (``\\n``, ``\\r\\n``,
            ``\\r``).
        indentation: False ignores indentation altogether (tokens are read from the lines
            without their leading blanks), so a Python 2 file mixing tabs and spaces cannot
            stop the tokenizer; columns then refer to the stripped lines.
    """

    def __init__(self, text: str, *, indentation: bool = True) -> None:
        self.lines: list[str] = io.StringIO(text, newline=None).readlines()
        self._read = self.lines if indentation else [ln.lstrip(" \t\f") for ln in self.lines]
        self.comments: dict[int, str] = {}
        self.statements: list[Statement] = []
        self._scan()

    @property
    def problems(self) -> list[Problem]:
        """The tokenizer errors, in file order."""
        return [s.problem for s in self.statements if s.problem is not None]

    @property
    def calls(self) -> list[Call]:
        """Every call, nested ones included, in order of their names."""
        return [c for s in self.statements for c in s.calls]

    def text(self, start: Position, end: Position) -> str:
        """The text read between two token positions."""
        return cut(self._read, start, end)

    def walk(self) -> Iterator[tuple[Statement, Mapping[str, Any]]]:
        """Each statement with the names bound before it to literals (``thems = 'x.ms'``).

        casapy's ``T``/``F`` are always there; a name bound to anything else (a loop
        variable, an expression, ``+=``) is dropped, never guessed.
        """
        bound: dict[str, Any] = {}
        names = ChainMap(dict(CASAPY_NAMES), bound)
        for statement in self.statements:
            yield statement, names
            if statement.problem is None:
                self._bind(statement.tokens, bound, names)

    # -- reading ---------------------------------------------------------------------------

    def _tokens(self) -> Iterator[tokenize.TokenInfo | Problem]:
        # On an error, restart on the line after the one it names, so that one bad line (or
        # a stray quote opening a string to the end of the file) does not hide the rest.
        base = 0
        while base < len(self._read):
            rest = iter(self._read[base:])
            try:
                tokens = tokenize.generate_tokens(lambda: next(rest, ""))
                if not base:
                    yield from tokens
                    return
                for tok in tokens:  # after a restart: numbered from the file's first line
                    yield tok._replace(start=(tok.start[0] + base, tok.start[1]),
                                       end=(tok.end[0] + base, tok.end[1]))
                return
            except tokenize.TokenError as err:  # EOF inside a bracket or a string
                where = err.args[1][0] if len(err.args) > 1 else len(self._read) - base + 1
                problem = Problem(base + where, str(err.args[0]), at_end=True)
            except SyntaxError as err:  # IndentationError and friends
                problem = Problem(base + (err.lineno or 1), err.msg, at_end=False)
            yield problem
            base = max(problem.line, base + 1)

    def _scan(self) -> None:
        segment: list[Statement] = []  # the statements read since the last restart
        tokens: list[tokenize.TokenInfo] = []
        keep, comments = tokens.append, self.comments
        for item in self._tokens():
            kind = item.type
            if kind not in _NOT_KEPT:  # most tokens: tested first, by one set lookup
                keep(item)
            elif kind == tokenize.COMMENT:
                comments[item.start[0]] = item.string
            elif kind == tokenize.NEWLINE or kind == tokenize.ENDMARKER:
                if tokens:
                    segment.append(Statement(tokens, []))
                    tokens = []
                    keep = tokens.append
            elif kind == PROBLEM:
                segment.append(Statement(tokens, [], item))
                self._find_calls(segment)
                segment, tokens = [], []
                keep = tokens.append
        self._find_calls(segment)

    def _find_calls(self, segment: list[Statement]) -> None:
        """Give each statement the calls that start in it.

        A call's name and bracket stand in one statement, but the bracket may close in a later
        one: a first line commented out inside a call leaves tokenize counting brackets below
        zero, so it ends statements inside the next calls.
        """
        self.statements += segment
        run = [tok for statement in segment for tok in statement.tokens]
        open_calls: list[tuple[Call, int]] = []  # (call, index in run of its closing bracket)
        offset = 0
        for statement in segment:
            tokens = statement.tokens
            i, last = 0, len(tokens) - 1
            while i < len(tokens):
                if i == last or tokens[i + 1].string not in _CALL_OR_DOT:
                    i += 1  # neither a call nor a dotted name: the commonest token, told at once
                    continue
                tok = tokens[i]
                if (tok.type != tokenize.NAME or keyword.iskeyword(tok.string)
                        or (i > 0 and tokens[i - 1].string in _NOT_CALL_AFTER)):
                    i += 1
                    continue
                name, j = tok.string, i
                while (j + 2 < len(tokens) and tokens[j + 1].string == "."
                       and tokens[j + 2].type == tokenize.NAME):
                    name += "." + tokens[j + 2].string
                    j += 2
                if j + 1 < len(tokens) and tokens[j + 1].string == "(":
                    close = closing(run, offset + j + 1)
                    while open_calls and open_calls[-1][1] < offset + i:
                        open_calls.pop()
                    call = self._call(name, tok, tokens[j + 1],
                                      None if close is None else run[close],
                                      open_calls[-1][0] if open_calls else None, run[-1])
                    statement.calls.append(call)
                    open_calls.append((call, len(run) if close is None else close))
                i = j + 1
            offset += len(tokens)

    def _call(self, name: str, first: tokenize.TokenInfo, paren: tokenize.TokenInfo,
              close: tokenize.TokenInfo | None, parent: Call | None,
              last: tokenize.TokenInfo) -> Call:
        if close is None:
            return Call(name, first.start[0], last.end[0], False, parent, paren.start[0])
        return Call(name, first.start[0], close.end[0], True, parent, paren.start[0],
                    self._read, (first.start, paren.start, paren.end, close.start, close.end))

    def _bind(self, tokens: list[tokenize.TokenInfo], bound: dict[str, Any],
              names: Mapping[str, Any]) -> None:
        """Track ``name = literal``; any other binding of a name drops it."""
        if tokens[0].string == "for":
            for tok in tokens[1:]:
                if tok.string == "in":
                    break
                if tok.type == tokenize.NAME:
                    bound.pop(tok.string, None)
            return
        depth = 0
        for i, tok in enumerate(tokens):
            if tok.type != tokenize.OP:
                continue
            if tok.string in "([{":
                depth += 1
            elif tok.string in ")]}":
                depth -= 1
            elif depth == 0 and tok.string in AUGMENTED:
                bound.pop(tokens[0].string, None)
                return
            elif depth == 0 and tok.string == "=":
                break
        else:
            return
        targets = tokens[:i]
        if len(targets) == 1 and targets[0].type == tokenize.NAME and i + 1 < len(tokens):
            expr = self.text(tokens[i + 1].start, tokens[-1].end)
            try:
                bound[targets[0].string] = literal(parse_expression(f"(\n{expr}\n)"), names)
                return
            except (SyntaxError, ValueError, RecursionError, MemoryError, NotLiteral):
                pass
        for tok in targets:
            if tok.type == tokenize.NAME:
                bound.pop(tok.string, None)


def cut(lines: list[str], start: Position, end: Position) -> str:
    """The text of *lines* between two token positions."""
    (r1, c1), (r2, c2) = start, end
    if r1 == r2:
        return lines[r1 - 1][c1:c2]
    return lines[r1 - 1][c1:] + "".join(lines[r1:r2 - 1]) + lines[r2 - 1][:c2]


def closing(tokens: list[tokenize.TokenInfo], i: int) -> int | None:
    """Index of the bracket closing the one at *i*, or None when the tokens end first.

    Only brackets of that kind count, so a stray ``]`` inside a call does not end it.
    """
    opening = tokens[i].string
    pair = opening + {"(": ")", "[": "]", "{": "}"}[opening]
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].type == tokenize.OP and tokens[j].string in pair:
            depth += 1 if tokens[j].string == opening else -1
            if depth == 0:
                return j
    return None
