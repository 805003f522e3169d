"""The shared referential of actors (``mappings/actors.yaml``).

Actors are organisations named by several plans; each gets one IRI whatever
plan names it. Internal services are organisational units of their organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from lodplan.errors import MappingError
from lodplan.iris import IriMinter
from lodplan.mapping.spec import IDENTIFIER
from lodplan.terms import LP

ACTOR_TYPES = {"organization": ORG.Organization, "unit": ORG.OrganizationalUnit}


@dataclass(frozen=True)
class Actor:
    id: str
    type: str
    label: dict[str, str]
    alt_labels: tuple[str, ...] = ()
    unit_of: str | None = None
    territory: str | None = None  # a place reference: the territory it governs (an EPCI…)
    siren: str | None = None

    def names(self) -> set[str]:
        """Its labels in every language and its other names."""
        return {*self.label.values(), *self.alt_labels}


def load_actors(path: Path) -> dict[str, Actor]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    actors: dict[str, Actor] = {}
    unconfirmed: list[str] = []
    for actor_id, fields in (data.get("actors") or {}).items():
        where = f"actors.{actor_id}"
        if not IDENTIFIER.match(actor_id):
            raise MappingError("is not an identifier", file=path, field=where)
        if not isinstance(fields, dict) or fields.get("type") not in ACTOR_TYPES:
            raise MappingError(
                f"needs 'type' among {', '.join(ACTOR_TYPES)}", file=path, field=where
            )
        if not isinstance(fields.get("label"), dict) or not fields["label"]:
            raise MappingError("needs a 'label' like {fr: '...'}", file=path, field=where)
        if fields.get("to-confirm"):  # a proposal of lodplan init nobody has checked yet
            unconfirmed.append(actor_id)
        actors[actor_id] = Actor(
            id=actor_id,
            type=fields["type"],
            label=fields["label"],
            alt_labels=tuple(fields.get("alt-labels", ())),
            unit_of=fields.get("unit-of"),
            territory=fields.get("territory"),
            siren=str(fields["siren"]) if fields.get("siren") else None,
        )
    if unconfirmed:
        raise MappingError(
            f"{len(unconfirmed)} actor(s) proposed by lodplan init are still to confirm: "
            f"{', '.join(unconfirmed)}; check each (its to-confirm line says what), then "
            "delete its to-confirm line",
            file=path,
            field=f"actors.{unconfirmed[0]}.to-confirm",
        )
    for actor in actors.values():
        if actor.unit_of is not None and actor.unit_of not in actors:
            raise MappingError(
                f"unit-of {actor.unit_of!r} is not a declared actor",
                file=path,
                field=f"actors.{actor.id}",
            )
    return actors


def actors_graph(
    actors: dict[str, Actor],
    iris: IriMinter,
    territory_iri: Callable[[str], str | None] = lambda _ref: None,
    siren_of: Callable[[str], str | None] = lambda _ref: None,
) -> Graph:
    """The actors; ``territory_iri`` and ``siren_of`` resolve an actor's territory
    reference (its IRI, and the SIREN the referential gives an EPCI)."""
    graph = Graph()
    for actor in actors.values():
        node = URIRef(iris.actor(actor.id))
        graph.add((node, RDF.type, ACTOR_TYPES[actor.type]))
        for lang, text in actor.label.items():
            graph.add((node, RDFS.label, Literal(text, lang=lang)))
            graph.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
        for alt in actor.alt_labels:
            graph.add((node, SKOS.altLabel, Literal(alt)))
        if actor.unit_of:
            graph.add((node, ORG.unitOf, URIRef(iris.actor(actor.unit_of))))
            graph.add((URIRef(iris.actor(actor.unit_of)), ORG.hasUnit, node))
        if actor.territory:
            territory = territory_iri(actor.territory)
            if territory is not None:
                graph.add((node, DCTERMS.spatial, URIRef(territory)))
        siren = actor.siren or (siren_of(actor.territory) if actor.territory else None)
        if siren:
            graph.add((node, LP.siren, Literal(siren)))
    return graph
