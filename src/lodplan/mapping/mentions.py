"""Places and organisations named in the text of a plan, linked to one resource each.

A *gazetteer* holds every name lodplan can recognise: the régions, départements
and EPCI of the Code officiel géographique, the communes of the départements a
mapping declares (``reconcile.communes-in``), the territories and names of
``mappings/places.yaml``, the organisations of ``mappings/actors.yaml`` and the
names ``mappings/reviews.yaml`` decides on. The labels, descriptions and
passages of every element, and the plan's own passages, are scanned for those
names (the longest name wins, accents and case aside, but a name must start
with a capital in the text). A name that designates one thing is linked; a name
that could designate several is linked only as a person decided in a review,
and otherwise reported for review — never guessed.

Linked places become ``lodplan:territory`` of the element; linked organisations
become involvements with the role ``mentionne`` (the text names them, nothing
more), unless the mapping already states a role for them or they publish the
plan. A passage (narrative that is not an element) ``lodplan:mentions`` what it names.
When one sentence holds several actions (``Element.clauses``), each is linked to the
names of its own clause only; a name no clause holds is linked to none and waits for a
review (decision ``which-action``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lodplan.mapping.actors import Actor
from lodplan.mapping.model import Element, Outline, Passage
from lodplan.mapping.reviews import Review, Reviews
from lodplan.referentials.cog import CogReferential
from lodplan.referentials.places import Places, fold

MENTIONED = "mentionne"
WHICH_ACTION = "which-action"  # a name in a sentence of several actions, in no one's clause
ARTICLE = re.compile(r"^(?:les?|la|l['’])\s*", re.IGNORECASE)
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# COG names abbreviate the legal form of an EPCI; plans write it out or leave it out
EPCI_FORMS = {
    "CC": "Communauté de communes", "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
}  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    ref: str  # a place reference (see lodplan.referentials.places) or "actor:<id>"
    label: str
    taught: bool = False  # known only from a review: looked for only where one applies

    @property
    def is_actor(self) -> bool:
        return self.ref.startswith("actor:")


@dataclass
class Mention:
    """One name found in one element, and what it was linked to (or why not)."""

    plan_id: str
    element: Element | None  # None: the plan's own passages, or an ignored line
    field: str  # "label", "description", "passage" or "source" (an ignored line)
    text: str  # as written
    candidates: tuple[Candidate, ...]
    decision: str  # unique | reviewed | not-linked | ambiguous | not-modelled
    target: Candidate | None = None
    reason: str = ""
    review: Review | None = None  # the decision that applied, if any
    line: int = 0  # where in the source: the first line of the element or passage

    @property
    def needs_review(self) -> bool:
        return self.decision in ("ambiguous", WHICH_ACTION)


@dataclass
class Gazetteer:
    """Normalised names (tuples of tokens) → what they may designate."""

    entries: dict[tuple[str, ...], list[Candidate]] = field(default_factory=dict)
    longest: int = 1
    # acronyms are read only as written: "CE" is the Commission, "Ce" a pronoun
    acronyms: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    lower_case: set[tuple[str, ...]] = field(default_factory=set)
    words: set[tuple[str, ...]] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # reference → label

    def knows(self, name: str) -> bool:
        return tuple(tokens(name)) in self.entries

    def add(self, name: str, candidate: Candidate) -> None:
        key = tuple(tokens(name))
        if not key:
            return
        if name.isupper() and len(name) <= 6:
            self.acronyms.setdefault(key, set()).add(name)
        else:  # also written as a word ("Insee" beside "INSEE"): any case will do
            self.words.add(key)
        if name[0].islower():  # "canton du Jura": the name itself starts in lower case
            self.lower_case.add(key)
        found = self.entries.setdefault(key, [])
        if all(c.ref != candidate.ref for c in found):
            found.append(candidate)
        if not candidate.taught:
            self.labels.setdefault(candidate.ref, candidate.label)
        self.longest = max(self.longest, len(key))

    def find(self, text: str) -> Iterator[tuple[str, list[Candidate]]]:
        """(name as written, candidates) for every name in ``text``, longest first."""
        words = [(m.start(), m.end(), fold(m.group())) for m in TOKEN.finditer(text)]
        at = 0
        while at < len(words):
            for size in range(min(self.longest, len(words) - at), 0, -1):
                key = tuple(w for _, _, w in words[at : at + size])
                candidates = self.entries.get(key)
                start, end = words[at][0], words[at + size - 1][1]
                written = text[start:end]
                if (
                    key in self.acronyms
                    and key not in self.words
                    and (written not in self.acronyms[key])
                ):
                    candidates = None
                as_name = key in self.lower_case or _written_as_a_name(text, start, end)
                if candidates and as_name:
                    yield written, candidates
                    at += size
                    break
            else:
                at += 1


def is_only_a_name(gazetteer: Gazetteer, text: str) -> bool:
    """Whether ``text`` is, a leading article aside, one name of a place or an
    organisation the gazetteer knows ("BLIIDA", "Le quartier de la gare de Metz-Ville")."""
    bare = ARTICLE.sub("", text.strip())
    found = list(gazetteer.find(bare))
    return (
        len(found) == 1
        and tokens(found[0][0]) == tokens(bare)
        and not all(c.taught for c in found[0][1])
    )


def tokens(text: str) -> list[str]:
    return [fold(m.group()) for m in TOKEN.finditer(text)]


def _written_as_a_name(text: str, start: int, end: int) -> bool:
    """A name starts with a capital; an acronym (all capitals) is not read inside a
    heading written in capitals, where it could be a word ("CE", "PE")."""
    written = text[start:end]
    if not written[0].isupper() and not written[0].isdigit():
        return False
    short_acronym = written.isupper() and len(written) <= 4
    return not (short_acronym and text.upper() == text)


def official_names(cog: CogReferential, communes_in: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(name, reference) of the régions and départements, and of the EPCI and communes
    of the départements a plan may name (a commune's name alone is too common a word
    to look for in all of France: "Plan", "Vers", "Bar" are communes)."""
    scope = set(communes_in)
    for region in cog.regions.values():
        yield region.name, f"region:{region.code}"
    for departement in cog.departements.values():
        yield departement.name, f"departement:{departement.code}"
    for commune in cog.communes.values():
        if commune.departement in scope:
            yield commune.name, f"commune:{commune.code}"
    for epci in cog.epcis.values():
        if any(cog.communes[m].departement in scope for m in epci.members if m in cog.communes):
            for name in epci_names(epci.name):
                yield name, f"epci:{epci.siren}"


