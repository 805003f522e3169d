"""Search over plans, their elements, actors, territories and concepts: words and word
beginnings, French plurals and stems, accents and case folded, other names indexed,
ranked, with the matched words highlighted and a "did you mean" for unknown words.

How a text becomes words (the same in the static export's ``site/assets/search.js``):

* :func:`tokens`: the runs of letters and digits of the text (NFC), each folded by
  :func:`fold` (no accents, case folded, "œ" → "oe");
* :func:`stem`: a word's plural "s"/"x" dropped (Snowball's French stemmer keeps the
  "s" of "vélos"), then Snowball's French stemmer (``snowballstemmer``; the browser has
  the same algorithm of the same Snowball release, vendored under
  ``site/assets/vendor/snowball/``), on the folded word, so that "mobilites" typed
  without accents stems as "mobilités" does.

A query word matches an entry's word when they are equal (exact), when their stems are
equal (stem), or when the entry's word begins with it (prefix). Every query word that is
not a stop word must match (:data:`STOP_WORDS`: "de", "la"… only count when they do).
An entry's score sums, over the query's words, the word's BM25 inverse document
frequency times the best of field weight × match weight (:data:`FIELD_WEIGHTS`,
:data:`MATCH_WEIGHTS`), times the weight of the entry's kind (:data:`KIND_WEIGHTS`): a
label beats a description, an exact word beats its stem, which beats a prefix, rare
words weigh more than common ones, and a plan's action beats a code list's concept of
the same words. An entry named by the whole query comes first (:func:`rank_key`). Ties:
shorter label, then code and label in natural order.

The index is made once per build and language, plan by plan (``site/queries/
search-plan.rq`` with the plan bound, then ``search-others.rq``), and kept in a SQLite
file with an FTS5 table (:class:`SearchIndex`) named by the build: a server, its worker
processes and a static export of the same build share it. FTS5 finds the entries
matching every word (words and their prefixes, stems); the score is computed on them.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import snowballstemmer
from pyoxigraph import Literal

from lodplan.pages.build_files import BuildFile, build_file, write_sqlite
from lodplan.pages.i18n import DEFAULT_LANGUAGE
from lodplan.pages.labels import pick
from lodplan.pages.links import Links
from lodplan.pages.paging import Paged, page_of
from lodplan.pages.queries import run, text
from lodplan.publishing.representations import natural_key
from lodplan.store.base import ReadableStore, StoreInfo

#: Kinds of results, in the order the filters list them.
KINDS = ("plan", "element", "action", "actor", "territory", "concept")
RESULTS_PER_PAGE = 20
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
#: How much a match counts, by where it is and how close it is.
FIELD_WEIGHTS = {"label": 4.0, "code": 4.0, "alt": 3.0, "description": 1.0}
MATCH_WEIGHTS = {"exact": 1.0, "stem": 0.7, "prefix": 0.4}
#: How much a match counts by the kind of the entry. People search plans for their
#: actions, elements, actors and places; a concept (an entry of a code list: a theme, a
#: lever, a status) is a label whose page lists what has it, so a plan's action holding
#: the word ranks before a concept of that name (« vélo »: the actions about bicycles,
#: then the lever « Vélo »), and the concept still before what says it in a description.
KIND_WEIGHTS = {"plan": 1.0, "element": 1.0, "action": 1.0, "actor": 1.0, "territory": 1.0,
                "concept": 0.8}  # fmt: skip
#: The fields that name an entry: the whole query as one of them ranks the entry first,
#: when it is of one of :data:`NAME_FIRST_KINDS` (an organisation by its other name:
#: « Eurométropole de Metz »; not a concept, ranked by its score).
NAME_FIELDS = ("label", "code", "alt")
NAME_FIRST_KINDS = ("plan", "element", "action", "actor", "territory")
#: Words a query needs not match (they count when they do), folded.
STOP_WORDS = frozenset(
    (
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "ses",
        "sur",
        "un",
        "une",
        "and",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
    )
)
SNIPPET_BEFORE = 8  # words of the description before its first matched word
SNIPPET_WORDS = 30  # words a snippet shows at most
FACET_SIZE = 20  # plans and territories a filter lists at most
MAX_SUGGESTION_TRIES = 10  # close words tried for an unknown word
#: When more entries match, the score is computed on the best of them by FTS5's BM25
#: (the total stays exact). The static export, smaller, scores every match.
MAX_SCORED = 5000
INDEX_FORMAT = 3

#: Runs of letters and digits (Python's \w without "_": categories L* and N*).
WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("french")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer object keeps state between words


def fold(text: str) -> str:
    """``text`` without accents, in lower case, spaces collapsed: "Étang" → "etang"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", stripped.casefold().replace("œ", "oe").replace("æ", "ae")).strip()


