"""The command-line contract: commands, help, exit statuses and messages."""

from __future__ import annotations

import pytest

from lodplan.cli import main


@pytest.mark.parametrize("command", ["build", "validate", "coverage", "serve"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--base-iri" in capsys.readouterr().out


def test_build_and_serve_keep_their_documented_options(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "--store" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    for option in ("--store", "--host", "--port"):
        assert option in out


def test_validate_and_coverage_of_the_bundled_plans(capsys):
    assert main(["validate"]) == 0
    assert "mot-programme-2023: conforms" in capsys.readouterr().out
    assert main(["coverage"]) == 0
    assert "123 used, 0 ignored, 0 unaccounted" in capsys.readouterr().out


def test_serve_without_a_build_says_how_to_build(tmp_path, capsys):
    assert main(["serve", "--store", str(tmp_path / "empty")]) == 2
    assert "lodplan build --store" in capsys.readouterr().err


def test_serve_refuses_a_base_iri_the_store_was_not_built_for(tmp_path, capsys):
    store = tmp_path / "store"
    assert main(["build", "--store", str(store), "--base-iri", "http://a.example/"]) == 0
    status = main(["serve", "--store", str(store), "--base-iri", "http://b.example/"])
    assert status == 2
    assert "built for base IRI http://a.example/" in capsys.readouterr().err


def test_bad_base_iri_is_an_input_error(capsys):
    assert main(["validate", "--base-iri", "not-an-iri"]) == 2
    assert "base IRI" in capsys.readouterr().err


def test_bad_query_limit_variable_is_named(tmp_path, monkeypatch, capsys):
    store = tmp_path / "store"
    assert main(["build", "--store", str(store)]) == 0
    monkeypatch.setenv("LODPLAN_QUERY_TIMEOUT", "soon")
    assert main(["serve", "--store", str(store)]) == 2
    assert "LODPLAN_QUERY_TIMEOUT='soon'" in capsys.readouterr().err


def test_serve_passes_threads_query_workers_and_proxies(lod_store_root, monkeypatch):
    import lodplan.web.wsgi

    served = {}
    monkeypatch.setattr(lodplan.web.wsgi, "serve", lambda store, **options: served.update(options))
    monkeypatch.setenv("LODPLAN_QUERY_TIMEOUT", "9")
    monkeypatch.setenv("LODPLAN_QUERIES_PER_CLIENT", "3")
    monkeypatch.setenv("LODPLAN_PROXY_HOPS", "1")
    serve = ["serve", "--store", str(lod_store_root)]
    assert main([*serve, "--threads", "100", "--query-workers", "5"]) == 0
    assert served["threads"] == 100 and served["proxy_hops"] == 1
    limits = served["limits"]
    assert (limits.workers, limits.per_client, limits.timeout_s) == (5, 3, 9)
    assert main([*serve, "--queries-per-client", "2", "--proxy-hops", "0"]) == 0
    assert served["threads"] == 64 and served["proxy_hops"] == 0
    assert (served["limits"].workers, served["limits"].per_client) == (0, 2)


def test_serve_refuses_unusable_serving_settings(lod_store_root, capsys):
    serve = ["serve", "--store", str(lod_store_root)]
    assert main([*serve, "--query-workers", "-1"]) == 2
    assert "query workers must be from 0 (automatic) to 16" in capsys.readouterr().err
    assert main([*serve, "--query-workers", "17"]) == 2
    assert "query workers must be from 0 (automatic) to 16" in capsys.readouterr().err
    assert main([*serve, "--threads", "8"]) == 2
    assert "--threads must be at least 64" in capsys.readouterr().err
    assert main([*serve, "--queries-per-client", "0"]) == 2
    assert "at least one query" in capsys.readouterr().err
    assert main([*serve, "--proxy-hops", "-2"]) == 2
    assert "must not be negative" in capsys.readouterr().err
