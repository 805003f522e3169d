"""Bounding boxes of France's communes, and of the territories made of them.

Portals read a dataset's spatial coverage only as a geometry: data.gouv.fr's
harvester reads ``dcat:bbox`` or ``locn:geometry`` and ignores a territory's
code. The data is ``referentials/geo/bbox.json.gz``, derived offline by
``tools/derive_bboxes.py`` from IGN contours (layout and source in
``referentials/geo/README.md``). A territory made of communes (EPCI,
département, région, a place declared ``made-of`` them) gets the union of their
boxes, and no box as soon as one of them has none: a box smaller than the
territory would misplace it.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lodplan.bundled import referentials_dir
from lodplan.errors import LodplanError

FORMAT = "lodplan-bbox/1"
WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"


@dataclass(frozen=True)
class Box:
    """A bounding box in CRS84 degrees (longitude then latitude)."""

    west: float
    south: float
    east: float
    north: float

    @property
    def wkt(self) -> str:
        """The box as a WKT polygon in CRS84, the form DCAT-AP 3 gives ``dcat:bbox``."""
        w, s, e, n = self.west, self.south, self.east, self.north
        corners = [(w, s), (e, s), (e, n), (w, n), (w, s)]
        return "POLYGON((" + ", ".join(f"{_number(x)} {_number(y)}" for x, y in corners) + "))"


def union(boxes: Iterable[Box | None]) -> Box | None:
    """The smallest box holding every box; None if there is none or one is unknown."""
    known = list(boxes)
    if not known or any(box is None for box in known):
        return None
    return Box(
        min(b.west for b in known if b),
        min(b.south for b in known if b),
        max(b.east for b in known if b),
        max(b.north for b in known if b),
    )


class BoundingBoxes:
    """The box of each current commune, by INSEE code."""

    def __init__(self, communes: dict[str, Box], source: dict[str, object]) -> None:
        self.communes = communes
        self.source = source

    def of_communes(self, codes: Iterable[str]) -> Box | None:
        return union(self.communes.get(code) for code in codes)

    def of_area(self, codes: Iterable[str]) -> Box | None:
        """The box of a département or région from its communes' boxes, the few without
        one aside: a commune restored since the contours was part of a commune of the
        same département then, whose box holds it."""
        return union([box for code in codes if (box := self.communes.get(code))])

    @classmethod
    def load(cls, path: Path) -> BoundingBoxes:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as stream:
                document = json.load(stream)
            if document["format"] != FORMAT:
                raise ValueError(f"format {document['format']!r}, expected {FORMAT!r}")
            communes = {code: Box(*map(float, box)) for code, box in document["communes"].items()}
            return cls(communes, dict(document["source"]))
        except FileNotFoundError as exc:
            raise LodplanError(f"{path}: the bounding-box referential file is missing") from exc
        except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
            raise LodplanError(f"{path}: not a {FORMAT} bounding-box referential ({exc})") from exc


@functools.cache
def bundled_boxes() -> BoundingBoxes:
    """The boxes shipped with lodplan (read once per process)."""
    return BoundingBoxes.load(referentials_dir() / "geo" / "bbox.json.gz")


def multipolygon(boxes: Iterable[Box]) -> str:
    """Several boxes as one WKT MULTIPOLYGON in CRS84 (a territory in several parts)."""
    parts = [box.wkt.removeprefix("POLYGON") for box in boxes]
    return "MULTIPOLYGON(" + ", ".join(parts) + ")"


def _number(value: float) -> str:
    """Five decimals (about 1 m, the contours' precision), trailing zeros dropped."""
    return f"{value:.5f}".rstrip("0").rstrip(".")