@dataclass(frozen=True)
class Token:
    word: str  # folded
    start: int  # the original word's place in the (NFC) text
    end: int


def tokens(text: str) -> list[Token]:
    """The folded words of ``text`` with where each is in ``unicodedata.normalize("NFC",
    text)`` (a word that folds into several gives several tokens at the same place)."""
    found = []
    for match in WORD.finditer(unicodedata.normalize("NFC", text)):
        for word in WORD.findall(fold(match.group())):
            found.append(Token(word, match.start(), match.end()))
    return found


def words(text: str) -> list[str]:
    return [token.word for token in tokens(text)]


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of a folded word: "velos" → "velo", "mobilites" → "mobilit"."""
    if len(word) > 3 and word[-1] in "sx" and word[-2] != "s":
        word = word[:-1]
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


# --- entries ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    iri: str
    kind: str
    label: str
    code: str | None = None
    description: str | None = None
    plan: str | None = None  # the plan's IRI, for plans and their elements
    alt: tuple[str, ...] = ()  # other names
    territories: tuple[str, ...] = ()
    #: the words of :meth:`fields`, as the index keeps them (computed when empty)
    tokens: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False, repr=False)

    def field_words(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(field, its words) of what is searched."""
        return self.tokens or tuple((name, tuple(words(value))) for name, value in self.fields())

    def fields(self) -> Iterator[tuple[str, str]]:
        """(field, text) of what is searched, in :data:`FIELD_WEIGHTS`' names."""
        yield "label", self.label
        if self.code:
            yield "code", self.code
        for alt in self.alt:
            yield "alt", alt
        if self.description:
            yield "description", self.description

    def record(self) -> dict[str, object]:
        """The entry as JSON (the static export's index)."""
        return {
            "iri": self.iri,
            "kind": self.kind,
            "label": self.label,
            "code": self.code,
            "description": self.description,
            "plan": self.plan,
            "alt": list(self.alt),
            "territories": list(self.territories),
        }

    @classmethod
    def from_record(cls, record: dict) -> Entry:
        tokens = tuple((name, tuple(found)) for name, found in record.get("tokens") or ())
        return cls(
            record["iri"],
            record["kind"],
            record["label"],
            record.get("code"),
            record.get("description"),
            record.get("plan"),
            tuple(record.get("alt") or ()),
            tuple(record.get("territories") or ()),
            tokens,
        )


def collect_entries(store: ReadableStore, lang: str) -> list[Entry]:
    """Every entry of the store's build, labels in ``lang`` when the data have them:
    plan by plan, then the actors, concepts and territories."""
    plans = sorted(store.subjects_of_type("https://w3id.org/lodplan/ontology#Plan"))
    entries: list[Entry] = []
    for plan in plans:
        entries += _entries(run(store, "search-plan", plan=plan), lang, plan)
    seen = {entry.iri for entry in entries}
    entries += [e for e in _entries(run(store, "search-others"), lang, None) if e.iri not in seen]
    return entries


def _entries(rows: Iterable[dict], lang: str, plan: str | None) -> list[Entry]:
    values: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        resource, kind = text(row, "resource"), text(row, "kind")
        if resource and kind:
            values[(resource, kind)][text(row, "field")].append(row.get("value"))
    entries = []
    for (iri, kind), fields in values.items():
        label = _pick(fields["label"], lang) or iri.rstrip("/#").rsplit("/", 1)[-1]
        alt = tuple(sorted({v.value for v in fields["alt"] if v is not None} - {label}))
        territories = tuple(sorted({v.value for v in fields["territory"] if v is not None}))
        code = min((v.value for v in fields["code"] if v is not None), default=None)
        description = _pick(fields["description"], lang)
        entries.append(Entry(iri, kind, label, code, description, plan, alt, territories))
    return entries


