"""The rule that tells whether a curated text is the source's words (OCR noise aside)."""

from __future__ import annotations

import pytest

from lodplan.mapping.source_words import first_words_not_found

# OCR of a brochure: lost accents and apostrophes, a hyphen at a line break, a
# misread letter, a superscript read as "°", a heading in capitals
OCR = (
    "LE PROJET DE TERRITOIRE\n"
    "Le 1° projet de territoire construit en 2010 nous a permis de réaffirmer\n"
    "et de conforter lattractivité du Bassin. La periode actuelle nous invite a renfor-\n"
    "cer la solidarite avec les difféerents acteurs."
)


@pytest.mark.parametrize(
    "text",
    [
        "Le projet de territoire",  # a heading in capitals, written in ordinary case
        "Le 1er projet de territoire construit en 2010 nous a permis de réaffirmer "
        "et de conforter l'attractivité du Bassin.",  # "1°", "lattractivité"
        "La période actuelle nous invite à renforcer la solidarité avec les différents "
        "acteurs.",  # accents, a hyphen at a line break, a doubled letter
        "la période actuelle nous invite",  # a sentence's first letter may change case
        # a sentence left out whole
        "Le 1er projet de territoire construit en 2010 nous a permis de réaffirmer et de "
        "conforter l'attractivité du Bassin. La période actuelle",
    ],
)
def test_the_sources_words_are_found_despite_the_ocr(text):
    assert first_words_not_found(text, OCR) is None


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        # a paraphrase: the words are not the source's
        ("Le premier projet de territoire, construit en 2010, a permis de réaffirmer", "premier"),
        # a word added by the editor
        ("La période actuelle nous invite fortement à renforcer", "fortement à renforcer"),
        # a word replaced
        ("La période présente nous invite", "présente nous invite"),
        # words cut out of a sentence (not a whole sentence, not at a line break)
        ("Le 1er projet de territoire nous a permis", "nous a permis"),
        # the start of a sentence cut off
        ("conforter l'attractivité du Bassin nous invite", "nous invite"),
        # words cut across a line break (the line's end and the next line's start)
        ("La période actuelle nous invite à la solidarité", "la solidarité"),
        # case changed inside a sentence, the source not in capitals
        ("du bassin.", "bassin."),
        # the editor's remark after the source's words
        (
            "La période actuelle nous invite. Titre sur la page de synthèse.",
            "Titre sur la page de synthèse.",
        ),
    ],
)
def test_anything_else_is_not_the_sources_words(text, missing):
    found = first_words_not_found(text, OCR)
    assert found is not None and missing in found


def test_interleaved_columns_are_skipped_at_line_breaks():
    # two columns of a page, interleaved by the OCR line by line
    columns = "+ Filieres industrielles @ ENERGIE ET\n- Tourisme, culture ECO CIRCULAIRE\n- Emploi"
    text = "Filières industrielles - Tourisme, culture - Emploi"
    assert first_words_not_found(text, columns) is None
    assert first_words_not_found("Énergie et éco circulaire", columns) is None
    # but a skip inside one line is a cut, not a column
    assert "ENERGIE ET" in str(first_words_not_found("Filières ENERGIE ET", columns))


def test_an_ocr_capital_inside_a_word_may_be_lowered():
    assert first_words_not_found("les modes de vie", "les modes de Vvie") is None
