"""A calibration script read into calls, ``mystep`` blocks, ``step_title`` and comments.

Calibration scripts are Python 2 (casapy 4.x, ``print 'x'``) or Python 3 (CASA 5/6); the
shared reader :mod:`qa2docs.extractors.pyscript` finds the calls (indentation ignored) and
parses each call's arguments alone: literal values are kept, other values keep their source
text (:class:`Expr`). ``step_title = {...}`` is read with ``ast.literal_eval`` and every call
is mapped to its ``mystep = N`` block.
"""

from __future__ import annotations

import ast
import textwrap
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from qa2docs.extractors.pyscript import Arg, NotLiteral, PyScript, closing
from qa2docs.extractors.pyscript import Call as PyCall

# Calls whose arguments facts depend on: an unparsable one makes the script incomplete.
RELEVANT_CALLS = frozenset({
    "importasdm", "fixplanets", "fixsyscaltimes", "gencal", "flagdata", "setjy", "bandpass",
    "gaincal", "fluxscale", "applycal", "split", "mstransform",
})


@dataclass(frozen=True)
class Expr:
    """A non-literal argument value, kept as its source text."""

    source: str


@dataclass(eq=False)
class Call:
    """One call found in the script: name as written, place, parsed arguments.

    The arguments are parsed and their values read when first asked for (most calls of a
    script, ``print``, ``os.system``, ``casalog.post``, are never asked); the excerpt too.
    """

    name: str
    line: int
    end_line: int
    step: int | None
    found: PyCall = field(repr=False)
    """The call as the reader found it (closed)."""
    lines: list[str] = field(repr=False)
    """The script's lines."""

    @cached_property
    def task(self) -> str:
        """The last part of the dotted name (``es.fixForCSV2555`` -> ``fixForCSV2555``)."""
        return self.name.rsplit(".", 1)[-1]

    @cached_property
    def excerpt(self) -> str:
        """The call's lines, dedented."""
        return textwrap.dedent("".join(self.lines[self.line - 1:self.end_line])).rstrip()

    @property
    def args(self) -> list[Any]:
        """The positional arguments' values (literal, else :class:`Expr`)."""
        return self._values[0]

    @property
    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments' values by name (literal, else :class:`Expr`)."""
        return self._values[1]

    @property
    def kw_lines(self) -> dict[str, int]:
        """The line each keyword argument ends on."""
        return self._values[2]

    @property
    def parsed(self) -> bool:
        """Whether the arguments parsed (else ``args`` and ``kwargs`` are empty)."""
        return self.found.arguments is not None

    @cached_property
    def _values(self) -> tuple[list[Any], dict[str, Any], dict[str, int]]:
        arguments = self.found.arguments
        if arguments is None:
            return [], {}, {}
        return ([_literal(a) for a in arguments.positional],
                {key: _literal(arg) for key, arg in arguments.keywords.items()},
                {key: arg.line for key, arg in arguments.keywords.items()})

    def text(self, key: str) -> str | None:
        """The keyword's value when it is a literal string, else None."""
        value = self.kwargs.get(key)
        return value if isinstance(value, str) else None


@dataclass
class CalScript:
    """What the tokenizer found in one calibration script."""

    lines: list[str]
    calls: list[Call]
    comments: dict[int, str]
    step_title: dict[int, str] | None = None
    step_title_span: tuple[int, int] | None = None
    step_lines: dict[int, int] = field(default_factory=dict)
    truncated: bool = False
    unparsed: bool = False

    @property
    def complete(self) -> bool:
        """True when the whole script was read: every step found, every relevant call parsed."""
        return (self.step_title is not None and not self.truncated and not self.unparsed
                and all(n in self.step_lines for n in self.step_title))

    def named(self, *tasks: str) -> list[Call]:
        """The calls whose last name part is one of *tasks*, in file order."""
        return [c for c in self.calls if c.task in tasks]

    def comment_above(self, line: int) -> str:
        """The comment lines directly above *line* (blank lines skipped), joined."""
        found: list[str] = []
        i = line - 2
        while i >= 0:
            stripped = self.lines[i].strip()
            if stripped.startswith("#"):
                found.append(stripped)
            elif stripped:
                break
            i -= 1
        return "\n".join(reversed(found))

    def trailing_comment(self, call: Call, key: str) -> str | None:
        """The comment at the end of the line holding keyword *key* of *call*."""
        comment = self.comments.get(call.kw_lines.get(key, -1))
        return comment.lstrip("#").strip() if comment else None