def _pick(values: list, lang: str) -> str | None:
    return pick([value for value in values if isinstance(value, Literal)], lang)


# --- the index file ---------------------------------------------------------------


def index_file(folder: Path, info: StoreInfo, lang: str) -> Path:
    """The index of one build in one language (:func:`lodplan.pages.build_files.build_file`)."""
    return build_file(folder, "search", info, lang, INDEX_FORMAT)


_SCHEMA = """
CREATE TABLE entries(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX entries_kind ON entries(kind);
CREATE VIRTUAL TABLE terms USING fts5(words, stems, tokenize='ascii', prefix='2 3 4',
                                      content='', columnsize=1);
CREATE TABLE vocabulary(word TEXT PRIMARY KEY, entries INTEGER NOT NULL) WITHOUT ROWID;
"""


class SearchIndex(BuildFile[Entry]):
    """The entries of one build in one language, in a SQLite file with an FTS5 table of
    their words and stems (made once: :meth:`open_or_build`)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        with self._connect() as db:
            self.size = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        self._plans: dict[str, str] | None = None
        self._labels: dict[str, str] | None = None

    @staticmethod
    def write(path: Path, items: Iterable[Entry]) -> None:
        write_index(path, items)

    def entries(self) -> list[Entry]:
        """Every entry (the static export writes them as JSON)."""
        with self._connect() as db:
            rows = db.execute("SELECT record FROM entries ORDER BY id").fetchall()
        return [Entry.from_record(json.loads(record)) for (record,) in rows]

    def plan_labels(self) -> dict[str, str]:
        if self._plans is None:
            self._plans = {e.iri: e.label for e in self._of_kind("plan")}
        return self._plans

    def territory_label(self, iri: str) -> str:
        if self._labels is None:
            self._labels = {e.iri: e.label for e in self._of_kind("territory")}
        return self._labels.get(iri) or iri.rstrip("/#").rsplit("/", 1)[-1]

    def _of_kind(self, kind: str) -> list[Entry]:
        with self._connect() as db:
            rows = db.execute("SELECT record FROM entries WHERE kind = ?", (kind,)).fetchall()
        return [Entry.from_record(json.loads(record)) for (record,) in rows]

    def matching(self, word: str) -> int:
        """How many entries have ``word``, its stem or a word it begins."""
        with self._connect() as db:
            return int(
                db.execute(
                    "SELECT count(*) FROM terms WHERE terms MATCH ?", (_match_expression([word]),)
                ).fetchone()[0]
            )

    def candidates(self, required: Sequence[str]) -> tuple[list[Entry], int]:
        """The entries matching every word of ``required`` (the best :data:`MAX_SCORED`
        by BM25 when more do), and how many do."""
        expression = _match_expression(required)
        with self._connect() as db:
            total = int(
                db.execute(
                    "SELECT count(*) FROM terms WHERE terms MATCH ?", (expression,)
                ).fetchone()[0]
            )
            rows = db.execute(
                "SELECT e.record FROM terms JOIN entries e ON e.id = terms.rowid "
                "WHERE terms MATCH ? ORDER BY bm25(terms) LIMIT ?",
                (expression, MAX_SCORED),
            ).fetchall()
        return [Entry.from_record(json.loads(record)) for (record,) in rows], total

    def vocabulary(self, shortest: int, longest: int) -> list[tuple[str, int]]:
        """The words of the index between these lengths, with how many entries have each."""
        with self._connect() as db:
            return db.execute(
                "SELECT word, entries FROM vocabulary WHERE length(word) BETWEEN ? AND ?",
                (shortest, longest),
            ).fetchall()


def write_index(path: Path, entries: Iterable[Entry]) -> None:
    """Write the index of ``entries`` at ``path`` (atomically)."""

    def fill(db: sqlite3.Connection) -> None:
        vocabulary: Counter[str] = Counter()
        for number, entry in enumerate(entries, 1):
            tokens = entry.field_words()
            found = sorted({w for _, field_words in tokens for w in field_words})
            vocabulary.update(found)
            record = {**entry.record(), "tokens": tokens}
            db.execute(
                "INSERT INTO entries VALUES (?, ?, ?)",
                (number, entry.kind, json.dumps(record, ensure_ascii=False)),
            )
            db.execute(
                "INSERT INTO terms(rowid, words, stems) VALUES (?, ?, ?)",
                (number, " ".join(found), " ".join(sorted({stem(w) for w in found}))),
            )
        db.executemany("INSERT INTO vocabulary VALUES (?, ?)", sorted(vocabulary.items()))

    write_sqlite(path, _SCHEMA, fill)


def _match_expression(required: Sequence[str]) -> str:
    """FTS5's query for entries having each word, its stem, or a word it begins (the
    words are runs of letters and digits: nothing in them is FTS5 syntax)."""
    return " AND ".join(f'(words : "{word}"* OR stems : "{stem(word)}")' for word in required)


# --- searching --------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    plan: str | None = None
    territory: str | None = None

    def keeps(self, entry: Entry, *, but: str = "") -> bool:
        """Whether ``entry`` passes every filter (but the one named ``but``)."""
        return (
            (but == "kind" or self.kind is None or entry.kind == self.kind)
            and (but == "plan" or self.plan is None or entry.plan == self.plan)
            and (
                but == "territory" or self.territory is None or self.territory in entry.territories
            )
        )


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    label: list[tuple[str, bool]]  # the label in pieces, True where a word matched
    snippet: list[tuple[str, bool]]  # the description's passage with matched words
    plan_label: str | None


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResults:
    query: str
    filters: Filters
    ranked: list[tuple[float, Entry]]  # the matches passing the filters, best first
    total: int  # matches passing the filters
    facets: dict[str, list[Facet]] = field(default_factory=dict)  # kind, plan, territory
    suggestion: str | None = None  # the query with its unknown words corrected
    words: tuple[str, ...] = ()  # the query's words, folded (what is highlighted)
    plan_labels: dict[str, str] = field(default_factory=dict)
    territory_label: str | None = None  # the territory filtered by

    @property
    def too_short(self) -> bool:
        return len(fold(self.query)) < MIN_QUERY_LENGTH

    def page(self, number: int) -> Paged[Hit] | None:
        """Page ``number`` of the hits, their labels and snippets highlighted; ``None``
        past the last page."""
        ranked = page_of(self.ranked, number, RESULTS_PER_PAGE)
        if ranked is None:
            return None
        hits = [
            Hit(
                entry,
                value,
                highlight(entry.label, self.words),
                snippet(entry.description or "", self.words),
                self.plan_labels.get(entry.plan or ""),
            )
            for value, entry in ranked.items
        ]
        return Paged(hits, ranked.number, ranked.size, ranked.total)


def parse_query(query: str) -> tuple[list[str], list[str]]:
    """The words a query requires and those it may match (stop words), folded."""
    found = list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]
    required = [word for word in found if word not in STOP_WORDS]
    if not required:
        return found, []
    return required, [word for word in found if word in STOP_WORDS]


def search(index: SearchIndex, query: str, filters: Filters | None = None) -> SearchResults:
    """The entries of ``index`` matching ``query``, best first."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    filters = filters or NO_FILTERS
    required, optional = parse_query(query)
    if len(fold(query)) < MIN_QUERY_LENGTH or not required:
        return SearchResults(query, filters, [], 0)
    frequencies = {word: index.matching(word) for word in [*required, *optional]}
    unknown = [word for word in required if frequencies[word] == 0]
    suggestion = suggest(index, required, unknown) if unknown else None
    if unknown:
        return SearchResults(query, filters, [], 0, {}, suggestion, tuple(required))
    candidates, total = index.candidates(required)
    idf = {word: inverse_frequency(index.size, count) for word, count in frequencies.items()}
    whole = tuple(words(query))
    scored = sorted(
        ((score(entry, idf), entry) for entry in candidates),
        key=lambda pair: rank_key(pair[1], pair[0], whole),
    )
    facets = _facets(index, [entry for _, entry in scored], filters)
    kept = [(s, entry) for s, entry in scored if filters.keeps(entry)]
    if total <= len(candidates) or filters != NO_FILTERS:  # else: the unscored count too
        total = len(kept)
    every = (*required, *optional)
    territory = index.territory_label(filters.territory) if filters.territory else None
    return SearchResults(
        query, filters, kept, total, facets, None, every, index.plan_labels(), territory
    )


