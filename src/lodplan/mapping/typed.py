"""Mapping files read through typed models (pydantic): every error at once, each with
its file and field path.

A model declares a section of a mapping file (its keys are written in kebab-case in
YAML); :func:`parse_section` validates a section and turns pydantic's errors into
one :class:`~lodplan.errors.MappingError` that lists each problem with the dotted
path a person finds in their file (``reader.fields[2].role``) and what to write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from lodplan.errors import MappingError

M = TypeVar("M", bound=BaseModel)


def kebab(name: str) -> str:
    return name.replace("_", "-")


class Section(BaseModel):
    """Base of the models of mapping-file sections: kebab-case keys, unknown keys refused."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=kebab, populate_by_name=True, frozen=True
    )


def parse_section(model: type[M], data: Any, *, file: Path | str, at: str) -> M:
    """``data`` (the YAML under ``at``) as ``model``, or a MappingError listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [(_path(at, error["loc"], data), _message(error)) for error in exc.errors()]
    first_field = problems[0][0]
    if len(problems) == 1:
        raise MappingError(problems[0][1], file=file, field=first_field)
    listed = "; ".join(f"'{field}': {message}" for field, message in problems)
    raise MappingError(f"{len(problems)} problems: {listed}", file=file, field=first_field)


def _path(at: str, loc: tuple[Any, ...], data: Any) -> str:
    """The field path a person finds in their file: pydantic's location without the
    names of union members it tried (``tabular``, ``function-after[…]``)."""
    path, current = at, data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and part < len(current)
        ):
            current = current[part]
        elif not last or str(part).startswith(("function-", "union[")):
            continue  # a step of pydantic's, not a key of the file
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key: not part of the format (see docs/mapping.md)"
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        return "must not be empty"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{error['input']!r} is not allowed; write one of {allowed}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message
