"""Plans over time (lodplan.versions): three quarterly versions of a plan published one
after the other, with the IRIs they keep, their history as data, what changed, and
builds that never lose a published version."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

import lodplan.build
from lodplan.build import build
from lodplan.build_cache import BuildCache
from lodplan.cli import main
from lodplan.pages.links import ServerLinks
from lodplan.store.base import ARCHIVE_DIR
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore
from lodplan.versions import VersionChoice, VersionError
from tests.conftest import TEST_BASE
from tests.support.versions import FIXTURES, PLAN
from tests.support.versions import version_mappings as mappings

PLAN_IRI = f"{TEST_BASE}plan/{PLAN}"
ELEMENT = f"{PLAN_IRI}/element/"
ARCEAUX = ELEMENT + "mobilite-douce/installer-des-arceaux-velos"  # renamed in 2025-t2
AXE = ELEMENT + "mobilite-douce"  # renamed « Mobilités actives » in 2025-t3
LOCATION = ELEMENT + "mobilite-douce/creer-un-service-de-location-de-velos"  # split in t3
QUERIES = Path(__file__).parents[1] / "docs" / "queries"
LP = "https://w3id.org/lodplan/ontology#"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    """The store after versions 2025-t1, t2 and t3 were published, and a working folder."""
    tmp = tmp_path_factory.mktemp("versions")
    store, cache = tmp / "store", BuildCache(tmp / "cache")
    for version in (1, 2, 3):
        build(
            mappings(tmp, version), EmbeddedPublisher(store), TEST_BASE,
            cache=cache, versions=VersionChoice.NEW,
        )  # fmt: skip
    return store, tmp


def values(store: EmbeddedStore, subject: str, predicate: str) -> set[str]:
    return {term.value for term in store.objects(subject, predicate)}


def answer(store: EmbeddedStore, name: str) -> list[dict[str, str]]:
    rows = store.select((QUERIES / f"{name}.rq").read_text(encoding="utf-8"), {})
    return [{key: term.value for key, term in row.items()} for row in rows]


def test_each_version_is_published_at_its_iri_with_its_date_and_previous_version(published):
    store = EmbeddedStore(published[0])
    graphs = set(store.info().graphs)
    versions = [f"{PLAN_IRI}/version/2025-t{n}" for n in (1, 2, 3)]
    assert {
        f"{TEST_BASE}graph/plan/{PLAN}",  # the latest, the plan's default view
        f"{TEST_BASE}graph/plan/{PLAN}/version/2025-t1",
        f"{TEST_BASE}graph/plan/{PLAN}/version/2025-t2",
        f"{TEST_BASE}graph/plan/{PLAN}/history",
    } <= graphs
    assert f"{TEST_BASE}graph/plan/{PLAN}/version/2025-t3" not in graphs
    dcat = "http://www.w3.org/ns/dcat#"
    assert values(store, PLAN_IRI, dcat + "hasVersion") == set(versions)
    assert values(store, PLAN_IRI, dcat + "hasCurrentVersion") == {versions[2]}
    assert values(store, versions[1], DCT + "issued") == {"2025-06-30"}
    assert values(store, versions[2], LP + "previousVersion") == {versions[1]}
    assert values(store, versions[1], "http://www.w3.org/ns/prov#wasRevisionOf") == {versions[0]}
    assert values(store, versions[0], LP + "previousVersion") == set()
    # each version's source text and graph are files of the build
    source = store.download(f"versions/{PLAN}/2025-t1.txt")
    assert source is not None and "Installer des arceaux vélos" in source.read_text()
    assert store.download(f"versions/{PLAN}/2025-t1.nt") is not None
    assert values(store, versions[0], DCT + "source") == {
        f"{TEST_BASE}download/versions/{PLAN}/2025-t1.txt"
    }


def test_elements_keep_their_iri_across_versions_renamed_ones_by_declaration(published):
    store = EmbeddedStore(published[0])
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert values(store, ARCEAUX, label) == {"Installer cent arceaux vélos près des commerces"}
    assert values(store, AXE, label) == {"Mobilités actives"}
    assert values(store, ARCEAUX, LP + "partOf") == {AXE}
    # three assertions of its status, one per version, each stated in its version
    assertions = values(store, ARCEAUX, LP + "statusAssertion")
    assert len(assertions) == 3
    stated = {next(iter(values(store, a, LP + "statedIn"))) for a in assertions}
    assert stated == {f"{PLAN_IRI}/version/2025-t{n}" for n in (1, 2, 3)}
    # its status is the latest version's only
    assert values(store, ARCEAUX, LP + "status") == {
        "https://w3id.org/lodplan/code/status/realisee"
    }


def test_a_removed_element_stays_described_out_of_the_tree_and_its_split_is_recorded(published):
    store = EmbeddedStore(published[0])
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert values(store, LOCATION, label) == {"Créer un service de location de vélos"}
    assert values(store, LOCATION, LP + "inPlan") == set()
    assert values(store, LOCATION, DCT + "isPartOf") == {f"{PLAN_IRI}/version/2025-t2"}
    assert LOCATION not in values(store, AXE, LP + "hasPart")
    for new in (
        "louer-des-velos-a-assistance-electrique",
        "ouvrir-un-atelier-de-reparation-de-velos",
    ):
        assert values(store, f"{AXE}/{new}", DCT + "replaces") == {LOCATION}


def test_history_queries_answer_on_the_versions(published):
    store = EmbeddedStore(published[0])
    plan = "Plan climat d'Exempleville : suivi"
    on_june_30 = answer(store, "status-on-a-date")
    assert [(r["element"], r["status"], r["status_date"]) for r in on_june_30] == [
        ("Aménager une voie verte vers le collège", "Réalisée", "2025-06-25"),
        ("Créer un service de location de vélos", "Prévue", "2025-06-20"),  # removed since
        ("Créer une chaufferie bois", "En cours", "2025-06-20"),
        ("Installer cent arceaux vélos près des commerces", "En cours", "2025-06-20"),
        ("Rénover l'école Jules-Ferry", "En cours", "2025-06-20"),
    ]
    assert {r["plan"] for r in on_june_30} == {plan}
    assert answer(store, "status-went-backwards") == [
        {
            "plan": plan,
            "element": "Créer une chaufferie bois",
            "before": "En cours",
            "before_date": "2025-06-20",
            "after": "Prévue",
            "after_date": "2025-09-22",
        }
    ]


def test_what_changed_is_data_and_a_csv(published):
    store = EmbeddedStore(published[0])
    file = store.download(f"versions/{PLAN}/changes-2025-t3.csv")
    assert file is not None
    rows = list(csv.DictReader(io.StringIO(file.read_text(encoding="utf-8"))))
    assert {(r["version"], r["previous_version"]) for r in rows} == {("2025-t3", "2025-t2")}
    changes = {(r["change"], r["label"], r["before"], r["after"]) for r in rows}
    status = "https://w3id.org/lodplan/code/status/"
    assert ("title", "Mobilités actives", "Mobilité douce", "Mobilités actives") in changes
    assert ("removed", "Créer un service de location de vélos", "", "") in changes
    # a status by its label in the plan's language, its concept in its own column
    (boiler,) = [r for r in rows if r["change"] == "status" and "chaufferie" in r["label"]]
    assert (boiler["before"], boiler["after"]) == ("En cours", "Prévue")
    assert (boiler["before_iri"], boiler["after_iri"]) == (status + "en-cours", status + "prevue")
    # a budget line as labelled columns: its kind, both amounts as numbers, the currency
    (racks,) = [r for r in rows if r["change"] == "budget" and "arceaux" in r["label"]]
    assert {k: racks[k] for k in ("amount_kind", "amount_kind_iri", "before_amount",
            "after_amount", "unit", "before", "after")} == {
        "amount_kind": "Dépense réalisée",
        "amount_kind_iri": "https://w3id.org/lodplan/code/amount-kind/depense-realisee",
        "before_amount": "5000", "after_amount": "19000", "unit": "EUR",
        "before": "", "after": "",
    }  # fmt: skip
    replaced = {r["before"] for r in rows if r["change"] == "replaces"}
    assert replaced == {"Créer un service de location de vélos"}
    assert {r["before_iri"] for r in rows if r["change"] == "replaces"} == {LOCATION}
    assert sum(r["change"] == "added" for r in rows) == 2
    assert sum(r["change"] == "replaces" for r in rows) == 2
    # the same rows as data: the version's changes, dereferenced with it
    version = f"{PLAN_IRI}/version/2025-t3"
    parts = values(store, version, DCT + "hasPart")
    assert len(parts) == len(rows)
    kinds = sorted(next(iter(values(store, part, DCT + "type"))) for part in parts)
    assert kinds == sorted(r["change"] for r in rows)
    described = {t.subject.value for t in store.describe(version)}
    assert parts <= described
    # the first version has no previous one: no changes
    assert store.download(f"versions/{PLAN}/changes-2025-t1.csv") is None


def test_the_archive_of_inputs_is_kept_with_the_build_and_never_served(published):
    store = EmbeddedStore(published[0])
    name = f"{ARCHIVE_DIR}/{PLAN}/2025-t1/fiches.csv"
    assert store.download(name) is None
    assert not any(n.startswith(ARCHIVE_DIR) for n in store.download_names())
    kept = published[0] / "current" / "downloads" / name
    assert kept.read_bytes() == (FIXTURES / "v1" / PLAN / "fiches.csv").read_bytes()


def _changed_latest(tmp: Path) -> Path:
    folder = mappings(tmp, 3)
    table = folder / PLAN / "fiches.csv"
    table.write_text(table.read_text().replace("800 000", "810 000"), encoding="utf-8")
    return folder


def test_a_build_never_loses_a_published_version(published, monkeypatch, capsys):
    source, tmp = published
    store = tmp / "store-copy"
    shutil.copytree(source, store, symlinks=True)
    before = EmbeddedStore(store).info()
    changed = _changed_latest(tmp)
    # changed inputs without a choice: stopped, naming the plan and both choices
    code = main(["build", "--store", str(store), "--mappings", str(changed),
                 "--base-iri", TEST_BASE, "--no-cache"])  # fmt: skip
    message = capsys.readouterr().err
    assert code == 1
    assert f"plan {PLAN!r}" in message and "--as-new-version" in message
    assert "--replace" in message and "'2025-t3'" in message
    assert EmbeddedStore(store).info().build_id == before.build_id
    # a new version under an id already published: refused
    with pytest.raises(VersionError, match="already published"):
        build(changed, EmbeddedPublisher(store), TEST_BASE, versions=VersionChoice.NEW)

    # a build failing in the middle (after the versions were made): the previous build
    # stays served with every version
    def fail(*args, **kwargs):
        raise RuntimeError("the disk is gone")

    monkeypatch.setattr(lodplan.build, "catalog_graph", fail)
    with pytest.raises(RuntimeError):
        build(changed, EmbeddedPublisher(store), TEST_BASE, versions=VersionChoice.REPLACE)
    monkeypatch.undo()
    served = EmbeddedStore(store)
    assert served.info().build_id == before.build_id
    assert (store / "current" / "downloads" / ARCHIVE_DIR / PLAN / "2025-t1").is_dir()
    # --replace corrects the latest version; the earlier ones are kept
    build(changed, EmbeddedPublisher(store), TEST_BASE, versions=VersionChoice.REPLACE)
    served = EmbeddedStore(store)
    assert served.info().build_id != before.build_id
    versions = values(served, PLAN_IRI, "http://www.w3.org/ns/dcat#hasVersion")
    assert versions == {f"{PLAN_IRI}/version/2025-t{n}" for n in (1, 2, 3)}
    rows = served.download(f"versions/{PLAN}/changes-2025-t3.csv")
    assert rows is not None
    school = [r for r in csv.DictReader(io.StringIO(rows.read_text())) if r["change"] == "budget"]
    assert ("Dépense réalisée", "810000") in {(r["amount_kind"], r["after_amount"]) for r in school}
    # unchanged inputs need no choice
    build(changed, EmbeddedPublisher(store), TEST_BASE)


def test_a_new_version_must_be_of_a_later_day_and_have_its_own_id(published, capsys):
    source, tmp = published
    store = tmp / "store-dates"
    shutil.copytree(source, store, symlinks=True)
    before = EmbeddedStore(store).info().build_id
    folder = _changed_latest(tmp)
    mapping = folder / PLAN / "mapping.yaml"
    text = mapping.read_text(encoding="utf-8").replace("id: 2025-t3", "id: 2025-t4")
    command = ["build", "--store", str(store), "--mappings", str(folder),
               "--base-iri", TEST_BASE, "--no-cache", "--as-new-version"]  # fmt: skip
    for day in ("2025-09-30", "2025-08-31"):  # the latest version's day, an earlier one
        mapping.write_text(text.replace("date: 2025-09-30", f"date: {day}"), encoding="utf-8")
        assert main(command) == 1
        message = " ".join(capsys.readouterr().err.split())
        assert str(mapping) in message
        assert f"version.date {day} of the new version '2025-t4'" in message
        assert "version.date 2025-09-30 of the latest published version '2025-t3'" in message
        assert EmbeddedStore(store).info().build_id == before  # nothing published changed
    # an id already published (a later day): refused, naming the field and the ids
    reused = text.replace("id: 2025-t4", "id: 2025-t2").replace(
        "date: 2025-09-30", "date: 2025-12-31"
    )
    mapping.write_text(reused, encoding="utf-8")
    assert main(command) == 1
    message = " ".join(capsys.readouterr().err.split())
    assert str(mapping) in message and "version.id '2025-t2' is already published" in message
    assert "'2025-t1', '2025-t2', '2025-t3'" in message
    assert EmbeddedStore(store).info().build_id == before


def test_a_title_changed_without_a_declaration_is_reported(published):
    source, tmp = published
    store = tmp / "store-undeclared"
    shutil.copytree(source, store, symlinks=True)
    folder = mappings(tmp, 3)
    mapping, table = folder / PLAN / "mapping.yaml", folder / PLAN / "fiches.csv"
    text = mapping.read_text(encoding="utf-8").replace("2025-t3", "2025-t4")
    text = text.replace("date: 2025-09-30", "date: 2025-12-31")  # a later day
    mapping.write_text(text.split("  replaces:")[0] + "\nsource:" + text.split("\nsource:")[1])
    school = "Rénover le groupe scolaire Jules-Ferry"
    table.write_text(table.read_text().replace("Rénover l'école Jules-Ferry", school))
    with pytest.raises(VersionError) as failure:
        build(folder, EmbeddedPublisher(store), TEST_BASE, versions=VersionChoice.NEW)
    assert str(failure.value) == (
        f"{table}:2: « {school} » is new in version '2025-t4' and « Rénover l'école "
        "Jules-Ferry » of version '2025-t3', under the same parent, is gone: if it is the "
        f"same element, declare it in version.renamed of {mapping} ('renover-l-ecole-jules-"
        f"ferry': '{school}') and it keeps its IRI; if not, list 'renover-l-ecole-jules-ferry' "
        "in version.removed"
    )
    # declared, it keeps its IRI
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(
        text.replace("  renamed:\n", f"  renamed:\n    renover-l-ecole-jules-ferry: {school}\n")
    )
    build(folder, EmbeddedPublisher(store), TEST_BASE, versions=VersionChoice.NEW)
    school_iri = ELEMENT + "batiments-sobres/renover-l-ecole-jules-ferry"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert values(EmbeddedStore(store), school_iri, label) == {school}


def test_build_help_tells_both_choices(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--as-new-version" in text and "--replace" in text
    assert "published versions are kept" in text


def test_only_the_served_files_are_listed(tmp_path):
    """The archive's prefix is refused whatever the folder (remote engines' --downloads too)."""
    from lodplan.store.base import file_in, file_names

    (tmp_path / ARCHIVE_DIR / "p").mkdir(parents=True)
    (tmp_path / ARCHIVE_DIR / "p" / "source.csv").write_text("secret")
    (tmp_path / "dump.nq").write_text("")
    assert file_names(tmp_path) == ["dump.nq"]
    assert file_in(tmp_path, f"{ARCHIVE_DIR}/p/source.csv") is None
    assert file_in(tmp_path, "dump.nq") is not None


# --- pages ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(published):
    from lodplan.pages.render import PageRenderer
    from lodplan.pages.site import SitePages
    from lodplan.publishing.representations import ResourceService

    store = EmbeddedStore(published[0])
    return SitePages(ResourceService(store, base_iri=TEST_BASE), PageRenderer())


def page_text(site, iri: str, start: str) -> str:
    html = site.resource(iri, ServerLinks(data_base=TEST_BASE, lang="fr"))
    assert html is not None, iri
    begin = html.index(start)
    part = html[begin : html.index("</section>", begin)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)).replace("&#39;", "'")


def test_the_plan_page_lists_its_versions_and_its_late_and_not_updated_actions(site):
    text = page_text(site, PLAN_IRI, '<section aria-labelledby="history-title"')
    assert (
        "Bilan du 3e trimestre 2025 — 30 septembre 2025 version en vigueur "
        "Bilan du 2e trimestre 2025 — 30 juin 2025 "
        "Bilan du 1er trimestre 2025 — 31 mars 2025"
    ) in text
    late, stale = text.split("Actions sans mise à jour")
    # the boiler room was due in June 2025 and is « prévue » again; the cycle lane and
    # the bike racks, due in June too, are done
    assert "Créer une chaufferie bois Prévue juin 2025 22 septembre 2025" in late
    assert "voie verte" not in late and "arceaux" not in late
    # the school's status was last stated on 20 June, more than 3 months before 30 September
    assert "depuis plus de 3 mois" in stale
    assert "Rénover l'école Jules-Ferry En cours août 2026 20 juin 2025" in stale
    assert "chaufferie" not in stale and "voie verte" not in stale  # updated, or done


def test_a_version_page_says_what_changed_with_the_csv(site):
    version = f"{PLAN_IRI}/version/2025-t3"
    text = page_text(site, version, '<section aria-labelledby="changes-title"')
    assert "Depuis la version précédente : Bilan du 2e trimestre 2025" in text
    assert "Nouveau titre Mobilités actives Mobilité douce Mobilités actives" in text
    assert "Statut Créer une chaufferie bois En cours Prévue" in text
    assert "Retrait Créer un service de location de vélos" in text
    budget = "Budget Installer cent arceaux vélos près des commerces Dépense réalisée : 5"
    assert budget in text and "Dépense réalisée : 19" in text  # amounts as people read them
    assert "Remplace Louer des vélos à assistance électrique Créer un service" in text
    html = site.resource(version, ServerLinks(data_base=TEST_BASE, lang="fr"))
    assert f'href="/download/versions/{PLAN}/changes-2025-t3.csv"' in html
    first = page_text(site, f"{PLAN_IRI}/version/2025-t1", '<section aria-labelledby="changes')
    assert "Première version publiée de ce plan." in first
    # the changes are read in that table, not again as raw parts among the key facts
    facts = html.partition('aria-labelledby="facts-title"')[2].partition("</section>")[0]
    assert "indicator-value" not in facts and "depense-realisee" not in facts


def test_an_action_timeline_names_the_version_that_stated_each_status(site):
    voie_verte = AXE + "/amenager-une-voie-verte-vers-le-college"
    text = page_text(site, voie_verte, '<section class="fiche"')
    # « réalisée » on 25 June, restated unchanged in 2025-t3: shown once, from 2025-t2
    assert (
        "Date Statut Phase Avancement Énoncé dans "
        "25 juin 2025 Réalisée Bilan du 2e trimestre 2025 "
        "10 mars 2025 En cours Bilan du 1er trimestre 2025"
    ) in text
    # the indicator's values of every version, its reference and target once
    assert text.count("2019 · Valeur de référence : 4") == 1
    assert text.count("2030 · Cible : 20") == 1
    for measure in ("31 mars 2025 · Mesure : 9", "30 juin 2025 · Mesure : 14",
                    "30 septembre 2025 · Mesure : 17"):  # fmt: skip
        assert measure in text


def test_a_remote_engine_keeps_versions_in_its_downloads_folder(tmp_path):
    from lodplan.store.remote import RemoteEndpoint, RemotePublisher
    from lodplan.versions import published_archive

    endpoint = RemoteEndpoint(query_url="http://engine.invalid/sparql",
                              graph_store_url="http://engine.invalid/store")  # fmt: skip
    with pytest.raises(VersionError, match="--downloads"):
        published_archive(RemotePublisher(endpoint), needed=True)
    assert published_archive(RemotePublisher(endpoint), needed=False) is None
    kept = published_archive(RemotePublisher(endpoint, downloads_dir=tmp_path), needed=True)
    assert kept == tmp_path / ARCHIVE_DIR


def test_a_rename_naming_no_element_is_an_error_naming_the_field(tmp_path):
    from lodplan.build import check_plans
    from lodplan.errors import MappingError

    folder = mappings(tmp_path, 2)
    mapping = folder / PLAN / "mapping.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace("Installer cent arceaux", "Installer mille arceaux"))
    with pytest.raises(MappingError) as failure:
        check_plans(folder, TEST_BASE)
    assert "version.renamed" in str(failure.value) and str(mapping) in str(failure.value)
    assert "'installer-mille-arceaux-velos-pres-des-commerces'" in str(failure.value)


def test_an_older_version_that_cannot_be_mapped_again_is_named(published, monkeypatch):
    import lodplan.versions
    from lodplan.errors import MappingError

    source, tmp = published
    store = tmp / "store-unmappable"
    shutil.copytree(source, store, symlinks=True)

    def refuse(mapping_file: Path, **_):
        raise MappingError("'ademe' is not an actor", file=mapping_file, field="reader")

    monkeypatch.setattr(lodplan.versions, "map_plan", refuse)
    with pytest.raises(VersionError) as failure:
        build(mappings(tmp, 3), EmbeddedPublisher(store), TEST_BASE)
    message = str(failure.value)
    assert "version '2025-t1' of plan 'exempleville-climat'" in message
    assert "mapping.yaml" in message and "lodplan-versions-" not in message


def test_a_status_without_its_day_holds_on_the_version_date(tmp_path):
    from rdflib import URIRef

    from lodplan.build import check_plans
    from lodplan.terms import LP as TERMS

    folder = mappings(tmp_path, 1)
    mapping = folder / PLAN / "mapping.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace(", date-column: Date du statut", ""), encoding="utf-8")
    plan = check_plans(folder, TEST_BASE).plans[0]
    assertion = URIRef(ARCEAUX + "#v-2025-t1-status-1")
    assert str(plan.graph.value(assertion, TERMS.statusDate)) == "2025-03-31"
    assert plan.graph.value(assertion, TERMS.statedIn) == URIRef(f"{PLAN_IRI}/version/2025-t1")


# --- between any two versions, and the months without update ---------------------------

KINDS = {"Ajout": "added", "Retrait": "removed", "Remplace": "replaces", "Nouveau titre": "title",
         "Déplacement": "parent", "Statut": "status", "Budget": "budget",
         "Indicateur": "indicator-value"}  # fmt: skip


@pytest.fixture(scope="module")
def client(published):
    from lodplan.web.app import create_app_for_store

    return create_app_for_store(published[0], TEST_BASE).test_client()


def _plain(html: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")
    return text.replace("\u202f", " ").replace("\xa0", " ").strip()


def changes_rows(html: str) -> list[tuple[str, ...]]:
    """The rows of a page's table of changes: kind, element, before, after (as read)."""
    table = html[html.index('<table class="changes">') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        tuple(_plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_changes_between_two_versions_skip_the_versions_between(client):
    page = client.get(f"/plan/{PLAN}/changes?from=2025-t1&to=2025-t3")
    assert page.status_code == 200
    html = page.data.decode()
    assert "De « Bilan du 1er trimestre 2025 » (31 mars 2025) à « Bilan du 3e trimestre" in html
    rows = changes_rows(html)
    assert ("Ajout", "Louer des vélos à assistance électrique", "", "") in rows
    # the rental service came in 2025-t2 and went in 2025-t3: neither added nor removed
    assert not any("location" in row[1] for row in rows)
    assert not any(row[0] in ("Retrait", "Remplace") for row in rows)
    racks = "Installer cent arceaux vélos près des commerces"
    assert ("Nouveau titre", racks, "Installer des arceaux vélos", racks) in rows
    assert ("Nouveau titre", "Mobilités actives", "Mobilité douce", "Mobilités actives") in rows
    # statuses from t1 to t3: the racks « prévue » → « réalisée » (« en cours » in t2); the
    # boiler room « prévue » in both (« en cours » in t2): no change between t1 and t3
    assert ("Statut", racks, "Prévue", "Réalisée") in rows
    assert ("Statut", "Aménager une voie verte vers le collège", "En cours", "Réalisée") in rows
    assert not any(row[0] == "Statut" and "chaufferie" in row[1] for row in rows)
    school = "Rénover l'école Jules-Ferry"
    assert (
        "Budget", school, "Dépense réalisée : 150 000 €", "Dépense réalisée : 800 000 €"
    ) in rows  # fmt: skip
    assert ("Budget", racks, "", "Dépense réalisée : 19 000 €") in rows
    # the CSV: the same rows in the same order, named by plan and versions
    link = re.search(r'<a href="([^"]+)" type="text/csv"', html)[1].replace("&amp;", "&")
    assert link == f"/plan/{PLAN}/changes?from=2025-t1&to=2025-t3&format=csv"
    download = client.get(link)
    assert download.headers["Content-Type"].startswith("text/csv")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="changes-{PLAN}-2025-t1-to-2025-t3.csv"'
    )
    records = csv_rows(download.data)
    assert [(r["change"], r["label"]) for r in records] == [(KINDS[r[0]], r[1]) for r in rows]
    assert {(r["version"], r["previous_version"]) for r in records} == {("2025-t3", "2025-t1")}
    for record, row in zip(records, rows, strict=True):
        if record["change"] in ("status", "title"):
            assert (record["before"], record["after"]) == row[2:]
    # the page in English; its CSV names statuses and amount kinds in the plan's language
    english = changes_rows(
        client.get(f"/plan/{PLAN}/changes?from=2025-t1&to=2025-t3&lang=en").data.decode()
    )
    assert [row[1] for row in english] == [row[1] for row in rows]
    assert ("Status", racks, "Prévue", "Réalisée") not in english
    assert any(row[0] == "Status" and row[1] == racks for row in english)
    assert client.get(f"{link}&lang=en").data == download.data
    (lane,) = [r for r in records if r["change"] == "budget" and "voie verte" in r["label"]]
    assert (lane["amount_kind"], lane["before_amount"], lane["after_amount"], lane["unit"]) == (
        "Dépense réalisée", "300000", "380000", "EUR",
    )  # fmt: skip


def test_the_changes_between_consecutive_versions_are_those_the_build_recorded(client, published):
    pair = csv_rows(client.get(f"/plan/{PLAN}/changes?from=2025-t2&to=2025-t3&format=csv").data)
    built = EmbeddedStore(published[0]).download(f"versions/{PLAN}/changes-2025-t3.csv")
    assert built is not None
    recorded = csv_rows(built.read_bytes())
    assert sorted(map(sorted, (r.items() for r in pair))) == sorted(
        map(sorted, (r.items() for r in recorded))
    )
    assert any(r["change"] == "replaces" for r in pair)  # the split, declared in 2025-t3


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        ("to=2025-t3", 400, "from"),  # missing
        ("from=2025-t1&to=", 400, "to"),
        ("from=2025-t1&to=2025-t9", 404, "to"),  # unknown
        ("from=%3Cb%3Enope&to=2025-t3", 404, "from"),
        ("from=2025-t2&to=2025-t2", 400, "to"),  # equal
        ("from=2025-t3&to=2025-t1", 400, "from"),  # reversed
    ],
)
def test_a_pair_that_is_not_one_is_answered_naming_the_parameter(client, query, status, parameter):
    for suffix in ("", "&format=csv"):
        page = client.get(f"/plan/{PLAN}/changes?{query}{suffix}")
        assert page.status_code == status
        html = page.data.decode()
        assert f"Paramètre « {parameter} »" in html
        assert "<b>" not in html  # the value given is escaped
    assert client.get("/plan/nothing/changes?from=2025-t1&to=2025-t3").status_code == 404


