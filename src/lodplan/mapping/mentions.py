"""Places and organisations named in the text of a plan, linked to one resource each.

A *gazetteer* holds every name lodplan can recognise: the régions, départements
and EPCI of the Code officiel géographique, the communes of the départements a
mapping declares (``reconcile.communes-in``), the territories and names of
``mappings/places.yaml``, the organisations of ``mappings/actors.yaml`` and the
names ``mappings/reviews.yaml`` decides on. The labels, descriptions and
passages of every element, and the plan's own passages, are scanned for those
names (the longest name wins, accents and case aside, but a name must start
with a capital in the text). A name that could designate several things is linked
only as a person decided in a review, and otherwise reported for review — never
guessed.

A name that designates one thing is linked only where the text makes it certain.
A capital says a word is a name, except where every word has one: the first word
of a sentence, a heading or a list item, a line in capitals. A name that is also
a word of French ("Plan", "État", "Lot": :mod:`lodplan.mapping.common_words`) is
not read as a name there; elsewhere it is linked for certain only after a cue
("à Plan", "l'État"), is not a commune after a determiner ("le Plan Climat"), and
is otherwise *probable*: left for a person to review, like an ambiguous name.
Every mention records its evidence: the rule that knows the name (``Candidate.rule``),
the sentence it is in, its confidence and what decided it.

Linked places become ``lodplan:territory`` of the element; linked organisations
become involvements with the role ``mentionne`` (the text names them, nothing
more), unless the mapping already states a role for them or they publish the
plan. A passage (narrative that is not an element) ``lodplan:mentions`` what it names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from lodplan.mapping.actors import Actor
from lodplan.mapping.common_words import CommonWords
from lodplan.mapping.model import Element, Outline, Passage
from lodplan.mapping.reviews import Review, Reviews
from lodplan.referentials.cog import CogReferential
from lodplan.referentials.places import Places, fold, fold_name

MENTIONED = "mentionne"
WHICH_ACTION = "which-action"  # a name in a sentence of several actions, in no one's clause
# an organisation in a list's introducing clause that does not alone say who does the
# items (several organisations or several verbs there)
WHICH_ACTOR = "which-actor"
ARTICLE = re.compile(r"^(?:les?|la|l['’])\s*", re.IGNORECASE)
CERTAIN, PROBABLE, AMBIGUOUS, NOT_A_NAME = "certain", "probable", "ambiguous", "not-a-name"
TO_REVIEW = ("ambiguous", "probable")  # decisions a person must take before a build
# how lodplan knows a name for what it designates (Candidate.rule)
RULES = {
    "cog-commune": "name of a commune of the départements of reconcile.communes-in (COG)",
    "cog-epci": "name of an EPCI with communes in reconcile.communes-in (COG)",
    "cog-departement": "name of a département (COG)",
    "cog-region": "name of a région (COG)",
    "place-label": "label or name of a territory of places.yaml",
    "place-name": "name of places.yaml's names",
    "actor-label": "label of an organisation of actors.yaml",
    "actor-alt-label": "alternative label of an organisation of actors.yaml",
    "review": "a person's decision in reviews.yaml",
}
SENTENCE_END = re.compile(r"[.!?…]+[»”)]*\s+|\n")
CONTEXT_CHARS = 160  # each side of a name, at most, in its context
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
    rule: str = ""  # how lodplan knows the name (a key of RULES)
    homonyms: int = 0  # communes of the same name outside reconcile.communes-in

    @property
    def is_actor(self) -> bool:
        return self.ref.startswith("actor:")


@dataclass
class Mention:
    """One name found in one element, what it was linked to (or why not), and the
    evidence: the sentence it is in, the rule that knows it, how sure the link is."""

    plan_id: str
    element: Element | None  # None: the plan's own passages, or an ignored line
    field: str  # "label", "description", "passage" or "source" (an ignored line)
    text: str  # as written
    candidates: tuple[Candidate, ...]
    # unique | reviewed | not-linked | ambiguous | probable | not-a-name | not-modelled
    decision: str
    target: Candidate | None = None
    reason: str = ""
    review: Review | None = None  # the decision that applied, if any
    line: int = 0  # where in the source: the first line of the element or passage
    context: str = ""  # the sentence the name is in, as read
    prefix: str = ""  # the context before the name, and after it
    suffix: str = ""
    confidence: str = ""  # certain | probable | ambiguous | not-a-name (linked: certain)
    evidence: str = ""  # what made the decision beyond the rule ("after « à »", …)
    passage: Passage | None = None  # the passage it is in, if any

    @property
    def needs_review(self) -> bool:
        return self.decision in (*TO_REVIEW, WHICH_ACTION, WHICH_ACTOR)

    @property
    def rule(self) -> str:
        """How the name was known: a key of RULES ("review" when a person decided)."""
        if self.review is not None:
            return "review"
        chosen = self.target or (self.candidates[0] if len(self.candidates) == 1 else None)
        return chosen.rule if chosen is not None else ""


@dataclass
class Gazetteer:
    """Normalised names (tuples of tokens) → what they may designate."""

    entries: dict[tuple[str, ...], list[Candidate]] = field(default_factory=dict)
    longest: int = 1
    # acronyms are read only as written: "CE" is the Commission, "Ce" a pronoun
    acronyms: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    lower_case: set[tuple[str, ...]] = field(default_factory=set)
    # names declared in capitals ("TECHNOPÔLE", "INSEE"): such a form is a name even
    # where capitals say nothing
    in_capitals: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    words: set[tuple[str, ...]] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # reference → label
    common: CommonWords = field(default_factory=CommonWords)  # names that are also words

    def knows(self, name: str) -> bool:
        return tuple(tokens(name)) in self.entries

    def add(self, name: str, candidate: Candidate) -> None:
        key = tuple(tokens(name))
        if not key:
            return
        if name.isupper():
            self.in_capitals.setdefault(key, set()).add(name)
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

    def find(self, text: str) -> Iterator[Found]:
        """Every name in ``text`` (as written, where, candidates), longest first."""
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
                as_name = key in self.lower_case or _written_as_a_name(
                    text, start, end, key in self.acronyms
                )
                if candidates and as_name:
                    declared = written in self.in_capitals.get(key, ())
                    yield Found(written, start, end, key, candidates, declared)
                    at += size
                    break
            else:
                at += 1


@dataclass(frozen=True)
class Found:
    """A name found in a text: as written, where, and what it may designate."""

    written: str
    start: int
    end: int
    key: tuple[str, ...]
    candidates: list[Candidate]
    # written in capitals as a name is declared ("MOT", "TECHNOPÔLE"; not "Mot")
    as_declared: bool = False


def is_only_a_name(gazetteer: Gazetteer, text: str) -> bool:
    """Whether ``text`` is, a leading article aside, one name of a place or an
    organisation the gazetteer knows ("BLIIDA", "Le quartier de la gare de Metz-Ville")."""
    bare = ARTICLE.sub("", text.strip())
    found = list(gazetteer.find(bare))
    return (
        len(found) == 1
        and tokens(found[0].written) == tokens(bare)
        and not all(c.taught for c in found[0].candidates)
    )


def tokens(text: str) -> list[str]:
    return [fold(m.group()) for m in TOKEN.finditer(text)]


def _written_as_a_name(text: str, start: int, end: int, acronym: bool) -> bool:
    """A name starts with a capital; an acronym (a name declared in capitals: "CE",
    "MOT") is not read inside a text written in capitals, where it is a word ("ce",
    "mot"). Other names in capitals are weighed by :func:`assess`."""
    written = text[start:end]
    if not written[0].isupper() and not written[0].isdigit():
        return False
    short_acronym = acronym and written.isupper() and len(written) <= 4
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


def homonyms_elsewhere(cog: CogReferential, communes_in: Iterable[str]) -> dict[str, int]:
    """commune:<code> of the communes a plan may name → how many communes outside its
    départements bear the same name ("Marly" in Moselle and in the Nord): the plan's
    declared scope decides, the count goes into the evidence for a reader to check."""
    scope = set(communes_in)
    outside = Counter(
        fold_name(c.name) for c in cog.communes.values() if c.departement not in scope
    )
    return {
        f"commune:{c.code}": outside[fold_name(c.name)]
        for c in cog.communes.values()
        if c.departement in scope and outside[fold_name(c.name)]
    }


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
    common: CommonWords | None = None,
    homonyms: Mapping[str, int] | None = None,
) -> Gazetteer:
    """``official``: (name, reference) of the COG territories in the plan's scope;
    ``reviews``: those of the plan, whose names are looked for even if nothing else
    knows them; ``common``: the names that are also words of French; ``homonyms``:
    see :func:`homonyms_elsewhere`."""
    gazetteer = Gazetteer(common=common or CommonWords())
    homonyms = homonyms or {}
    for name, ref in official:
        rule = f"cog-{ref.partition(':')[0]}"
        gazetteer.add(name, Candidate(ref, name, rule=rule, homonyms=homonyms.get(ref, 0)))
    for territory in places.territories.values():
        label = next(iter(territory.label.values()))
        for name in dict.fromkeys([*territory.label.values(), *territory.names]):
            gazetteer.add(name, Candidate(territory.id, label, rule="place-label"))
    for name, ref in places.names.items():
        gazetteer.add(name, Candidate(ref, name, rule="place-name"))
    for actor in actors.values():
        if actor.type != "organization":  # a service's name is a common word ("Culture")
            continue
        label = next(iter(actor.label.values()))
        ref = f"actor:{actor.id}"
        for name in actor.label.values():
            gazetteer.add(name, Candidate(ref, label, rule="actor-label"))
        for name in actor.alt_labels:
            gazetteer.add(name, Candidate(ref, label, rule="actor-alt-label"))
    # "Metz Métropole" names the organisation and the EPCI it governs: one thing, the
    # organisation (which the actors graph links to its territory)
    governed = {f"actor:{a.id}": a.territory for a in actors.values() if a.territory}
    for key, candidates in gazetteer.entries.items():
        territories = {governed[c.ref] for c in candidates if c.ref in governed}
        gazetteer.entries[key] = [c for c in candidates if c.ref not in territories]
    for review in reviews:
        if not gazetteer.knows(review.name):
            taught = Candidate(review.target or "", review.name, taught=True, rule="review")
            gazetteer.add(review.name, taught)
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
            for found in gazetteer.find(text or ""):
                candidates = found.candidates
                if field_name not in organisation_fields:
                    candidates = [c for c in candidates if not c.is_actor]
                    if not candidates:
                        continue
                mention = _mention(plan_id, element, field_name, text or "", found, candidates,
                                   element.span.start_line)  # fmt: skip
                if _decide(mention, found, text or "", lines, gazetteer, reviews):
                    mentions.append(mention)
                    if mention.target is not None:
                        _link(element, mention.target, publisher)
        if element.clauses is not None:
            with_actors = "description" in organisation_fields
            mentions += _undecided_mentions(
                plan_id, element, gazetteer, reviews, with_actors, publisher
            )
        if element.introduced is not None and element.introduced.roles:
            mentions += _introduced_mentions(plan_id, element, gazetteer, reviews, publisher)
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
    is linked to for being named, needs no decision; a word that is not a name here
    needs none either."""
    assert element.clauses is not None
    mentions = []
    lines = range(element.span.start_line, element.span.end_line + 1)
    actions = "; ".join(f"« {a} »" for a in element.clauses.actions)
    for piece in element.clauses.undecided:
        for found in gazetteer.find(piece):
            candidates = [c for c in found.candidates if with_actors or not c.is_actor]
            if not candidates:
                continue
            mention = _mention(plan_id, element, "description", piece, found, candidates,
                               element.span.start_line)  # fmt: skip
            if not _decide(mention, found, piece, lines, gazetteer, reviews):
                continue
            target = mention.target
            if target is not None and target.ref == f"actor:{publisher}":
                mentions.append(mention)  # unique or reviewed, never linked (see _link)
                continue
            if mention.decision not in ("not-linked", NOT_A_NAME):
                mention.decision, mention.target = WHICH_ACTION, None
                mention.reason = (
                    f"the sentence holds the actions {actions}; the text does not say which "
                    "one this name belongs to: declare that action's clause "
                    "(reader.actions.contexts) or review the name (target: null)"
                )
            mentions.append(mention)
    return mentions


