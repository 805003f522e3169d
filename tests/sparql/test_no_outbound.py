"""The endpoint makes no outbound request, whatever the query: proved against a listener.

A local TCP listener records every connection it receives. Thousands of seeded,
mutated federated queries (every query form, glued tokens, comments, escapes,
look-alike letters, endpoints given as IRIs, prefixed names, relative IRIs,
variables, other spellings of the loopback address; and the protocol's dataset
parameters) are sent through the HTTP endpoint: the listener must see nothing.
The text check is only the early 403: a second test sends SERVICE straight to a
query runner, past every check, and the network is still closed.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from lodplan.sparql.worker import Failure, QueryRequest

SEED = 20261207
FUZZED_QUERIES = 2500
#: The fuzzing stops early past this many seconds (it still proves what it sent).
TIME_BUDGET_S = 60.0

FORMS = [
    "SELECT * WHERE {{ {} }}",
    "ASK {{ {} }}",
    "CONSTRUCT {{ ?x ?y ?z }} WHERE {{ {} }}",
    "DESCRIBE ?x WHERE {{ {} }}",
    "SELECT * {{ {{ SELECT * {{ {} }} }} }}",
    "SELECT * {{ OPTIONAL {{ {} }} }}",
    "SELECT * {{ FILTER EXISTS {{ {} }} }}",
    "SELECT * {{ ?a ?b ?c MINUS {{ {} }} }}",
    "SELECT * {{ OPTIONAL {{ LATERAL {{ {} }} }} }}",  # rdflib cannot parse LATERAL
    "SELECT (COUNT(*) AS ?n) {{ {{ ?a ?b ?c }} UNION {{ {} }} }} GROUP BY ?a",
]
SPELLINGS = [
    "SERVICE",
    "service",
    "SeRvIcE",
    "SERVICE SILENT",
    "service\tsilent",
    r"\u0053ERVICE",  # SPARQL's codepoint escapes apply before parsing
    r"SERVIC\U00000045",
    "ＳＥＲＶＩＣＥ",  # fullwidth letters
    "SΕRVICE",  # Greek capital epsilon
    "SERVICE#comment\n",
]
GLUE = ["", " ", "1", ".", "}", ";", "\n", "\t", "#c\n", "?v <urn:x>? 1", "FILTER(true)", "0."]
HOSTS = [
    "127.0.0.1",
    "localhost",
    "127.1",
    "0x7f000001",
    "2130706433",
    "[::ffff:127.0.0.1]",
    "127.000.000.001",
]


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[int, list[str]]]:
    """A TCP listener on a loopback port; yields its port and the peers that connected."""
    connections: list[str] = []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                peer, address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(f"{address}")
            peer.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], connections
    finally:
        stop.set()
        thread.join()
        server.close()


def _endpoints(port: int) -> list[tuple[str, str]]:
    """(prologue, endpoint) pairs naming the listener in every way SPARQL allows."""
    url = f"http://127.0.0.1:{port}/sparql"
    pairs = [("", f"<http://{host}:{port}/sparql>") for host in HOSTS]
    pairs += [
        ("", f"<{url}?query=ASK%7B%7D>"),
        (f"PREFIX ex: <http://127.0.0.1:{port}/>\n", "ex:sparql"),
        (f"BASE <http://127.0.0.1:{port}/>\n", "<sparql>"),
        ("", "?svc"),  # bound by VALUES / BIND below
    ]
    return pairs


def _fuzzed_queries(port: int, rng: random.Random) -> Iterator[str]:
    endpoints = _endpoints(port)
    url = f"http://127.0.0.1:{port}/sparql"
    while True:
        prologue, endpoint = rng.choice(endpoints)
        clause = f"{rng.choice(GLUE)}{rng.choice(SPELLINGS)} {endpoint} {{ ?x ?y ?z }}"
        if endpoint == "?svc":
            binder = rng.choice([f"VALUES ?svc {{ <{url}> }} ", f"BIND(<{url}> AS ?svc) "])
            clause = binder + clause
        query = prologue + rng.choice(FORMS).format(clause)
        yield _mutate(query, rng)


def _mutate(query: str, rng: random.Random) -> str:
    """One to three random edits that keep the query close to valid."""
    for _ in range(rng.randint(0, 3)):
        position = rng.randrange(len(query) + 1)
        edit = rng.choice(["space", "comment", "case", "drop", "double"])
        if edit == "space":
            query = query[:position] + rng.choice([" ", "\n", "\t", "\r\n"]) + query[position:]
        elif edit == "comment":
            query = query[:position] + "#x}SERVICE\n" + query[position:]
        elif edit == "case":
            query = query[:position] + query[position:].swapcase()
        elif edit == "drop" and position < len(query):
            query = query[:position] + query[position + 1 :]
        elif edit == "double":
            query = query[:position] + query[position : position + 12] + query[position:]
    return query


def _send(client, query: str, rng: random.Random, port: int) -> int:
    """Send ``query`` one of the protocol's ways; the response status."""
    graph = f"http://127.0.0.1:{port}/graph"
    dataset = rng.choice(["", f"&default-graph-uri={quote(graph)}", f"&named-graph-uri={graph}"])
    accept = {"Accept": rng.choice(["application/sparql-results+json", "text/csv", "text/turtle"])}
    how = rng.choice(["get", "form", "direct"])
    if how == "get":
        response = client.get(f"/sparql?query={quote(query)}{dataset}", headers=accept)
    elif how == "form":
        response = client.post(
            "/sparql?" + dataset.lstrip("&"), data={"query": query}, headers=accept
        )
    else:
        response = client.post(
            "/sparql?" + dataset.lstrip("&"),
            data=query.encode(),
            headers={**accept, "Content-Type": "application/sparql-query"},
        )
    return response.status_code


