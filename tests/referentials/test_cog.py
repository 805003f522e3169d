"""The bundled COG referential, its N-Triples, and the tool that derives it."""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Variable, parse

from lodplan.errors import LodplanError
from lodplan.iris import IriMinter
from lodplan.referentials.cog import (
    CogReferential,
    CogSource,
    Commune,
    Departement,
    Epci,
    Region,
    bundled_cog,
)
from tests.conftest import TEST_BASE

IRIS = IriMinter(TEST_BASE)
METZ = "57463"
METZ_METROPOLE = "200039865"
IGEO = "http://rdf.insee.fr/def/geo#"
LP = "https://w3id.org/lodplan/ontology#"
TOOL = Path(__file__).resolve().parents[2] / "tools" / "derive_cog.py"


@pytest.fixture(scope="module")
def cog() -> CogReferential:
    return bundled_cog()


@pytest.fixture(scope="module")
def ntriples(cog: CogReferential) -> bytes:
    return cog.named_graph(IRIS).ntriples


# --- the referential ---


def test_counts_are_plausible_and_those_of_the_source_record(cog: CogReferential) -> None:
    counts = (len(cog.regions), len(cog.departements), len(cog.epcis), len(cog.communes))
    assert counts == (18, 101, 1255, 34875)
    assert cog.source.package == "@etalab/decoupage-administratif"
    assert cog.source.version == "6.0.0"
    assert cog.source.integrity and cog.source.integrity.startswith("sha512-")
    record = _record(Path(__file__).resolve().parents[2] / "referentials/cog/cog.json.gz")
    assert record["counts"] == dict(
        zip(("regions", "departements", "epcis", "communes"), counts, strict=True)
    )


def test_population_year_is_that_of_the_legal_populations_in_force_in_2026(
    cog: CogReferential,
) -> None:
    assert cog.source.population_year == 2023
    assert cog.source.population_definition == "population municipale"
    assert "8680726" in cog.source.population_note
    assert cog.source.population_year_of("976") == 2017  # Mayotte: its 2017 census


def test_metz_is_in_moselle_grand_est_and_metz_metropole(cog: CogReferential) -> None:
    metz = cog.communes[METZ]
    assert (metz.name, metz.departement, metz.region) == ("Metz", "57", "44")
    assert (metz.population, metz.population_year) == (122572, 2023)
    assert cog.departements["57"] == Departement("57", "Moselle", "44")
    assert cog.regions["44"] == Region("44", "Grand Est")
    [epci] = cog.epcis_of_commune(METZ)
    assert (epci.siren, epci.name, epci.kind) == (METZ_METROPOLE, "Metz Métropole", "METRO")
    assert len(epci.members) == 46
    assert epci.population == sum(cog.communes[code].population for code in epci.members)


def test_the_epci_of_the_pole_metropolitain_nord_franche_comte(cog: CogReferential) -> None:
    names = {
        "200065647": "CA Pays de Montbéliard Agglomération",
        "200069052": "CA Grand Belfort",
        "247000722": "CC du Pays d'Héricourt",
        "249000241": "CC du Sud Territoire",
        "200069060": "CC des Vosges du Sud",
    }
    assert {siren: cog.epcis[siren].name for siren in names} == names


def test_bassin_de_pompey(cog: CogReferential) -> None:
    pompey = cog.epcis["245400601"]
    assert (pompey.name, pompey.kind, len(pompey.members)) == ("CC du Bassin de Pompey", "CC", 13)
    assert {cog.communes[code].departement for code in pompey.members} == {"54"}
    assert cog.departements["54"].name == "Meurthe-et-Moselle"


def test_a_commune_outside_any_epci_has_none(cog: CogReferential) -> None:
    assert cog.communes["29083"].name == "Île-de-Sein"
    assert cog.epcis_of_commune("29083") == []


# --- the graph ---