def _introduced_mentions(
    plan_id: str,
    element: Element,
    gazetteer: Gazetteer,
    reviews: Reviews,
    publisher: str | None,
) -> list[Mention]:
    """The organisation that the sentence introducing a list names, in the clause of a
    verb the mapping declares (« les projets d'entraide portés par le CCAS de Metz : »),
    has that verb's role on every item of the list. Only one organisation and one role
    decide it; otherwise each name waits for a person (``which-actor``): never a guess.
    Places named there are the introducing sentence's, not the items'."""
    introduction = element.introduced
    assert introduction is not None
    clause = introduction.clause
    lines = range(introduction.line, introduction.line + 1)
    found = [(f, [c for c in f.candidates if c.is_actor]) for f in gazetteer.find(clause)]
    found = [(f, candidates) for f, candidates in found if candidates]
    decided = len(found) == 1 and len(introduction.roles) == 1
    mentions = []
    for name, candidates in found:
        mention = _mention(plan_id, element, "introduction", clause, name, candidates,
                           introduction.line)  # fmt: skip
        if not _decide(mention, name, clause, lines, gazetteer, reviews):
            continue
        target = mention.target
        if not decided and mention.decision not in ("not-linked", NOT_A_NAME):
            mention.decision, mention.target = WHICH_ACTOR, None
            mention.reason = (
                f"the sentence that introduces the list (line {introduction.line}) names "
                f"{len(found)} organisation(s) with the role(s) "
                f"{', '.join(introduction.roles)}: it does not say alone who does the "
                "items; review the name (target: null), and declare the items' partners "
                "(reader.actions.partners) where the text gives their roles"
            )
        elif target is not None and target.is_actor and target.ref != f"actor:{publisher}":
            actor_id = target.ref.removeprefix("actor:")
            role = introduction.roles[0]
            if (actor_id, MENTIONED) in element.involvements and role != MENTIONED:
                element.involvements.remove((actor_id, MENTIONED))
            if not any(a == actor_id for a, _ in element.involvements):
                element.involvements.append((actor_id, role))
        mentions.append(mention)
    return mentions


