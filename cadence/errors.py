"""One error hierarchy; the CLI turns it into exit codes in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding in an input file, located by file, line and the path of the key."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class CadenceError(Exception):
    """Base of every error cadence reports to the coordinator instead of a traceback."""

    exit_code = 1


class InputError(CadenceError):
    """Input that cannot be read or does not make sense (exit code 2)."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            self.problems: tuple[Problem, ...] = ()
            super().__init__(problems)
        else:
            self.problems = tuple(problems)
            super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(InputError):
    """A scenario file with one or more problems, all collected before raising."""


class InfeasibleError(CadenceError):
    """The scenario's rules cannot all hold at once (exit code 1)."""

    exit_code = 1


class ImpossibleError(InfeasibleError):
    """Rules that certainly cannot all hold, found in the file without solving (exit code 1),
    each located like a bad input."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ChoiceNeeded(CadenceError):
    """A change that keeping every rule would make too large: the coordinator chooses one of
    the options printed (``--option N``); nothing was written (exit code 3)."""

    exit_code = 3


class UndecidedError(InfeasibleError):
    """No plan found within the budget, and none proven impossible either (exit code 1)."""
