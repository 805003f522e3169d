from __future__ import annotations

import pytest

from lodplan.config import (
    QueryLimits,
    StoreLocation,
    base_iri_from,
    local_base_iri,
    normalise_base_iri,
    store_location_from,
)
from lodplan.errors import ConfigError


def test_default_base_iri_is_the_local_serving_address(monkeypatch):
    monkeypatch.delenv("LODPLAN_BASE_IRI", raising=False)
    assert base_iri_from(None) == "http://localhost:8080/"
    assert local_base_iri("0.0.0.0", 9000) == "http://localhost:9000/"
    assert local_base_iri("data.example.fr", 80) == "http://data.example.fr:80/"


def test_flag_wins_over_environment(monkeypatch):
    monkeypatch.setenv("LODPLAN_BASE_IRI", "https://env.example/")
    assert base_iri_from(None) == "https://env.example/"
    assert base_iri_from("https://flag.example/data") == "https://flag.example/data/"


@pytest.mark.parametrize("bad", ["ftp://x/", "data.example.fr", "http://x/a b", "http://x/#"])
def test_unusable_base_iris_are_refused(bad):
    with pytest.raises(ConfigError):
        normalise_base_iri(bad)


def test_query_limits_from_environment(monkeypatch):
    monkeypatch.setenv("LODPLAN_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("LODPLAN_MAX_RESULT_ROWS", "50")
    assert QueryLimits.from_env() == QueryLimits(timeout_s=2.5, max_rows=50)
    with pytest.raises(ConfigError):
        QueryLimits(timeout_s=0)


def test_one_setting_chooses_the_store(monkeypatch, tmp_path):
    for name in ("LODPLAN_SPARQL_ENDPOINT", "LODPLAN_DOWNLOADS", "LODPLAN_STORE",
                 "LODPLAN_SPARQL_DATASET"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    assert store_location_from(tmp_path) == StoreLocation(path=tmp_path)
    assert not store_location_from(tmp_path).remote
    remote = store_location_from(None, "http://engine:8890/sparql", tmp_path)
    assert remote.remote and remote.downloads == tmp_path
    monkeypatch.setenv("LODPLAN_SPARQL_ENDPOINT", "http://engine:8890/sparql")
    monkeypatch.setenv("LODPLAN_DOWNLOADS", str(tmp_path))
    assert store_location_from() == remote
    with pytest.raises(ConfigError, match="not both"):
        store_location_from(tmp_path)  # --store while the environment names an engine
    monkeypatch.delenv("LODPLAN_SPARQL_ENDPOINT")
    monkeypatch.delenv("LODPLAN_DOWNLOADS")
    with pytest.raises(ConfigError, match="--downloads goes with --sparql-endpoint"):
        store_location_from(None, None, tmp_path)
    with pytest.raises(ConfigError, match="http"):
        store_location_from(None, "engine:8890/sparql")
    assert store_location_from(None, "http://engine:8890/sparql").dataset == "build"
    monkeypatch.setenv("LODPLAN_SPARQL_DATASET", "engine")  # an engine of one deployment
    assert store_location_from(None, "http://engine:8890/sparql").dataset == "engine"
    monkeypatch.setenv("LODPLAN_SPARQL_DATASET", "all")
    with pytest.raises(ConfigError, match="LODPLAN_SPARQL_DATASET"):
        store_location_from(None, "http://engine:8890/sparql")
