"""Shared fixtures. Sections are owned by the modules they serve."""

from __future__ import annotations

from pathlib import Path

import pytest

from lodplan.codelists import bundled_vocabulary
from lodplan.iris import IriMinter
from lodplan.mapping import map_plan
from lodplan.mapping.actors import load_actors
from lodplan.resources import mappings_dir

TEST_BASE = "http://data.test.example/"

# --- mapping fixtures ---


@pytest.fixture(scope="session")
def vocabulary():
    return bundled_vocabulary()


@pytest.fixture(scope="session")
def bundled_actors():
    return load_actors(mappings_dir() / "actors.yaml")


@pytest.fixture(scope="session")
def map_bundled(vocabulary, bundled_actors):
    """Map one bundled plan by its folder name (cached per session)."""
    cache = {}

    def _map(plan_dir: str):
        if plan_dir not in cache:
            cache[plan_dir] = map_plan(
                mappings_dir() / plan_dir / "mapping.yaml",
                iris=IriMinter(TEST_BASE),
                vocabulary=vocabulary,
                actors=bundled_actors,
            )
        return cache[plan_dir]

    return _map


@pytest.fixture
def mapping_dir(tmp_path: Path):
    """Write a small mapping + source into tmp_path; returns a writer function."""

    def _write(source: str, mapping: str) -> Path:
        (tmp_path / "source.txt").write_text(source, encoding="utf-8")
        path = tmp_path / "mapping.yaml"
        path.write_text(mapping, encoding="utf-8")
        return path

    return _write
