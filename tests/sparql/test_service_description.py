"""The service description's link to the VoID description of the served data."""

from __future__ import annotations

import pytest

from lodplan.config import QueryLimits
from lodplan.sparql.service_description import RDFS_SEE_ALSO, SD, service_description
from lodplan.store.base import StoreInfo


@pytest.mark.parametrize(
    ("endpoint", "void"),
    [
        ("http://h.example/sparql", "http://h.example/.well-known/void"),
        # a deployment under a path: the description sits beside the endpoint
        ("https://h.example/plans/sparql", "https://h.example/plans/.well-known/void"),
    ],
)
def test_the_default_dataset_is_described_by_the_void_description(endpoint, void):
    info = StoreInfo("b1", endpoint.removesuffix("sparql"), "2024-01-01", {"urn:g": 3})
    triples = service_description(endpoint, info, QueryLimits())
    [dataset] = [
        t.object
        for t in triples
        if t.subject.value == endpoint and t.predicate.value == SD + "defaultDataset"
    ]
    links = [
        t.object.value
        for t in triples
        if t.subject == dataset and t.predicate.value == RDFS_SEE_ALSO
    ]
    assert links == [void]
