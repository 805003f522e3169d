#!/usr/bin/env python3
"""Derive lodplan's COG referential from the npm package @etalab/decoupage-administratif.

The package republishes INSEE's Code officiel géographique (COG), the DGCL's list
of EPCI à fiscalité propre and INSEE's legal populations as JSON. This script
keeps what lodplan publishes (régions, départements, EPCI, current communes) in
one compact, deterministic gzip file: same package, same options, same bytes.

Standard library only; it needs npm unless ``--package-dir`` is given.
See referentials/cog/README.md for the layout and the regenerating command.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_VERSION = "6.0.0"
DEFAULT_POPULATION_YEAR = 2023
# Mayotte's figures in the package are its 2017 census (the README gives a
# separate INSEE source for them; Mayotte's 17 communes sum to 256 518, the 2017 total).
DEFAULT_POPULATION_OVERRIDES = ("976=2017",)
DEFAULT_OUTPUT = Path("referentials/cog/cog.json.gz")
FORMAT = "lodplan-cog/1"
COG_URL = "https://www.insee.fr/fr/information/2560452"
LICENCE = "Licence Ouverte / Etalab 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
# The package also lists the collectivités d'outre-mer as pseudo-régions and
# -départements; they are neither in the COG, and their censuses have other years.
ZONES = ("metro", "drom")
LAYOUT = {
    "regions": ["code", "name"],
    "departements": ["code", "name", "region"],
    "epcis": ["siren", "name", "kind", "population", "members"],
    "communes": ["code", "name", "departement", "region", "siren", "population"],
}

Row = list[Any]


class DerivationError(Exception):
    """The package cannot be derived as asked (printed without a traceback)."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=DEFAULT_VERSION, help="package version to derive")
    parser.add_argument(
        "--package-dir",
        type=Path,
        help="an unpacked package (with package.json, README.md, data/); "
        "without it, `npm pack` fetches the version (its integrity is then recorded)",
    )
    parser.add_argument(
        "--population-year",
        type=int,
        default=DEFAULT_POPULATION_YEAR,
        help="census reference year of the communes' population municipale",
    )
    parser.add_argument(
        "--population-year-override",
        action="append",
        metavar="DEP=YEAR",
        help="a département whose figures are of another census year "
        f"(repeatable; default: {' '.join(DEFAULT_POPULATION_OVERRIDES)})",
    )
    parser.add_argument(
        "--cog-year", type=int, help="COG year (default: read from the package README's table)"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    return parser.parse_args(argv)


# --- obtaining the package ---


def npm_pack(version: str, workdir: Path) -> tuple[Path, str]:
    """Fetch the package tarball with npm, unpack it; return its directory and integrity."""
    spec = f"{PACKAGE}@{version}"
    try:
        result = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise DerivationError(f"npm pack {spec} failed: {exc}") from exc
    packed = json.loads(result.stdout)[0]
    tarball = workdir / packed["filename"]
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if integrity != packed["integrity"]:
        raise DerivationError(
            f"{tarball}: sha512 differs from npm's integrity {packed['integrity']}"
        )
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package", integrity


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise DerivationError(f"{path}: {exc}") from exc


def read_json(path: Path) -> Any:
    try:
        return json.loads(read_text(path))
    except ValueError as exc:
        raise DerivationError(f"{path}: {exc}") from exc


def check_package(package_dir: Path, version: str) -> None:
    manifest = read_json(package_dir / "package.json")
    found = (manifest.get("name"), manifest.get("version"))
    if found != (PACKAGE, version):
        raise DerivationError(
            f"{package_dir}: holds {found[0]}@{found[1]}, not the asked {PACKAGE}@{version}"
        )


# --- what the README says ---


def readme_section(readme: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", readme, re.M | re.S)
    return match.group(1) if match else ""


def upstream_sources(readme: str) -> list[dict[str, Any]]:
    """The README's "Sources" bullets: their text (links reduced to their label) and URLs."""
    sources = []
    for line in readme_section(readme, "Sources").splitlines():
        if not line.startswith("* "):
            continue
        urls = re.findall(r"\]\((https?://[^)\s]+)\)", line)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line[2:]).strip()
        sources.append({"text": text, "urls": urls})
    return sources


def cog_year_of(readme: str, version: str) -> int | None:
    """The millésime the README's table gives for ``version`` (row "| 2026 | 6.0.0 | …")."""
    match = re.search(rf"^\|\s*(\d{{4}})\s*\|\s*{re.escape(version)}\s*\|", readme, re.M)
    return int(match.group(1)) if match else None


def population_url(sources: list[dict[str, Any]]) -> str | None:
    for source in sources:
        if source["text"].lower().startswith("population légale") and source["urls"]:
            return source["urls"][0]
    return None


def parse_overrides(values: Sequence[str]) -> dict[str, int]:
    overrides = {}
    for value in values:
        departement, _, year = value.partition("=")
        if not departement or not year.isdigit():
            raise DerivationError(f"--population-year-override {value!r}: expected DEP=YEAR")
        overrides[departement] = int(year)
    return overrides


def population_note(year: int, cog_year: int, url: str | None, overrides: dict[str, int]) -> str:
    source = f" ({url})" if url else ""
    note = (
        f"Census reference year {year}: the package README gives INSEE's « Population légale »"
        f"{source} as the source of the communes' population municipale; the legal populations"
        f" of census year {year} are those in force on 1 January {year + 3}"
        f" (the COG is that of {cog_year})."
    )
    for departement, other in sorted(overrides.items()):
        note += (
            f" Département {departement}: census {other}, the year of the separate source"
            " the README gives for it."
        )
    return note + (
        " EPCI populations are the sums of their member communes' (the package's EPCI"
        " figures come from the DGCL list and are of another census year)."
    )


# --- the rows ---


def in_scope(item: dict[str, Any]) -> bool:
    return item.get("zone") in ZONES


def region_rows(regions: list[dict[str, Any]]) -> list[Row]:
    return sorted([r["code"], r["nom"]] for r in regions if in_scope(r))


def departement_rows(departements: list[dict[str, Any]]) -> list[Row]:
    return sorted([d["code"], d["nom"], d["region"]] for d in departements if in_scope(d))


def commune_rows(communes: list[dict[str, Any]]) -> list[Row]:
    return sorted(
        [c["code"], c["nom"], c["departement"], c["region"], c.get("siren"), c.get("population")]
        for c in communes
        if c["type"] == "commune-actuelle" and in_scope(c)
    )


def epci_rows(epcis: list[dict[str, Any]], communes: list[Row]) -> list[Row]:
    population = {row[0]: row[5] for row in communes}
    rows = []
    for epci in epcis:
        members = sorted(member["code"] for member in epci["membres"])
        unknown = [code for code in members if code not in population]
        if unknown:
            raise DerivationError(f"EPCI {epci['code']}: members not in the communes: {unknown}")
        figures = [population[code] for code in members]
        total = None if None in figures else sum(figures)
        rows.append([epci["code"], epci["nom"], epci["type"], total, members])
    return sorted(rows)


def check_links(regions: list[Row], departements: list[Row], communes: list[Row]) -> None:
    region_codes = {row[0] for row in regions}
    departement_codes = {row[0] for row in departements}
    for code, _, region in departements:
        if region not in region_codes:
            raise DerivationError(f"département {code}: unknown région {region}")
    for code, _, departement, region, *_ in communes:
        if departement not in departement_codes or region not in region_codes:
            raise DerivationError(f"commune {code}: unknown département or région")


def check_epci_years(epcis: list[Row], communes: list[Row], overrides: dict[str, int]) -> None:
    """An EPCI's population is one figure: its members must share their census year."""
    departement = {row[0]: row[2] for row in communes}
    for siren, _, _, _, members in epcis:
        years = {overrides.get(departement[code]) for code in members}
        if len(years) > 1:
            raise DerivationError(f"EPCI {siren}: members of different census years {years}")


# --- the document ---


def derive(
    package_dir: Path,
    *,
    version: str,
    integrity: str | None,
    population_year: int,
    overrides: dict[str, int],
    cog_year: int | None,
) -> dict[str, Any]:
    check_package(package_dir, version)
    readme = read_text(package_dir / "README.md")
    cog_year = cog_year or cog_year_of(readme, version)
    if cog_year is None:
        raise DerivationError(f"{package_dir}/README.md gives no year for {version}: --cog-year")
    if population_year + 3 != cog_year:
        print(
            f"warning: census {population_year} is not the one in force in {cog_year}",
            file=sys.stderr,
        )
    data = package_dir / "data"
    regions = region_rows(read_json(data / "regions.json"))
    departements = departement_rows(read_json(data / "departements.json"))
    communes = commune_rows(read_json(data / "communes.json"))
    epcis = epci_rows(read_json(data / "epci.json"), communes)
    check_links(regions, departements, communes)
    check_epci_years(epcis, communes, overrides)
    sources = upstream_sources(readme)
    source = {
        "package": PACKAGE,
        "version": version,
        "integrity": integrity,
        "package_url": f"https://www.npmjs.com/package/{PACKAGE}/v/{version}",
        "cog_year": cog_year,
        "cog_url": COG_URL,
        "upstream_sources": sources,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "code_licence": "MIT",
        "population_definition": "population municipale",
        "population_year": population_year,
        "population_year_by_departement": overrides,
        "population_note": population_note(
            population_year, cog_year, population_url(sources), overrides
        ),
        "scope": "communes of type commune-actuelle; zones " + ", ".join(ZONES),
        "derived_by": "lodplan tools/derive_cog.py",
        "layout": LAYOUT,
        "counts": {
            "regions": len(regions),
            "departements": len(departements),
            "epcis": len(epcis),
            "communes": len(communes),
        },
    }
    return {
        "format": FORMAT,
        "source": source,
        "regions": regions,
        "departements": departements,
        "epcis": epcis,
        "communes": communes,
    }


def write_document(document: dict[str, Any], output: Path) -> None:
    """Compact JSON, sorted keys, gzip without name nor time: identical bytes on every run."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    output.parent.mkdir(parents=True, exist_ok=True)
    with (
        output.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(text.encode("utf-8") + b"\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        overrides = parse_overrides(args.population_year_override or DEFAULT_POPULATION_OVERRIDES)
        with tempfile.TemporaryDirectory(prefix="derive-cog-") as workdir:
            package_dir, integrity = (
                (args.package_dir, None)
                if args.package_dir
                else npm_pack(args.version, Path(workdir))
            )
            document = derive(
                package_dir,
                version=args.version,
                integrity=integrity,
                population_year=args.population_year,
                overrides=overrides,
                cog_year=args.cog_year,
            )
    except DerivationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    write_document(document, args.output)
    counts = ", ".join(f"{n} {name}" for name, n in document["source"]["counts"].items())
    print(f"{args.output}: {counts} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
