"""Mapping files read through typed models (pydantic): every error at once, each with
its file and field path.

A model declares a section of a mapping file (its keys are written in kebab-case in
YAML); :func:`parse_section` validates a section and turns pydantic's errors into
one :class:`~lodplan.errors.MappingError` that lists each problem with the dotted
path a person finds in their file (``reader.fields[2].role``) and what to write.
"""

from __future__ import annotations

import re
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
        found: dict[str, list[str]] = {}
        for error in exc.errors():
            messages = found.setdefault(_path(at, error, data), [])
            if _message(error) not in messages:
                messages.append(_message(error))
    # the branches of a union failing for one field are one problem: what may be written
    problems = [(field, _one_message(messages)) for field, messages in found.items()]
    first_field = problems[0][0]
    if len(problems) == 1:
        raise MappingError(problems[0][1], file=file, field=first_field)
    listed = "; ".join(f"'{field}': {message}" for field, message in problems)
    raise MappingError(f"{len(problems)} problems: {listed}", file=file, field=first_field)


def _one_message(messages: list[str]) -> str:
    """One message for the problems of one field (the branches of a union)."""
    if len(messages) == 1:
        return messages[0]
    parts = [re.match(r"^('.*?'|\S+) is not (.*)$", m, re.S) for m in messages]
    if all(parts) and len({m.group(1) for m in parts if m}) == 1:
        value = parts[0].group(1) if parts[0] else ""
        return f"{value} is neither " + " nor ".join(m.group(2) for m in parts if m)
    return "; ".join(messages)


def _path(at: str, error: Any, data: Any) -> str:
    """The field path a person finds in their file: pydantic's location without the
    names of union members it tried (``tabular``, ``date``, ``function-after[…]``)."""
    loc = error["loc"]
    path, current = at, data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and part < len(current)
        ):
            current = current[part]
        elif not last or error["type"] not in ("missing", "extra_forbidden"):
            continue  # a step of pydantic's, not a key of the file
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


# what the patterns of the models mean, said to a person
PATTERNS = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "is not an identifier (lower-case letters, digits, '-')",
    r"^[0-9]{4}-(0[1-9]|1[0-2])$": "is not a month (YYYY-MM)",
    r"^[0-9]+-[0-9]+$": "is not a range of lines 'a-b'",
    r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$": "is not a language tag (fr, en…)",
    r"^[0-9a-f]{64}$": "is not a SHA-256 (64 hexadecimal digits)",
}


def _message(error: Any) -> str:
    kind, context = error["type"], error.get("ctx", {})
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key: not part of the format (see docs/mapping.md)"
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "must not be empty"
    if kind == "literal_error":
        return f"{error['input']!r} is not allowed; write one of {context.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        described = PATTERNS.get(str(context.get("pattern")))
        if described:
            return f"{error['input']!r} {described}"
    if kind.startswith(("date_", "datetime_")):
        return f"{error['input']!r} is not a date (YYYY-MM-DD)"
    if kind in ("too_short", "too_long"):
        least, most = context.get("min_length"), context.get("max_length")
        return f"has {context.get('actual_length')} items; expected " + (
            f"{least}" if least == most else f"between {least} and {most}"
            if most is not None else f"at least {least}"
        )  # fmt: skip
    return str(error["msg"]).removeprefix("Value error, ")