def epci_names(cog_name: str) -> set[str]:
    """ "CC du Bassin de Pompey" → itself, "Communauté de communes du Bassin de Pompey"
    and "Bassin de Pompey"."""
    names = {cog_name}
    form, _, rest = cog_name.partition(" ")
    if form in EPCI_FORMS and rest:
        names.add(f"{EPCI_FORMS[form]} {rest}")
        names.add(re.sub(r"^(?:du |de la |de l'|des |de |d')", "", rest))
    return names


def build_gazetteer(
    places: Places,
    actors: dict[str, Actor],
    official: Iterable[tuple[str, str]],
    reviews: Iterable[Review] = (),
) -> Gazetteer:
    """``official``: (name, reference) of the COG territories in the plan's scope;
    ``reviews``: those of the plan, whose names are looked for even if nothing else
    knows them."""
    gazetteer = Gazetteer()
    for name, ref in official:
        gazetteer.add(name, Candidate(ref, name))
    for territory in places.territories.values():
        label = next(iter(territory.label.values()))
        for name in {*territory.label.values(), *territory.names}:
            gazetteer.add(name, Candidate(territory.id, label))
    for name, ref in places.names.items():
        gazetteer.add(name, Candidate(ref, name))
    for actor in actors.values():
        if actor.type != "organization":  # a service's name is a common word ("Culture")
            continue
        label = next(iter(actor.label.values()))
        for name in {*actor.label.values(), *actor.alt_labels}:
            gazetteer.add(name, Candidate(f"actor:{actor.id}", label))
    # "Metz Métropole" names the organisation and the EPCI it governs: one thing, the
    # organisation (which the actors graph links to its territory)
    governed = {f"actor:{a.id}": a.territory for a in actors.values() if a.territory}
    for key, candidates in gazetteer.entries.items():
        territories = {governed[c.ref] for c in candidates if c.ref in governed}
        gazetteer.entries[key] = [c for c in candidates if c.ref not in territories]
    for review in reviews:
        if not gazetteer.knows(review.name):
            gazetteer.add(review.name, Candidate(review.target or "", review.name, taught=True))
    return gazetteer


def reconcile(
    plan_id: str,
    outline: Outline,
    gazetteer: Gazetteer,
    reviews: Reviews,
    publisher: str | None,
    organisations_in: Iterable[str] = ("label", "description"),
) -> list[Mention]:
    """Find the names in every element and passage, decide what each designates, link.

    In an element, organisations are looked for only in ``organisations_in``; a name
    found elsewhere is not reported (it is the mapping's partners that link it)."""
    mentions = []
    organisation_fields = set(organisations_in)
    for element in outline.walk():
        lines = range(element.span.start_line, element.span.end_line + 1)
        # in a sentence of several actions, an action's own names are those of its clause
        described = element.clauses.own if element.clauses else element.description
        for field_name, text in (("label", element.label), ("description", described)):
            for written, candidates in gazetteer.find(text or ""):
                if field_name not in organisation_fields:
                    candidates = [c for c in candidates if not c.is_actor]
                    if not candidates:
                        continue
                mention = Mention(plan_id, element, field_name, written, tuple(candidates),
                                  "ambiguous", line=element.span.start_line)  # fmt: skip
                if _decide(mention, lines, gazetteer, reviews):
                    mentions.append(mention)
                    if mention.target is not None:
                        _link(element, mention.target, publisher)
        if element.clauses is not None:
            with_actors = "description" in organisation_fields
            mentions += _undecided_mentions(
                plan_id, element, gazetteer, reviews, with_actors, publisher
            )
        for passage in element.passages:
            mentions += _passage_mentions(plan_id, element, passage, gazetteer, reviews)
    for passage in outline.passages:
        mentions += _passage_mentions(plan_id, None, passage, gazetteer, reviews)
    return mentions


