from datetime import date

import pytest

from lodplan.errors import MappingError
from lodplan.mapping.dates import (
    NO_CUES,
    bundled_date_cues,
    bundled_date_cues_path,
    find_dates,
    load_date_cues,
)
from lodplan.terms import DATE_ROLE


def test_day_with_year():
    [mention] = find_dates("Colloque - Nancy - 7 mars 2023")
    assert (mention.start, mention.end, mention.precision) == (
        date(2023, 3, 7),
        date(2023, 3, 7),
        "jour",
    )
    assert mention.text == "7 mars 2023"


def test_day_without_year_uses_declared_year_only():
    assert find_dates("séminaire - 7 février") == []
    [mention] = find_dates("séminaire - 7 février", assume_year=2023)
    assert mention.start == date(2023, 2, 7)


def test_range_of_days():
    [mention] = find_dates("Assemblée Générale METZ (27-28 juin)", assume_year=2023)
    assert (mention.start, mention.end) == (date(2023, 6, 27), date(2023, 6, 28))
    assert mention.text == "27-28 juin"


def test_two_dates_in_one_text_in_reading_order():
    text = "2 événements : 15 février (mobilité) et 29 mars (territoires)"
    mentions = find_dates(text, assume_year=2023)
    assert [m.start for m in mentions] == [date(2023, 2, 15), date(2023, 3, 29)]


def test_month_precision_bounds():
    [mention] = find_dates("séminaire final en juillet 2023 à Victoria")
    assert (mention.start, mention.end, mention.precision) == (
        date(2023, 7, 1),
        date(2023, 7, 31),
        "mois",
    )
    [february] = find_dates("février 2024")
    assert february.end == date(2024, 2, 29)


def test_season_precision():
    [mention] = find_dates("au printemps 2019")
    assert (mention.start, mention.end, mention.precision) == (
        date(2019, 3, 1),
        date(2019, 5, 31),
        "saison",
    )
    [winter] = find_dates("cet hiver", assume_year=2019)
    assert winter.end == date(2020, 2, 29)


@pytest.mark.parametrize(
    "text",
    ["2 / an", "programmation 21-27", "Borders Forum 2024", "Marmaris", "1er axe"],
)
def test_numbers_that_are_not_dates(text):
    assert find_dates(text, assume_year=2023) == []


def test_impossible_day_is_an_error():
    with pytest.raises(ValueError, match="31 février"):
        find_dates("31 février", assume_year=2023)


def test_period_of_days_across_months():
    [mention] = find_dates("du 30 juin au 2 juillet 2023")
    assert (mention.start, mention.end, mention.role) == (
        date(2023, 6, 30),
        date(2023, 7, 2),
        "periode",
    )


def test_period_of_months():
    [mention] = find_dates("mars-avril 2023")
    assert (mention.start, mention.end, mention.precision) == (
        date(2023, 3, 1),
        date(2023, 4, 30),
        "mois",
    )


def test_month_without_year_needs_a_declared_year_and_a_date_word():
    assert find_dates("en juillet") == []
    [mention] = find_dates("en juillet", assume_year=2023)
    assert (mention.start, mention.end) == (date(2023, 7, 1), date(2023, 7, 31))
    assert find_dates("Mai 68 et mars", assume_year=2023) == []


def test_the_verb_ete_is_not_a_season():
    assert find_dates("le projet a été lancé", assume_year=2023) == []
    [mention] = find_dates("à l'automne", assume_year=2023)
    assert mention.precision == "saison"


def test_period_of_years():
    [mention] = find_dates("Suivi des PdL de la mandature 2022-2027")
    assert (mention.start, mention.end, mention.precision, mention.role) == (
        date(2022, 1, 1),
        date(2027, 12, 31),
        "annee",
        "periode",
    )


