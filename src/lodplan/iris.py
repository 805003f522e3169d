"""Minting data IRIs from stable keys (see docs/ARCHITECTURE.md, "IRIs").

IRIs never depend on row order alone: coded elements use their code, other
elements a slug of their label, so a rebuild yields the same IRIs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG_LENGTH = 60


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """ASCII, lower-case, hyphenated; long texts are cut at a word and given a hash.

    The hash of the full text keeps two long labels that share their beginning
    apart without depending on their order.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "element"
    if len(slug) <= max_length:
        return slug
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    cut = slug[: max_length - len(digest) - 1].rsplit("-", 1)[0]
    return f"{cut}-{digest}"


OFFICIAL_LEVELS = ("region", "departement", "epci", "commune")


class IriMinter:
    """IRIs of one deployment, all under its base IRI."""

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri

    def plan(self, plan_id: str) -> str:
        return f"{self.base}plan/{plan_id}"

    def coded_element(self, plan_id: str, notation: str) -> str:
        return f"{self.plan(plan_id)}/element/{notation}"

    def tag_scheme(self, plan_id: str) -> str:
        return f"{self.plan(plan_id)}/tags"

    def tag(self, plan_id: str, tag_id: str) -> str:
        return f"{self.plan(plan_id)}/tag/{tag_id}"

    def source(self, plan_id: str) -> str:
        return f"{self.base}source/{plan_id}"

    def actor(self, actor_id: str) -> str:
        return f"{self.base}actor/{actor_id}"

    def territory(self, territory_id: str) -> str:
        return f"{self.base}territory/{territory_id}"

    def official_territory(self, level: str, code: str) -> str:
        """A territory of the Code officiel géographique: ``level`` is one of
        ``region``, ``departement``, ``epci`` (code: SIREN) or ``commune`` (code INSEE)."""
        if level not in OFFICIAL_LEVELS:
            raise ValueError(f"unknown territorial level {level!r}")
        return f"{self.base}territory/{level}/{code}"

    def catalog(self) -> str:
        """The DCAT catalog of the deployment (served page by page at this address)."""
        return f"{self.base}catalog"

    def dataset(self, plan_id: str) -> str:
        """The DCAT dataset that publishes a plan (the plan itself is not a dataset)."""
        return f"{self.base}dataset/{plan_id}"

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"

    def plan_graph(self, plan_id: str) -> str:
        return self.graph(f"plan/{plan_id}")

    def plan_version(self, plan_id: str, version_id: str) -> str:
        """One version of a plan (docs/versions.md); the plan IRI is its latest."""
        return f"{self.plan(plan_id)}/version/{version_id}"

    def version_graph(self, plan_id: str, version_id: str) -> str:
        """What an older version of a plan says that the later ones no longer do."""
        return self.graph(f"plan/{plan_id}/version/{version_id}")

    def history_graph(self, plan_id: str) -> str:
        """The versions of a plan and what changed from each to the next."""
        return self.graph(f"plan/{plan_id}/history")

    def skolem(self, graph_iri: str, label: str) -> str:
        """The IRI that stands for the blank node ``label`` of the graph ``graph_iri``
        (RDF 1.1 Concepts §3.5: a well-known ``genid`` IRI under the base).

        Derived from the graph and the label alone: labels that are themselves derived
        from the data (canonical ones) give the same IRI to every build of the same data.
        """
        digest = hashlib.sha256(f"{graph_iri}\n{label}".encode()).hexdigest()[:32]
        return f"{self.base}{SKOLEM_PATH}{digest}"


#: Where skolem IRIs live under the base (RFC 8615's registered name ``genid``).
SKOLEM_PATH = ".well-known/genid/"


def is_skolem_iri(iri: str) -> bool:
    """Whether ``iri`` stands for a blank node (a skolem IRI, of this deployment or
    another): it is described with the resource that points to it, like a blank node."""
    return "/" + SKOLEM_PATH in iri
