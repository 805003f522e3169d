"""Applying a mapping's extraction rules to the text of every element.

Rules turn what a document encodes in its text (tags, country pairs, italic
markers, "(en attente)") into data, and take it out of the label when told to.
The verbatim text stays in the element's provenance quote.
"""

from __future__ import annotations

import re
from typing import Any

from lodplan.errors import MappingError
from lodplan.mapping.dates import bundled_date_cues, find_dates
from lodplan.mapping.model import Element
from lodplan.mapping.spec import MappingSpec, RuleSpec

# Territory references produced by rules: "country:XX" (ISO 3166 alpha-2) or the
# identifier of a territory declared in the mapping.
COUNTRY_REF = "country:"


def apply_rules(spec: MappingSpec, element: Element) -> None:
    """Fill ``element``'s label and extracted data from its text, in place."""
    label = element.text
    for rule in spec.rules:
        matches = list(rule.pattern.finditer(label))
        if not matches:
            continue
        for match in matches:
            _apply_effects(spec, rule, match, element)
        if rule.replace is not None:
            label = rule.pattern.sub(rule.replace, label)
        elif rule.remove:
            label = rule.pattern.sub("", label)
    element.label = re.sub(r"\s+", " ", label).strip()
    if not element.label:
        _fail(spec, element, "the rules leave this element without a label")
    if spec.dates is not None:
        try:
            element.dates.extend(
                find_dates(
                    element.label,
                    assume_year=spec.dates.assume_year,
                    role=spec.dates.role,
                    years=spec.dates.years,
                    not_dates=spec.dates.not_dates,
                    periods=spec.dates.periods,
                    cues=bundled_date_cues(spec.dates.language),
                )
            )
        except ValueError as exc:
            _fail(spec, element, str(exc))


def _apply_effects(spec: MappingSpec, rule: RuleSpec, match: re.Match[str], el: Element) -> None:
    if rule.check_notation and match[rule.check_notation] != el.notation:
        _fail(
            spec,
            el,
            f"rule {rule.id!r}: the text says {match[rule.check_notation]!r} "
            f"but the element's code is {el.notation!r}",
        )
    if rule.category:
        _add(el.categories, _tag_id(spec, rule, match, el, rule.category))
    if rule.category_if and match[rule.category_if["group"]]:
        _add(el.categories, _tag_id(spec, rule, match, el, {"value": rule.category_if["value"]}))
    if rule.status:
        el.status = rule.status
    if rule.priority:
        el.priority = rule.priority
    if rule.territories:
        for ref in _territory_refs(spec, rule, match, el):
            _add(el.territories, ref)
    if rule.actors:
        actor = _value(rule, match, rule.actors, el, spec)
        values = rule.actors.get("values")
        if values is not None:
            if actor not in values:
                _fail(spec, el, f"rule {rule.id!r}: no actor declared for {actor!r}")
            actor = values[actor]
        _add(el.involvements, (actor, rule.actors.get("role", "mentionne")))


def _tag_id(
    spec: MappingSpec, rule: RuleSpec, match: re.Match[str], el: Element, how: dict[str, Any]
) -> str:
    written = _value(rule, match, how, el, spec)
    for tag in spec.tags.values():
        if written in {tag.id, tag.notation}:
            return tag.id
    _fail(spec, el, f"rule {rule.id!r}: tag {written!r} is not declared in 'tags'")
    raise AssertionError  # unreachable: _fail raises


def _territory_refs(
    spec: MappingSpec, rule: RuleSpec, match: re.Match[str], el: Element
) -> list[str]:
    how = rule.territories or {}
    written = _value(rule, match, how, el, spec)
    parts = written.split(how["split"]) if "split" in how else [written]
    if how.get("lookup") == "country":
        return [COUNTRY_REF + part for part in parts]
    return parts  # references checked when the graph is written (places.yaml, COG)


def _value(
    rule: RuleSpec, match: re.Match[str], how: dict[str, Any], el: Element, spec: MappingSpec
) -> str:
    if "value" in how:
        return str(how["value"])
    group = str(how.get("from"))
    if group not in rule.pattern.groupindex:
        raise MappingError(
            f"'from: {group}' names no group of the pattern", file=spec.path, field=rule.field_path
        )
    return match[group]


def _add(values: list, value) -> None:
    if value not in values:
        values.append(value)


def _fail(spec: MappingSpec, element: Element, message: str) -> None:
    raise MappingError(message, file=spec.source.path, line=element.span.start_line)
