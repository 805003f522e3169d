"""Names that are also words of French (``referentials/common-words/common-words.yaml``).

A capital letter is what tells a name from a word: "Plan" in « à Plan » is the
commune of Isère, in « Le Plan Climat » a document, and « État des lieux » is no
organisation. This module reads the declared list of such words, the cues that make
one a name, and the determiners after which a commune's name is a common noun;
:mod:`lodplan.mapping.mentions` decides with them how sure a link is.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lodplan.bundled import referentials_dir
from lodplan.errors import MappingError
from lodplan.referentials.places import fold

COMMON_WORDS_FORMAT_VERSION = 1
CUE_KINDS = ("communes", "places", "organisations")
KEYS = {"lodplan-common-words", "function-words", "cues", "determiners", "words",
        "also-common", "not-common"}  # fmt: skip
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(fold(m.group()) for m in TOKEN.finditer(text))


@dataclass(frozen=True)
class CommonWords:
    words: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()
    # kind → (cue as folded words, cue as declared)
    cues: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = field(default_factory=dict)
    determiners: frozenset[str] = frozenset()

    def is_common(self, key: tuple[str, ...]) -> bool:
        """Whether a name (folded tokens) is one word of French, articles aside."""
        content = [t for t in key if t not in self.function_words]
        return len(content) == 1 and content[0] in self.words

    def cue(self, kind: str, before: tuple[str, ...]) -> str | None:
        """The cue of ``kind`` that ``before`` (the folded words before a name) ends with."""
        for cue, declared in sorted(self.cues.get(kind, ()), key=lambda c: -len(c[0])):
            if cue and before[-len(cue) :] == cue:
                return declared
        return None

    def after_determiner(self, before: tuple[str, ...]) -> bool:
        return bool(before) and before[-1] in self.determiners


def bundled_common_words_path() -> Path:
    return referentials_dir() / "common-words" / "common-words.yaml"


@functools.cache
def bundled_common_words() -> CommonWords:
    """The list shipped with lodplan (read once per process)."""
    return load_common_words(bundled_common_words_path())


def load_common_words(path: Path | None = None) -> CommonWords:
    path = Path(path) if path is not None else bundled_common_words_path()
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read the common words: {exc}", file=path) from None

    def fail(message: str, where: str | None = None) -> MappingError:
        return MappingError(message, file=path, field=where)

    if not isinstance(data, dict):
        raise fail("is not a mapping of keys")
    if data.get("lodplan-common-words") != COMMON_WORDS_FORMAT_VERSION:
        raise fail(
            f"this lodplan reads common words format {COMMON_WORDS_FORMAT_VERSION}",
            "lodplan-common-words",
        )
    unknown = set(data) - KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}")

    def words(key: str) -> set[str]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise fail("must be a list of words", key)
        return {" ".join(_tokens(w)) for w in value if _tokens(w)}

    cues = data.get("cues") or {}
    if not isinstance(cues, dict) or set(cues) - set(CUE_KINDS):
        raise fail(f"must map some of {', '.join(CUE_KINDS)} to lists of words", "cues")
    parsed_cues = {}
    for kind in CUE_KINDS:
        value = cues.get(kind) or []
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise fail("must be a list of words", f"cues.{kind}")
        parsed_cues[kind] = tuple((_tokens(c), c) for c in value if _tokens(c))
    return CommonWords(
        words=frozenset((words("words") | words("also-common")) - words("not-common")),
        function_words=frozenset(words("function-words")),
        cues=parsed_cues,
        determiners=frozenset(words("determiners")),
    )
