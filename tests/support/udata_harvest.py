"""Run data.gouv.fr's DCAT harvester (udata's ``DcatBackend``) on a URL; print what it imported.

This script runs in udata's own virtual environment (``.venv-udata``, see
``tests/support/udata_env.py``), never in lodplan's: ``python udata_harvest.py URL``.
It is udata's "preview" of a harvest source — the real backend in dry-run mode, as
data.gouv.fr runs it when an administrator tests a source — with an in-memory
MongoDB (mongomock) holding only the licence the bundled plans use, as data.gouv.fr
knows it. It prints one JSON document: the job's status and errors and, for every
item, what udata would store.
"""

from __future__ import annotations

import json
import sys
from typing import ClassVar

import mongomock
from udata import settings
from udata.app import create_app, standalone

# data.gouv.fr's entry for Licence Ouverte 2.0 (its /api/1/datasets/licenses/ "lov2")
LICENCES = [
    {
        "id": "lov2",
        "title": "Licence Ouverte / Open Licence version 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "alternate_titles": ["Licence Ouverte 2.0", "Open Licence 2.0"],
        "flags": ["domain_data", "okd_compliant", "od_compliant"],
    }
]


class Settings(settings.Testing):
    MONGODB_HOST = "mongodb://localhost:27017/udata"
    MONGODB_HOST_TEST = MONGODB_HOST
    MONGODB_SETTINGS: ClassVar = {
        "host": MONGODB_HOST,
        "mongo_client_class": mongomock.MongoClient,
    }
    HARVESTER_BACKENDS: ClassVar = ["dcat"]
    URLS_ALLOW_LOCAL = True  # the lodplan server under test listens on 127.0.0.1
    URLS_ALLOW_PRIVATE = True


def harvest(url: str) -> dict:
    from udata.core.dataset.models import License
    from udata.harvest import actions
    from udata.harvest.models import HarvestSource

    for licence in LICENCES:
        License(**licence).save()
    source = HarvestSource(name="lodplan", url=url, backend="dcat")
    job = actions.preview(source)
    return {
        "status": job.status,
        "format": (job.data or {}).get("format"),
        "errors": [error.message for error in job.errors],
        "items": [_item(item) for item in job.items],
    }


def _item(item) -> dict:
    found = item.dataset or item.dataservice
    result = {
        "remote_id": item.remote_id,
        "status": item.status,
        "errors": [error.message for error in item.errors],
        "kind": "dataset" if item.dataset else "dataservice" if item.dataservice else None,
    }
    if item.dataset:
        result.update(_dataset(item.dataset))
    elif found is not None:
        result["title"] = found.title
    return result


def _dataset(dataset) -> dict:
    temporal = dataset.temporal_coverage
    spatial = dataset.spatial
    return {
        "title": dataset.title,
        "description": dataset.description,
        "license": dataset.license.id if dataset.license else None,
        "tags": sorted(dataset.tags),
        "temporal_coverage": [str(temporal.start), str(temporal.end)] if temporal else None,
        "spatial": spatial.geom if spatial and spatial.geom else None,
        "remote_url": dataset.harvest.remote_url if dataset.harvest else None,
        "modified_at": str(dataset.harvest.modified_at) if dataset.harvest else None,
        "resources": [
            {
                "title": resource.title,
                "description": resource.description,
                "url": resource.url,
                "format": resource.format,
                "mime": resource.mime,
                "filesize": resource.filesize,
                "checksum": (
                    {"type": resource.checksum.type, "value": resource.checksum.value}
                    if resource.checksum
                    else None
                ),
            }
            for resource in dataset.resources
        ],
    }


def main(url: str) -> None:
    app = create_app(settings.Defaults, override=Settings)
    standalone(app)
    with app.test_request_context():
        print(json.dumps(harvest(url), ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
