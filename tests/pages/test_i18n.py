"""Interface messages: every key in French and English, errors naming the file."""

from __future__ import annotations

import pytest

from lodplan.pages.i18n import LANGUAGES, Messages, MessagesError, bundled_messages


def test_every_bundled_message_exists_in_every_language():
    messages = bundled_messages()
    assert messages.by_key
    for texts in messages.by_key.values():
        assert set(texts) == set(LANGUAGES) and all(texts.values())


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
