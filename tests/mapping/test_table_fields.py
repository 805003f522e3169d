"""Table columns read into the fields of a fiche action (reader.fields, reader.key,
reader.header): a commune's Excel export mapped end to end, and the errors a
person gets for a wrong cell or a wrong declaration."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from lodplan.build import check_plans
from lodplan.errors import MappingError
from lodplan.mapping.readers.table_fields import CellError, cell_amount, cell_date
from lodplan.terms import (
    ADMS,
    AMOUNT_KIND,
    FUNDING_PROGRAMME,
    LP,
    ROLE,
    SCHEMA,
    SDG,
    STATUS,
    TET_THEMATIQUE,
)
from tests.conftest import TEST_BASE

FICHES = Path(__file__).parent.parent / "fixtures" / "fiche-mappings"
PLAN = URIRef(f"{TEST_BASE}plan/exempleville-pcaet")


def element(code: str) -> URIRef:
    return URIRef(f"{PLAN}/element/{code}")


@pytest.fixture(scope="module")
def mapped():
    checked = check_plans(FICHES, TEST_BASE)
    assert checked.ok, checked.render_problems()
    return checked.plans[0]


@pytest.fixture(scope="module")
def graph(mapped) -> Graph:
    return mapped.graph


def test_every_cell_of_the_export_is_carried_or_is_the_header(mapped):
    coverage = mapped.coverage
    assert coverage.unaccounted == []
    carried = [s for s in coverage.spans if s.status == "carried"]
    assert len(carried) == 59 and coverage.count("ignored") == 1  # the header line


def test_the_code_column_is_the_key_of_each_fiche_iri(graph):
    assert (element("a1"), RDFS.label, None) in graph
    assert (element("b1"), LP.partOf, element("mobilite-douce")) in graph


def test_several_actor_columns_each_with_its_role(graph):
    roles = {
        (str(graph.value(i, PROV.agent)).rsplit("/", 1)[1], graph.value(i, PROV.hadRole))
        for i in graph.objects(element("a1"), LP.involvement)
    }
    assert roles == {
        ("exempleville-services-techniques", ROLE.pilote),
        ("alec-exemple", ROLE.partenaire),
        ("ademe", ROLE.partenaire),
        ("region-exemple", ROLE.financeur),
        ("ademe", ROLE.financeur),
    }


def test_status_completion_and_date_are_one_dated_assertion(graph):
    assert graph.value(element("a1"), LP.status) == STATUS["en-cours"]
    [assertion] = graph.objects(element("a1"), LP.statusAssertion)
    assert graph.value(assertion, LP.status) == STATUS["en-cours"]
    assert str(graph.value(assertion, LP.statusDate)) == "2025-03-15"
    assert graph.value(assertion, LP.completion).toPython() == Decimal("0.35")
    assert graph.value(assertion, LP.statedIn) == PLAN


def test_planned_dates_keep_the_precision_the_cell_gives(graph):
    start = graph.value(element("a1"), LP.plannedStartDate)
    end = graph.value(element("a1"), LP.plannedEndDate)
    assert (str(start), start.datatype.split("#")[1]) == ("2024-09-01", "date")
    assert (str(end), end.datatype.split("#")[1]) == ("2026-08", "gYearMonth")
    year = graph.value(element("a2"), LP.plannedStartDate)
    assert (str(year), year.datatype.split("#")[1]) == ("2026", "gYear")


def test_budget_and_funding_lines_with_funder_and_programme(graph):
    lines = {
        (
            graph.value(b, LP.amount).toPython(),
            graph.value(b, LP.amountKind),
            graph.value(b, LP.funder),
            graph.value(b, LP.fundingProgramme),
            str(graph.value(b, SCHEMA.currency)),
        )
        for b in graph.objects(element("a1"), LP.budgetLine)
    }
    FONDS_VERT = FUNDING_PROGRAMME["fonds-vert"]  # noqa: N806
    region, ademe = URIRef(f"{TEST_BASE}actor/region-exemple"), URIRef(f"{TEST_BASE}actor/ademe")
    assert lines == {
        (Decimal("1200000"), AMOUNT_KIND["budget-previsionnel"], None, None, "EUR"),
        (Decimal("300000"), AMOUNT_KIND["financement-obtenu"], region, None, "EUR"),
        (Decimal("250000"), AMOUNT_KIND["financement-obtenu"], ademe, FONDS_VERT, "EUR"),
    }


def test_themes_from_the_shared_schemes_by_their_labels_and_numbers(graph):
    assert set(graph.objects(element("a1"), LP.theme)) == {
        TET_THEMATIQUE["urbanisme-logement-amenagement-batiments"],
        SDG["7"],
        SDG["13"],
    }


def test_texts_of_a_fiche_are_distinct_fields(graph):
    a1 = element("a1")
    assert str(graph.value(a1, LP.expectedResults)) == "-40 % de consommation d'énergie"
    assert str(graph.value(a1, LP.means)) == "Marché de travaux, maîtrise d'œuvre interne"
    assert str(graph.value(a1, LP.targetAudience)) == "Élèves et personnels"
    assert graph.value(element("a2"), LP.means) is None  # an empty cell says nothing


def test_indicator_with_its_baseline_and_target(graph):
    [indicator] = graph.objects(element("a1"), LP.indicator)
    assert str(graph.value(indicator, RDFS.label)) == "Consommation d'énergie de l'école (MWh/an)"
    values = {
        (str(graph.value(v, LP.valueKind)).rsplit("/", 1)[1], str(graph.value(v, LP.valueDate)),
         graph.value(v, RDF.value).toPython())
        for v in graph.subjects(LP.ofIndicator, indicator)
    }  # fmt: skip
    assert values == {("reference", "2019", Decimal("410")), ("cible", "2030", Decimal("246"))}


def test_external_identifier_with_its_agency(graph):
    [held] = graph.objects(element("a1"), ADMS.identifier)
    assert str(graph.value(held, SKOS.notation)) == "4512"
    assert str(graph.value(held, ADMS.schemaAgency)) == "Territoires en Transitions"


# -- errors a person gets -------------------------------------------------------------


def copy_fixture(tmp_path: Path) -> Path:
    copy = tmp_path / "mappings"
    shutil.copytree(FICHES, copy)
    return copy


def edit(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text
    path.write_text(text.replace(old, new), encoding=encoding)


def test_a_status_no_list_knows_is_an_error_that_lists_the_allowed_values(tmp_path):
    copy = copy_fixture(tmp_path)
    edit(copy / "exempleville-pcaet" / "fiches.csv", "En cours", "Démarrée", "windows-1252")
    with pytest.raises(MappingError) as caught:
        check_plans(copy, TEST_BASE)
    message = str(caught.value)
    assert "fiches.csv:2" in message and "column 10 (status)" in message
    assert "'Démarrée' is not a value of the list status" in message
    assert "En cours (en-cours)" in message and "Réalisée (realisee)" in message


def test_a_value_map_gives_a_word_its_concept(tmp_path):
    copy = copy_fixture(tmp_path)
    edit(copy / "exempleville-pcaet" / "fiches.csv", "En cours", "Démarrée", "windows-1252")
    edit(
        copy / "exempleville-pcaet" / "mapping.yaml",
        "{column: Statut, property: status, date-column: Date du statut}",
        "{column: Statut, property: status, date-column: Date du statut, "
        "values: {Démarrée: en-cours}}",
    )
    checked = check_plans(copy, TEST_BASE)
    assert checked.ok, checked.render_problems()


def test_an_amount_that_is_not_a_number_names_its_cell(tmp_path):
    copy = copy_fixture(tmp_path)
    edit(
        copy / "exempleville-pcaet" / "fiches.csv", "850 000", "environ un million", "windows-1252"
    )
    with pytest.raises(MappingError, match=r"fiches.csv:3: column 15 \(budget\): 'environ un"):
        check_plans(copy, TEST_BASE)


def test_every_problem_of_the_fields_is_reported_at_once_with_its_path(tmp_path):
    copy = copy_fixture(tmp_path)
    mapping = copy / "exempleville-pcaet" / "mapping.yaml"
    edit(mapping, "property: actor\n      role: pilote", "property: actor")
    edit(mapping, "scheme: sdg, split", "scheme: odd, split")
    edit(mapping, "property: means}", "property: moyens}")
    with pytest.raises(MappingError) as caught:
        check_plans(copy, TEST_BASE)
    message = str(caught.value)
    assert message.startswith(f"{mapping}: field 'reader.fields[2].property'")
    assert "3 problems" in message
    assert "'reader.fields[4]': property actor needs role" in message
    assert "'reader.fields[14].scheme': 'odd' is not allowed; write one of" in message


def test_a_column_named_by_a_header_that_does_not_exist_lists_the_headers(tmp_path):
    copy = copy_fixture(tmp_path)
    edit(copy / "exempleville-pcaet" / "mapping.yaml", "{column: Moyens,", "{column: Moyen,")
    with pytest.raises(MappingError, match=r"no column is headed 'Moyen'; the headers are: Code"):
        check_plans(copy, TEST_BASE)


def test_a_windows_1252_file_declared_utf8_says_which_encoding_reads_it(tmp_path):
    copy = copy_fixture(tmp_path)
    edit(copy / "exempleville-pcaet" / "mapping.yaml", "encoding: auto", "encoding: utf-8")
    with pytest.raises(MappingError, match=r"fiches.csv:1: not valid utf-8.*windows-1252"):
        check_plans(copy, TEST_BASE)


def test_two_actor_columns_in_the_old_key_is_an_error_not_a_traceback(tmp_path):
    copy = copy_fixture(tmp_path)
    edit(
        copy / "exempleville-pcaet" / "mapping.yaml",
        "  key: {column: Code}\n",
        "  key: {column: Code}\n  actors: [{column: 8}, {column: 9}]\n",
    )
    with pytest.raises(MappingError, match=r"field 'reader.actors'.*reader.fields"):
        check_plans(copy, TEST_BASE)


@pytest.mark.parametrize(
    ("written", "lexical"),
    [
        ("2025-03-01", "2025-03-01"),
        ("2025-04-15T14:30:00.000Z", "2025-04-15"),
        ("01/03/2025", "2025-03-01"),
        ("1er mars 2025", "2025-03-01"),
        ("mars 2025", "2025-03"),
        ("03/2025", "2025-03"),
        ("2025-03", "2025-03"),
        ("2025", "2025"),
    ],
)
def test_cell_dates(written, lexical):
    assert cell_date(written) == lexical


@pytest.mark.parametrize("written", ["31/02/2025", "bientôt", "2025-13", "début 2025"])
def test_cell_dates_refused(written):
    with pytest.raises(CellError, match="is not a date"):
        cell_date(written)


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("450000", "450000"),
        ("450 000 €", "450000"),
        ("1 200 000,50 €", "1200000.5"),
        ("1,5 M€", "1500000"),
        ("12 k€", "12000"),
        ("1.234.567", "1234567"),
        ("450000.75", "450000.75"),
        ("300 000 € HT", "300000"),
    ],
)
def test_cell_amounts(written, amount):
    assert cell_amount(written) == amount


@pytest.mark.parametrize("written", ["environ 1 M€", "?", "12-15 k€"])
def test_cell_amounts_refused(written):
    with pytest.raises(CellError, match="is not an amount"):
        cell_amount(written)


def test_every_cell_that_cannot_be_read_is_reported_in_one_run(tmp_path):
    copy = copy_fixture(tmp_path)
    table = copy / "exempleville-pcaet" / "fiches.csv"
    edit(table, "En cours", "En cour", "windows-1252")
    edit(table, "850 000", "environ un million", "windows-1252")
    edit(table, ";11;", ";onze;", "windows-1252")
    with pytest.raises(MappingError) as caught:
        check_plans(copy, TEST_BASE)
    message = str(caught.value)
    assert "3 cells cannot be read" in message
    assert "line 2: column 10 (status): 'En cour' is not a value of the list status; " in message
    assert "did you mean en-cours?" in message
    assert "line 3: column 15 (budget): 'environ un million' is not an amount" in message
    assert "line 4: column 19 (theme): 'onze' is not a value of the list sdg" in message
    assert "its 17 values are in docs/codelists.md#sdg" not in message  # 17 ≤ 20: listed
