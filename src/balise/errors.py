"""Every error Balise raises on purpose, and what it means for the user.

    BaliseError
    ├── UserInputError            the user's input is wrong; fix it and run again       (CLI exit 2, HTTP 4xx)
    │   ├── BadSourceError        a billing file is malformed: names file, line, column
    │   ├── UnknownFormatError    no connector recognises a file's columns
    │   ├── UnknownTenantError    a tenant that does not exist in this workspace
    │   └── UsageError            an option or argument is out of range
    └── ExecutionError            running failed (disk full, database down): not the input's fault  (exit 1)

Anything else escaping is a bug. Messages say what failed, where, why and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass


class BaliseError(Exception):
    exit_code = 1


class UserInputError(BaliseError):
    exit_code = 2


class ExecutionError(BaliseError):
    exit_code = 1


class UsageError(UserInputError):
    pass


class UnknownTenantError(UserInputError):
    def __init__(self, tenant: str, known: list[str]) -> None:
        self.tenant = tenant
        self.known = known
        listing = ", ".join(known) if known else "none yet"
        super().__init__(f"unknown tenant {tenant!r} (tenants in this workspace: {listing}); "
                         f"ingest a bill with `balise ingest FILE --tenant {tenant}` to create it")


class UnknownFormatError(UserInputError):
    def __init__(self, file: str, header: list[str], known: list[str]) -> None:
        self.file = file
        shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
        super().__init__(
            f"{file}: the columns ({shown}) match no known billing format; "
            f"if it is one of {', '.join(known)}, say which with --format NAME")


@dataclass
class Problem:
    """One bad row or field in a source file. ``line`` is 1-based and counts the header line."""

    file: str
    problem: str
    hint: str
    line: int | None = None
    column: str | None = None
    column_number: int | None = None  # 1-based position of the column in the header
    value: str | None = None

    def where(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            col = f"column {self.column!r}"
            if self.column_number is not None:
                col += f" (#{self.column_number})"
            parts.append(col)
        return ", ".join(parts)

    def __str__(self) -> str:
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{self.where()}: {self.problem}{value}. {self.hint}"


class BadSourceError(UserInputError):
    def __init__(self, problem: Problem, more: int = 0) -> None:
        self.problem = problem
        self.more = more
        suffix = f" ({more} more problem{'s' if more > 1 else ''} of this kind in the file)" if more else ""
        super().__init__(str(problem) + suffix)
