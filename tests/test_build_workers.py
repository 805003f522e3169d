"""Plans mapped, validated and their files made in parallel processes give what one
process gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lodplan.build import BUILD_WORKERS_ENV, build_workers, check_plans
from lodplan.build_cache import BuildCache
from lodplan.errors import LodplanError, MappingError
from lodplan.publishing import downloads
from lodplan.publishing.changes import SOURCE_DATE_EPOCH
from tests.conftest import TEST_BASE
from tests.test_build_cache import _build, _published, two_plans

FIXTURES = Path(__file__).parent / "fixtures"


def test_one_process_per_core_at_most_one_per_plan(monkeypatch):
    monkeypatch.setenv(BUILD_WORKERS_ENV, "8")
    assert build_workers(3) == 3
    monkeypatch.setenv(BUILD_WORKERS_ENV, "1")
    assert build_workers(3) == 1
    monkeypatch.setenv(BUILD_WORKERS_ENV, "many")
    with pytest.raises(LodplanError, match="is not a number of processes"):
        build_workers(3)


def checked_with(workers: str, monkeypatch, directory: Path):
    monkeypatch.setenv(BUILD_WORKERS_ENV, workers)
    return check_plans(directory, TEST_BASE)


def test_parallel_checks_equal_sequential_ones(monkeypatch, tmp_path):
    import shutil

    mappings = tmp_path / "mappings"  # three plans: two processes have work to share
    shutil.copytree(FIXTURES / "fiche-mappings", mappings)
    shutil.copytree(FIXTURES / "example-mappings" / "exempleville-plan-climat",
                    mappings / "exempleville-plan-climat")  # fmt: skip
    shutil.copytree(mappings / "exempleville-pcaet", mappings / "exempleville-pcaet-copie")
    mapping = mappings / "exempleville-pcaet-copie" / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("id: exempleville-pcaet", "id: pcaet-copie"))
    actors = (FIXTURES / "example-mappings" / "actors.yaml").read_text().split("actors:\n", 1)[1]
    with (mappings / "actors.yaml").open("a") as out:
        out.write("".join(line for line in actors.splitlines(keepends=True)
                          if not line.startswith("  exempleville:")
                          and "Commune d'Exempleville" not in line))  # fmt: skip
    one = checked_with("1", monkeypatch, mappings)
    two = checked_with("2", monkeypatch, mappings)
    assert one.ok and two.ok, two.render_problems()
    assert [p.plan_id for p in one.plans] == [p.plan_id for p in two.plans]
    assert one.plan_graphs == two.plan_graphs  # the same bytes, plan by plan
    assert [r.render() for r in one.reports] == [r.render() for r in two.reports]


def test_a_mapping_error_in_a_worker_is_the_same_error(monkeypatch, tmp_path):
    import shutil

    mappings = tmp_path / "mappings"
    shutil.copytree(FIXTURES / "preset-mappings", mappings)
    shutil.copytree(mappings / "ville-exemple-projets", mappings / "autre")
    mapping = mappings / "autre" / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("id: ville-exemple-projets", "id: autre")
                       .replace("preset: projets-", "preset: projet-"))  # fmt: skip
    monkeypatch.setenv(BUILD_WORKERS_ENV, "2")
    with pytest.raises(MappingError) as caught:
        check_plans(mappings, TEST_BASE)
    assert caught.value.field == "reader.preset" and caught.value.file.endswith("mapping.yaml")


def test_files_made_in_two_processes_are_those_of_one(tmp_path, monkeypatch):
    """Every file of a build, and its database, the same bytes whether the plans' files
    are made in this process or in two forked ones (kept in the build cache)."""
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "1767225600")  # the catalog dates builds
    mappings = two_plans(tmp_path)
    monkeypatch.setenv(BUILD_WORKERS_ENV, "1")
    one = _build(mappings, tmp_path / "one", None, [])
    monkeypatch.setenv(BUILD_WORKERS_ENV, "2")
    framed = tmp_path / "framed"  # by which processes: written by forked ones too
    frame = downloads.plan_jsonld

    def plan_jsonld(*args):
        with framed.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return frame(*args)

    monkeypatch.setattr(downloads, "plan_jsonld", plan_jsonld)
    two = _build(mappings, tmp_path / "two", BuildCache(tmp_path / "cache"), [])
    makers = framed.read_text().split()
    assert len(makers) == 2 and str(os.getpid()) not in makers  # made in forked processes
    assert two == one
    assert _published(tmp_path / "two") == _published(tmp_path / "one")
