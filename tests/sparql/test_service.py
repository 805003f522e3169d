"""The query service: union default graph, limits, refusals and the killable worker."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from lodplan.config import DEFAULT_QUERY_MEMORY_MB, QueryLimits
from lodplan.errors import ConfigError
from lodplan.publishing.jsonld import JsonLdContext
from lodplan.publishing.negotiation import JSONLD, NTRIPLES, RDFXML, TURTLE
from lodplan.sparql.results import CSV, JSON, SOLUTION_FORMATS
from lodplan.sparql.service import (
    EmbeddedQueryService,
    FederationNotAllowedError,
    InvalidQueryRequestError,
    QueryError,
    QueryMemoryError,
    QueryNotAcceptableError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooComplexError,
    TooManyQueriesError,
    UpdateNotAllowedError,
    WorkerUnavailableError,
)
from lodplan.store.embedded import EmbeddedStore

# A cross product of six patterns over the ~35 triples of the fixture is ~1.8e9
# solutions to count: minutes of work, far beyond a one-second limit.
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6)) + " }"
)


def _bindings(result) -> list[dict]:
    return json.loads(result.body)["results"]["bindings"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_select_sees_the_union_of_all_named_graphs(lod_query_service, lod):
    result = lod_query_service.execute(
        "SELECT ?label WHERE { ?plan a lodplan:Plan ; rdfs:label ?label } ORDER BY ?label"
    )
    assert result.kind == "solutions"
    assert result.media_type == "application/sparql-results+json"
    labels = [b["label"]["value"] for b in _bindings(result)]
    assert labels == ["Demonstration plan", "Plan de démonstration"]
    # the class label lives in another named graph: both are in the default graph
    joined = lod_query_service.execute(
        "SELECT ?l WHERE { ?p a ?class . ?class rdfs:label ?l }", solutions_format=CSV
    )
    assert joined.body.decode().split("\r\n")[1] == "Plan"


def test_row_cap_truncates_and_says_so(lod_query_service):
    capped = lod_query_service.execute("SELECT * WHERE { ?s ?p ?o }")
    assert capped.truncated and capped.count == 5
    assert len(_bindings(capped)) == 5
    small = lod_query_service.execute("SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert not small.truncated and small.count == 3


def test_construct_is_capped_and_serialized_as_asked(lod_query_service):
    result = lod_query_service.execute("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=NTRIPLES)
    assert result.kind == "graph" and result.truncated
    assert len(list(parse(result.body, format=RdfFormat.N_TRIPLES))) == 5
    turtle = lod_query_service.execute(
        "CONSTRUCT { ?p a lodplan:Plan } WHERE { ?p a lodplan:Plan }", graph_format=TURTLE
    )
    assert not turtle.truncated
    assert b"@prefix lodplan:" in turtle.body
    as_jsonld = lod_query_service.execute(
        "DESCRIBE <http://lod.test/actor/ville>", graph_format=JSONLD
    )
    assert "Ville de Test" in as_jsonld.body.decode()


def test_ask(lod_query_service):
    result = lod_query_service.execute("ASK { ?s a lodplan:Objective }")
    assert result.kind == "boolean"
    assert json.loads(result.body)["boolean"] is True


def test_from_clause_is_honoured(lod_query_service, lod):
    result = lod_query_service.execute(
        f"SELECT (COUNT(*) AS ?n) FROM <{lod.graphs[1]}> WHERE {{ ?s ?p ?o }}"
    )
    assert _bindings(result)[0]["n"]["value"] == "3"


def test_the_word_from_elsewhere_keeps_the_union(lod_query_service, lod):
    result = lod_query_service.execute(
        "PREFIX ex: <http://ex.org/> SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
        'OPTIONAL { ?s ex:from ?x } FILTER(?o != "from") }'
    )
    assert _bindings(result)[0]["n"]["value"] == str(lod.triple_count)


def test_protocol_dataset_parameters(lod_query_service, lod):
    result = lod_query_service.execute(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph_uris=[lod.graphs[1]]
    )
    assert _bindings(result)[0]["n"]["value"] == "3"
    with pytest.raises(InvalidQueryRequestError, match="default-graph-uri"):
        lod_query_service.execute("ASK {}", default_graph_uris=["not an iri"])


def test_syntax_error_carries_the_parser_message(lod_query_service):
    with pytest.raises(QuerySyntaxError, match=r"error at 1:\d+"):
        lod_query_service.execute("SELECT ?x WHERE { ?x ?y }")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a.example/s> <http://a.example/p> 'o' }",
        "PREFIX ex: <http://a.example/>\nDELETE WHERE { ?s ex:p ?o }",
        "# a comment\nCLEAR ALL",
        "LOAD <http://a.example/data.ttl>",
    ],
)
def test_updates_are_refused(lod_query_service, update):
    with pytest.raises(UpdateNotAllowedError, match="read-only"):
        lod_query_service.execute(update)


def test_federated_queries_are_refused(lod_query_service):
    with pytest.raises(FederationNotAllowedError, match="SERVICE"):
        lod_query_service.execute(
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        )
    # the word alone (a string, a prefixed name) is not federation
    result = lod_query_service.execute(
        'PREFIX ex: <http://ex.org/> SELECT * WHERE { ?s ex:service ?o FILTER(?o = "service") }'
    )
    assert result.count == 0


def test_kind_without_an_acceptable_format_is_refused(lod_query_service):
    with pytest.raises(QueryNotAcceptableError):
        lod_query_service.execute("SELECT * WHERE { ?s ?p ?o }", solutions_format=None)
    with pytest.raises(QueryNotAcceptableError):
        lod_query_service.execute("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=None)


def test_timeout_kills_the_worker_and_the_next_query_works(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=1.0, max_rows=10))
    try:
        thread, outcome, pid = _start_endless(service)
        started = time.monotonic()
        thread.join()
        assert isinstance(outcome[0], QueryTimeoutError) and "1 s" in str(outcome[0])
        assert time.monotonic() - started < 10
        assert not _alive(pid)  # killed and reaped: the work really stopped
        assert pid not in service.worker_pids
        result = service.execute("SELECT ?s WHERE { ?s a lodplan:Plan }", solutions_format=JSON)
        assert len(_bindings(result)) == 1
        assert service.worker_pids and pid not in service.worker_pids
    finally:
        service.close()


def test_worker_follows_a_new_build(tmp_path, publish_lod, lod):
    store = publish_lod(tmp_path / "store", build_id="one")
    service = EmbeddedQueryService(store, QueryLimits(timeout_s=20, max_rows=100))
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        before = _bindings(service.execute(count))[0]["n"]["value"]
        publish_lod(tmp_path / "store", build_id="two", extra=1)
        after = _bindings(service.execute(count))[0]["n"]["value"]
        assert int(after) == int(before) + 1
    finally:
        service.close()


def test_close_stops_the_worker(lod_store):
    service = EmbeddedQueryService(EmbeddedStore(lod_store.root), QueryLimits(timeout_s=20))
    service.execute("ASK {}")
    pids = service.worker_pids + service.checkers.worker_pids
    assert len(pids) >= 2  # a checker and a runner at least (and their spares)
    service.close()
    assert service.worker_pids == [] and not any(_alive(pid) for pid in pids)


# -- federation: nothing is ever fetched ------------------------------------------------


# rdflib cannot parse LATERAL (pyoxigraph can): such queries are judged on their text alone
LATERAL = "OPTIONAL { LATERAL { SELECT * {} } }"


@pytest.mark.parametrize(
    "template",
    [
        LATERAL + " ?s a ?t .SERVICE <URL> { ?x ?y ?z }",
        LATERAL + " { ?s ?p ?o }SERVICE <URL> { ?x ?y ?z }",
        LATERAL + " . service <URL> { ?x ?y ?z }",
        "?s a ?t .SERVICE <URL> { ?x ?y ?z }",
    ],
)
def test_service_is_refused_and_nothing_is_fetched(lod_query_service, http_listener, template):
    url, hits = http_listener
    with pytest.raises(FederationNotAllowedError, match="SERVICE"):
        lod_query_service.execute("SELECT * { " + template.replace("URL", url) + " }")
    assert hits == []


def test_an_unchecked_query_is_refused_with_a_reason(lod_query_service):
    with pytest.raises(FederationNotAllowedError, match="could not be checked"):
        lod_query_service.execute("SELECT * { " + LATERAL + " ?s ?p 'service' }")


def test_the_word_service_in_a_string_is_a_search_not_federation(lod_query_service):
    result = lod_query_service.execute(
        'SELECT ?e WHERE { ?e rdfs:label ?l FILTER(CONTAINS(?l, "Services concernés")) }'
    )
    assert result.count == 0


# -- resource limits -------------------------------------------------------------------


def test_deep_nesting_is_refused_before_running(lod_query_service):
    lod_query_service.execute("ASK {}")
    pids_before = lod_query_service.worker_pids + lod_query_service.checkers.worker_pids
    with pytest.raises(QueryTooComplexError, match="nested too deeply"):
        lod_query_service.execute("SELECT * WHERE " + "{" * 5000 + "}" * 5000)
    # no worker saw it (none crashed, none was started)
    assert lod_query_service.worker_pids + lod_query_service.checkers.worker_pids == pids_before
    nested = "SELECT * WHERE " + "{" * 50 + " ?s a lodplan:Plan " + "}" * 50
    assert lod_query_service.execute(nested).count == 1


def test_worker_runs_under_the_memory_cap(lod_query_service):
    lod_query_service.execute("ASK {}")  # the store opens fine under the default cap
    limits = Path(f"/proc/{lod_query_service.worker_pids[0]}/limits")
    if not limits.exists():
        pytest.skip("no /proc")
    line = next(x for x in limits.read_text().splitlines() if x.startswith("Max address space"))
    assert line.split()[3] == str(DEFAULT_QUERY_MEMORY_MB * 1024 * 1024)


def test_limits_come_from_the_environment(lod_store, monkeypatch):
    monkeypatch.setenv("LODPLAN_QUERY_MEMORY_MB", "1536")
    monkeypatch.setenv("LODPLAN_MAX_RESULT_BYTES", "1000")
    service = EmbeddedQueryService(lod_store, QueryLimits.from_env())
    assert service.memory_limit_mb == 1536 and service.max_result_bytes == 1000
    monkeypatch.setenv("LODPLAN_QUERY_MEMORY_MB", "lots")
    with pytest.raises(ConfigError, match="LODPLAN_QUERY_MEMORY_MB"):
        QueryLimits.from_env()


# Doubling a string 28 times: 2.5 GiB, beyond a 1 GiB cap within a second.
MEMORY_HOG = (
    'SELECT (STRLEN(?s28) AS ?n) WHERE { BIND("0123456789" AS ?s0) '
    + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(28))
    + " }"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_a_query_over_the_memory_cap_is_stopped_and_the_next_works(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=60), memory_limit_mb=1024)
    try:
        with pytest.raises(QueryMemoryError, match="query exceeded the memory limit"):
            service.execute(MEMORY_HOG)
        assert service.execute("ASK { ?s a lodplan:Plan }").body.endswith(b"true}")
    finally:
        service.close()


def _worker_state(pid: int) -> str:
    """The kernel's state letter of a process (R: one of its threads is running, else that
    of its main thread: S sleeping...)."""
    states = [
        task.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0]
        for task in Path(f"/proc/{pid}/task").iterdir()
    ]
    return "R" if "R" in states else states[0]


def _start_endless(
    service: EmbeddedQueryService, client: str = "local"
) -> tuple[threading.Thread, list, int]:
    """Run ENDLESS in a thread until a worker is busy computing it; returns the outcome box
    and the worker's pid."""
    service.execute("ASK {}", client=client)  # running workers, idle (sleeping on their pipes)
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(service.execute(ENDLESS, client=client))
        except QueryError as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    # computing: the query was checked, got a runner, and the runner is working
    while True:
        busy = [p for p in service.runners.busy_worker_pids if _worker_state(p) == "R"]
        if len(busy) == 1:
            return thread, outcome, busy[0]
        assert time.monotonic() < deadline, "the query never started"
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_worker_that_dies_gives_a_clear_error_and_the_next_query_works(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=60, max_rows=10))
    try:
        thread, outcome, pid = _start_endless(service)
        os.kill(pid, signal.SIGKILL)  # as the OOM killer would
        thread.join()
        assert isinstance(outcome[0], WorkerUnavailableError)
        assert "stopped unexpectedly" in str(outcome[0]) and "SIGKILL" in str(outcome[0])
        result = service.execute("SELECT ?s WHERE { ?s a lodplan:Plan }")
        assert len(_bindings(result)) == 1
    finally:
        service.close()


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_client_over_its_share_is_told_at_once_and_others_are_served(lod_store):
    service = EmbeddedQueryService(
        lod_store, QueryLimits(timeout_s=60, max_rows=10), workers=2, waiting_per_client=1
    )
    try:
        thread, outcome, pid = _start_endless(service, client="greedy")
        waiting = threading.Thread(
            target=lambda: outcome.append(_outcome(service, "ASK {}", "greedy"))
        )
        waiting.start()  # greedy's second query waits: one query of a client runs at a time
        _wait_for(lambda: service.active_queries == 2, "the second query never waited")
        with pytest.raises(TooManyQueriesError, match="too many queries") as refused:
            service.execute("ASK {}", client="greedy")
        assert refused.value.retry_after_s >= 1
        started = time.monotonic()
        assert service.execute("ASK {}", client="other").body.endswith(b"true}")
        assert time.monotonic() - started < 10  # not behind greedy's endless query
        os.kill(pid, signal.SIGKILL)  # end the long query now
        thread.join()
        waiting.join()
        assert isinstance(outcome[0], WorkerUnavailableError)
        assert outcome[1].body.endswith(b"true}")  # the waiting query ran after it
        assert service.active_queries == 0
    finally:
        service.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_freed_worker_goes_to_the_client_with_nothing_running(lod_store):
    service = EmbeddedQueryService(
        lod_store, QueryLimits(timeout_s=60, max_rows=10, per_client=2), workers=1
    )
    try:
        thread, _outcome_box, pid = _start_endless(service, client="greedy")
        order: list[str] = []

        def ask(client: str) -> None:
            service.execute("ASK {}", client=client)
            order.append(client)

        first = threading.Thread(target=ask, args=("greedy",))
        first.start()  # greedy's second query waits first...
        _wait_for(lambda: service.active_queries == 2, "greedy's second query never waited")
        second = threading.Thread(target=ask, args=("modest",))
        second.start()  # ...modest's comes later
        _wait_for(lambda: service.active_queries == 3, "modest's query never waited")
        os.kill(pid, signal.SIGKILL)
        for waiting in (thread, first, second):
            waiting.join()
        assert order == ["modest", "greedy"]  # the client with nothing running went first
    finally:
        service.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_waiting_for_a_worker_does_not_eat_the_time_limit(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=2, max_rows=10), workers=1)
    try:
        thread, outcome, _pid = _start_endless(service, client="a")
        started = time.monotonic()
        waited = _outcome(service, "ASK {}", "b")  # waits ~2 s for a's query to be stopped
        assert time.monotonic() - started >= 1.5
        assert waited.body.endswith(b"true}"), waited  # then runs with its own 2 s
        thread.join()
        assert isinstance(outcome[0], QueryTimeoutError)
    finally:
        service.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_long_query_yields_the_processor_and_its_worker_retires(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=60, max_rows=10), workers=2)
    try:
        thread, _outcome_box, pid = _start_endless(service)
        threads = [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]
        _wait_for(  # every thread, the one running the query included
            lambda: all(os.sched_getscheduler(t) == os.SCHED_IDLE for t in threads),
            "never lowered",
        )
        os.kill(pid, signal.SIGKILL)
        thread.join()
        service.execute("ASK {}")
        assert pid not in service.worker_pids
        assert all(os.sched_getscheduler(p) == os.SCHED_OTHER for p in service.worker_pids)
    finally:
        service.close()


