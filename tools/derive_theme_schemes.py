#!/usr/bin/env python3
"""Write the SKOS code lists of the SGPE levers and of the M57 competences.

Both lists are referentials of the national data schema of the ecological
transition projects of French collectivities (« schéma des projets de
collectivités de transition écologique », beta.gouv.fr), copied verbatim into
``referentials/themes/`` (see its README: repository, commit, licence). This
script turns each copy into one SKOS concept scheme, ``ontology/codelists/``
``sgpe-lever.ttl`` and ``m57-competence.ttl``; the same CSV gives the same bytes.
``tests/test_ontology.py`` checks that the Turtle files are what this script makes.

* SGPE levers (``levier,description``): one concept per row; its identifier is
  the slug of the label (``lodplan.iris.slugify``, never cut), ``skos:prefLabel`` the label
  exactly as the national schema spells it (the value its ``leviers`` field
  takes), ``skos:definition`` the description.
* M57 competences (``code,competence-sous-competence``): one concept per code
  (``90-21``), which is its identifier and ``skos:notation`` (the value the
  national schema's ``competences`` field takes); ``skos:prefLabel`` the label of
  the file (« Culture > Patrimoine »); a sub-competence (``90-XYZ``) has its
  competence (``90-XY``) as ``skos:broader`` — the code prefix, which agrees with
  the nesting of the schema's JSON version of the same list.

Standard library and lodplan only: ``python tools/derive_theme_schemes.py``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lodplan.iris import slugify  # noqa: E402

CODE = "https://w3id.org/lodplan/code/"
REPOSITORY = "https://github.com/betagouv/schema-projet-collectivites-transition-ecologique"
COMMIT = "a383dc326755330ea34e896229b95fad5d4f4fd5"
COMMIT_DATE = "2025-05-20"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
SOURCE_DIR = ROOT / "referentials" / "themes"
OUTPUT_DIR = ROOT / "ontology" / "codelists"
# Long enough for every lever label to be spelt out in full (no hash suffix).
SLUG_LENGTH = 80


@dataclass(frozen=True)
class Concept:
    identifier: str
    label: str
    definition: str = ""
    broader: str = ""


@dataclass(frozen=True)
class Scheme:
    name: str
    source_file: str
    source_path: str  # in the repository
    file_date: str  # of the file's last change in the repository
    version: str
    labels: tuple[str, str]  # fr, en
    definitions: tuple[str, str]
    comment: str


SGPE = Scheme(
    name="sgpe-lever",
    source_file="50_leviers_SGPE_03_2025.csv",
    source_path="reference-data/50_leviers_SGPE_03_2025.csv",
    file_date="2025-04-28",
    version="2025-03",
    labels=("Leviers de la planification écologique (SGPE)", "Ecological planning levers (SGPE)"),
    definitions=(
        "Les 50 leviers de la planification écologique du Secrétariat général à la "
        "planification écologique (SGPE), version de mars 2025, tels que le schéma national "
        "des projets de transition écologique des collectivités les publie. Valeurs de "
        "lodplan:theme : un élément de plan, un plan ou un indicateur relève des leviers "
        "qu'il actionne, ce qui permet de comparer des plans par levier.",
        "The 50 ecological planning levers of the French General Secretariat for Ecological "
        "Planning (SGPE), March 2025 version, as published by the national data schema of the "
        "ecological transition projects of French collectivities. Values of lodplan:theme: a "
        "plan element, a plan or an indicator is filed under the levers it pulls, so that plans "
        "can be compared lever by lever.",
    ),
    comment="Identifiant de chaque concept : le libellé en minuscules ASCII, mots séparés par "
    "des tirets ; libellé et définition : colonnes levier et description du fichier, mot pour mot.",
)

M57 = Scheme(
    name="m57-competence",
    source_file="referentiel_competences_M57_2025.csv",
    source_path="reference-data/référentiel_competences_M57_2025.csv",
    file_date="2025-04-23",
    version="2025",
    labels=("Compétences des collectivités (M57)", "Competences of local authorities (M57)"),
    definitions=(
        "Les fonctions (compétences) et sous-fonctions (sous-compétences) de la nomenclature "
        "fonctionnelle M57 des collectivités, codes 90-XY et 90-XYZ, telles que le schéma "
        "national des projets de transition écologique des collectivités les publie. Valeurs "
        "de lodplan:theme : la compétence dont un élément de plan relève.",
        "The functions (competences) and sub-functions (sub-competences) of the M57 functional "
        "classification of French local authorities, codes 90-XY and 90-XYZ, as published by "
        "the national data schema of the ecological transition projects of French "
        "collectivities. Values of lodplan:theme: the competence a plan element falls under.",
    ),
    comment="Identifiant et skos:notation de chaque concept : son code M57 ; libellé : colonne "
    "competence-sous-competence du fichier, mot pour mot ; une sous-compétence (90-XYZ) a pour "
    "skos:broader sa compétence (90-XY).",
)


def sgpe_concepts(rows: Iterable[dict[str, str]]) -> list[Concept]:
    concepts = [
        Concept(
            slugify(row["levier"], SLUG_LENGTH), row["levier"].strip(), row["description"].strip()
        )
        for row in rows
    ]
    _check_unique(SGPE, concepts)
    return concepts


def m57_concepts(rows: Iterable[dict[str, str]]) -> list[Concept]:
    listed = list(rows)
    codes = {row["code"].strip() for row in listed}
    concepts = []
    for row in listed:
        code = row["code"].strip()
        # 90-XYZ belongs to 90-XY; 90-025 has no 90-02 and stays a top concept.
        parent = code[:-1] if len(code) == 6 and code[:-1] in codes else ""
        concepts.append(Concept(code, row["competence-sous-competence"].strip(), broader=parent))
    _check_unique(M57, concepts)
    return concepts


def _check_unique(scheme: Scheme, concepts: list[Concept]) -> None:
    identifiers = [c.identifier for c in concepts]
    if len(set(identifiers)) != len(identifiers):
        raise ValueError(f"{scheme.source_file}: two rows give the same identifier")


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def turtle(scheme: Scheme, concepts: list[Concept]) -> str:
    iri = f"<{CODE}{scheme.name}>"
    source = f"<{REPOSITORY}/blob/{COMMIT}/{scheme.source_path}>"
    (label_fr, label_en), (def_fr, def_en) = scheme.labels, scheme.definitions
    tops = [c for c in concepts if not c.broader]
    lines = [
        f"# lodplan code list: {label_en} (SKOS concept scheme), shared across plans.",
        f"# Scheme {CODE}{scheme.name} ; concepts {CODE}{scheme.name}/<id>.",
        "# GENERATED by tools/derive_theme_schemes.py from",
        f"# referentials/themes/{scheme.source_file}, a copy of {scheme.source_path}",
        f"# in {REPOSITORY} at commit {COMMIT} ({COMMIT_DATE});",
        "# Licence Ouverte / Etalab 2.0. Do not edit: change the script or the copy.",
        "",
        f"@prefix c:       <{CODE}{scheme.name}/> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix owl:     <http://www.w3.org/2002/07/owl#> .",
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        iri,
        "    a skos:ConceptScheme ;",
        f"    skos:prefLabel {_literal(label_fr)}@fr , {_literal(label_en)}@en ;",
        f"    rdfs:label {_literal(label_fr)}@fr , {_literal(label_en)}@en ;",
        f"    skos:definition {_literal(def_fr)}@fr ,",
        f"        {_literal(def_en)}@en ;",
        f"    rdfs:comment {_literal(scheme.comment)}@fr ;",
        f"    dcterms:source {source} ;",
        f'    dcterms:modified "{scheme.file_date}"^^xsd:date ;',
        f"    dcterms:license <{LICENCE}> ;",
        '    dcterms:rightsHolder "Les communs de la transition écologique des collectivités '
        '(beta.gouv.fr)" ;',
        f'    owl:versionInfo "{scheme.version}" ;',
        "    rdfs:seeAlso <https://w3id.org/lodplan/ontology> ;",
        "    skos:hasTopConcept " + " ,\n        ".join(f"c:{c.identifier}" for c in tops) + " .",
    ]
    for concept in concepts:
        lines += [
            "",
            f"c:{concept.identifier}",
            "    a skos:Concept ;",
            f"    skos:inScheme {iri} ;",
        ]
        if concept.broader:
            lines.append(f"    skos:broader c:{concept.broader} ;")
        else:
            lines.append(f"    skos:topConceptOf {iri} ;")
        lines += [
            f"    skos:notation {_literal(concept.identifier)} ;",
            f"    skos:prefLabel {_literal(concept.label)}@fr ;",
        ]
        if concept.definition:
            lines.append(f"    skos:definition {_literal(concept.definition)}@fr ;")
        lines.append(f"    rdfs:label {_literal(concept.label)}@fr .")
    return "\n".join(lines) + "\n"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def derived(source_dir: Path = SOURCE_DIR) -> dict[str, str]:
    """File name → Turtle text, for both schemes."""
    return {
        f"{SGPE.name}.ttl": turtle(SGPE, sgpe_concepts(read_rows(source_dir / SGPE.source_file))),
        f"{M57.name}.ttl": turtle(M57, m57_concepts(read_rows(source_dir / M57.source_file))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    for name, text in derived(args.source_dir).items():
        (args.output_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.output_dir / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
