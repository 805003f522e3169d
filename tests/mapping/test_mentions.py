"""Names of places and organisations found in elements and passages, and what they are
linked to."""

from __future__ import annotations

from lodplan.mapping.actors import Actor
from lodplan.mapping.common_words import bundled_common_words_path, load_common_words
from lodplan.mapping.mentions import (
    CONTEXT_CHARS,
    build_gazetteer,
    epci_names,
    is_only_a_name,
    mentions_in_ignored_lines,
    reconcile,
)
from lodplan.mapping.model import Clauses, Element, Introduction, Outline, Passage, Span
from lodplan.mapping.reviews import Review, Reviews
from lodplan.referentials.places import Places, Territory

ACTORS = {
    "commission": Actor("commission", "organization", {"fr": "Commission européenne"}, ("CE",)),
    "insee": Actor("insee", "organization", {"fr": "Insee"}, ("INSEE",)),
    "metz-metropole": Actor(
        "metz-metropole", "organization", {"fr": "Metz Métropole"}, territory="epci:200039865"
    ),
    "culture": Actor("culture", "unit", {"fr": "Culture"}, unit_of="metz-metropole"),
    "chr": Actor("chr", "organization", {"fr": "CHR Metz-Thionville"}),
}
OFFICIAL = [
    ("Metz", "commune:57463"),
    ("Thionville", "commune:57672"),
    ("Jura", "departement:39"),
    ("Metz Métropole", "epci:200039865"),
]


def places() -> Places:
    territories = {"massif-du-jura": Territory("massif-du-jura", {"fr": "Massif du Jura"},
                                               "region-naturelle", ("Jura",))}  # fmt: skip
    return Places(territories=territories)


def link(text: str, reviews: list[Review] = (), publisher: str | None = None):
    element = Element("Action", "action", "Action", text, Span(3, 3, text), label=text)
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL, reviews)
    outline = Outline([element])
    mentions = reconcile("plan", outline, gazetteer, Reviews(list(reviews)), publisher)
    return element, mentions


def test_longest_name_wins_and_accents_and_case_do_not_matter():
    element, mentions = link("Le CHR Metz-Thionville et METZ, à Thionville")
    assert [(m.text, m.decision, m.target.ref) for m in mentions] == [
        ("CHR Metz-Thionville", "unique", "actor:chr"),
        ("METZ", "unique", "commune:57463"),
        ("Thionville", "unique", "commune:57672"),
    ]
    assert element.territories == ["commune:57463", "commune:57672"]
    assert element.involvements == [("chr", "mentionne")]


def test_a_name_must_start_with_a_capital_and_an_acronym_is_read_as_written():
    _, mentions = link("ce que la metz fait ; Ce projet ; la CE et l'Insee, l'INSEE")
    assert [m.text for m in mentions] == ["CE", "Insee", "INSEE"]


def test_services_are_not_looked_for_in_the_text():
    _, mentions = link("La Culture pour tous")
    assert mentions == []


def test_an_organisation_and_the_territory_it_governs_are_one_mention():
    element, [mention] = link("Metz Métropole s'engage")
    assert mention.target.ref == "actor:metz-metropole"
    assert element.involvements == [("metz-metropole", "mentionne")] and not element.territories


def test_the_publisher_and_stated_roles_are_not_replaced():
    element, _ = link("Metz Métropole s'engage", publisher="metz-metropole")
    assert element.involvements == []
    element = Element("Action", "action", "Action", "x", Span(3, 3, "x"), label="Insee")
    element.involvements.append(("insee", "partenaire"))
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL)
    reconcile("plan", Outline([element]), gazetteer, Reviews(), None)
    assert element.involvements == [("insee", "partenaire")]


def test_an_ambiguous_name_waits_for_a_review_and_is_not_linked():
    element, [mention] = link("Les plateaux du Jura")
    assert mention.needs_review and mention.target is None
    assert {c.ref for c in mention.candidates} == {"departement:39", "massif-du-jura"}
    assert element.territories == []


