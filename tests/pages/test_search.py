"""The search (lodplan.pages.search): words, stems, ranking, snippets, suggestions,
filters, and its index file; the relevance cases of issue 19 on the bundled plans."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lodplan.pages.search import (
    Entry,
    Filters,
    SearchIndex,
    collect_entries,
    edit_distance,
    index_file,
    search,
    stem,
    tokens,
    words,
    write_index,
)
from lodplan.store.base import StoreInfo
from lodplan.store.embedded import EmbeddedStore

PLAN = "http://site.test/plan/p"
OTHER = "http://site.test/plan/q"
TOWN = "http://site.test/territory/town"


def entry(name: str, label: str, description: str | None = None, **fields) -> Entry:
    fields.setdefault("kind", "action")
    fields.setdefault("plan", PLAN)
    return Entry(f"{PLAN}/{name}", label=label, description=description, **fields)


ENTRIES = [
    Entry(PLAN, "plan", "Projet de territoire", plan=PLAN),
    Entry(OTHER, "plan", "Plan climat", plan=OTHER),
    entry("dev", "Développement économique", "Développer les zones d'activité"),
    entry("velo", "Plan vélo", "Des pistes pour les vélos", territories=(TOWN,)),
    entry("voies", "Voies douces", "Aménager des voies pour vélos et piétons"),
    entry("velodrome", "Rénover le vélodrome"),
    entry("mob1", "Mobilité douce", kind="element"),
    entry("mob2", "Les mobilités du quotidien", plan=OTHER),
    Entry("http://site.test/actor/metz", "actor", "Metz Métropole", alt=("Eurométropole de Metz",)),
    Entry(TOWN, "territory", "Testville"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    path = tmp_path_factory.mktemp("search") / "index.sqlite"
    write_index(path, ENTRIES)
    return SearchIndex(path)


def ranked(index: SearchIndex, query: str, **filters: str) -> list[str]:
    return [e.iri.rsplit("/", 1)[-1] for _, e in search(index, query, Filters(**filters)).ranked]


def test_words_are_folded_runs_of_letters_and_digits_with_their_place():
    found = tokens("L’Œuvre d’Étang n°5")
    assert [t.word for t in found] == ["l", "oeuvre", "d", "etang", "n", "5"]
    assert (found[1].start, found[1].end) == (2, 7)


def test_stems_join_plurals_and_accents():
    assert stem("velos") == stem("velo") == "velo"
    assert stem(words("mobilités")[0]) == stem("mobilite")
    assert stem("cyclables") == stem("cyclable")
    assert stem("developpement") != stem("velo")


def test_a_word_matches_whole_words_and_word_beginnings_not_the_inside_of_words(index):
    found = ranked(index, "vélo")
    assert "dev" not in found  # "développement" holds "velo" inside: no
    assert found[0] == "velo"  # in the label, exactly
    assert set(found) == {"velo", "voies", "velodrome"}  # vélos (stem), vélodrome (prefix)


def test_label_beats_description_and_exact_beats_stem_beats_prefix(index):
    results = search(index, "vélos")
    scores = {e.iri.rsplit("/", 1)[-1]: s for s, e in results.ranked}
    assert scores["velo"] > scores["voies"]  # label (stem) over description (exact)
    assert ranked(index, "velodrome") == ["velodrome"]
    exact, stemmed = search(index, "mobilité").ranked[:2]
    assert exact[1].label == "Mobilité douce" and exact[0] > stemmed[0]


def test_accents_case_and_plurals_do_not_count(index):
    assert ranked(index, "MOBILITÉ") == ranked(index, "mobilite") == ["mob1", "mob2"]
    # the exact word first
    assert ranked(index, "MOBILITES") == ranked(index, "mobilités") == ["mob2", "mob1"]


def test_other_names_are_found(index):
    assert ranked(index, "Eurométropole de Metz") == ["metz"]
    assert ranked(index, "eurometropole") == ["metz"]


def test_an_entry_named_by_the_whole_query_comes_first(tmp_path):
    path = tmp_path / "named.sqlite"
    write_index(path, [entry("long", "Plan vélo de la ville et des villages alentour"),
                       entry("named", "Service des routes", alt=("Plan vélo",))])  # fmt: skip
    assert ranked(SearchIndex(path), "plan vélo") == ["named", "long"]
    assert ranked(SearchIndex(path), "vélo plan") == ["long", "named"]  # label over other name


def test_a_plans_action_holding_the_word_ranks_before_a_concept_of_that_name(tmp_path):
    path = tmp_path / "concept.sqlite"
    write_index(path, [Entry("http://x.test/lever/velo", "concept", "Vélo"),
                       entry("plan-velo", "Mise en œuvre d'un plan vélo volontariste"),
                       entry("voies", "Voies douces", "Aménager des voies pour vélos"),
                       Entry("http://x.test/actor/velo", "actor", "Vélo")])  # fmt: skip
    # an actor named by the whole query first; the action before the concept (a code
    # list's label), which comes before what says the word in a description only
    assert ranked(SearchIndex(path), "vélo") == ["velo", "plan-velo", "velo", "voies"]
    first, _, concept, _ = search(SearchIndex(path), "vélo").ranked
    assert (first[1].kind, concept[1].kind) == ("actor", "concept")


def test_stop_words_need_not_match_but_other_words_must(index):
    assert ranked(index, "les vélos") == ranked(index, "vélos")
    assert ranked(index, "vélo zebre") == []
    assert ranked(index, "de")[0] == "p"  # a query of stop words only needs them
    assert search(index, "x").too_short


def test_snippets_and_labels_mark_the_matched_words(index):
    results = search(index, "vélo")
    hit = next(h for h in results.page(1).items if h.entry.label == "Voies douces")
    assert hit.snippet == [("Aménager des voies pour ", False), ("vélos", True),
                           (" et piétons", False)]  # fmt: skip
    top = results.page(1).items[0]
    assert top.label == [("Plan ", False), ("vélo", True)]


def test_long_descriptions_are_cut_around_the_first_match(index, tmp_path):
    text = " ".join(f"mot{n}" for n in range(100)) + " vélo " + "fin " * 50
    path = tmp_path / "long.sqlite"
    write_index(path, [entry("long", "Titre", text)])
    pieces = search(SearchIndex(path), "vélo").page(1).items[0].snippet
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert (
        ("vélo", True) in pieces
        and pieces[1][0].startswith("mot92 ")
        and "mot91" not in pieces[1][0]
    )


def test_unknown_words_get_a_suggestion_that_finds_something(index):
    assert search(index, "mobilitée").suggestion == "mobilite"
    assert search(index, "velo zzzzzz").suggestion == "velo"  # left out: nothing is close
    assert search(index, "devlopement").suggestion == "developpement"
    assert search(index, "qqqqqq").suggestion is None
    assert edit_distance("piste", "pistes", 2) == 1 and edit_distance("abc", "xyzzy", 1) == 2


def test_filters_keep_a_kind_a_plan_or_a_territory_and_facets_count_the_others(index):
    assert ranked(index, "mobilité", kind="element") == ["mob1"]
    assert ranked(index, "mobilité", plan=OTHER) == ["mob2"]
    assert ranked(index, "vélo", territory=TOWN) == ["velo"]
    results = search(index, "mobilité", Filters(kind="element"))
    assert [(f.value, f.count) for f in results.facets["kind"]] == [("element", 1), ("action", 1)]
    assert [(f.label, f.count) for f in results.facets["plan"]] == [("Projet de territoire", 1)]
    territory = search(index, "vélo", Filters(territory=TOWN))
    assert territory.territory_label == "Testville" and territory.total == 1


def test_results_are_paged(tmp_path):
    path = tmp_path / "many.sqlite"
    write_index(path, [entry(f"a{n}", f"Action {n} mobilité") for n in range(45)])
    results = search(SearchIndex(path), "mobilité")
    assert results.total == 45
    assert [len(results.page(n).items) for n in (1, 2, 3)] == [20, 20, 5]
    assert results.page(4) is None


def test_the_index_file_is_made_once_and_named_by_build_base_and_language(tmp_path):
    calls = []

    def collect() -> list[Entry]:
        calls.append(1)
        return ENTRIES

    info = StoreInfo("build-1", "http://site.test/", "2026-01-01T00:00:00Z")
    path = index_file(tmp_path, info, "fr")
    assert path != index_file(tmp_path, replace(info, build_id="build-2"), "fr")
    assert path != index_file(tmp_path, replace(info, base_iri="http://other.test/"), "fr")
    assert path != index_file(tmp_path, replace(info, built_at="2026-01-02T00:00:00Z"), "fr")
    assert path != index_file(tmp_path, info, "en")
    first = SearchIndex.open_or_build(path, collect)
    again = SearchIndex.open_or_build(path, collect)
    assert calls == [1] and first.size == again.size == len(ENTRIES)
    assert [e.iri for e in again.entries()] == [e.iri for e in ENTRIES]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


# --- the relevance cases of issue 19, on the bundled plans ---


@pytest.fixture(scope="module")
def bundled_index(bundled_build, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    store = EmbeddedStore(bundled_build.store)
    path = tmp_path_factory.mktemp("bundled-search") / "fr.sqlite"
    return SearchIndex.open_or_build(path, lambda: collect_entries(store, "fr"))


def labels(index: SearchIndex, query: str, **filters: str) -> list[str]:
    return [e.label for _, e in search(index, query, Filters(**filters)).ranked]


def test_velo_finds_only_what_says_velo_the_labels_first(bundled_index):
    results = search(bundled_index, "vélo")
    assert results.total >= 3
    for _, found in results.ranked:
        text = " ".join(value for _, value in found.fields())
        assert {"velo", "velos"} & set(words(text)), found.label
    assert "velo" in words(results.ranked[0][1].label)
    # the actions saying « vélo » first (Pompey's plan vélo among them), then the SGPE
    # lever « Vélo », a concept no action has: people search plans for their actions
    top = results.ranked[:3]
    assert [found.kind for _, found in top] == ["action", "action", "concept"]
    assert (
        "Mise en œuvre d'un plan vélo volontariste et ambitieux"
        in labels(bundled_index, "vélo")[:2]
    )
    assert labels(bundled_index, "vélos") == labels(bundled_index, "vélo")


def test_piste_cyclable_suggests_what_the_plans_say(bundled_index):
    results = search(bundled_index, "piste cyclable")
    assert results.suggestion == "cyclable"
    assert (
        labels(bundled_index, "cyclable")[0]
        == "Valoriser conjointement les réseaux cyclables et fluviaux"
    )


def test_mobilites_finds_what_mobilite_finds(bundled_index):
    assert search(bundled_index, "mobilités").total == search(bundled_index, "mobilité").total > 20


def test_eurometropole_de_metz_finds_the_organisation_of_that_other_name(bundled_index):
    found = search(bundled_index, "Eurométropole de Metz")
    assert found.ranked[0][1].label == "Metz Métropole"  # named by the whole query: first
    assert labels(bundled_index, "Eurométropole de Metz", kind="actor")[0] == "Metz Métropole"
