"""The files a build offers: the N-Quads dump and, per plan, Turtle, CSV and CSVW."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import time
import warnings
from pathlib import Path

import csvw  # the CSVW validator (a test dependency)
import pytest
from pyoxigraph import RdfFormat, parse

from lodplan.build import check_plans, named_graphs, plan_files
from lodplan.bundled import site_dir
from lodplan.dataset import PlanFiles
from lodplan.iris import IriMinter
from lodplan.publishing.downloads import (
    DUMP_NAME,
    GZIP_MEDIA_TYPE,
    ActionTable,
    _by_plan,
    file_digest,
    full_dump,
    gunzipped_chunks,
    make_downloads,
    memory_store,
    nquads_chunks,
    stored_name,
)
from lodplan.publishing.jsonld import bundled_contexts
from lodplan.store.base import NamedGraph
from tests.conftest import TEST_BASE

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example-mappings"


@pytest.fixture(scope="module")
def example_files(tmp_path_factory):
    mappings = tmp_path_factory.mktemp("downloads") / "mappings"
    shutil.copytree(EXAMPLE, mappings)
    checked = check_plans(mappings, TEST_BASE, keep_graphs=False)
    graphs = named_graphs(checked, TEST_BASE)
    void = IriMinter(TEST_BASE).graph("void")
    data = [g for g in graphs if g.iri != void]
    [plan] = plan_files(checked, TEST_BASE)
    context = bundled_contexts().current(TEST_BASE)
    files = {f.name: f for f in make_downloads(memory_store(data), data, [plan], context)}
    return data, plan, files


def test_the_dump_is_every_graph_as_gzipped_nquads_and_the_same_bytes_each_time():
    graphs = [
        NamedGraph("http://g/1", b'<http://s> <http://p> "a . b" .\n', 1),
        NamedGraph("http://g/2", b"<http://s> <http://p> <http://o> .\n\n", 1),
    ]
    dump = full_dump(graphs)
    assert dump.name == DUMP_NAME and dump.media_type == GZIP_MEDIA_TYPE
    quads = list(parse(gzip.decompress(dump.content), format=RdfFormat.N_QUADS))
    assert [(q.object.value, q.graph_name.value) for q in quads] == [
        ("a . b", "http://g/1"),
        ("http://o", "http://g/2"),
    ]
    assert full_dump(graphs).sha256 == dump.sha256


def test_the_dump_holds_the_build_graphs_but_not_their_description(example_files):
    data, _, files = example_files
    quads = list(parse(gzip.decompress(files[DUMP_NAME].content), format=RdfFormat.N_QUADS))
    assert len(quads) == sum(g.triple_count for g in data)
    assert {q.graph_name.value for q in quads} == {g.iri for g in data if g.triple_count}


def test_the_plan_turtle_is_its_graph(example_files):
    data, plan, files = example_files
    turtle = files[f"plans/{plan.plan_id}.ttl"]
    [graph] = [g for g in data if g.iri == plan.graph_iri]
    assert turtle.media_type == "text/turtle"
    assert len(list(parse(turtle.content, format=RdfFormat.TURTLE))) == graph.triple_count


def test_the_plan_nquads_and_jsonld_hold_its_graph(example_files):
    data, plan, files = example_files
    [graph] = [g for g in data if g.iri == plan.graph_iri]
    nquads = files[f"plans/{plan.plan_id}.nq.gz"]
    quads = list(parse(gzip.decompress(nquads.content), format=RdfFormat.N_QUADS))
    assert len(quads) == graph.triple_count
    assert {q.graph_name.value for q in quads} == {plan.graph_iri}
    document = json.loads(files[f"plans/{plan.plan_id}.jsonld"].content)
    assert document["id"] == plan.plan_iri
    assert document["@context"] == bundled_contexts().current(TEST_BASE).url


def test_the_plan_csv_has_one_row_per_action_with_the_declared_columns(example_files):
    _, plan, files = example_files
    content = files[f"plans/{plan.plan_id}.csv"].content
    assert content.count(b"\r\n") == content.count(b"\n")  # RFC 4180 line ends
    assert content.startswith(b"\xef\xbb\xbfiri,")  # UTF-8 BOM, for spreadsheets
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    template = json.loads((site_dir() / "csv" / "actions.csv-metadata.json").read_text())
    columns = [c["name"] for c in template["tableSchema"]["columns"]]
    assert list(rows[0]) == columns
    assert all(row["iri"].startswith(plan.plan_iri + "/element/") for row in rows)
    positions = [tuple(map(int, row["position"].split("."))) for row in rows]
    assert positions == sorted(positions) and len(set(positions)) == len(rows)
    assert all(row["label"] and row["level"] and row["parents"] for row in rows)


def test_the_csvw_metadata_describes_its_csv(example_files):
    _, plan, files = example_files
    metadata = json.loads(files[f"plans/{plan.plan_id}.csv-metadata.json"].content)
    assert metadata["url"] == f"{plan.plan_id}.csv"
    assert metadata["dc:source"] == {"@id": plan.plan_iri}
    assert metadata["tableSchema"]["primaryKey"] == "iri"


def _compatible(header: str, column: dict, language: str = "fr") -> bool:
    """CSVW (tabular metadata §5.5.1): a header cell, whose title has no language
    (``und``), is compatible with a column of the metadata when it is one of the
    column's titles, compared case-sensitively (W3C CSVW test 147)."""
    titles = column.get("titles", [])
    if isinstance(titles, dict):  # {language: title or [titles]}
        return any(
            header in ([t] if isinstance(t, str) else t)
            for lang, t in titles.items()
            if lang in ("und", language)
        )
    return header in ([titles] if isinstance(titles, str) else titles)