def test_a_review_decides_for_its_plan_and_lines_only():
    review = Review("Jura", "massif-du-jura", "the massif", frozenset({"plan"}), frozenset({3}))
    _, [mention] = link("Les plateaux du JURA", [review])
    assert (mention.decision, mention.target.ref) == ("reviewed", "massif-du-jura")
    assert mention.review is review
    elsewhere = Review("Jura", "massif-du-jura", "x", frozenset({"plan"}), frozenset({9}))
    _, [mention] = link("Les plateaux du Jura", [elsewhere])
    assert mention.needs_review


def test_a_name_reviewed_as_not_linked_is_reported_not_linked():
    review = Review("Jura", None, "a brand name")
    element, [mention] = link("Jura", [review])
    assert mention.decision == "not-linked" and element.territories == []
    assert mention.reason == "a brand name"


def test_a_review_teaches_a_name_only_where_it_applies():
    region = Review("Région", "actor:insee", "the plan's région", frozenset({"plan"}))
    element, [mention] = link("avec la Région", [region])
    assert (mention.decision, mention.target.ref) == ("reviewed", "actor:insee")
    assert element.involvements == [("insee", "mentionne")]
    acronym = Review("AN", "actor:insee", "x", frozenset({"plan"}), frozenset({9}))
    assert link("l'AN et le Sénat", [acronym])[1] == []  # line 3: the review does not apply


def test_passages_mention_what_they_name_without_linking_the_element():
    element = Element("Objective", "chantier", "Chantier", "Chantier", Span(1, 1, "x"))
    element.label = "Chantier"
    element.passages.append(Passage(Span(4, 4, "q"), "Metz Métropole et l'Insee à Thionville"))
    preamble = Passage(Span(1, 2, "q"), "L'Insee", label="Préambule")
    outline = Outline([element], passages=[preamble])
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL)
    mentions = reconcile("plan", outline, gazetteer, Reviews(), "metz-metropole")
    assert [(m.field, m.line, m.text) for m in mentions] == [
        ("passage", 4, "Metz Métropole"),
        ("passage", 4, "Insee"),
        ("passage", 4, "Thionville"),
        ("passage", 1, "Insee"),
    ]
    assert element.passages[0].mentions == ["actor:metz-metropole", "actor:insee", "commune:57672"]
    assert preamble.mentions == ["actor:insee"]
    assert element.territories == [] and element.involvements == []


def test_epci_names_with_and_without_their_legal_form():
    assert epci_names("CC du Bassin de Pompey") == {
        "CC du Bassin de Pompey",
        "Communauté de communes du Bassin de Pompey",
        "Bassin de Pompey",
    }
    assert epci_names("Metz Métropole") == {"Metz Métropole"}


def test_names_on_ignored_lines_are_listed_as_not_modelled():
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL)
    lines = ["Titre", "À Thionville, le CHR Metz-Thionville", "Metz"]
    mentions = mentions_in_ignored_lines("plan", lines, {2: "narrative not modelled"}, gazetteer)
    assert [(m.line, m.text, m.decision, m.target) for m in mentions] == [
        (2, "Thionville", "not-modelled", None),
        (2, "CHR Metz-Thionville", "not-modelled", None),
    ]
    assert not any(m.needs_review for m in mentions)
    assert mentions[0].reason == "narrative not modelled"


# -- a sentence of several actions (issue 15.2) ------------------------------------------

SENTENCE = (
    "À Thionville, on lancera le réseau A à Metz, et l'atelier B avec le CHR Metz-Thionville."
)


def two_actions(reviews: list[Review] = ()):
    first = Element("Action", "action", "Action", "réseau A", Span(7, 7, "[réseau A](#)"),
                    label="réseau A", description=SENTENCE)  # fmt: skip
    second = Element("Action", "action", "Action", "atelier B", Span(7, 7, "[atelier B](#)"),
                     label="atelier B", description=SENTENCE)  # fmt: skip
    first.clauses = Clauses("on lancera le réseau A à Metz", ("À Thionville",), ("A", "B"))
    second.clauses = Clauses("et l'atelier B avec le CHR Metz-Thionville", (), ("A", "B"))
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL, reviews)
    mentions = reconcile("plan", Outline([first, second]), gazetteer, Reviews(list(reviews)), None)
    return first, second, mentions


