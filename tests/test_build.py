"""The build pipeline: deterministic output, nothing published when checks fail."""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

import pytest
from pyoxigraph import BlankNode
from rdflib.namespace import OWL, RDF

import lodplan.build
from lodplan.build import BuildChecksFailedError, build, build_id_of, check_plans, named_graphs
from lodplan.bundled import mappings_dir
from lodplan.cli import main
from lodplan.errors import MappingError
from lodplan.iris import is_skolem_iri
from lodplan.mapping import find_mappings
from lodplan.store.base import NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore, current_build_dir
from tests.conftest import TEST_BASE


def test_two_builds_give_identical_sorted_nquads(tmp_path):
    first = named_graphs(check_plans(mappings_dir(), TEST_BASE), TEST_BASE)
    second = named_graphs(check_plans(mappings_dir(), TEST_BASE), TEST_BASE)
    assert [g.iri for g in first] == [g.iri for g in second]
    assert [g.ntriples for g in first] == [g.ntriples for g in second]
    assert build_id_of(first) == build_id_of(second)
    plan_graphs = [g for g in first if "/graph/plan/" in g.iri]
    assert plan_graphs and not any(b"_:" in g.ntriples for g in plan_graphs), (
        "every node has an IRI"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the bundled plans for the tests that only read it: (checks, info, store)."""
    store = tmp_path_factory.mktemp("built") / "store"
    checked, info = build(mappings_dir(), EmbeddedPublisher(store), TEST_BASE)
    return checked, info, store


def test_build_publishes_one_graph_per_plan_plus_vocabularies(built):
    _, info, tmp_path = built
    plan_ids = [path.parent.name for path in find_mappings(mappings_dir())]
    assert "mot-programme-2023" in plan_ids
    assert set(info.graphs) == {
        TEST_BASE + "graph/ontology",
        TEST_BASE + "graph/codelists",
        TEST_BASE + "graph/actors",
        TEST_BASE + "graph/places",
        TEST_BASE + "graph/cog",
        TEST_BASE + "graph/void",
        TEST_BASE + "graph/catalog",
        *(TEST_BASE + "graph/plan/" + plan_id for plan_id in plan_ids),
    }
    assert EmbeddedStore(tmp_path).info().build_id == info.build_id


def test_no_blank_node_is_published_each_has_a_skolem_iri_described_with_its_resource(built):
    """Everything can be asked of a remote engine by its IRI: the ontology's OWL lists
    become skolem IRIs under the base, the same for every build of the same data (the
    first test compares the bytes of two builds), and a class's description holds its
    lists as it held the blank nodes."""
    _, _, root = built
    store = EmbeddedStore(root)
    quads = list(store.raw())
    blank = [
        q for q in quads if isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode)
    ]
    assert blank == []
    skolems = {q.subject.value for q in quads if is_skolem_iri(q.subject.value)}
    assert skolems and all(s.startswith(TEST_BASE + ".well-known/genid/") for s in skolems)
    assert {q.graph_name.value for q in quads if q.subject.value in skolems} == {
        TEST_BASE + "graph/ontology"
    }
    unions = [q for q in quads if q.predicate.value == str(OWL.unionOf)]
    owner = next(q for q in quads if q.object == unions[0].subject).subject
    described = store.describe(owner.value)
    members = {t.object for t in described if t.predicate.value == str(RDF.first)}
    assert len(members) >= 2  # the list's cells, followed to its end
    # a catalog's period of time is its dataset's part
    period = TEST_BASE + "dataset/mot-programme-2023#period"
    assert any(t.subject.value == period for t in store.describe(period.split("#")[0]))


def test_plan_failing_its_shapes_is_not_published(tmp_path):
    store = tmp_path / "store"
    _, first = build(mappings_dir(), EmbeddedPublisher(store), TEST_BASE)
    broken = tmp_path / "mappings"
    shutil.copytree(mappings_dir(), broken)
    source = broken / "mot-programme-2023" / "002_b6921b81c624d4f5.txt"
    # only the title line is left: a plan without any element violates its shape
    source.write_text("\n\nAxe\tPROGRAMME 2023 - projet\n", encoding="utf-8")
    mapping = broken / "mot-programme-2023" / "mapping.yaml"
    mapping.write_text(
        "\n".join(line for line in mapping.read_text().splitlines() if "sha256:" not in line)
    )
    with pytest.raises(BuildChecksFailedError, match=r"lodplan:hasElement"):
        build(broken, EmbeddedPublisher(store), TEST_BASE)
    assert EmbeddedStore(store).info().build_id == first.build_id


def test_published_data_still_conforms_after_the_store_canonicalises_it(built, vocabulary):
    """Stores rewrite some literals (xsd:positiveInteger → xsd:integer): what is served must
    still match the ontology and the shapes."""
    from pyoxigraph import NamedNode, RdfFormat, serialize
    from rdflib import Graph

    from lodplan.validation import Validator

    checked, info, store = built
    raw = EmbeddedStore(store).raw()
    for plan in checked.plans:
        quads = raw.quads_for_pattern(None, None, None, NamedNode(plan.graph_iri))
        served = Graph().parse(
            data=serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES), format="nt"
        )
        assert len(served) == info.graphs[plan.graph_iri]
        report = Validator(vocabulary).validate(plan.plan_id, served, plan.spec.source.path)
        assert report.conforms, report.render()


def test_graph_iris_and_the_base_iri_are_described(built):
    _, info, store_dir = built
    store = EmbeddedStore(store_dir)
    void = "http://rdfs.org/ns/void#"
    plan_graph = TEST_BASE + "graph/plan/mot-programme-2023"
    [count] = store.objects(plan_graph, void + "triples")
    assert int(count.value) == info.graphs[plan_graph]
    subsets = {term.value for term in store.objects(TEST_BASE, void + "subset")}
    assert plan_graph in subsets and TEST_BASE + "graph/ontology" in subsets
    assert [t.value for t in store.objects(TEST_BASE, void + "sparqlEndpoint")] == [
        TEST_BASE + "sparql"
    ]


def test_the_shared_actors_are_validated_too(tmp_path):
    broken = tmp_path / "mappings"
    shutil.copytree(mappings_dir(), broken)
    actors = broken / "actors.yaml"
    # an empty name passes the YAML loader but not the organisation shape
    declared = 'label: {fr: "Parlement européen", en: "European Parliament"}'
    actors.write_text(actors.read_text().replace(declared, 'label: {fr: ""}'))
    checked = check_plans(broken, TEST_BASE)
    [actors_report] = [r for r in checked.reports if r.plan_id == "actors"]
    assert not actors_report.conforms
    assert "parlement-europeen" in actors_report.render()


HOMONYMS = """\
lodplan-places: 1
territories:
  centre-ville: {label: {fr: "Centre-ville"}, kind: autre, names: ["Centre"]}
  region-centre: {label: {fr: "Région Centre"}, kind: autre, names: ["Centre"]}
"""


def test_a_name_that_could_designate_several_places_stops_the_build_until_reviewed(tmp_path):
    example = tmp_path / "mappings"
    shutil.copytree(Path(__file__).parent / "fixtures" / "example-mappings", example)
    (example / "places.yaml").write_text(HOMONYMS, encoding="utf-8")
    checked = check_plans(example, TEST_BASE)
    assert not checked.ok
    [mention] = checked.mentions_to_review
    assert mention.text == "Centre"
    assert "actions.tsv:5: 'Centre' could designate" in checked.render_problems()
    (example / "reviews.yaml").write_text(
        "lodplan-reviews: 1\n"
        "reviews:\n  - {name: Centre, target: centre-ville, reason: « l'école du Centre »}\n",
        encoding="utf-8",
    )
    checked = check_plans(example, TEST_BASE)
    assert checked.ok
    [mention] = [m for plan in checked.plans for m in plan.mentions if m.text == "Centre"]
    assert (mention.decision, mention.target.ref) == ("reviewed", "centre-ville")


def test_a_review_that_decides_nothing_in_its_plans_stops_the_build(tmp_path):
    example = tmp_path / "mappings"
    shutil.copytree(Path(__file__).parent / "fixtures" / "example-mappings", example)
    [plan_id] = [p.plan_id for p in check_plans(example, TEST_BASE).plans]
    (example / "reviews.yaml").write_text(
        "lodplan-reviews: 1\nreviews:\n"
        f"  - {{name: Zorglub, plans: [{plan_id}], lines: [3], target: null, reason: typo}}\n"
        "  - {name: Zorglub, plans: [another-plan], target: null, reason: not mapped here}\n",
        encoding="utf-8",
    )
    checked = check_plans(example, TEST_BASE)
    assert not checked.ok
    [unused] = checked.unused_reviews
    assert unused.plans == {plan_id}
    assert "reviews.yaml: the review of 'Zorglub'" in checked.render_problems()


def test_an_actor_territory_must_be_a_known_place(tmp_path):
    example = tmp_path / "mappings"
    shutil.copytree(Path(__file__).parent / "fixtures" / "example-mappings", example)
    actors = example / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    declared = "    type: organization\n"
    wrong = declared + "    territory: commune:99999\n"
    actors.write_text(text.replace(declared, wrong, 1), encoding="utf-8")
    with pytest.raises(MappingError) as error:
        check_plans(example, TEST_BASE)
    assert "actors.exempleville.territory" in str(error.value)
    assert "'commune:99999' is not a known place" in str(error.value)


# --- `lodplan build` on a store that cannot take the build: exit status 2, one line ---

EXAMPLE = Path(__file__).parent / "fixtures" / "example-mappings"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PREVIOUS = NamedGraph(
    TEST_BASE + "graph/previous", f'<{TEST_BASE}previous> {LABEL} "served" .\n'.encode(), 1
)


def published_store(tmp_path: Path) -> tuple[Path, Path]:
    """A store serving a small build; the store and that build's folder."""
    store = tmp_path / "store"
    EmbeddedPublisher(store).publish([PREVIOUS], base_iri=TEST_BASE, build_id="previous")
    return store, current_build_dir(store)


def assert_still_served(store: Path, served: Path) -> None:
    assert current_build_dir(store) == served
    assert EmbeddedStore(store).info().build_id == "previous"
    assert list((store / "builds").iterdir()) == [served]  # and nothing beside it


def test_a_full_disk_stops_the_build_with_one_line_naming_the_file(tmp_path, monkeypatch, capsys):
    store, served = published_store(tmp_path)
    write_bytes = Path.write_bytes

    def full_disk(path: Path, data: bytes) -> int:  # the store's disk only
        if path.is_relative_to(store):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # write(2) names no file
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    build_args = ["build", "--store", str(store), "--mappings", str(EXAMPLE)]
    assert main([*build_args, "--base-iri", TEST_BASE]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [error] = [line for line in err.splitlines() if "error" in line]
    assert error == err.splitlines()[-1]
    assert re.fullmatch(
        rf"lodplan: error: cannot write {re.escape(str(store))}/builds/[^/]+/downloads/\S+: "
        r"No space left on device \(free some space, then build again\); "
        "the published build is unchanged",
        error,
    )
    assert_still_served(store, served)


def test_a_second_build_on_a_store_is_refused_before_it_maps_anything(
    tmp_path, monkeypatch, capsys
):
    store, served = published_store(tmp_path)
    mapped = []
    monkeypatch.setattr(lodplan.build, "map_plan", lambda *args, **kwargs: mapped.append(args))
    with EmbeddedPublisher(store).reserve():  # as the first build does before it maps
        assert main(["build", "--store", str(store), "--mappings", str(EXAMPLE)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"lodplan: error: another build is running on the store {store} "
        f"(process {os.getpid()}); try again when it is done"
    )
    assert mapped == []
    assert_still_served(store, served)


def test_a_build_first_removes_what_a_killed_build_left(tmp_path, capsys):
    store, served = published_store(tmp_path)
    # a build killed while writing its database: a folder without manifest.json
    partial = store / "builds" / "20250101T000000000000-0123456789ab"
    (partial / "data").mkdir(parents=True)
    (partial / "data" / "000004.log").write_bytes(b"\0" * 4096)
    (partial / "downloads" / "plans").mkdir(parents=True)
    # one killed between the two steps of its swap: a temporary link
    (store / ".current.4242").symlink_to(partial.relative_to(store))
    no_mappings = tmp_path / "mappings"
    no_mappings.mkdir()
    # a build that fails at its first step: the leftovers went before it
    assert main(["build", "--store", str(store), "--mappings", str(no_mappings)]) == 2
    assert "no */mapping.yaml found" in capsys.readouterr().err
    assert not partial.exists()
    assert not (store / ".current.4242").is_symlink()
    assert_still_served(store, served)
