"""Decisions a person took on names the plans write (``mappings/reviews.yaml``).

A name may designate several places or organisations ("Luxembourg": the country
or the city), only one in a given plan ("la Région": the Région Grand Est in
Metz's plans), or nothing lodplan should link ("Nord", a point of the compass;
"CCPHG", an acronym no referential expands). A review says, for every plan or
only some plans and lines, what the name designates (a place reference or
``actor:<id>``) or that it is not linked, and why. A reviewed name is looked for
in the plans it applies to even when no referential knows it ("AN" for the
Assemblée nationale), and only where the review applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lodplan.errors import MappingError
from lodplan.mapping.spec import line_numbers
from lodplan.referentials.places import fold_name

REVIEWS_FORMAT_VERSION = 1
ACTOR_PREFIX = "actor:"


@dataclass(frozen=True)
class Review:
    """What ``name`` designates (``target``; ``None``: nothing is linked), for every
    plan or only some plans and lines, and the reason a person gave."""

    name: str
    target: str | None
    reason: str
    plans: frozenset[str] = frozenset()
    lines: frozenset[int] = frozenset()

    def applies(self, plan_id: str, lines: range) -> bool:
        if self.plans and plan_id not in self.plans:
            return False
        return not self.lines or any(n in self.lines for n in lines)


@dataclass
class Reviews:
    items: list[Review] = field(default_factory=list)
    path: Path | None = None

    def for_name(self, name: str, plan_id: str, lines: range) -> Review | None:
        """The most specific decision on ``name`` at this place (lines, then plan, then any);
        names compare without case or accents ("LUXEMBOURG" is "Luxembourg")."""
        folded = fold_name(name)
        matching = [
            r for r in self.items if fold_name(r.name) == folded and r.applies(plan_id, lines)
        ]
        return max(matching, key=lambda r: (bool(r.lines), bool(r.plans)), default=None)

    def in_plan(self, plan_id: str) -> Iterator[Review]:
        """The reviews that apply somewhere in a plan."""
        return (r for r in self.items if not r.plans or plan_id in r.plans)


def load_reviews(path: Path, is_target: Callable[[str], bool]) -> Reviews:
    """Read the reviews; ``is_target`` tells a known place reference or ``actor:<id>``."""
    path = Path(path)
    if not path.is_file():
        return Reviews(path=path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

    def fail(message: str, where: str) -> MappingError:
        return MappingError(message, file=path, field=where or None)

    if data.get("lodplan-reviews") != REVIEWS_FORMAT_VERSION:
        raise fail(f"this lodplan reads reviews format {REVIEWS_FORMAT_VERSION}", "lodplan-reviews")
    unknown = set(data) - {"lodplan-reviews", "reviews"}
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}", "")
    reviews = Reviews(path=path)
    for i, item in enumerate(data.get("reviews") or []):
        review = _review(item, f"reviews[{i}]", fail)
        if review.target is not None and not is_target(review.target):
            raise fail(
                f"{review.target!r} is neither a place (commune:<INSEE code>, epci:<SIREN>, "
                "departement:<code>, region:<code>, country:<ISO alpha-2>, a places.yaml id) "
                "nor actor:<id> of actors.yaml",
                f"reviews[{i}].target",
            )
        reviews.items.append(review)
    return reviews


def _review(item: Any, where: str, fail: Callable[[str, str], MappingError]) -> Review:
    needed = "needs name, target (a place, actor:<id>, or null: not linked) and reason"
    if not isinstance(item, dict) or not item.get("name") or not item.get("reason"):
        raise fail(needed, where)
    if set(item) - {"name", "target", "reason", "plans", "lines"} or "target" not in item:
        raise fail(needed, where)
    return Review(
        name=str(item["name"]),
        target=None if item["target"] is None else str(item["target"]),
        reason=str(item["reason"]),
        plans=frozenset(str(p) for p in item.get("plans") or ()),
        lines=frozenset(_lines(item.get("lines") or [], f"{where}.lines", fail)),
    )


def _lines(entries: Any, where: str, fail: Callable[[str, str], MappingError]) -> set[int]:
    try:
        return line_numbers(entries)
    except ValueError as exc:
        raise fail(str(exc), where) from None