def test_lone_years_only_when_asked_and_not_in_names():
    text = "Agenda Territorial 2030 - Borders Forum 2024"
    assert find_dates(text) == []
    [mention] = find_dates(text, years=True, not_dates=["Agenda Territorial 2030"])
    assert (mention.start, mention.end, mention.text) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        "2024",
    )


def test_two_days_joined_by_et():
    [mention] = find_dates("qui aura lieu les 18 et 19 mars 2019 à Metz")
    assert (mention.start, mention.end, mention.precision) == (
        date(2019, 3, 18),
        date(2019, 3, 19),
        "jour",
    )
    assert mention.text == "18 et 19 mars 2019"


def test_month_named_after_le_mois_de():
    [mention] = find_dates("il nous faudra, dès le mois de mars, actualiser", assume_year=2019)
    assert (mention.start, mention.end, mention.precision) == (
        date(2019, 3, 1),
        date(2019, 3, 31),
        "mois",
    )
    assert mention.text == "dès le mois de mars"


@pytest.mark.parametrize(
    ("text", "phrase", "bounds"),
    [
        ("au premier semestre 2019", "premier semestre 2019", ((2019, 1, 1), (2019, 6, 30))),
        ("Dès le premier semestre, une série", "premier semestre", ((2019, 1, 1), (2019, 6, 30))),
        ("prévu au 1^{er} trimestre 2019.", "1^{er} trimestre 2019", ((2019, 1, 1), (2019, 3, 31))),
        ("au 3e trimestre 2020", "3e trimestre 2020", ((2020, 7, 1), (2020, 9, 30))),
    ],
)
def test_semesters_and_quarters_are_periods_of_months(text, phrase, bounds):
    # the reading alone (a cue before it, « Dès le », would make it a start)
    [mention] = find_dates(text, assume_year=2019, cues=NO_CUES)
    assert mention.text == phrase
    assert (mention.start, mention.end) == (date(*bounds[0]), date(*bounds[1]))
    assert (mention.precision, mention.role) == ("mois", "periode")


def test_a_period_the_document_names_is_read_as_its_days():
    from lodplan.mapping.dates import NamedPeriod

    hundred = NamedPeriod("100 jours", date(2019, 1, 30), date(2019, 5, 9))
    text = "Au cours des 100 jours, le partenariat sera formalisé, puis en juin 2019."
    assert find_dates(text) == find_dates("puis en juin 2019.")  # undeclared: not a date
    period, june = find_dates(text, periods=[hundred])
    assert (period.start, period.end, period.text, period.role) == (
        date(2019, 1, 30), date(2019, 5, 9), "100 jours", "periode",
    )  # fmt: skip
    assert june.text == "juin 2019"
    assert find_dates("les 1100 jours", periods=[hundred]) == []  # whole words only


# --- roles from the words before a date (referentials/date-cues/date-cues.yaml) ---


@pytest.mark.parametrize(
    ("text", "phrase", "role"),
    [
        ("Proxidon, dont le lancement est prévu au 1er trimestre 2019.",
         "lancement est prévu au 1er trimestre 2019", "debut"),
        ("un appel à volontaires lancé dès janvier 2019", "dès janvier 2019", "debut"),
        ("il nous faudra, dès le mois de mars, actualiser", "dès le mois de mars", "debut"),
        ("ouvert à partir de septembre 2023", "à partir de septembre 2023", "debut"),
        ("Dès le premier semestre, une série d'évènements", "Dès le premier semestre", "debut"),
        ("les actions à mener d'ici à 2025", "d'ici à 2025", "echeance"),
        ("un système plus durable à l'horizon 2050.", "à l'horizon 2050", "echeance"),
        ("rendu au plus tard en juin 2024", "au plus tard en juin 2024", "echeance"),
        ("le dispositif court jusqu'en 2021", "jusqu'en 2021", "fin"),
        ("prolongé jusqu’à fin 2024", "jusqu’à fin 2024", "fin"),
    ],
)  # fmt: skip
def test_a_cue_before_a_date_gives_its_role_and_stays_in_its_text(text, phrase, role):
    [mention] = find_dates(text, assume_year=2019, years=True)
    assert (mention.text, mention.role) == (phrase, role)


