"""Reader for tables whose first column is a hierarchical code (1, 1.1, 1.1.1).

The first line carrying a code is the heading of that element; later lines with
the same code are its actions. The parent of code ``a.b.c`` is ``a.b``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lodplan.errors import MappingError
from lodplan.mapping.model import Element, Outline, Span
from lodplan.mapping.readers.common import IgnoreSpec, parse_ignores, parse_span_ignores
from lodplan.mapping.spec import MappingSpec

__all__ = ["IgnoreSpec", "read_coded_outline"]


@dataclass(frozen=True)
class LevelSpec:
    cls: str
    kind: str
    level_name: str


def read_coded_outline(spec: MappingSpec, lines: list[str]) -> Outline:
    config = _Config.from_spec(spec)
    elements_by_code: dict[str, Element] = {}
    roots: list[Element] = []
    ignored: dict[int, str] = {}
    plan_spans: dict[str, Span] = {}

    for number, text in enumerate(lines, start=1):
        ignore = next((i for i in config.ignore if i.matches(number, text)), None)
        if ignore is not None:
            ignored[number] = ignore.reason
            continue
        if number == spec.plan.title_from_line:
            plan_spans["title"] = Span(number, number, text)
            continue
        code, body = config.split(number, text)
        element = config.element_for(number, text, code, body, elements_by_code)
        parent_code = code if code in elements_by_code else _parent_code(code)
        if parent_code is None:
            roots.append(element)
        else:
            parent = elements_by_code.get(parent_code)
            if parent is None:
                raise MappingError(
                    f"code {code} appears before its parent {parent_code}",
                    file=spec.source.path,
                    line=number,
                )
            parent.children.append(element)
        if element.notation is not None:
            elements_by_code[code] = element
    return Outline(
        elements=roots,
        plan_spans=plan_spans,
        ignored=ignored,
        span_ignores=parse_span_ignores(spec),
    )


def _parent_code(code: str) -> str | None:
    return code.rpartition(".")[0] or None


@dataclass(frozen=True)
class _Config:
    spec: MappingSpec
    separator: str
    code_column: int
    text_column: int
    code_pattern: re.Pattern[str]
    levels: dict[int, LevelSpec]
    repeated: LevelSpec
    ignore: tuple[IgnoreSpec, ...]

    @classmethod
    def from_spec(cls, spec: MappingSpec) -> _Config:
        reader = spec.reader

        def fail(message: str, key: str) -> MappingError:
            return MappingError(message, file=spec.path, field=f"reader.{key}")

        try:
            columns = reader["columns"]
            levels = {int(k): _level(v) for k, v in reader["levels"].items()}
            repeated = _level(reader["repeated-code"])
            pattern = re.compile(reader["code-pattern"])
        except KeyError as exc:
            raise fail("is required", str(exc.args[0])) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise fail(f"malformed: {exc}", "levels") from None
        except re.error as exc:
            raise fail(f"invalid regular expression: {exc}", "code-pattern") from None
        if "code" not in pattern.groupindex:
            raise fail("must define a named group (?P<code>...)", "code-pattern")
        return cls(
            spec=spec,
            separator=reader.get("separator", "\t"),
            code_column=int(columns["code"]),
            text_column=int(columns["text"]),
            code_pattern=pattern,
            levels=levels,
            repeated=repeated,
            ignore=parse_ignores(spec),
        )

    def split(self, number: int, text: str) -> tuple[str, str]:
        cells = text.split(self.separator)
        width = max(self.code_column, self.text_column)
        if len(cells) != width:
            raise MappingError(
                f"expected {width} columns separated by {self.separator!r}, found {len(cells)} "
                "(declare the line in reader.ignore if it is not part of the plan)",
                file=self.spec.source.path,
                line=number,
            )
        raw_code = cells[self.code_column - 1].strip()
        match = self.code_pattern.match(raw_code)
        if match is None:
            raise MappingError(
                f"{raw_code!r} is not a code matching {self.code_pattern.pattern!r} "
                "(declare the line in reader.ignore if it is not part of the plan)",
                file=self.spec.source.path,
                line=number,
            )
        return match.group("code"), cells[self.text_column - 1].strip()

    def element_for(
        self, number: int, text: str, code: str, body: str, known: dict[str, Element]
    ) -> Element:
        span = Span(number, number, text)
        if code in known:
            level = self.repeated
            return Element(level.cls, level.kind, level.level_name, body, span)
        depth = code.count(".") + 1
        found = self.levels.get(depth)
        if found is None:
            raise MappingError(
                f"code {code} has depth {depth}, but reader.levels declares only "
                f"{sorted(self.levels)}",
                file=self.spec.source.path,
                line=number,
            )
        return Element(found.cls, found.kind, found.level_name, body, span, notation=code)


def _level(value: dict[str, Any]) -> LevelSpec:
    return LevelSpec(cls=value["class"], kind=value["kind"], level_name=value["level-name"])
