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
    out = capsys.readouterr().out
    assert "246 cells: 246 carried, 0 ignored, 0 unaccounted (lines: 123 used" in out
    assert "549 sentences: 467 carried, 82 ignored, 0 unaccounted" in out
    # each reason of the ignored spans, with how many spans it covers
    assert "ignored   25 × table of contents (sommaire)" in out


def test_coverage_and_build_name_each_unaccounted_cell(tmp_path, capsys):
    import shutil

    from tests.mapping.test_worked_example import EXAMPLE

    copy = tmp_path / "mappings"
    shutil.copytree(EXAMPLE, copy)
    plan_dir = copy / "exempleville-plan-climat"
    table = plan_dir / "actions.tsv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("\tPatrimoine\n", "\tPatrimoine\t2 M€\n"),
        encoding="utf-8",
    )
    mapping = plan_dir / "mapping.yaml"
    text = "\n".join(line for line in mapping.read_text().splitlines() if "sha256" not in line)
    mapping.write_text(text.replace("  columns: 4\n", ""))
    assert main(["coverage", "--mappings", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "1 unaccounted" in out
    assert "5, column 5 unaccounted '2 M€'" in out
    store = tmp_path / "store"
    assert main(["build", "--mappings", str(copy), "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert "actions.tsv:5: unaccounted cell (column 5), neither carried by the data" in err
    assert "the published store is unchanged" in err


def test_serve_without_a_build_says_how_to_build(tmp_path, capsys):
    assert main(["serve", "--store", str(tmp_path / "empty")]) == 2
    assert "lodplan build --store" in capsys.readouterr().err


def test_serve_from_an_engine_says_what_is_wrong(tmp_path, monkeypatch, capsys):
    from tests.support.server import free_port

    monkeypatch.delenv("LODPLAN_SPARQL_ENDPOINT", raising=False)
    gone = f"http://127.0.0.1:{free_port()}/sparql"
    assert main(["serve", "--store", str(tmp_path), "--sparql-endpoint", gone]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["serve", "--sparql-endpoint", gone, "--downloads", str(tmp_path)]) == 2
    assert f"the SPARQL engine at {gone} cannot be reached" in capsys.readouterr().err
    assert main(["export-site", str(tmp_path / "site"), "--downloads", str(tmp_path)]) == 2
    assert "--downloads goes with --sparql-endpoint" in capsys.readouterr().err


def test_serve_refuses_a_base_iri_the_store_was_not_built_for(bundled_build, capsys):
    store = str(bundled_build.store)
    status = main(["serve", "--store", store, "--base-iri", "http://b.example/"])
    assert status == 2
    assert f"built for base IRI {bundled_build.base}" in capsys.readouterr().err


def test_bad_base_iri_is_an_input_error(capsys):
    assert main(["validate", "--base-iri", "not-an-iri"]) == 2
    assert "base IRI" in capsys.readouterr().err


def test_bad_query_limit_variable_is_named(bundled_build, monkeypatch, capsys):
    monkeypatch.setenv("LODPLAN_QUERY_TIMEOUT", "soon")
    serve = ["serve", "--store", str(bundled_build.store), "--base-iri", bundled_build.base]
    assert main(serve) == 2
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