def _outcome(service: EmbeddedQueryService, query: str, client: str = "local"):
    try:
        return service.execute(query, client=client)
    except QueryError as error:
        return error


CAP_BYTES = 1500


@pytest.fixture(scope="module")
def capped_service(lod_store):
    service = EmbeddedQueryService(
        lod_store, QueryLimits(timeout_s=20, max_rows=1000), max_result_bytes=CAP_BYTES
    )
    yield service
    service.close()


@pytest.mark.parametrize("fmt", SOLUTION_FORMATS, ids=lambda fmt: fmt.name)
def test_results_are_cut_at_the_byte_cap_as_well_formed_documents(capped_service, fmt):
    result = capped_service.execute("SELECT * WHERE { ?s ?p ?o }", solutions_format=fmt)
    assert result.truncated and result.truncated_by == "bytes"
    assert len(result.body) <= CAP_BYTES
    assert result.count > 0
    if fmt is CSV:
        records = list(csv.reader(io.StringIO(result.body.decode(), newline="")))
        assert len(records) == 1 + result.count
    else:
        parsed = parse_query_results(result.body, format=_RESULT_FORMATS[fmt.name])
        assert len(list(parsed)) == result.count


_RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "tsv": QueryResultsFormat.TSV,
}


@pytest.mark.parametrize("fmt", [TURTLE, NTRIPLES, RDFXML, JSONLD], ids=lambda fmt: fmt.name)
def test_graphs_are_cut_at_the_byte_cap_as_well_formed_documents(capped_service, lod_context, fmt):
    context = JsonLdContext("http://lod.test/context.jsonld", lod_context)
    result = capped_service.execute(
        "CONSTRUCT WHERE { ?s ?p ?o }", graph_format=fmt, jsonld_context=context
    )
    assert result.truncated_by == "bytes" and len(result.body) <= CAP_BYTES
    if fmt is JSONLD:
        document = json.loads(result.body)
        assert document["@context"] == context.url and document["@graph"]
    else:
        assert len(list(parse(result.body, format=fmt.rdf_format))) == result.count > 0


