"""A CASA script of the SB (imaging, flux equalisation) read task call by task call.

Plain literal assignments seen earlier in the file resolve variable arguments; an argument
that is not a literal keeps its expression text under ``unresolved``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from qa2docs.extractors.pyscript import NotLiteral, Problem, PyScript
from qa2docs.extractors.pyscript import Call as PyCall

CLEAN_TASKS = frozenset({"clean", "tclean"})
CONTSUB_TASKS = frozenset({"uvcontsub", "uvcontsub3", "uvcontsub_old", "imcontsub"})
SELFCAL_TASKS = frozenset({"gaincal", "applycal"})
TASKS = CLEAN_TASKS | CONTSUB_TASKS | SELFCAL_TASKS | {"concat", "setjy", "mstransform", "split"}

# Leading positional parameters of the tasks read here (CASA 4-6 signatures).
POSITIONAL = {
    "clean": ("vis", "imagename"), "tclean": ("vis",), "concat": ("vis", "concatvis"),
    "setjy": ("vis", "field", "spw"), "uvcontsub": ("vis", "field", "fitspw"),
    "gaincal": ("vis", "caltable"), "applycal": ("vis",), "imcontsub": ("imagename",),
    "mstransform": ("vis", "outputvis"), "split": ("vis", "outputvis"),
}


@dataclass
class Call:
    """One task call found in a script, with its arguments read as far as possible."""

    task: str
    line: int
    end_line: int
    text: str
    args: dict[str, Any] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)

    def known(self, *keys: str) -> bool:
        """True when none of *keys* is an unresolved argument."""
        return not any(k in self.unresolved for k in keys)


class Script:
    """A CASA script (Python 2 or 3) read call by call, never parsed whole."""

    def __init__(self, text: str, tasks: frozenset[str] = TASKS):
        source = PyScript(text)
        self.lines = source.lines
        self.calls: list[Call] = []
        self.problems: list[tuple[int | None, str]] = []
        unclosed: list[PyCall] = []
        for statement, names in source.walk():
            # A task called inside another task's arguments is part of that call.
            for found in statement.calls:
                if found.name not in tasks or found.within(tasks):
                    continue
                if found.closed:
                    self.calls.append(self._read_call(found, names))
                else:
                    unclosed.append(found)
            if statement.problem is not None:
                self._problem(statement.problem)
            if statement.problem is not None or statement is source.statements[-1]:
                self.problems += [(c.line, f"{c.name}() call at line {c.line} is not closed")
                                  for c in unclosed]
                unclosed = []

    @property
    def complete(self) -> bool:
        """True when every line tokenized and every call's arguments parsed."""
        return not self.problems

    def calls_of(self, tasks: frozenset[str] | set[str]) -> list[Call]:
        """The calls to any of *tasks*, in file order."""
        return [c for c in self.calls if c.task in tasks]

    def _problem(self, problem: Problem) -> None:
        message = problem.message
        if problem.line > len(self.lines):
            message += " (file truncated?)"
        self.problems.append((min(problem.line, len(self.lines)), message))

    def _read_call(self, found: PyCall, names: Mapping[str, Any]) -> Call:
        call = Call(found.name, found.line, found.end_line, found.source)
        arguments = found.arguments
        if arguments is None:
            self.problems.append((call.line, f"cannot read the arguments of {call.task}(): "
                                             f"{found.error}"))
            call.unresolved["*"] = found.arg_text.strip()
            return call
        named = list(zip(POSITIONAL.get(call.task, ()), arguments.positional))
        named += list(arguments.keywords.items())
        for name, arg in named:
            try:
                call.args[name] = arg.value(names)
            except NotLiteral:
                call.unresolved[name] = arg.source
        return call