def _mention(
    plan_id: str,
    element: Element | None,
    field_name: str,
    text: str,
    found: Found,
    candidates: list[Candidate],
    line: int,
) -> Mention:
    context, prefix, suffix = sentence_of(text, found.start, found.end)
    return Mention(plan_id, element, field_name, found.written, tuple(candidates), AMBIGUOUS,
                   line=line, context=context, prefix=prefix, suffix=suffix,
                   confidence=AMBIGUOUS)  # fmt: skip


def _passage_mentions(
    plan_id: str,
    owner: Element | None,
    passage: Passage,
    gazetteer: Gazetteer,
    reviews: Reviews,
) -> list[Mention]:
    mentions = []
    lines = range(passage.span.start_line, passage.span.end_line + 1)
    for found in gazetteer.find(passage.text):
        mention = _mention(plan_id, owner, "passage", passage.text, found, found.candidates,
                           passage.span.start_line)  # fmt: skip
        mention.passage = passage
        if _decide(mention, found, passage.text, lines, gazetteer, reviews):
            mentions.append(mention)
            if mention.target is not None and mention.target.ref not in passage.mentions:
                passage.mentions.append(mention.target.ref)
    return mentions


def _decide(
    mention: Mention,
    found: Found,
    text: str,
    lines: range,
    gazetteer: Gazetteer,
    reviews: Reviews,
) -> bool:
    """Decide ``mention`` (unique, reviewed, not-linked, probable, not-a-name, or left
    ambiguous); ``False`` if the name is not one here (known only from reviews that
    do not apply)."""
    review = reviews.for_name(mention.text, mention.plan_id, lines)
    if review is None:
        if all(c.taught for c in mention.candidates):
            return False
        readings = [assess(found, text, c, gazetteer.common) for c in mention.candidates]
        if all(confidence == NOT_A_NAME for confidence, _ in readings):
            mention.decision = mention.confidence = NOT_A_NAME
            mention.evidence = readings[0][1]
        elif len(mention.candidates) == 1:
            (confidence, evidence), candidate = readings[0], mention.candidates[0]
            mention.confidence, mention.evidence = confidence, evidence
            if confidence == CERTAIN:
                mention.decision, mention.target = "unique", candidate
                if candidate.homonyms:
                    elsewhere = (
                        f"{candidate.homonyms} commune(s) of this name outside "
                        "reconcile.communes-in"
                    )
                    mention.evidence = "; ".join(filter(None, [evidence, elsewhere]))
            else:
                mention.decision = PROBABLE
        else:
            mention.evidence = f"{len(mention.candidates)} candidates"
        return True
    mention.reason, mention.review = review.reason, review
    mention.confidence, mention.evidence = CERTAIN, "decided by a person"
    if review.target is None:
        mention.decision = "not-linked"
        return True
    chosen = next((c for c in mention.candidates if c.ref == review.target and not c.taught), None)
    label = gazetteer.labels.get(review.target, mention.text)
    mention.decision = "reviewed"
    mention.target = chosen or Candidate(review.target, label, rule="review")
    return True


