"""Problems as values: where, what, and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line is 1-based, 0 when unknown."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, with the fix a person should make."""

    where: Location
    what: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" + (f"; {self.fix}" if self.fix else "")


class HeshuError(Exception):
    """Raised with every problem found, so that one run reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # so that it crosses from a worker process intact
        return HeshuError, (self.problems,)