def test_a_name_goes_to_the_action_whose_clause_names_it():
    first, second, mentions = two_actions()
    assert (first.territories, first.involvements) == (["commune:57463"], [])
    assert (second.territories, second.involvements) == ([], [("chr", "mentionne")])
    # the description is still the whole sentence (nothing lost)
    assert first.description == second.description == SENTENCE
    decided = {(m.element.label, m.text, m.decision) for m in mentions}
    assert ("réseau A", "Metz", "unique") in decided
    assert ("atelier B", "CHR Metz-Thionville", "unique") in decided


def test_a_name_no_clause_holds_waits_for_a_review_on_no_action():
    first, second, mentions = two_actions()
    [waiting] = [m for m in mentions if m.needs_review]
    assert (waiting.text, waiting.decision, waiting.target) == ("Thionville", "which-action", None)
    assert "reader.actions.contexts" in waiting.reason
    assert "commune:57672" not in first.territories + second.territories
    # a person decides it names neither action: reviewed, not linked
    review = Review("Thionville", None, "the whole sentence's place", frozenset({"plan"}),
                    frozenset({7}))  # fmt: skip
    first, second, mentions = two_actions([review])
    [decided] = [m for m in mentions if m.text == "Thionville"]
    assert (decided.decision, decided.needs_review) == ("not-linked", False)
    # a review that says what the name designates does not say which action it is
    review = Review("Thionville", "commune:57672", "x", frozenset({"plan"}), frozenset({7}))
    _, _, mentions = two_actions([review])
    [waiting] = [m for m in mentions if m.text == "Thionville"]
    assert waiting.decision == "which-action"


def test_the_publisher_named_where_no_clause_holds_it_needs_no_decision():
    first = Element("Action", "action", "Action", "A", Span(7, 7, "A"), label="A")
    first.clauses = Clauses("A", ("Metz Métropole lancera",), ("A", "B"))
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL)
    [mention] = reconcile("plan", Outline([first]), gazetteer, Reviews(), "metz-metropole")
    assert (mention.decision, mention.needs_review) == ("unique", False)
    assert first.involvements == []
    [mention] = reconcile("plan", Outline([first]), gazetteer, Reviews(), "insee")
    assert mention.needs_review


# -- a sentence that introduces a list (issue 15, fresh reading) -------------------------


def listed(clause: str, roles=("pilote",), reviews: list[Review] = (), involvements=()):
    items = []
    for text in ("projet A", "projet B"):
        item = Element("Action", "action", "Action", text, Span(9, 9, f"- [{text}](#)"),
                       label=text, involvements=list(involvements))  # fmt: skip
        item.introduced = Introduction(8, clause, tuple(roles))
        items.append(item)
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL, reviews)
    mentions = reconcile("plan", Outline(items), gazetteer, Reviews(list(reviews)), None)
    return items, mentions


def test_the_organisation_a_list_s_introduction_names_has_its_role_on_every_item():
    items, mentions = listed("les projets portés par le CHR Metz-Thionville")
    assert [i.involvements for i in items] == [[("chr", "pilote")]] * 2
    assert {(m.line, m.field, m.decision) for m in mentions} == {(8, "introduction", "unique")}
    # a role stated for the item already (mentionne from its own text) is made precise
    items, _ = listed("portés par le CHR Metz-Thionville", involvements=[("chr", "mentionne")])
    assert items[0].involvements == [("chr", "pilote")]
    # places named there are the introducing sentence's, not the items'
    items, _ = listed("les projets de Metz portés par le CHR Metz-Thionville")
    assert items[0].territories == []