def _undecided_mentions(
    plan_id: str,
    element: Element,
    gazetteer: Gazetteer,
    reviews: Reviews,
    with_actors: bool,
    publisher: str | None,
) -> list[Mention]:
    """Names in the parts of a sentence of several actions that no action's clause holds:
    linked to none of them, left for a person to decide (a review ``target: null``, or
    the action's clause declared in the mapping). The plan's publisher, which no action
    is linked to for being named, needs no decision."""
    assert element.clauses is not None
    mentions = []
    lines = range(element.span.start_line, element.span.end_line + 1)
    actions = "; ".join(f"« {a} »" for a in element.clauses.actions)
    for piece in element.clauses.undecided:
        for written, found in gazetteer.find(piece):
            candidates = [c for c in found if with_actors or not c.is_actor]
            if not candidates:
                continue
            mention = Mention(plan_id, element, "description", written, tuple(candidates),
                              WHICH_ACTION, line=element.span.start_line)  # fmt: skip
            if not _decide(mention, lines, gazetteer, reviews):
                continue
            target = mention.target
            if target is not None and target.ref == f"actor:{publisher}":
                mentions.append(mention)  # unique or reviewed, never linked (see _link)
                continue
            if mention.decision != "not-linked":  # only "linked to none" decides here
                mention.decision, mention.target = WHICH_ACTION, None
                mention.reason = (
                    f"the sentence holds the actions {actions}; the text does not say which "
                    "one this name belongs to: declare that action's clause "
                    "(reader.actions.contexts) or review the name (target: null)"
                )
            mentions.append(mention)
    return mentions


def _passage_mentions(
    plan_id: str,
    owner: Element | None,
    passage: Passage,
    gazetteer: Gazetteer,
    reviews: Reviews,
) -> list[Mention]:
    mentions = []
    lines = range(passage.span.start_line, passage.span.end_line + 1)
    for written, candidates in gazetteer.find(passage.text):
        mention = Mention(plan_id, owner, "passage", written, tuple(candidates), "ambiguous",
                          line=passage.span.start_line)  # fmt: skip
        if _decide(mention, lines, gazetteer, reviews):
            mentions.append(mention)
            if mention.target is not None and mention.target.ref not in passage.mentions:
                passage.mentions.append(mention.target.ref)
    return mentions


def _decide(mention: Mention, lines: range, gazetteer: Gazetteer, reviews: Reviews) -> bool:
    """Decide ``mention`` (unique, reviewed, not-linked, or left ambiguous); ``False``
    if the name is not one here (known only from reviews that do not apply)."""
    review = reviews.for_name(mention.text, mention.plan_id, lines)
    if review is None:
        if all(c.taught for c in mention.candidates):
            return False
        if len(mention.candidates) == 1:
            mention.decision, mention.target = "unique", mention.candidates[0]
        return True
    mention.reason, mention.review = review.reason, review
    if review.target is None:
        mention.decision = "not-linked"
        return True
    chosen = next((c for c in mention.candidates if c.ref == review.target and not c.taught), None)
    label = gazetteer.labels.get(review.target, mention.text)
    mention.decision = "reviewed"
    mention.target = chosen or Candidate(review.target, label)
    return True


def _link(element: Element, target: Candidate, publisher: str | None) -> None:
    if target.is_actor:
        actor_id = target.ref.removeprefix("actor:")
        if actor_id == publisher or any(a == actor_id for a, _ in element.involvements):
            return
        element.involvements.append((actor_id, MENTIONED))
    elif target.ref not in element.territories:
        element.territories.append(target.ref)


def mentions_in_ignored_lines(
    plan_id: str, lines: list[str], ignored: dict[int, str], gazetteer: Gazetteer
) -> list[Mention]:
    """Names on the lines a mapping ignores (narrative not modelled…): not in the data,
    so not linked, but listed so that a reader of the report knows they exist."""
    return [
        Mention(
            plan_id,
            None,
            "source",
            written,
            tuple(candidates),
            "not-modelled",
            reason=ignored[number],
            line=number,
        )
        for number in sorted(ignored)
        for written, candidates in gazetteer.find(lines[number - 1])
        if not all(c.taught for c in candidates)
    ]
