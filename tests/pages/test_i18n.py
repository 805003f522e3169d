"""Interface messages: every key in French and English, errors naming the file."""

from __future__ import annotations

import pytest

from lodplan.pages.i18n import LANGUAGES, Messages, MessagesError, bundled_messages


def test_every_bundled_message_exists_in_every_language():
    messages = bundled_messages()
    assert messages.by_key
    for texts in messages.by_key.values():
        assert set(texts) == set(LANGUAGES) and all(texts.values())
        plural = [isinstance(text, dict) for text in texts.values()]
        assert all(plural) or not any(plural)  # plural forms in every language, or none


def test_a_translator_fills_fields_and_falls_back_to_french_for_unknown_languages():
    messages = Messages({"hello": {"fr": "Bonjour {name}", "en": "Hello {name}"}})
    assert messages.translator("en")("hello", name="Ana") == "Hello Ana"
    assert messages.translator("xx")("hello", name="Ana") == "Bonjour Ana"
    with pytest.raises(KeyError, match="nope"):
        messages.translator("fr")("nope")


def test_a_key_without_english_or_defined_twice_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text('k: {fr: "a"}\n', encoding="utf-8")
    with pytest.raises(MessagesError, match=r"a\.yaml.*'k'.*en"):
        Messages.load(tmp_path)
    (tmp_path / "a.yaml").write_text('k: {fr: "a", en: "a"}\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('k: {fr: "b", en: "b"}\n', encoding="utf-8")
    with pytest.raises(MessagesError, match=r"b\.yaml.*already defined"):
        Messages.load(tmp_path)


# -- plurals and numbers (CLDR, through Babel) -------------------------------------------

PLURAL = {
    "n": {
        "fr": {"one": "{count} action", "other": "{count} actions"},
        "en": {"one": "{count} action", "other": "{count} actions"},
    }
}


@pytest.mark.parametrize(
    ("lang", "count", "text"),
    [
        ("fr", 0, "0 action"),  # French: 0 and 1 take the singular
        ("fr", 1, "1 action"),
        ("fr", 2, "2 actions"),
        ("fr", 526052, "526\u202f052 actions"),  # CLDR groups digits with a narrow space
        ("en", 0, "0 actions"),
        ("en", 1, "1 action"),
        ("en", 526052, "526,052 actions"),
    ],
)
def test_a_count_chooses_the_plural_form_of_its_language_and_is_written_as_a_number(
    lang, count, text
):
    assert Messages(PLURAL).translator(lang)("n", count=count) == text


def test_the_bundled_plurals_say_1_dated_element_and_1_result():
    french, english = bundled_messages().translator("fr"), bundled_messages().translator("en")
    assert french("home.count.dated", count=1) == "1 élément daté"
    assert french("home.count.dated", count=13) == "13 éléments datés"
    assert french("search.results", count=1, query="vélo") == "1 résultat pour « vélo »"
    assert english("search.results", count=1, query="bike") == "1 result for “bike”"
    assert english("resource.actions_count", count=0) == "0 actions"
    assert french("resource.actions_count", count=0) == "0 action"


def test_other_fields_are_not_written_as_quantities():
    messages = Messages({"y": {"fr": "de {start} à {count}", "en": "from {start} to {count}"}})
    assert messages.translator("fr")("y", start=2021, count=2026) == "de 2021 à 2\u202f026"


def test_a_plural_message_without_a_count_is_a_clear_error():
    with pytest.raises(KeyError, match=r"'n' has plural forms"):
        Messages(PLURAL).translator("fr")("n")


def test_plural_forms_must_be_cldr_categories_with_other(tmp_path):
    (tmp_path / "a.yaml").write_text(
        'k: {fr: {one: "a", plenty: "b", other: "c"}, en: "x"}\n', encoding="utf-8"
    )
    with pytest.raises(MessagesError, match=r"a\.yaml.*'k' in fr.*plenty"):
        Messages.load(tmp_path)
    (tmp_path / "a.yaml").write_text('k: {fr: {one: "a"}, en: "x"}\n', encoding="utf-8")
    with pytest.raises(MessagesError, match=r"a\.yaml.*'k' in fr.*no 'other'"):
        Messages.load(tmp_path)


def test_a_script_gets_the_plural_forms_themselves():
    forms = bundled_messages().translator("fr").raw("search.results")
    assert isinstance(forms, dict) and set(forms) == {"one", "other"}