def assess(found: Found, text: str, candidate: Candidate, common: CommonWords) -> tuple[str, str]:
    """How sure it is that ``found`` names ``candidate`` here, and why: (certain,
    probable or not-a-name, evidence)."""
    position = _capitals_say_nothing(text, found.start, found.end)
    if found.as_declared or not common.is_common(found.key):
        return CERTAIN, f"a name ({position})" if position else ""
    kind = (
        "organisations" if candidate.is_actor
        else "communes" if candidate.ref.startswith("commune:")
        else "places"
    )  # fmt: skip
    if position:
        return NOT_A_NAME, f"a word of French, {position}"
    before = tuple(tokens(_sentence_before(text, found.start)))
    cue = common.cue(kind, before)
    if cue is not None:
        return CERTAIN, f"a word of French after « {cue} »"
    if kind == "communes" and common.after_determiner(before):
        return NOT_A_NAME, f"a word of French after « {before[-1]} »: not a commune"
    return PROBABLE, "a word of French, with a capital but no cue"


def _capitals_say_nothing(text: str, start: int, end: int) -> str:
    """Why the capital of the name at ``start`` tells nothing ("" if it does): the
    name is the first word of a sentence, heading or item, or in a sentence in capitals."""
    _, sentence_prefix, sentence_suffix = sentence_of(text, start, end)
    sentence = f"{sentence_prefix} {text[start:end]} {sentence_suffix}"
    if text[start:end].isupper() and not any(c.islower() for c in sentence):
        return "in a sentence in capitals"
    before = _sentence_before(text, start)
    # what precedes the name in its sentence is numbering, a bullet or a quote mark
    if not re.sub(r"^\s*(?:[0-9]+|[ivxIVX]+|[a-zA-Z])[.)°]\s", "", before).strip(
        " \t-–—•·*«“\"'(0123456789.)/:"
    ):
        return "first word of its sentence"
    return ""