def test_a_case_difference_is_incompatible():
    assert _compatible("iri", {"name": "iri", "titles": ["IRI", "iri"]})
    assert not _compatible("iri", {"name": "iri", "titles": "IRI"})  # the name does not count
    assert _compatible("iri", {"titles": {"fr": "IRI", "und": "iri"}})


def test_the_csvw_titles_match_the_header_row(example_files):
    _, plan, files = example_files
    metadata = json.loads(files[f"plans/{plan.plan_id}.csv-metadata.json"].content)
    content = files[f"plans/{plan.plan_id}.csv"].content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(content)))
    columns = metadata["tableSchema"]["columns"]
    assert len(header) == len(columns)
    for cell, column in zip(header, columns, strict=True):
        assert _compatible(cell, column), (cell, column.get("titles"))


def test_a_csvw_validator_accepts_the_csv_and_reads_its_values(example_files, tmp_path):
    _, plan, files = example_files
    for name in (f"plans/{plan.plan_id}.csv", f"plans/{plan.plan_id}.csv-metadata.json"):
        (tmp_path / Path(name).name).write_bytes(files[name].content)
    metadata = tmp_path / f"{plan.plan_id}.csv-metadata.json"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validated = csvw.CSVW(str(metadata), validate=True)
    assert validated.is_valid, [str(w.message) for w in validated.warnings]
    assert not caught, [str(w.message) for w in caught]
    [table] = validated.tables
    rows = list(table.iterdicts(strict=True))
    text = files[f"plans/{plan.plan_id}.csv"].content.decode("utf-8-sig")
    assert [row["iri"] for row in rows] == [r["iri"] for r in csv.DictReader(io.StringIO(text))]
    assert all(isinstance(row["parents"], list) for row in rows)  # the declared separator


def test_a_download_name_is_served_from_its_file(example_files, tmp_path):
    _, plan, files = example_files
    assert stored_name("lodplan.nq") == DUMP_NAME == stored_name(DUMP_NAME)
    assert stored_name(f"plans/{plan.plan_id}.nq") == f"plans/{plan.plan_id}.nq.gz"
    assert stored_name(f"plans/{plan.plan_id}.csv") == f"plans/{plan.plan_id}.csv"
    path = tmp_path / DUMP_NAME
    path.write_bytes(files[DUMP_NAME].content)
    assert file_digest(path) == files[DUMP_NAME].sha256  # what the catalog announces
    assert b"".join(gunzipped_chunks(path, 100)) == gzip.decompress(files[DUMP_NAME].content)


