"""The national table of ecological transition projects, read through its preset:
the schema's own example (exemple-valide.csv) mapped with a mapping of a few lines."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from lodplan.build import check_plans
from lodplan.errors import MappingError
from lodplan.mapping import read_source_lines
from lodplan.mapping.presets import preset_names
from lodplan.terms import ADMS, LP, M57_COMPETENCE, PHASE, ROLE, SGPE_LEVER, STATUS
from tests.conftest import TEST_BASE

PRESETS = Path(__file__).parent.parent / "fixtures" / "preset-mappings"
PLAN = URIRef(f"{TEST_BASE}plan/ville-exemple-projets")
FIRST = URIRef(f"{PLAN}/element/01890e30-5a80-7c22-9842-8263d0d0d890")


@pytest.fixture(scope="module")
def mapped():
    checked = check_plans(PRESETS, TEST_BASE)
    assert checked.ok, checked.render_problems()
    return checked.plans[0]


def test_the_presets_shipped():
    assert "projets-transition-ecologique" in preset_names()


def test_each_project_is_a_top_level_action_keyed_by_its_uuid(mapped):
    graph = mapped.graph
    top = set(graph.objects(PLAN, LP.hasElement))
    assert len(top) == 5 and FIRST in top
    assert all((a, RDF.type, LP.Action) in graph for a in top)
    assert str(graph.value(FIRST, RDFS.label)) == "Rénovation énergétique des bâtiments publics"


def test_phase_and_status_stated_on_the_day_of_the_last_update(mapped):
    graph = mapped.graph
    [assertion] = graph.objects(FIRST, LP.statusAssertion)
    assert graph.value(assertion, LP.status) == STATUS["en-cours"]
    assert graph.value(assertion, LP.phase) == PHASE.etude
    assert str(graph.value(assertion, LP.statusDate)) == "2025-04-15"
    statuses = {graph.value(a, LP.status) for a in graph.objects(PLAN, LP.hasElement)}
    assert statuses == {
        STATUS["en-cours"], STATUS.realisee, STATUS["en-retard"], STATUS.abandonnee,
        STATUS["en-attente"],
    }  # fmt: skip


def test_levers_and_competences_are_the_shared_themes(mapped):
    themes = set(mapped.graph.objects(FIRST, LP.theme))
    assert themes == {
        M57_COMPETENCE["90-211"],
        M57_COMPETENCE["90-212"],
        SGPE_LEVER["renovation-hors-changement-chaudieres"],
        SGPE_LEVER["electricite-renouvelable"],
        SGPE_LEVER["sobriete-des-batiments-tertiaire"],
    }


def test_the_porteur_found_by_its_siret_is_pilote(mapped):
    graph = mapped.graph
    [involvement] = graph.objects(FIRST, LP.involvement)
    assert graph.value(involvement, PROV.agent) == URIRef(f"{TEST_BASE}actor/ville-exemple")
    assert graph.value(involvement, PROV.hadRole) == ROLE.pilote


def test_ids_of_other_tools_are_identifiers_with_their_agency(mapped):
    graph = mapped.graph
    held = {
        (str(graph.value(i, SKOS.notation)), str(graph.value(i, ADMS.schemaAgency)))
        for i in graph.objects(FIRST, ADMS.identifier)
    }
    assert ("MEC-7652", "Mon Espace Collectivité") in held
    assert ("12345", "Territoires en Transitions") in held
    assert len(held) == 3  # no recocoId on this row


def test_every_column_is_published_or_ignored_with_its_reason(mapped):
    coverage = mapped.coverage
    assert coverage.unaccounted == []
    ignored = {s.detail for s in coverage.spans if s.status == "ignored"}
    assert any("personal data" in reason for reason in ignored)


def test_no_personal_data_of_the_agents_is_published(mapped):
    published = " ".join(str(o) for o in mapped.graph.objects())
    source_text = "\n".join(mapped.outline.published_lines(read_source_lines(mapped.spec)[0]))
    for personal in ("marie.dupont@ville-exemple.fr", "0472123456", "Dupont", "Directrice"):
        assert personal not in published
        assert personal not in source_text  # the source text pages and downloads show
    assert source_text.count("[donnée personnelle masquée]") == 25  # 5 columns, 5 rows
    assert "porteurReferentEmail" in source_text.splitlines()[0]  # the headers stay


def test_a_published_source_text_masks_personal_data_in_a_build(tmp_path):
    from lodplan.build import build
    from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

    build(PRESETS, EmbeddedPublisher(tmp_path / "store"), TEST_BASE)
    store = EmbeddedStore(tmp_path / "store")
    text = store.download("sources/ville-exemple-projets.txt").read_text(encoding="utf-8")
    assert "@ville-exemple.fr" not in text and "[donnée personnelle masquée]" in text
    report = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    leaked = [p for p in report if b"marie.dupont" in _read(p)]
    assert leaked == []


def _read(path):
    import gzip

    raw = path.read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def test_a_french_excel_export_of_the_table_is_read_alike(tmp_path, mapped):
    copy = tmp_path / "mappings"
    shutil.copytree(PRESETS, copy)
    table = copy / "ville-exemple-projets" / "projets.csv"
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    table.write_bytes(out.getvalue().encode("windows-1252"))
    checked = check_plans(copy, TEST_BASE)
    assert checked.ok, checked.render_problems()

    def without_checksum(graph):  # the file's bytes differ, nothing else may
        return {t for t in graph if not str(t[0]).endswith("#checksum")}

    assert without_checksum(checked.plans[0].graph) == without_checksum(mapped.graph)


def test_a_table_that_breaks_the_schema_is_refused_with_row_and_column(tmp_path):
    copy = tmp_path / "mappings"
    shutil.copytree(PRESETS, copy)
    table = copy / "ville-exemple-projets" / "projets.csv"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace(",Étude,", ",Etude,", 1).replace(",450000,", ",450 k,", 1))
    with pytest.raises(MappingError) as caught:
        check_plans(copy, TEST_BASE)
    message = str(caught.value)
    assert "does not follow the schema of the preset projets-transition-ecologique" in message
    assert "line 2, column phase: constraint-error" in message
    assert "line 2, column budgetPrevisionnel: type-error" in message


def test_an_unknown_preset_lists_the_presets(tmp_path):
    copy = tmp_path / "mappings"
    shutil.copytree(PRESETS, copy)
    mapping = copy / "ville-exemple-projets" / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("preset: projets-", "preset: projet-"))
    with pytest.raises(MappingError, match="'projet-transition-ecologique' is not a preset; the"):
        check_plans(copy, TEST_BASE)
