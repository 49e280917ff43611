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

from balise.i18n import Text
from balise.i18n import messages as m


class BaliseError(Exception):
    """``text`` renders in the current language; ``str(error)`` too."""

    exit_code = 1

    def __init__(self, text: Text | str) -> None:
        self.text = text
        super().__init__(text)

    def __str__(self) -> str:
        return str(self.text)


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
        super().__init__(m.UNKNOWN_TENANT(tenant=tenant, known=", ".join(known) if known else m.NONE_YET()))


class UnknownFormatError(UserInputError):
    def __init__(self, file: str, header: list[str], known: list[str]) -> None:
        self.file = file
        shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
        super().__init__(m.UNKNOWN_FORMAT(file=file, columns=shown, known=", ".join(known)))


@dataclass
class Problem:
    """One bad row or field in a source file. ``line`` is 1-based and counts the header line."""

    file: str
    problem: Text
    hint: Text
    line: int | None = None
    column: str | None = None
    column_number: int | None = None  # 1-based position of the column in the header
    value: str | None = None

    def where(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(m.LINE(line=self.line)))
        if self.column is not None:
            if self.column_number is not None:
                parts.append(str(m.COLUMN_N(column=self.column, n=self.column_number)))
            else:
                parts.append(str(m.COLUMN(column=self.column)))
        return ", ".join(parts)

    def __str__(self) -> str:
        value = str(m.VALUE(value=self.value)) if self.value is not None else ""
        return f"{self.where()}: {self.problem}{value}. {self.hint}"


class BadSourceError(UserInputError):
    def __init__(self, problem: Problem, more: int = 0) -> None:
        self.problem = problem
        self.more = more
        super().__init__(problem.file)

    def __str__(self) -> str:
        return str(self.problem) + (str(m.MORE_PROBLEMS(n=self.more)) if self.more else "")