def test_the_plan_and_version_pages_link_to_the_changes_between_two_versions(client):
    html = client.get(f"/plan/{PLAN}").data.decode()
    form = html[html.index('<form method="get" action="/plan/') :]
    form = form[: form.index("</form>")]
    assert f'action="/plan/{PLAN}/changes"' in form
    for name in ("from", "to"):
        assert (
            f'<label for="compare-{name}">' in form and f'id="compare-{name}" name="{name}"' in form
        )
    assert '<option value="2025-t2" selected>' in form  # the latest two, by default
    assert '<option value="2025-t3" selected>' in form
    version = client.get(f"/plan/{PLAN}/version/2025-t3").data.decode()
    assert f'href="/plan/{PLAN}/changes?from=2025-t2&amp;to=2025-t3"' in version


def test_the_plan_page_in_a_static_export_has_no_forms(site):
    from lodplan.pages.links import StaticLinks

    html = site.resource(PLAN_IRI, StaticLinks(TEST_BASE, f"plan/{PLAN}.html"))
    assert html is not None and "Actions sans mise à jour" in html
    assert "compare-from" not in html and "stale-months" not in html


def test_the_months_without_update_are_a_parameter_of_the_plan_page(client):
    def lists(query: str) -> tuple[str, str]:
        page = client.get(f"/plan/{PLAN}{query}")
        assert page.status_code == 200
        html = page.data.decode()
        part = html[html.index('<section aria-labelledby="history-title"') :]
        text = _plain(part[: part.index("</section>")])
        late, stale = re.split("(?=Actions sans mise à jour|Actions without update)", text)
        return late, stale

    school = "Rénover l'école Jules-Ferry"  # its status last stated on 20 June 2025
    late, stale = lists("")
    assert "depuis plus de 3 mois" in stale and school in stale
    late6, stale6 = lists("?months=6")
    assert "depuis plus de 6 mois" in stale6 and "Aucun statut énoncé dans les 6 mois" in stale6
    assert school not in stale6 and "Aucune." in stale6
    assert late6 == late and "Créer une chaufferie bois" in late  # the « late » list stays
    _, stale1 = lists("?months=1&lang=en")
    assert stale1.startswith("Actions without update for more than 1 month ")
    assert "No status stated in the month before" in stale1
    html = client.get(f"/plan/{PLAN}?months=6").data.decode()
    assert '<label for="stale-months">' in html
    assert 'id="stale-months" name="months" min="1" max="120"' in html and 'value="6"' in html
    assert f'href="/plan/{PLAN}?months=6&amp;lang=en"' in html  # kept in the language link
    for bad in ("0", "121", "six", "2.5", "-3", "%C2%B3"):
        page = client.get(f"/plan/{PLAN}?months={bad}")
        assert page.status_code == 400, bad
        assert b"months must be a whole number of months from 1 to 120" in page.data


def test_the_table_of_actions_has_the_same_follow_up_filters_and_its_csv_follows(client):
    def labels(query: str) -> list[str]:
        page = client.get(f"/plan/{PLAN}/actions?{query}")
        assert page.status_code == 200, query
        download = client.get(f"/plan/{PLAN}/actions?{query}&format=csv")
        rows = [r["label"] for r in csv_rows(download.data)]
        assert page.data.decode().count('<tr data-iri="') == len(rows)  # the same view
        return rows

    # judged on 30 September 2025, the latest version's day, as on the plan's page
    assert labels("late=1") == ["Créer une chaufferie bois"]
    assert labels("months=3") == ["Rénover l'école Jules-Ferry"]
    assert labels("months=6") == []
    assert labels("late=1&months=3") == []
    html = client.get(f"/plan/{PLAN}/actions?late=1&months=4").data.decode()
    assert '<label for="filter-late">' in html and '<label for="filter-months">' in html
    assert 'id="filter-late" name="late" value="1" checked' in html
    assert 'name="months" min="1" max="120" step="1" value="4"' in html
    page = client.get(f"/plan/{PLAN}/actions?months=0")
    assert page.status_code == 400 and b"months must be a whole number" in page.data