def search_link(links: Links, query: str, filters: Filters, **changes: str | None) -> str:
    """The server's search page for ``query`` and ``filters`` with ``changes`` (``q``,
    ``kind``, ``plan``, ``territory``; ``None`` removes one), on page 1."""
    values: dict[str, str | None] = {
        "q": query,
        "kind": filters.kind,
        "plan": filters.plan,
        "territory": filters.territory,
        **changes,
    }
    pairs = [(name, value) for name, value in values.items() if value]
    if links.lang != DEFAULT_LANGUAGE:
        pairs.append(("lang", links.lang))
    path = links.page("search").partition("?")[0]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def inverse_frequency(size: int, matching: int) -> float:
    """BM25's inverse document frequency, always positive."""
    return math.log(1 + (size - matching + 0.5) / (matching + 0.5))


def match_level(word: str, found: Sequence[str] | frozenset[str]) -> str | None:
    """How ``word`` matches the words ``found`` in a field: exact, stem, prefix or not."""
    if word in found:
        return "exact"
    stemmed = stem(word)
    if any(stem(other) == stemmed for other in found):
        return "stem"
    if any(other.startswith(word) for other in found):
        return "prefix"
    return None


def score(entry: Entry, idf: dict[str, float]) -> float:
    """Σ over the query's words of its IDF × the best field weight × match weight, × the
    weight of the entry's kind."""
    fields = entry.field_words()
    total = 0.0
    for word, weight in idf.items():
        best = 0.0
        for name, found in fields:
            level = match_level(word, found)
            if level is not None:
                best = max(best, FIELD_WEIGHTS[name] * MATCH_WEIGHTS[level])
        total += weight * best
    return total * KIND_WEIGHTS.get(entry.kind, 1.0)