def test_ntriples_are_deterministic_sorted_and_parse(cog: CogReferential, ntriples: bytes) -> None:
    graph = cog.named_graph(IRIS)
    assert graph.ntriples == ntriples
    assert graph.iri == IRIS.graph("cog")
    assert ntriples.endswith(b"\n")
    lines = ntriples.decode("utf-8").splitlines()
    assert lines == sorted(set(lines))
    triples = list(parse(ntriples, format=RdfFormat.N_TRIPLES))
    assert len(triples) == len(lines) == graph.triple_count


def test_sparql_finds_the_communes_of_metz_metropole_with_their_population(
    cog: CogReferential, ntriples: bytes
) -> None:
    store = Store()
    store.bulk_load(ntriples, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(IRIS.graph("cog")))
    query = """
        PREFIX igeo: <http://rdf.insee.fr/def/geo#>
        PREFIX lodplan: <https://w3id.org/lodplan/ontology#>
        SELECT ?epci ?code ?population ?year WHERE { GRAPH ?g {
            ?epci igeo:subdivisionDirecte ?commune .
            ?commune igeo:codeINSEE ?code ; lodplan:keyFigures ?figures .
            ?figures lodplan:population ?population ; lodplan:referenceYear ?year .
        } }"""
    epci = NamedNode(IRIS.official_territory("epci", METZ_METROPOLE))
    rows = {
        row["code"].value: (int(row["population"].value), row["year"].value)
        for row in store.query(query, substitutions={Variable("epci"): epci})
    }
    assert len(rows) == 46
    assert rows[METZ] == (122572, "2023")
    figures = NamedNode(epci.value + "#figures-cog")
    count = list(store.quads_for_pattern(figures, NamedNode(LP + "communeCount"), None))
    assert [quad.object.value for quad in count] == ["46"]
    total = list(store.quads_for_pattern(figures, NamedNode(LP + "population"), None))
    assert [int(quad.object.value) for quad in total] == [sum(p for p, _ in rows.values())]


def test_a_name_with_quotes_and_an_apostrophe_is_escaped(ntriples: bytes) -> None:
    name = 'CA "Saintes - Grandes Rives - L\'Agglo"'
    subject = f"<{IRIS.official_territory('epci', '200036473')}>"
    line = f'{subject} <{IGEO}nom> "CA \\"Saintes - Grandes Rives - L\'Agglo\\""@fr .'
    assert line.encode() in ntriples.split(b"\n")
    assert _labels(ntriples, subject) == [name]


def test_any_name_round_trips_through_the_ntriples() -> None:
    tricky = 'Saint-Jean-d\'Angély "la belle"\\ \n\r\t\x00 \u00e9 fin'
    cog = CogReferential(_source(), {"44": Region("44", tricky)}, {}, {}, {})
    ntriples = cog.named_graph(IRIS).ntriples
    assert _labels(ntriples, f"<{IRIS.official_territory('region', '44')}>") == [tricky]


# --- errors ---


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.json.gz"
    with pytest.raises(LodplanError, match=re.escape(str(path))):
        CogReferential.load(path)


@pytest.mark.parametrize(
    "content",
    [b"not gzip at all", gzip.compress(b"{not json"), gzip.compress(b'{"format": "other"}')],
    ids=["not-gzip", "not-json", "wrong-shape"],
)
def test_a_corrupt_file_is_an_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "corrupt.json.gz"
    path.write_bytes(content)
    with pytest.raises(LodplanError, match=re.escape(str(path))):
        CogReferential.load(path)


# --- tools/derive_cog.py ---


def test_derive_cog_is_deterministic_and_loads(tmp_path: Path) -> None:
    package = _tiny_package(tmp_path / "package")
    derive_cog = _derive_cog_module()
    outputs = [tmp_path / "a" / "cog.json.gz", tmp_path / "b" / "cog.json.gz"]
    for output in outputs:
        argv = ["--version", "9.9.9", "--package-dir", str(package), "--output", str(output)]
        assert derive_cog.main([*argv, "--population-year", "2027"]) == 0
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert outputs[0].read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime

    cog = CogReferential.load(outputs[0])
    assert (cog.source.version, cog.source.cog_year, cog.source.integrity) == ("9.9.9", 2030, None)
    assert sorted(cog.regions) == ["06", "44"]  # not the collectivité d'outre-mer
    assert sorted(cog.communes) == ["57001", "57463", "97601"]  # not the commune déléguée
    assert cog.communes["57463"] == Commune("57463", "Metz", "57", "44", "215704636", 1000, 2027)
    assert cog.communes["97601"].population_year == 2017
    assert cog.epcis_of_commune("57001") == [
        Epci("200000001", 'CC "d\'Ici"', "CC", 1010, ("57001", "57463"), 2027)
    ]


