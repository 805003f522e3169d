"""The SPARQL endpoint is a component built from a query service, mountable in any app."""

from __future__ import annotations

from flask import Flask

from lodplan.web.sparql import sparql_blueprint


def test_the_endpoint_mounts_in_another_app(lod_query_service, lod):
    app = Flask("another")
    app.register_blueprint(sparql_blueprint(lod_query_service, "/data/query"))
    client = app.test_client()
    query = f"SELECT ?label WHERE {{ <{lod.plan}> rdfs:label ?label }} ORDER BY ?label"
    answer = client.get("/data/query", query_string={"query": query},
                        headers={"Accept": "text/csv"})  # fmt: skip
    assert answer.status_code == 200
    assert answer.get_data(as_text=True).splitlines() == [
        "label", "Demonstration plan", "Plan de démonstration"]  # fmt: skip
    # no site around it: a browser gets the results as data, and no query is a 400
    page = client.get("/data/query", query_string={"query": query},
                      headers={"Accept": "text/html"})  # fmt: skip
    assert page.status_code == 406
    assert client.get("/data/query").status_code == 400
    update = client.post("/data/query", data={"update": "DROP ALL"})
    assert update.status_code == 403