def test_an_introduction_that_does_not_say_alone_who_does_the_items_waits_for_a_review():
    clause = "les projets portés par le CHR Metz-Thionville et l'Insee"
    items, mentions = listed(clause)
    assert all(i.involvements == [] for i in items)
    waiting = [m for m in mentions if m.needs_review]
    assert {(m.text, m.decision) for m in waiting} == {
        ("CHR Metz-Thionville", "which-actor"), ("Insee", "which-actor")
    }  # fmt: skip
    assert "line 8" in waiting[0].reason
    # two verbs of two roles: the same
    _, mentions = listed("portés par le CHR Metz-Thionville", roles=("pilote", "financeur"))
    assert {m.decision for m in mentions} == {"which-actor"}
    # a person decides a name designates nobody here: not linked, nothing waits
    reviews = [
        Review(name, None, "x", frozenset({"plan"}), frozenset({8}))
        for name in ("CHR Metz-Thionville", "Insee")
    ]
    items, mentions = listed(clause, reviews=reviews)
    assert not any(m.needs_review for m in mentions)
    assert all(i.involvements == [] for i in items)


def test_only_a_name():
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL)
    assert is_only_a_name(gazetteer, "Metz Métropole")
    assert is_only_a_name(gazetteer, "le CHR Metz-Thionville")
    assert not is_only_a_name(gazetteer, "réseau de Metz")
    assert not is_only_a_name(gazetteer, "Metz et Thionville")


# --- names that are also words of French: only certain links are published ---------

WORDS = load_common_words(
    bundled_common_words_path()
)  # the bundled list: "plan", "etat", "vif", "lot" are among its words
ISERE = [("Plan", "commune:38308"), ("Vif", "commune:38545"), ("Lot", "departement:46")]
STATE = {"etat": Actor("etat", "organization", {"fr": "État"})}


def read(text: str, reviews: list[Review] = ()):
    element = Element("Action", "action", "Action", text, Span(7, 7, text), label=text)
    gazetteer = build_gazetteer(Places(), STATE, ISERE, reviews, WORDS)
    mentions = reconcile("plan", Outline([element]), gazetteer, Reviews(list(reviews)), None)
    return element, mentions


def decisions(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.decision) for m in read(text)[1]]


def test_the_first_word_of_a_heading_is_not_the_state():
    # Pompey's step « 1. ETAT DES LIEUX » (curated label « État des lieux »)
    element, [mention] = read("État des lieux")
    assert (mention.decision, mention.target) == ("not-a-name", None)
    assert mention.evidence == "a word of French, first word of its sentence"
    assert element.involvements == [] and not mention.needs_review
    assert decisions("1. ETAT DES LIEUX - 29 MAI 2021") == [("ETAT", "not-a-name")]
    assert decisions("Bilan. État des lieux") == [("État", "not-a-name")]


def test_le_plan_climat_is_not_the_commune_of_plan():
    element, [mention] = read("Le Plan Climat Air Énergie Territorial sera révisé")
    assert mention.decision == "not-a-name" and element.territories == []
    assert mention.evidence == "a word of French after « le »: not a commune"


def test_a_cue_makes_a_word_of_french_a_name():
    element, mentions = read("Rénover la mairie à Plan et à Vif avec l'État")
    assert [(m.text, m.decision, m.confidence, m.evidence) for m in mentions] == [
        ("Plan", "unique", "certain", "a word of French after « à »"),
        ("Vif", "unique", "certain", "a word of French after « à »"),
        ("État", "unique", "certain", "a word of French after « l' »"),
    ]
    assert element.territories == ["commune:38308", "commune:38545"]
    assert element.involvements == [("etat", "mentionne")]
    assert decisions("la salle des fêtes de la commune de Plan") == [("Plan", "unique")]


def test_without_a_cue_a_word_of_french_waits_for_a_review():
    element, [plan, vif] = read("les communes voisines, Plan, Vif et d'autres")
    assert (plan.decision, plan.confidence, plan.target) == ("probable", "probable", None)
    assert plan.needs_review and vif.needs_review and element.territories == []
    assert [c.ref for c in plan.candidates] == ["commune:38308"]
    # a person accepts it: published, the review as its evidence
    review = Review("Plan", "commune:38308", "the commune, in a list of communes")
    element, [plan, _] = read("les communes voisines, Plan, Vif et d'autres", [review])
    assert (plan.decision, plan.rule, plan.review) == ("reviewed", "review", review)
    assert element.territories == ["commune:38308"]


