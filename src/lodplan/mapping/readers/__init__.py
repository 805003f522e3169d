"""Readers turn one shape of source document into an :class:`~lodplan.mapping.model.Outline`.

A reader is chosen by the ``reader.type`` of a mapping file. Adding a shape of
source (spreadsheet, Markdown outline, curated YAML...) means adding a reader
here, not writing code per plan.
"""

from __future__ import annotations

from collections.abc import Callable

from lodplan.errors import MappingError
from lodplan.mapping.model import Outline
from lodplan.mapping.readers.coded_outline import read_coded_outline
from lodplan.mapping.readers.curated_outline import read_curated_outline
from lodplan.mapping.readers.markdown_outline import read_markdown_outline
from lodplan.mapping.readers.tabular import read_tabular
from lodplan.mapping.spec import MappingSpec

Reader = Callable[[MappingSpec, list[str]], Outline]

READERS: dict[str, Reader] = {
    "coded-outline": read_coded_outline,
    "curated-outline": read_curated_outline,
    "tabular": read_tabular,
    "markdown-outline": read_markdown_outline,
}


def read_outline(
    spec: MappingSpec, lines: list[str], is_name: Callable[[str], bool] | None = None
) -> Outline:
    """``is_name`` tells a text that is only the name of a place or an organisation
    (readers that tell highlighted names from actions need it)."""
    kind = spec.reader.get("type")
    reader = READERS.get(str(kind))
    if reader is None:
        raise MappingError(
            f"unknown reader type {kind!r}; known: {', '.join(sorted(READERS))}",
            file=spec.path,
            field="reader.type",
        )
    if kind == "markdown-outline":
        return read_markdown_outline(spec, lines, is_name)
    return reader(spec, lines)