def test_rows_cap_is_reported_as_rows(lod_query_service):
    result = lod_query_service.execute("SELECT * WHERE { ?s ?p ?o }")
    assert result.truncated_by == "rows"


# -- JSON-LD graphs ----------------------------------------------------------------------


def test_jsonld_graphs_are_compacted_with_the_context(lod_query_service, lod, lod_context):
    context = JsonLdContext(lod.base + "context.jsonld", lod_context)
    result = lod_query_service.execute(
        f"DESCRIBE <{lod.element_1}>", graph_format=JSONLD, jsonld_context=context
    )
    document = json.loads(result.body)
    assert document["@context"] == context.url
    assert document["@id"] == lod.element_1  # one node: no @graph
    assert document["@type"] == "Objective"
    assert document["level"] == 1  # a JSON number, not "1"
    assert set(document["hasPart"]) == {lod.element_1_1, lod.element_1_2}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_malformed_query_is_answered_while_every_runner_is_busy(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=60, max_rows=10), workers=1)
    try:
        thread, _outcome_box, pid = _start_endless(service, client="greedy")
        started = time.monotonic()
        with pytest.raises(QuerySyntaxError):
            service.execute("SELECT * WHERE { ?s ?p }", client="other")
        assert time.monotonic() - started < 10  # the checker answered, no runner needed
        os.kill(pid, signal.SIGKILL)
        thread.join()
    finally:
        service.close()


def test_an_idle_worker_that_died_is_replaced_not_used(lod_store):
    service = EmbeddedQueryService(lod_store, QueryLimits(timeout_s=20, max_rows=10), workers=2)
    try:
        service.execute("ASK {}")
        _wait_for(lambda: len(service.worker_pids) == 2, "the spare never started")
        for pid in service.worker_pids:
            os.kill(pid, signal.SIGKILL)  # as the OOM killer would, while they wait
        _wait_for(lambda: service.worker_pids == [], "the workers did not die")
        assert service.execute("ASK {}").body.endswith(b"true}")
    finally:
        service.close()