def test_capitals_say_nothing_in_a_sentence_in_capitals():
    assert decisions("LE LOT 2 DU MARCHÉ") == [("LOT", "not-a-name")]
    # the sentence counts, not the text: a heading in capitals before a paragraph
    assert decisions("AGIR À PLAN. Ensuite, une phrase.") == [("PLAN", "not-a-name")]
    assert decisions("Lot 2 : travaux") == [("Lot", "not-a-name")]
    assert decisions("dans le département du Lot") == [("Lot", "unique")]


def test_names_that_are_no_word_of_french_need_no_cue():
    gazetteer = build_gazetteer(places(), ACTORS, OFFICIAL, (), WORDS)
    label = "METZ ET THIONVILLE"
    element = Element("Action", "action", "Action", "x", Span(1, 1, "x"), label=label)
    [metz, thionville] = reconcile("plan", Outline([element]), gazetteer, Reviews(), None)
    assert (metz.decision, metz.confidence, metz.rule) == ("unique", "certain", "cog-commune")
    assert metz.evidence == "a name (in a sentence in capitals)"
    assert thionville.decision == "unique"


def test_a_name_declared_in_capitals_is_a_name_in_capitals():
    places_ = Places(names={"TECHNOPÔLE": "technopole", "Technopôle": "technopole"})
    gazetteer = build_gazetteer(places_, {}, (), (), WORDS)
    common = load_common_words(bundled_common_words_path())
    assert common.is_common(("technopole",))
    element = Element("Action", "action", "Action", "x", Span(1, 1, "x"),
                      label="EST NÉ LE TECHNOPÔLE, LIEU D'INTELLIGENCE")  # fmt: skip
    [mention] = reconcile("plan", Outline([element]), gazetteer, Reviews(), None)
    assert (mention.decision, mention.rule) == ("unique", "place-name")


def test_every_mention_carries_its_sentence_and_rule():
    _, [mention] = read("Premier point. Les élus de la commune de Vif voteront. Fin")
    assert mention.context == "Les élus de la commune de ⟦Vif⟧ voteront."
    # the text just before and after the name, as read (Web Annotation's prefix, suffix)
    assert (mention.prefix, mention.suffix) == ("Les élus de la commune de ", " voteront.")
    assert mention.rule == "cog-commune" and mention.line == 7
    _, [mention] = read("Un " + "très " * 60 + "long projet à Vif et " + "encore " * 60 + "!")
    assert mention.context.startswith("…très très") and mention.context.endswith("…")
    assert len(mention.prefix) == len(mention.suffix) == CONTEXT_CHARS


def test_the_common_words_file_is_checked(tmp_path):
    import pytest

    from lodplan.errors import MappingError

    path = tmp_path / "words.yaml"
    path.write_text("lodplan-common-words: 1\ncues: {towns: [à]}\n", encoding="utf-8")
    with pytest.raises(MappingError, match="cues"):
        load_common_words(path)
    path.write_text("lodplan-common-words: 1\nwords: [plan]\nnot-common: [plan]\n")
    assert not load_common_words(path).is_common(("plan",))
    path.write_text("words: [plan]\n")
    with pytest.raises(MappingError, match="lodplan-common-words"):
        load_common_words(path)


def test_a_commune_with_homonyms_elsewhere_says_so_in_its_evidence():
    gazetteer = build_gazetteer(Places(), {}, ISERE, (), WORDS, {"commune:38545": 2})
    element = Element("Action", "action", "Action", "x", Span(1, 1, "x"), label="Aller à Vif")
    [vif] = reconcile("plan", Outline([element]), gazetteer, Reviews(), None)
    assert vif.decision == "unique"
    assert vif.evidence == (
        "a word of French after « à »; 2 commune(s) of this name outside reconcile.communes-in"
    )


def test_homonyms_are_counted_outside_the_declared_departements():
    from lodplan.mapping.mentions import homonyms_elsewhere
    from lodplan.referentials.cog import bundled_cog

    counts = homonyms_elsewhere(bundled_cog(), ["57"])
    assert counts["commune:57447"] >= 1  # Marly (Moselle); Marly (Nord)
    assert "commune:57463" not in counts  # Metz is the only Metz