def read_script(text: str, warn: Callable[[int | None, str], None]) -> CalScript:
    """Read a calibration script's text into calls, steps and comments."""
    # Indentation is never needed (steps are mapped by line ranges), and ignoring it means a
    # Python 2 file with inconsistent indentation cannot stop the tokenizer.
    source = PyScript(text, indentation=False)
    script = CalScript(lines=source.lines, calls=[], comments=source.comments)
    for problem in source.problems:
        if problem.at_end:
            warn(problem.line, f"file ends inside an unfinished statement ({problem.message}); "
                               "truncated?")
        else:
            warn(problem.line, f"tokenizer: {problem.message}; line skipped")
        script.truncated = True
    _find_steps(script, source, warn)
    _find_calls(script, source, warn)
    return script


def _find_steps(script: CalScript, source: PyScript,
                warn: Callable[[int | None, str], None]) -> None:
    for statement in source.statements:
        sig = statement.tokens
        for i in statement.starts():
            tok = sig[i]
            if tok.type != tokenize.NAME or i + 2 >= len(sig) or sig[i + 1].string != "=":
                continue
            if (tok.string == "mystep" and sig[i + 2].type == tokenize.NUMBER
                    and sig[i + 2].string.isdigit()):
                number = int(sig[i + 2].string)
                if number in script.step_lines:
                    warn(tok.start[0], f"step {number} appears twice (first at line "
                                       f"{script.step_lines[number]}); calls go to the later one")
                script.step_lines[number] = tok.start[0]
            elif tok.string == "step_title" and sig[i + 2].string == "{":
                _read_step_title(script, source, sig, i, warn)
    if script.step_title is not None:
        missing = [n for n in script.step_title if n not in script.step_lines]
        if missing and not script.truncated:
            warn(None, f"no 'mystep = N' block for step(s) {', '.join(map(str, missing))} "
                       "of step_title")
        elif missing:
            warn(None, f"step(s) {', '.join(map(str, missing))} of step_title not reached")


def _read_step_title(script: CalScript, source: PyScript, sig: list[tokenize.TokenInfo], i: int,
                     warn: Callable[[int | None, str], None]) -> None:
    """``step_title = {...}`` at token *i*, read with ``ast.literal_eval``."""
    line = sig[i].start[0]
    end = closing(sig, i + 2)
    if end is None:
        warn(line, "step_title is not closed")
        return
    try:
        titles = ast.literal_eval(source.text(sig[i + 2].start, sig[end].end))
    except (ValueError, SyntaxError) as err:
        warn(line, f"step_title is not a literal dict: {err}")
        return
    if not isinstance(titles, dict) or not all(isinstance(k, int) for k in titles):
        warn(line, "step_title is not a dict of step numbers")
        return
    script.step_title = {k: str(v) for k, v in sorted(titles.items())}
    script.step_title_span = (line, sig[end].end[0])


def _step_of(script: CalScript, line: int) -> int | None:
    best: tuple[int, int] | None = None
    for number, start in script.step_lines.items():
        if start <= line and (best is None or start > best[1]):
            best = (number, start)
    return best[0] if best else None


def _find_calls(script: CalScript, source: PyScript,
                warn: Callable[[int | None, str], None]) -> None:
    for found in source.calls:
        if found.closed:
            script.calls.append(_make_call(script, found, warn))
        else:
            warn(found.line, f"call {found.name}( is not closed before the end of the file")
            script.truncated = True


def _literal(arg: Arg) -> Any:
    try:
        return arg.value()
    except NotLiteral:
        return Expr(arg.source)


def _make_call(script: CalScript, found: PyCall,
               warn: Callable[[int | None, str], None]) -> Call:
    call = Call(found.name, found.line, found.end_line, _step_of(script, found.line), found,
                script.lines)
    if call.task in RELEVANT_CALLS and found.arguments is None:
        warn(call.line, f"cannot parse the arguments of {call.name}: {found.error}")
        script.unparsed = True
    return call
