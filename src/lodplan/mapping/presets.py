"""Presets: the reader sections of the table formats collectivities already have.

A mapping that says ``reader: {preset: <name>}`` gets the preset's reader section
(``presets/<name>/preset.yaml``): its column declarations, the columns it leaves
out and why. A collectivity writes only its plan's facts (title, publisher,
territory) and its file. When the preset names a Table Schema (the national
schema of ecological transition projects is one), the table is first checked
against it with frictionless, the schema's reference implementation, and every
error is reported with its row and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from lodplan.bundled import presets_dir
from lodplan.errors import MappingError

if TYPE_CHECKING:
    from lodplan.mapping.spec import MappingSpec

PRESET_FORMAT_VERSION = 1
MAX_LISTED_ERRORS = 20


def preset_names() -> list[str]:
    return sorted(p.parent.name for p in presets_dir().glob("*/preset.yaml"))


def load_preset(name: object, *, file: Path) -> dict[str, Any]:
    """The preset ``name``: its title, reader section and table schema (a path)."""
    path = presets_dir() / str(name) / "preset.yaml"
    if not isinstance(name, str) or not path.is_file():
        raise MappingError(
            f"{name!r} is not a preset; the presets are: {', '.join(preset_names())}",
            file=file,
            field="reader.preset",
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("lodplan-preset") != PRESET_FORMAT_VERSION:
        raise MappingError(f"this lodplan reads preset format {PRESET_FORMAT_VERSION}", file=path)
    if data.get("table-schema"):
        data["table-schema"] = path.parent / data["table-schema"]
    return data


def merge_preset(reader: dict[str, Any], *, file: Path) -> dict[str, Any]:
    """A mapping's reader section over its preset's: the mapping's keys win; a map in
    both (``ignore-columns``, ``actor-names``) is merged entry by entry and a list of
    names (``optional-columns``) is added to, so a mapping adds a column's reason
    without restating the preset's; a list of declarations (``fields``) replaces it."""
    if "preset" not in reader:
        return reader
    preset = load_preset(reader["preset"], file=file)
    merged = {**preset["reader"], **reader}
    for key, value in reader.items():
        mine = preset["reader"].get(key)
        if isinstance(value, dict) and isinstance(mine, dict):
            merged[key] = {**mine, **value}
        elif _names(value) and _names(mine):
            merged[key] = list(dict.fromkeys([*mine, *value]))
    return merged


def _names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_against_preset_schema(spec: MappingSpec) -> None:
    """The source checked against its preset's Table Schema, every error listed."""
    name = spec.reader.get("preset")
    if name is None:
        return
    schema = load_preset(name, file=spec.path).get("table-schema")
    if schema is None:
        return
    from frictionless import Resource, Schema  # imported here: only presets need it

    descriptor = json.loads(Path(schema).read_text(encoding="utf-8"))
    resource = Resource(
        path=spec.source.path.name,
        basepath=str(spec.source.path.parent),
        schema=Schema.from_descriptor(descriptor),
    )
    if spec.source.encoding != "auto":
        resource.encoding = spec.source.encoding
    report = resource.validate()
    if report.valid:
        return
    errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
    listed = [
        f"line {row or 1}" + (f", column {field}" if field else "") + f": {kind} ({note})"
        for row, field, kind, note in errors[:MAX_LISTED_ERRORS]
    ]
    hidden = len(errors) - MAX_LISTED_ERRORS
    more = f" … and {hidden} more" if hidden > 0 else ""
    raise MappingError(
        f"the table does not follow the schema of the preset {name} ({Path(schema).name}): "
        + "; ".join(listed)
        + more,
        file=spec.source.path,
    )