def test_every_file_is_the_same_bytes_when_the_data_is(example_files, monkeypatch):
    """A rebuild of unchanged data writes the same files (workbooks included: dated by
    their rows' first publication, ZIP entries by a fixed date), hence the same catalog
    and build id."""
    data, plan, _ = example_files
    context = bundled_contexts().current(TEST_BASE)

    def files() -> dict[str, bytes]:
        made = make_downloads(memory_store(data), data, [plan], context, lambda *_: "2024-05-06")
        return {f.name: f.content for f in made}

    first = files()
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)  # what zipfile and gzip would read
    assert files() == first
    assert f"plans/{plan.plan_id}.xlsx" in first


# -- one query per build, read plan by plan ----------------------------------------------


@pytest.fixture(scope="module")
def bundled_store(map_bundled, vocabulary):
    """The bundled plans with the graphs their CSV reads labels from (code lists, COG)."""
    from lodplan.build import _as_named_graph, _cog_graph
    from lodplan.bundled import mappings_dir
    from lodplan.mapping import find_mappings

    iris = IriMinter(TEST_BASE)
    mapped = [map_bundled(path.parent.name) for path in find_mappings(mappings_dir())]
    graphs = [_as_named_graph(plan.graph_iri, plan.graph, iris) for plan in mapped]
    graphs += [
        _as_named_graph(iris.graph("codelists"), vocabulary.codelists, iris),
        _cog_graph(TEST_BASE),
    ]
    plans = [
        PlanFiles(plan.plan_id, iris.plan(plan.plan_id), plan.graph_iri, plan.plan_id)
        for plan in mapped
    ]
    return memory_store(graphs), plans


def test_one_run_of_each_query_gives_every_plan_the_table_its_own_queries_give(bundled_store):
    store, plans = bundled_store
    missing = PlanFiles("absent", TEST_BASE + "plan/absent", TEST_BASE + "graph/plan/absent", "x")
    wanted = [*reversed(plans), missing]  # any order in, plan IRI order out
    every = list(ActionTable.every(store, wanted))
    assert [plan.plan_iri for plan, _ in every] == sorted(plan.plan_iri for plan in wanted)
    for plan, table in every:
        alone = ActionTable.of(store, plan)
        assert table == alone, plan.plan_id
    assert sum(len(table.rows) for _, table in every) > 100
    assert dict((p.plan_id, t.rows) for p, t in every)["absent"] == []


def test_rows_not_ordered_by_plan_are_refused(bundled_store):
    store, _ = bundled_store
    solutions = store.query(
        "SELECT ?plan WHERE { ?plan a <https://w3id.org/lodplan/ontology#Plan> } "
        "ORDER BY DESC(?plan)",
        use_default_graph_as_union=True,
    )
    with pytest.raises(RuntimeError, match="not ordered by plan"):
        list(_by_plan(solutions))


@pytest.mark.parametrize(
    "ntriples",
    [
        b'<http://s> <http://p> <http://o> .\n<http://s> <http://p> "a . b" .\n',
        b"<http://s> <http://p> <http://o>  .\n",  # two spaces before the dot
        b"\n<http://s> <http://p> <http://o> .\n\n",  # blank lines
        b'<http://s> <http://p> "x"@fr .\r\n',
        b"<http://s> <http://p> <http://o>.\n",  # no space before the dot
        b"<http://s> <http://p> <http://o> .",  # no final line end
    ],
)
def test_nquads_are_the_ntriples_with_their_graph_whatever_the_layout(ntriples):
    graph = NamedGraph("http://g", ntriples, 1)
    suffix = b" <http://g> .\n"
    expected = b"".join(
        line.rstrip()[:-1].rstrip() + suffix for line in ntriples.splitlines() if line.strip()
    )  # the line by line rewrite
    for size in (1, 10, 1 << 22):
        assert b"".join(nquads_chunks(graph, size)) == expected