def rank_key(entry: Entry, entry_score: float, whole: tuple[str, ...] = ()) -> tuple:
    """Entries named by the whole query first (a label, other name or code of exactly its
    words: « Eurométropole de Metz »; of :data:`NAME_FIRST_KINDS`), then by score, then the
    shorter label."""
    named = entry.kind in NAME_FIRST_KINDS and any(
        name in NAME_FIELDS and found == whole for name, found in entry.field_words()
    )
    return (
        not named,
        -entry_score,
        len(entry.field_words()[0][1]),  # the label's words
        natural_key(entry.code or ""),
        natural_key(entry.label),
        entry.iri,
    )


def highlight(value: str, query_words: Sequence[str]) -> list[tuple[str, bool]]:
    """``value`` (NFC) in pieces, the words matching a query word marked ``True``."""
    value = unicodedata.normalize("NFC", value)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in _matched_spans(value, query_words):
        if start > at:
            pieces.append((value[at:start], False))
        pieces.append((value[start:end], True))
        at = end
    if at < len(value):
        pieces.append((value[at:], False))
    return pieces


def snippet(value: str, query_words: Sequence[str]) -> list[tuple[str, bool]]:
    """A passage of ``value`` around its first matched word, matched words marked; ``[]``
    when no word matches."""
    value = unicodedata.normalize("NFC", value)
    spans = [(m.start(), m.end()) for m in WORD.finditer(value)]
    matched = _matched_spans(value, query_words)
    if not matched:
        return []
    first = next(i for i, span in enumerate(spans) if span[0] == matched[0][0])
    start = max(0, first - SNIPPET_BEFORE)
    end = min(len(spans), start + SNIPPET_WORDS)
    begin, finish = spans[start][0], spans[end - 1][1]
    inner = highlight(value[begin:finish], query_words)
    return (
        ([("…", False)] if start > 0 else []) + inner + ([("…", False)] if end < len(spans) else [])
    )


