"""Errors that point at the file, line or field a user has to fix."""

from __future__ import annotations

from pathlib import Path


class LodplanError(Exception):
    """Base of the errors lodplan reports to its users (printed without a traceback)."""


class MappingError(LodplanError):
    """A mapping file or its source document cannot be read as declared."""

    def __init__(
        self, message: str, *, file: Path | str, line: int | None = None, field: str | None = None
    ) -> None:
        self.file = str(file)
        self.line = line
        self.field = field
        self.message = message
        where = self.file
        if line is not None:
            where += f":{line}"
        if field is not None:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # raised in a build's worker process, re-raised in the build
        return (_mapping_error, (self.message, self.file, self.line, self.field))


def _mapping_error(message: str, file: str, line: int | None, field: str | None) -> MappingError:
    return MappingError(message, file=file, line=line, field=field)


class ConfigError(LodplanError, ValueError):
    """A setting (flag or environment variable) has an unusable value."""
