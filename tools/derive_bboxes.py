#!/usr/bin/env python3
"""Derive the bounding boxes of France's current communes from IGN contours.

Portals read a dataset's spatial coverage only as a geometry (data.gouv.fr's
harvester takes ``locn:geometry`` or ``dcat:bbox``, never a code). lodplan gives
every territory of its COG referential a bounding box, computed from the commune
contours of the repository gregoiredavid/france-geojson (IGN ADMIN EXPRESS COG,
2018 edition, simplified; Licence Ouverte). Communes merged since 2018 get the
union of the boxes of their former communes (``anciensCodes`` in
@etalab/decoupage-administratif, the package ``tools/derive_cog.py`` reads).

Standard library only. See referentials/geo/README.md for the layout and the
regenerating command.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FORMAT = "lodplan-bbox/1"
DEFAULT_OUTPUT = Path("referentials/geo/bbox.json.gz")
CONTOURS_REPOSITORY = "https://github.com/gregoiredavid/france-geojson"
LICENCE = "Licence Ouverte / Etalab 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
ZONES = ("metro", "drom")

Box = tuple[float, float, float, float]  # west, south, east, north (CRS84 degrees)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--contours", type=Path, required=True, help="a checkout of gregoiredavid/france-geojson"
    )
    parser.add_argument(
        "--communes",
        type=Path,
        required=True,
        help="data/communes.json of @etalab/decoupage-administratif (the COG's version)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    boxes = contour_boxes(args.contours)
    current = [c for c in json.loads(args.communes.read_text("utf-8")) if _is_current(c)]
    result, missing = current_boxes(current, boxes)
    document = {
        "format": FORMAT,
        "source": {
            "contours": CONTOURS_REPOSITORY,
            "contours_commit": _commit(args.contours),
            "contours_edition": "IGN ADMIN EXPRESS COG 2018, simplified (visvalingam 25 %)",
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "merges_from": "anciensCodes of @etalab/decoupage-administratif data/communes.json",
            "crs": "CRS84 (longitude, latitude in degrees)",
            "layout": {"communes": ["west", "south", "east", "north"]},
            "missing": missing,
        },
        "communes": {code: list(box) for code, box in sorted(result.items())},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with (
        args.output.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out,
    ):
        out.write(text.encode("utf-8"))
    print(f"{len(result)} communes with a box, {len(missing)} without: {args.output}")
    return 0


def contour_boxes(checkout: Path) -> dict[str, Box]:
    """The box of every commune of the checkout's per-département files."""
    boxes: dict[str, Box] = {}
    for file in sorted(checkout.glob("departements/*/communes-*.geojson")):
        for feature in json.loads(file.read_text("utf-8"))["features"]:
            code = feature["properties"]["code"]
            box = _box(_points(feature["geometry"]["coordinates"]))
            boxes[code] = _union([boxes[code], box]) if code in boxes else box
    if not boxes:
        sys.exit(f"{checkout}: no departements/*/communes-*.geojson file")
    return boxes


def current_boxes(
    communes: Iterable[dict[str, Any]], boxes: dict[str, Box]
) -> tuple[dict[str, Box], list[str]]:
    """Each current commune's box: its own contour and those of the communes it absorbed."""
    result: dict[str, Box] = {}
    missing: list[str] = []
    for commune in communes:
        codes = [commune["code"], *commune.get("anciensCodes", [])]
        parts = [boxes[code] for code in codes if code in boxes]
        if parts:
            result[commune["code"]] = _union(parts)
        else:
            missing.append(commune["code"])
    return result, sorted(missing)


def _is_current(commune: dict[str, Any]) -> bool:
    return commune.get("type") == "commune-actuelle" and commune.get("zone") in ZONES


def _points(coordinates: Any) -> Iterable[tuple[float, float]]:
    if isinstance(coordinates[0], (int, float)):
        yield coordinates[0], coordinates[1]
        return
    for part in coordinates:
        yield from _points(part)


def _box(points: Iterable[tuple[float, float]]) -> Box:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _commit(checkout: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"],  # noqa: S607 (git from PATH)
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


if __name__ == "__main__":
    raise SystemExit(main())
