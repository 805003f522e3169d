"""Search over the labels and descriptions of plans, elements, actors, territories
and concepts, insensitive to accents and case, results grouped by kind.

The index is small (one entry per resource: ~1,000 for the bundled plans) and
made once per build from ``site/queries/search-index.rq``; matching is done in
Python (SPARQL has no accent folding). The static export ships the same index
as JSON with a script that folds text the same way (``site/assets/search.js``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from lodplan.pages.queries import pick_text, run, text
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore

#: Result groups, in the order the page shows them.
KINDS = ("plan", "element", "action", "actor", "territory", "concept")
MAX_PER_KIND = 50
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200


def fold(text: str) -> str:
    """``text`` without accents, in lower case, spaces collapsed: "Étang" → "etang"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", stripped.casefold().replace("œ", "oe").replace("æ", "ae")).strip()


@dataclass(frozen=True)
class Entry:
    iri: str
    kind: str
    label: str
    code: str | None
    description: str | None
    plan: str | None  # the plan's IRI, for elements
    folded_label: str
    folded_text: str  # label, code and description


@dataclass(frozen=True)
class Hit:
    entry: Entry
    plan_label: str | None


@dataclass(frozen=True)
class SearchResults:
    query: str
    groups: list[tuple[str, list[Hit], int]]  # kind, hits shown, total

    @property
    def total(self) -> int:
        return sum(total for _, _, total in self.groups)


def build_index(store: ReadableStore, lang: str) -> list[Entry]:
    """One entry per searchable resource, labels in ``lang`` when they exist."""
    rows: dict[tuple[str, str], list] = defaultdict(list)
    for row in run(store, "search-index"):
        rows[(text(row, "resource"), text(row, "kind"))].append(row)
    entries = []
    for (iri, kind), group in rows.items():
        label = pick_text(group, "label", lang) or iri.rsplit("/", 1)[-1]
        code = text(group[0], "notation") or None
        description = pick_text(group, "description", lang)
        entries.append(
            Entry(
                iri=iri,
                kind=kind,
                label=label,
                code=code,
                description=description,
                plan=text(group[0], "plan") or None,
                folded_label=fold(label),
                folded_text=fold(" ".join(filter(None, (code, label, description)))),
            )
        )
    return entries


def search(index: list[Entry], query: str) -> SearchResults:
    """Entries whose text holds every word of ``query``; label matches first."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    words = fold(query).split()
    if len(fold(query)) < MIN_QUERY_LENGTH:
        return SearchResults(query, [])
    plan_labels = {entry.iri: entry.label for entry in index if entry.kind == "plan"}
    matches: dict[str, list[Entry]] = defaultdict(list)
    for entry in index:
        if all(word in entry.folded_text for word in words):
            matches[entry.kind].append(entry)
    groups = []
    for kind in KINDS:
        found = sorted(matches.get(kind, []), key=lambda e: _rank(e, words))
        hits = [Hit(e, plan_labels.get(e.plan or "")) for e in found[:MAX_PER_KIND]]
        if found:
            groups.append((kind, hits, len(found)))
    return SearchResults(query, groups)


def index_document(index: list[Entry]) -> list[dict[str, str | None]]:
    """The index as JSON-ready records (the static export's search reads them)."""
    return [
        {
            "iri": e.iri,
            "kind": e.kind,
            "label": e.label,
            "code": e.code,
            "description": e.description,
            "plan": e.plan,
        }
        for e in index
    ]


def _rank(entry: Entry, words: list[str]) -> tuple:
    in_label = all(word in entry.folded_label for word in words)
    starts = entry.folded_label.startswith(words[0]) if words else False
    return (not in_label, not starts, natural_key(entry.code or ""), natural_key(entry.label))
