"""What points to a resource, grouped by meaning ("Cité par").

The page of a commune lists the actions concerning it, the plans covering it, the
actors of the territory and the passages naming it — not "lodplan:territory",
"dcterms:spatial", "oa:hasBody". Groups are data, in ``site/incoming.yaml``: each
takes the links of some properties, from subjects of some types if it says so; a
link no group takes is listed under its property's name, as before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from lodplan.bundled import site_dir
from lodplan.errors import LodplanError

INCOMING_FILE = "incoming.yaml"


class IncomingGroupsError(LodplanError):
    """``site/incoming.yaml`` is malformed."""


@dataclass(frozen=True)
class GroupRule:
    """A group of incoming links: its message key (``incoming.<id>``), the properties
    it takes, the types their subject must have (any, if empty), and the kinds of
    page that show these links elsewhere."""

    id: str
    properties: frozenset[str]
    types: frozenset[str] = frozenset()
    elsewhere: frozenset[str] = frozenset()

    def takes(self, property_iri: str, types: Collection[str]) -> bool:
        return property_iri in self.properties and (
            not self.types or not self.types.isdisjoint(types)
        )


def group_of(
    rules: Sequence[GroupRule], property_iri: str, types: Collection[str]
) -> GroupRule | None:
    """The first group taking a link by ``property_iri`` from a subject of ``types``."""
    return next((rule for rule in rules if rule.takes(property_iri, types)), None)


def load_rules(path: Path) -> tuple[GroupRule, ...]:
    """The groups of ``path`` (``site/incoming.yaml``'s format), in their order."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise IncomingGroupsError(
            f"{path}: cannot read the groups of incoming links: {error}"
        ) from None
    if not isinstance(data, dict):
        raise IncomingGroupsError(f"{path}: expected a mapping with `prefixes` and `groups`")
    prefixes = data.get("prefixes") or {}
    groups = data.get("groups") or []
    if not isinstance(prefixes, dict) or not isinstance(groups, list):
        raise IncomingGroupsError(f"{path}: `prefixes` is a mapping, `groups` a list")
    rules = []
    for number, group in enumerate(groups, 1):
        where = f"{path}: groups[{number}]"
        if not isinstance(group, dict) or not isinstance(group.get("id"), str):
            raise IncomingGroupsError(f"{where}: expected a mapping with an `id`")
        unknown = set(group) - {"id", "properties", "types", "elsewhere"}
        if unknown:
            raise IncomingGroupsError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        properties = _iris(group.get("properties"), prefixes, f"{where}.properties")
        if not properties:
            raise IncomingGroupsError(f"{where}.properties: name at least one property")
        elsewhere = group.get("elsewhere") or []
        if not isinstance(elsewhere, list):
            raise IncomingGroupsError(f"{where}.elsewhere: expected a list of page kinds")
        rules.append(
            GroupRule(
                id=group["id"],
                properties=properties,
                types=_iris(group.get("types"), prefixes, f"{where}.types"),
                elsewhere=frozenset(str(kind) for kind in elsewhere),
            )
        )
    return tuple(rules)


@cache
def bundled_rules() -> tuple[GroupRule, ...]:
    """The groups of the bundled ``site/incoming.yaml`` (read once per process)."""
    return load_rules(site_dir() / INCOMING_FILE)


def _iris(values: object, prefixes: Mapping[str, str], where: str) -> frozenset[str]:
    if values is None:
        return frozenset()
    if not isinstance(values, list):
        raise IncomingGroupsError(f"{where}: expected a list of prefixed names")
    iris = set()
    for value in values:
        prefix, colon, local = str(value).partition(":")
        if not colon or prefix not in prefixes:
            raise IncomingGroupsError(
                f"{where}: {value!r} is not a prefixed name of `prefixes` "
                f"({', '.join(sorted(prefixes))})"
            )
        iris.add(str(prefixes[prefix]) + local)
    return frozenset(iris)