def _matched_spans(value: str, query_words: Sequence[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for token in tokens(value):
        matched = any(match_level(word, [token.word]) for word in query_words)
        if matched and (not spans or spans[-1] != (token.start, token.end)):
            spans.append((token.start, token.end))
    return spans


def _facets(index: SearchIndex, entries: list[Entry], filters: Filters) -> dict[str, list[Facet]]:
    kinds = Counter(e.kind for e in entries if filters.keeps(e, but="kind"))
    plans = Counter(e.plan for e in entries if e.plan and filters.keeps(e, but="plan"))
    territories = Counter(
        t for e in entries if filters.keeps(e, but="territory") for t in e.territories
    )
    plan_labels = index.plan_labels()
    return {
        "kind": [Facet(kind, kind, kinds[kind]) for kind in KINDS if kinds[kind]],
        "plan": [
            Facet(iri, plan_labels.get(iri, iri), n)
            for iri, n in sorted(plans.items(), key=lambda p: (-p[1], plan_labels.get(p[0], p[0])))
        ][:FACET_SIZE],
        "territory": [
            Facet(iri, index.territory_label(iri), n)
            for iri, n in sorted(territories.items(), key=lambda p: (-p[1], p[0]))
        ][:FACET_SIZE],
    }


# --- did you mean -----------------------------------------------------------------


def suggest(index: SearchIndex, required: Sequence[str], unknown: Sequence[str]) -> str | None:
    """The query with each unknown word replaced by the first of its :func:`close_words`
    that still finds something with the words kept so far (at most
    :data:`MAX_SUGGESTION_TRIES` tried), or left out when none does; ``None`` when
    nothing is left."""
    chosen = {word: word for word in required if word not in unknown}
    for word in unknown:
        for other in close_words(index.vocabulary, word)[:MAX_SUGGESTION_TRIES]:
            if index.candidates([*chosen.values(), other])[1]:
                chosen[word] = other
                break
    if not chosen or not index.candidates(list(chosen.values()))[1]:
        return None
    return " ".join(chosen[word] for word in required if word in chosen)


def close_words(vocabulary: Callable[[int, int], list[tuple[str, int]]], word: str) -> list[str]:
    """The words of ``vocabulary(shortest, longest)`` within edit distance of ``word``,
    nearest first, then the most frequent, then in code point order."""
    limit = 1 if len(word) <= 4 else 2
    found = []
    for other, count in vocabulary(len(word) - limit, len(word) + limit):
        distance = edit_distance(word, other, limit)
        if distance <= limit:
            found.append((distance, -count, other))
    return [other for _, _, other in sorted(found)]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b`` (``limit + 1`` once it is larger)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def index_document(entries: Sequence[Entry], hrefs: Sequence[str | None]) -> dict[str, object]:
    """The index as the static export's ``assets/search.js`` reads it: the settings of
    the search, and each entry with the link to its page."""
    return {
        "format": INDEX_FORMAT,
        "settings": {
            "field_weights": FIELD_WEIGHTS,
            "match_weights": MATCH_WEIGHTS,
            "kind_weights": KIND_WEIGHTS,
            "name_fields": list(NAME_FIELDS),
            "name_first_kinds": list(NAME_FIRST_KINDS),
            "stop_words": sorted(STOP_WORDS),
            "min_query_length": MIN_QUERY_LENGTH,
            "max_query_length": MAX_QUERY_LENGTH,
            "max_query_words": MAX_QUERY_WORDS,
            "snippet_before": SNIPPET_BEFORE,
            "snippet_words": SNIPPET_WORDS,
            "facet_size": FACET_SIZE,
            "suggestion_tries": MAX_SUGGESTION_TRIES,
            "per_page": RESULTS_PER_PAGE,
            "kinds": list(KINDS),
        },
        "entries": [{**e.record(), "href": href} for e, href in zip(entries, hrefs, strict=True)],
    }
