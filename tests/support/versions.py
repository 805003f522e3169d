"""The three quarterly versions of the plan of tests/fixtures/versions-mappings/ (2025-t1,
t2, t3), as a collectivity's mappings folder holds each after its export: shared by the
tests of lodplan.versions and the browser tests of the history pages."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.server import lodplan

FIXTURES = Path(__file__).parents[1] / "fixtures" / "versions-mappings"
PLAN = "exempleville-climat"
VERSIONS = (1, 2, 3)


def version_mappings(tmp: Path, version: int) -> Path:
    """A mappings folder under ``tmp`` holding version ``version`` of the plan."""
    folder = tmp / f"mappings-v{version}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "actors.yaml", folder)
    shutil.copytree(FIXTURES / f"v{version}" / PLAN, folder / PLAN)
    return folder


def publish_versions(store: Path, base: str, tmp: Path) -> None:
    """Publish the three versions into ``store`` one after the other, as a collectivity
    does each quarter: ``lodplan build --as-new-version`` (IRIs under ``base``)."""
    for version in VERSIONS:
        built = lodplan(
            "build", "--store", str(store), "--base-iri", base,
            "--mappings", str(version_mappings(tmp, version)), "--as-new-version",
        )  # fmt: skip
        if built.returncode != 0:
            raise RuntimeError(
                f"lodplan build --as-new-version of v{version} failed ({built.returncode}):\n"
                f"{built.stderr}"
            )