def test_no_fuzzed_query_reaches_the_network(lod_client, listener):
    port, connections = listener
    rng = random.Random(SEED)
    queries = _fuzzed_queries(port, rng)
    statuses: dict[int, int] = {}
    started = time.monotonic()
    sent = 0
    while sent < FUZZED_QUERIES and time.monotonic() - started < TIME_BUDGET_S:
        status = _send(lod_client, next(queries), rng, port)
        statuses[status] = statuses.get(status, 0) + 1
        sent += 1
    time.sleep(0.2)  # a connection in flight would be accepted by now
    assert connections == [], f"{len(connections)} connections after {sent} queries"
    assert sent >= 500, f"only {sent} queries in {TIME_BUDGET_S} s"
    assert not any(status >= 500 and status != 503 for status in statuses), statuses
    assert statuses.get(403, 0) > sent / 4, statuses  # most are recognised early


def test_service_past_every_check_still_cannot_connect(lod_query_service, lod_store, listener):
    port, connections = listener
    for endpoint in (f"<http://127.0.0.1:{port}/sparql>", f"<http://localhost:{port}/x>"):
        request = QueryRequest(
            query=f"SELECT * WHERE {{ SERVICE {endpoint} {{ ?x ?y ?z }} }}",
            data_path=str(lod_store.data_path),
            base_iri=None,
            prefixes={},
            max_rows=10,
            solutions_format="json",
            graph_format=None,
            has_dataset_clause=False,  # as if checked: the runner does not inspect it again
        )
        reply = lod_query_service.runners.ask("test", request, 20.0)
        assert isinstance(reply, Failure) and reply.reason == "service", reply
        assert "no outbound requests" in reply.message
    time.sleep(0.2)
    assert connections == []


def test_the_workers_cannot_open_any_socket(lod_query_service):
    lod_query_service.execute("ASK {}")
    for pid in lod_query_service.worker_pids + lod_query_service.checkers.worker_pids:
        with open(f"/proc/{pid}/status") as proc:
            status = proc.read()
        assert "Seccomp:\t2" in status  # filter mode: the socket calls are denied


def test_the_reported_glued_service_reaches_nothing(lod_client, listener):
    # issue 13: pyoxigraph read "1SERVICE" as a number then the keyword; rdflib could not
    # parse it, the text fallback looked for \bservice\b, and the server called the URL
    port, connections = listener
    query = (
        f"SELECT ?x WHERE {{ ?v <urn:x>? 1SERVICE <http://127.0.0.1:{port}/echo> {{ ?x ?y ?z }} }}"
    )
    response = lod_client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 403
    assert "no outbound requests" in response.get_data(as_text=True)
    time.sleep(0.2)
    assert connections == []