def _sentence_before(text: str, start: int) -> str:
    """The text of the sentence before ``start``."""
    ends = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
    return text[ends[-1] if ends else 0 : start]


def sentence_of(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(the sentence around text[start:end] for a reader, the name between ⟦ ⟧ and
    spaces made single; the text of the sentence just before the name, and just
    after it, as read: at most CONTEXT_CHARS each)."""
    ends = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
    sentence_start = ends[-1] if ends else 0
    after = SENTENCE_END.search(text, end)
    sentence_end = after.start() + len(after.group().rstrip()) if after else len(text)
    begin = max(sentence_start, start - CONTEXT_CHARS)
    finish = min(sentence_end, end + CONTEXT_CHARS)
    prefix, suffix = text[begin:start], text[end:finish]

    def squeeze(part: str) -> str:
        return " ".join(part.split())

    shown_before = ("…" if begin > sentence_start else "") + squeeze(prefix).lstrip()
    shown_after = squeeze(suffix) + ("…" if finish < sentence_end else "")
    space_before = " " if prefix[-1:].isspace() and squeeze(prefix) else ""
    space_after = " " if suffix[:1].isspace() and squeeze(suffix) else ""
    context = f"{shown_before}{space_before}⟦{squeeze(text[start:end])}⟧{space_after}{shown_after}"
    return context, prefix, suffix


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
    mentions = []
    for number in sorted(ignored):
        line = lines[number - 1]
        for found in gazetteer.find(line):
            if all(c.taught for c in found.candidates):
                continue
            mention = _mention(plan_id, None, "source", line, found, found.candidates, number)
            mention.decision, mention.reason = "not-modelled", ignored[number]
            mention.confidence = ""
            mentions.append(mention)
    return mentions