def test_derive_cog_refuses_another_version(tmp_path: Path, capsys) -> None:
    package = _tiny_package(tmp_path / "package")
    argv = ["--package-dir", str(package), "--output", str(tmp_path / "cog.json.gz")]
    assert _derive_cog_module().main(argv) == 1
    assert "9.9.9" in capsys.readouterr().err
    assert not (tmp_path / "cog.json.gz").exists()


# --- helpers ---


def _record(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes()))["source"]


def _labels(ntriples: bytes, subject: str) -> list[str]:
    """The rdfs:label values of ``subject``, as pyoxigraph reads them."""
    lines = b"".join(
        line + b"\n" for line in ntriples.split(b"\n") if line.startswith(subject.encode())
    )
    return [
        triple.object.value
        for triple in parse(lines, format=RdfFormat.N_TRIPLES)
        if triple.predicate.value.endswith("#label") and isinstance(triple.object, Literal)
    ]


def _source() -> CogSource:
    return CogSource(
        package="pkg",
        version="1.0.0",
        integrity=None,
        package_url="https://example.org/pkg",
        cog_year=2026,
        cog_url="https://example.org/cog",
        licence="Licence Ouverte / Etalab 2.0",
        licence_url="https://example.org/lo",
        population_definition="population municipale",
        population_year=2023,
        population_note="test",
    )


def _derive_cog_module():
    spec = importlib.util.spec_from_file_location("derive_cog", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tiny_package(root: Path) -> Path:
    """A package directory shaped like @etalab/decoupage-administratif, a few rows each."""
    (root / "data").mkdir(parents=True)
    manifest = {"name": "@etalab/decoupage-administratif", "version": "9.9.9"}
    (root / "package.json").write_text(json.dumps(manifest))
    (root / "README.md").write_text(
        "# x\n\n| Année | Version |\n|---|---|\n| 2030 | 9.9.9 | `npm install` |\n\n"
        "## Sources\n\n* [Population légale](https://example.org/pop) de l'INSEE\n\n## Licence\n"
    )
    data = {
        "regions": [
            {"code": "44", "nom": "Grand Est", "zone": "metro"},
            {"code": "06", "nom": "Mayotte", "zone": "drom"},
            {"code": "975", "nom": "Saint-Pierre-et-Miquelon", "zone": "com"},
        ],
        "departements": [
            {"code": "57", "region": "44", "nom": "Moselle", "zone": "metro"},
            {"code": "976", "region": "06", "nom": "Mayotte", "zone": "drom"},
            {"code": "975", "region": "975", "nom": "Saint-Pierre-et-Miquelon", "zone": "com"},
        ],
        "communes": [
            _commune("57463", "Metz", "57", "44", siren="215704636", population=1000),
            _commune("57001", "Aboncourt", "57", "44", siren="215700014", population=10),
            _commune("57002", "Ancienne", "57", "44", type="commune-deleguee"),
            _commune("97601", "Acoua", "976", "06", zone="drom", siren="200008712", population=5),
            _commune("97502", "Saint-Pierre", "975", "975", zone="com", population=5),
        ],
        "epci": [
            {
                "code": "200000001",
                "nom": 'CC "d\'Ici"',
                "type": "CC",
                "populationMunicipale": 999,
                "membres": [{"code": "57463"}, {"code": "57001"}],
            }
        ],
    }
    for name, rows in data.items():
        (root / "data" / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False))
    return root


def _commune(code: str, name: str, departement: str, region: str, **extra: object) -> dict:
    row = {"code": code, "nom": name, "departement": departement, "region": region}
    return {"type": "commune-actuelle", "zone": "metro", **row, **extra}