def test_without_a_cue_the_reading_or_the_mapping_decides_the_role():
    [period] = find_dates("au 1er trimestre 2019")
    [event] = find_dates("le colloque aura lieu en mars 2019", role="evenement")
    assert (period.text, period.role) == ("1er trimestre 2019", "periode")
    assert (event.text, event.role) == ("mars 2019", "evenement")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("sera présenté fin avril 2019.", "fin avril 2019"),
     ("la métropole demandera, début 2019, à être", "début 2019"),
     ("courant mars 2019, la métropole", "courant mars 2019")],
)  # fmt: skip
def test_words_saying_when_within_a_period_are_kept_but_give_no_role(text, phrase):
    # « présenté fin avril 2019 » dates a presentation: not the end of the action
    [mention] = find_dates(text, years=True, role="evenement")
    assert (mention.text, mention.role) == (phrase, "evenement")


def test_depuis_starts_the_action_only_in_its_own_clause():
    text = (
        "les actions de mobilisation menées par l'ALEC depuis 2017, et qui seront "
        "élargies en 2019 à la Ville de Worms"
    )
    own = (0, text.index(","))
    since, extended = find_dates(text, years=True, action_clause=own)
    assert (since.text, since.role) == ("depuis 2017", "debut")
    assert (extended.text, extended.role) == ("2019", "evenement")
    # in narrative (no action) or in another clause, « depuis » dates a past event
    [past] = find_dates("Depuis 2010 déjà, la métropole s'investit", years=True)
    assert (past.text, past.role) == ("Depuis 2010", "evenement")
    [other] = find_dates(text, years=True, action_clause=(text.index("élargies"), len(text)))[:1]
    assert other.role == "evenement"


def test_no_cues_keeps_the_phrase_and_the_role_asked():
    [mention] = find_dates("dès janvier 2019", role="echeance", cues=NO_CUES)
    assert (mention.text, mention.role) == ("janvier 2019", "echeance")


def test_a_cue_is_not_taken_from_another_date():
    first, second = find_dates("du 3 mars au 5 mars 2019 puis dès avril 2019")
    assert (first.role, second.text, second.role) == ("periode", "dès avril 2019", "debut")


def test_english_cues_are_declared_too():
    cues = bundled_date_cues("en")
    assert ("by", "echeance") in cues.roles and "since" in cues.ongoing


def test_every_cue_role_is_a_concept_of_the_date_role_list(vocabulary):
    for cues in load_date_cues(bundled_date_cues_path()).values():
        for _, role in cues.roles:
            assert vocabulary.has_concept(str(DATE_ROLE[role])), role


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("lodplan-date-cues: 2\nlanguages: {}\n", "lodplan-date-cues"),
        ("lodplan-date-cues: 1\nlanguages: {fr: {roles: {demain: [dès]}}}\n", "languages.fr.roles"),
        ("lodplan-date-cues: 1\nlanguages: {fr: {links: au}}\n", "languages.fr.links"),
        ("lodplan-date-cues: 1\nlanguages: {fr: {jours: []}}\n", "languages.fr"),
    ],
)  # fmt: skip
def test_a_bad_cue_file_is_a_clear_error(tmp_path, content, field):
    path = tmp_path / "date-cues.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_date_cues(path)
    assert caught.value.field == field and str(path) in str(caught.value)


def test_a_cue_is_read_whatever_its_case_and_apostrophe():
    [mention] = find_dates("À L’HORIZON 2030, le réseau", years=True)
    assert (mention.text, mention.role) == ("À L’HORIZON 2030", "echeance")
    # a word that only ends like a cue is no cue
    [mention] = find_dates("un bâtiment rénovéavant 2030", years=True, role="evenement")
    assert (mention.text, mention.role) == ("2030", "evenement")
