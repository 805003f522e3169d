/*
 * Search in a static export of the site (lodplan export-site), where no server answers
 * /search. It finds and ranks as lodplan.pages.search does on the server: the same words
 * (runs of letters and digits, folded), the same stems (plural "s"/"x" dropped, then
 * Snowball's French stemmer of the same release: assets/vendor/snowball/), the same
 * matching (exact, stem, prefix; stop words optional), the same score (BM25's inverse
 * document frequency × field weight × match weight × kind weight, read from the index's
 * settings), the same ties, snippets, filters (kind, plan, territory: in the URL) and
 * "did you mean". The page's JSON block #search-config names the index the export wrote
 * (search-index.<lang>.json: the server's entries with their links) and the messages
 * of the page's language. Results are built with DOM methods only (text from the data
 * is never parsed as HTML). Without JavaScript the page says how to find resources
 * otherwise. The functions are also exported for Node (tests compare them with Python).
 */
(function () {
  "use strict";

  var Stemmer = typeof module === "object" && module.exports
    ? require("./vendor/snowball/french-stemmer.js")
    : window.LodplanFrenchStemmer;
  // Python's str.isspace(): what re's \s and str.strip() see (JavaScript's \s differs).
  var SPACES = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var SPACE_RUNS = new RegExp("[" + SPACES + "]+", "g");
  var EDGE_SPACES = new RegExp("^[" + SPACES + "]+|[" + SPACES + "]+$", "g");
  // What fold() removes after decomposing: the characters whose canonical combining
  // class is not 0 in Python's unicodedata (Unicode 14.0), as hexadecimal ranges.
  // Unicode's Mn category is not the same set; tests/pages/test_export.py compares.
  var COMBINING_RANGES = (
    "300-34e 350-36f 483-487 591-5bd 5bf 5c1-5c2 5c4-5c5 5c7 610-61a 64b-65f 670 6d6-6dc " +
    "6df-6e4 6e7-6e8 6ea-6ed 711 730-74a 7eb-7f3 7fd 816-819 81b-823 825-827 829-82d " +
    "859-85b 898-89f 8ca-8e1 8e3-8ff 93c 94d 951-954 9bc 9cd 9fe a3c a4d abc acd b3c b4d " +
    "bcd c3c c4d c55-c56 cbc ccd d3b-d3c d4d dca e38-e3a e48-e4b eb8-eba ec8-ecb f18-f19 " +
    "f35 f37 f39 f71-f72 f74 f7a-f7d f80 f82-f84 f86-f87 fc6 1037 1039-103a 108d " +
    "135d-135f 1714-1715 1734 17d2 17dd 18a9 1939-193b 1a17-1a18 1a60 1a75-1a7c 1a7f " +
    "1ab0-1abd 1abf-1ace 1b34 1b44 1b6b-1b73 1baa-1bab 1be6 1bf2-1bf3 1c37 1cd0-1cd2 " +
    "1cd4-1ce0 1ce2-1ce8 1ced 1cf4 1cf8-1cf9 1dc0-1dff 20d0-20dc 20e1 20e5-20f0 2cef-2cf1 " +
    "2d7f 2de0-2dff 302a-302f 3099-309a a66f a674-a67d a69e-a69f a6f0-a6f1 a806 a82c a8c4 " +
    "a8e0-a8f1 a92b-a92d a953 a9b3 a9c0 aab0 aab2-aab4 aab7-aab8 aabe-aabf aac1 aaf6 abed " +
    "fb1e fe20-fe2f 101fd 102e0 10376-1037a 10a0d 10a0f 10a38-10a3a 10a3f 10ae5-10ae6 " +
    "10d24-10d27 10eab-10eac 10f46-10f50 10f82-10f85 11046 11070 1107f 110b9-110ba " +
    "11100-11102 11133-11134 11173 111c0 111ca 11235-11236 112e9-112ea 1133b-1133c 1134d " +
    "11366-1136c 11370-11374 11442 11446 1145e 114c2-114c3 115bf-115c0 1163f 116b6-116b7 " +
    "1172b 11839-1183a 1193d-1193e 11943 119e0 11a34 11a47 11a99 11c3f 11d42 11d44-11d45 " +
    "11d97 16af0-16af4 16b30-16b36 16ff0-16ff1 1bc9e 1d165-1d169 1d16d-1d172 1d17b-1d182 " +
    "1d185-1d18b 1d1aa-1d1ad 1d242-1d244 1e000-1e006 1e008-1e018 1e01b-1e021 1e023-1e024 " +
    "1e026-1e02a 1e130-1e136 1e2ae 1e2ec-1e2ef 1e8d0-1e8d6 1e944-1e94a"
  );
  var COMBINING = new RegExp("[" + COMBINING_RANGES.split(" ").map(function (range) {
    return range.split("-").map(function (hex) { return "\\u{" + hex + "}"; }).join("-");
  }).join("") + "]", "gu");
  // Where Python's casefold() differs from toLowerCase(): a few letters, and Cherokee,
  // whose small letters fold to the capitals.
  var CASE_FOLDS = { "ß": "ss", "ς": "σ", "ᲀ": "в", "ᲁ": "д", "ᲂ": "о", "ᲃ": "с", "ᲄ": "т",
    "ᲅ": "т", "ᲆ": "ъ", "ᲇ": "ѣ", "ᲈ": "ꙋ" };
  var CASE_FOLD_CHARS = /[ßςᲀ-ᲈ\uab70-\uabbf\u13f8-\u13fd]/g;

  function caseFold(text) {
    return text.toLowerCase().replace(CASE_FOLD_CHARS, function (c) {
      var code = c.charCodeAt(0);
      if (code >= 0xab70) return String.fromCharCode(code - 0xab70 + 0x13a0);
      if (code >= 0x13f8 && code <= 0x13fd) return String.fromCharCode(code - 8);
      return CASE_FOLDS[c];
    });
  }

  /** fold("Étang  de Œuf") === "etang de oeuf", as lodplan.pages.search.fold. */
  function fold(text) {
    var stripped = String(text).normalize("NFKD").replace(COMBINING, "");
    return caseFold(stripped).replace(/œ/g, "oe").replace(/æ/g, "ae").replace(SPACE_RUNS, " ")
      .replace(EDGE_SPACES, "");
  }

  /** "1.10" after "1.9": text and numbers alternate, as lodplan's natural_key (which also
   * reads the digits of other scripts as numbers; plan codes use ASCII digits). */
  function naturalKey(text) {
    return String(text).split(/([0-9]+)/).map(function (part, index) {
      return index % 2 ? parseInt(part, 10) : caseFold(part);
    });
  }

  function compareCodePoints(a, b) {
    var left = Array.from(a);
    var right = Array.from(b);
    for (var i = 0; i < Math.min(left.length, right.length); i++) {
      var difference = left[i].codePointAt(0) - right[i].codePointAt(0);
      if (difference) return difference;
    }
    return left.length - right.length;
  }

  function compareKeys(a, b) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      var x = a[i];
      var y = b[i];
      var difference = typeof x === "number" ? x - y : compareCodePoints(x, y);
      if (difference) return difference;
    }
    return a.length - b.length;
  }


  // --- words, stems, matching: as lodplan.pages.search ---

  // Runs of letters and digits (Python's [^\W_]): a new expression each time, as the
  // global flag keeps a position.
  function wordPattern() { return /[\p{L}\p{N}]+/gu; }
  var stemmer = null;
  var stems = new Map();

  function length(text) { return Array.from(text).length; }

  /** [{word, start, end}] of text (NFC): its folded words and where each is. */
  function tokens(text) {
    var found = [];
    var value = String(text).normalize("NFC");
    var pattern = wordPattern();
    var match;
    while ((match = pattern.exec(value)) !== null) {
      var start = match.index;
      var end = start + match[0].length;
      (fold(match[0]).match(wordPattern()) || []).forEach(function (word) {
        found.push({ word: word, start: start, end: end });
      });
    }
    return found;
  }

  function words(text) { return tokens(text).map(function (token) { return token.word; }); }

  /** "velos" → "velo", "mobilites" → "mobilit", as lodplan.pages.search.stem. */
  function stem(word) {
    var known = stems.get(word);
    if (known !== undefined) return known;
    var letters = Array.from(word);
    var n = letters.length;
    var cut = n > 3 && (letters[n - 1] === "s" || letters[n - 1] === "x") && letters[n - 2] !== "s"
      ? letters.slice(0, n - 1).join("") : word;
    stemmer = stemmer || new Stemmer();
    var result = stemmer.stemWord(cut);
    stems.set(word, result);
    return result;
  }

  /** An entry's fields as [name, text], as Entry.fields(). */
  function fields(entry) {
    var found = [["label", entry.label]];
    if (entry.code) found.push(["code", entry.code]);
    (entry.alt || []).forEach(function (alt) { found.push(["alt", alt]); });
    if (entry.description) found.push(["description", entry.description]);
    return found;
  }

  /** The index read from its JSON: entries with their words and stems, vocabulary. */
  function prepare(document) {
    var vocabulary = new Map();
    var entries = document.entries.map(function (entry) {
      var tokenized = fields(entry).map(function (pair) { return [pair[0], words(pair[1])]; });
      var distinct = new Set();
      tokenized.forEach(function (pair) { pair[1].forEach(function (w) { distinct.add(w); }); });
      var all = Array.from(distinct);
      all.forEach(function (w) { vocabulary.set(w, (vocabulary.get(w) || 0) + 1); });
      return {
        entry: entry, fields: tokenized, words: all,
        stems: new Set(all.map(stem)),
      };
    });
    var plans = {};
    var territories = {};
    document.entries.forEach(function (entry) {
      if (entry.kind === "plan") plans[entry.iri] = entry.label;
      if (entry.kind === "territory") territories[entry.iri] = entry.label;
    });
    return { settings: document.settings, entries: entries, vocabulary: vocabulary,
             plans: plans, territories: territories };
  }

  function hasWord(prepared, word) {
    var stemmed = stem(word);
    return prepared.stems.has(stemmed) || prepared.words.some(function (w) { return w.indexOf(word) === 0; });
  }

  function matching(index, word) {
    return index.entries.filter(function (p) { return hasWord(p, word); }).length;
  }

  function candidates(index, required) {
    return index.entries.filter(function (p) {
      return required.every(function (word) { return hasWord(p, word); });
    });
  }

  function matchLevel(word, found) {
    if (found.indexOf(word) >= 0) return "exact";
    var stemmed = stem(word);
    if (found.some(function (other) { return stem(other) === stemmed; })) return "stem";
    if (found.some(function (other) { return other.indexOf(word) === 0; })) return "prefix";
    return null;
  }

  function score(index, prepared, idf) {
    var total = 0;
    idf.forEach(function (pair) {
      var best = 0;
      prepared.fields.forEach(function (field) {
        var level = matchLevel(pair[0], field[1]);
        if (level !== null) {
          best = Math.max(best, index.settings.field_weights[field[0]] * index.settings.match_weights[level]);
        }
      });
      total += pair[1] * best;
    });
    var kindWeight = index.settings.kind_weights[prepared.entry.kind];
    return total * (kindWeight === undefined ? 1 : kindWeight);
  }

  /** Entries named by the whole query first (a name field of exactly its words), then by
   * score, then the shorter label, as lodplan.pages.search.rank_key. */
  function rankKey(index, prepared, value, whole) {
    var entry = prepared.entry;
    var nameFirst = index.settings.name_first_kinds.indexOf(entry.kind) >= 0;
    var named = nameFirst && prepared.fields.some(function (field) {
      return index.settings.name_fields.indexOf(field[0]) >= 0 && field[1].length === whole.length
        && field[1].every(function (w, i) { return w === whole[i]; });
    });
    return [named ? 0 : 1, -value, words(entry.label).length, naturalKey(entry.code || ""),
      naturalKey(entry.label), entry.iri];
  }

  function compareRank(a, b) {
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || compareKeys(a[3], b[3])
      || compareKeys(a[4], b[4]) || compareCodePoints(a[5], b[5]);
  }

  function parseQuery(index, query) {
    var found = [];
    words(query).forEach(function (w) { if (found.indexOf(w) < 0) found.push(w); });
    found = found.slice(0, index.settings.max_query_words);
    var stop = index.settings.stop_words;
    var required = found.filter(function (w) { return stop.indexOf(w) < 0; });
    if (!required.length) return [found, []];
    return [required, found.filter(function (w) { return stop.indexOf(w) >= 0; })];
  }

  function keeps(filters, entry, but) {
    return (but === "kind" || !filters.kind || entry.kind === filters.kind)
      && (but === "plan" || !filters.plan || entry.plan === filters.plan)
      && (but === "territory" || !filters.territory || (entry.territories || []).indexOf(filters.territory) >= 0);
  }

  function tail(iri) { return iri.replace(/[/#]+$/, "").split("/").pop(); }

  function territoryLabel(index, iri) { return index.territories[iri] || tail(iri); }

  function counted(values) {
    var counts = new Map();
    values.forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
    return counts;
  }

  function facets(index, entries, filters) {
    var size = index.settings.facet_size;
    var kinds = counted(entries.filter(function (e) { return keeps(filters, e, "kind"); })
      .map(function (e) { return e.kind; }));
    var plans = counted(entries.filter(function (e) { return e.plan && keeps(filters, e, "plan"); })
      .map(function (e) { return e.plan; }));
    var places = [];
    entries.forEach(function (e) {
      if (keeps(filters, e, "territory")) places = places.concat(e.territories || []);
    });
    var territories = counted(places);
    var planLabel = function (iri) { return index.plans[iri] !== undefined ? index.plans[iri] : iri; };
    return {
      kind: index.settings.kinds.filter(function (k) { return kinds.get(k); })
        .map(function (k) { return { value: k, label: k, count: kinds.get(k) }; }),
      plan: Array.from(plans.entries()).sort(function (a, b) {
        return b[1] - a[1] || compareCodePoints(planLabel(a[0]), planLabel(b[0]));
      }).slice(0, size).map(function (p) { return { value: p[0], label: planLabel(p[0]), count: p[1] }; }),
      territory: Array.from(territories.entries()).sort(function (a, b) {
        return b[1] - a[1] || compareCodePoints(a[0], b[0]);
      }).slice(0, size).map(function (p) { return { value: p[0], label: territoryLabel(index, p[0]), count: p[1] }; }),
    };
  }

  function editDistance(a, b, limit) {
    a = Array.from(a);
    b = Array.from(b);
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var current = [i];
      for (j = 1; j <= b.length; j++) {
        current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0)));
      }
      if (Math.min.apply(null, current) > limit) return limit + 1;
      previous = current;
    }
    return previous[b.length];
  }

  function closeWords(index, word) {
    var n = length(word);
    var limit = n <= 4 ? 1 : 2;
    var found = [];
    index.vocabulary.forEach(function (count, other) {
      var size = length(other);
      if (size < n - limit || size > n + limit) return;
      var distance = editDistance(word, other, limit);
      if (distance <= limit) found.push([distance, -count, other]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || compareCodePoints(a[2], b[2]); });
    return found.map(function (f) { return f[2]; });
  }

  function suggest(index, required, unknown) {
    var chosen = new Map();
    required.forEach(function (w) { if (unknown.indexOf(w) < 0) chosen.set(w, w); });
    unknown.forEach(function (word) {
      var tries = closeWords(index, word).slice(0, index.settings.suggestion_tries);
      for (var i = 0; i < tries.length; i++) {
        if (candidates(index, Array.from(chosen.values()).concat([tries[i]])).length) {
          chosen.set(word, tries[i]);
          break;
        }
      }
    });
    if (!chosen.size || !candidates(index, Array.from(chosen.values())).length) return null;
    return required.filter(function (w) { return chosen.has(w); })
      .map(function (w) { return chosen.get(w); }).join(" ");
  }

  function matchedSpans(value, queryWords) {
    var spans = [];
    tokens(value).forEach(function (token) {
      var matched = queryWords.some(function (w) { return matchLevel(w, [token.word]) !== null; });
      var last = spans[spans.length - 1];
      if (matched && !(last && last[0] === token.start && last[1] === token.end)) spans.push([token.start, token.end]);
    });
    return spans;
  }

  /** [[text, matched]] pieces of value, as lodplan.pages.search.highlight. */
  function highlight(value, queryWords) {
    value = String(value).normalize("NFC");
    var pieces = [];
    var at = 0;
    matchedSpans(value, queryWords).forEach(function (span) {
      if (span[0] > at) pieces.push([value.slice(at, span[0]), false]);
      pieces.push([value.slice(span[0], span[1]), true]);
      at = span[1];
    });
    if (at < value.length) pieces.push([value.slice(at), false]);
    return pieces;
  }

  function snippet(index, value, queryWords) {
    value = String(value).normalize("NFC");
    var spans = [];
    var pattern = wordPattern();
    var match;
    while ((match = pattern.exec(value)) !== null) spans.push([match.index, match.index + match[0].length]);
    var matched = matchedSpans(value, queryWords);
    if (!matched.length) return [];
    var first = spans.findIndex(function (span) { return span[0] === matched[0][0]; });
    var start = Math.max(0, first - index.settings.snippet_before);
    var end = Math.min(spans.length, start + index.settings.snippet_words);
    var inner = highlight(value.slice(spans[start][0], spans[end - 1][1]), queryWords);
    return (start > 0 ? [["…", false]] : []).concat(inner, end < spans.length ? [["…", false]] : []);
  }

  /** The results of query with filters ({kind, plan, territory}), as
   * lodplan.pages.search.search: {query, ranked: [{entry, score}], total, facets,
   * suggestion, words}. */
  function search(index, query, filters) {
    filters = filters || {};
    var settings = index.settings;
    query = Array.from(String(query).replace(EDGE_SPACES, "")).slice(0, settings.max_query_length).join("");
    var parsed = parseQuery(index, query);
    var required = parsed[0];
    var optional = parsed[1];
    var empty = { query: query, ranked: [], total: 0, facets: {}, suggestion: null, words: [] };
    if (length(fold(query)) < settings.min_query_length || !required.length) return empty;
    var every = required.concat(optional);
    var frequencies = every.map(function (w) { return [w, matching(index, w)]; });
    var unknown = required.filter(function (w, i) { return frequencies[i][1] === 0; });
    if (unknown.length) {
      empty.suggestion = suggest(index, required, unknown);
      empty.words = required;
      return empty;
    }
    var size = index.entries.length;
    var idf = frequencies.map(function (pair) {
      return [pair[0], Math.log(1 + (size - pair[1] + 0.5) / (pair[1] + 0.5))];
    });
    var whole = words(query);
    var scored = candidates(index, required).map(function (p) {
      var value = score(index, p, idf);
      return { entry: p.entry, score: value, key: rankKey(index, p, value, whole) };
    });
    scored.sort(function (a, b) { return compareRank(a.key, b.key); });
    var kept = scored.filter(function (hit) { return keeps(filters, hit.entry); });
    return {
      query: query,
      ranked: kept.map(function (hit) { return { entry: hit.entry, score: hit.score }; }),
      total: kept.length,
      facets: facets(index, scored.map(function (hit) { return hit.entry; }), filters),
      suggestion: null,
      words: every,
    };
  }

  if (typeof module === "object" && module.exports) {
    module.exports = { fold: fold, naturalKey: naturalKey, tokens: tokens, stem: stem,
      prepare: prepare, search: search, highlight: highlight, snippet: snippet,
      editDistance: editDistance };
  }
  if (typeof document === "undefined") return;

  // --- the page ---

  var configElement = document.getElementById("search-config");
  var form = document.querySelector("[data-search-form]");
  var output = document.querySelector("[data-search-results]");
  if (!configElement || !form || !output) return;
  var config = JSON.parse(configElement.textContent);
  var input = form.querySelector("input[name=q]");
  var loaded = null;
  var FILTERS = ["kind", "plan", "territory"];

  var language = document.documentElement.lang || "fr";
  var plurals = new Intl.PluralRules(language);

  // A message, or its form for the count (CLDR plural categories, as on the server).
  function message(key, fields) {
    var text = config.messages[key];
    if (typeof text !== "string") {
      text = text[plurals.select(fields.count)] || text.other;
    }
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      if (!fields || !(name in fields)) return whole;
      var value = fields[name];
      return typeof value === "number" ? value.toLocaleString(language) : String(value);
    });
  }

  function element(name, text, attributes) {
    var node = document.createElement(name);
    if (text) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function pieces(parts) {
    var fragment = document.createDocumentFragment();
    parts.forEach(function (part) {
      fragment.append(part[1] ? element("mark", part[0]) : document.createTextNode(part[0]));
    });
    return fragment;
  }

  function loadIndex() {
    loaded = loaded || fetch(config.index).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + config.index);
      return response.json();
    }).then(prepare);
    return loaded;
  }

  /** This page's URL with changes ({q, kind, plan, territory, page}; null removes). */
  function link(changes) {
    var url = new URL(window.location.href);
    url.searchParams.delete("page");
    Object.keys(changes).forEach(function (name) {
      if (changes[name]) url.searchParams.set(name, changes[name]);
      else url.searchParams.delete(name);
    });
    return url.pathname.split("/").pop() + url.search;
  }

  function pager(paged) {
    if (paged.count < 2) return null;
    var nav = element("nav", "", { class: "pager", "aria-label": message("pages") });
    nav.append(element("p", message("showing", { first: paged.first, last: paged.last,
      total: paged.total, page: paged.number, pages: paged.count }), { class: "note" }));
    var list = element("ul");
    var item = function (node) { var li = element("li"); li.append(node); list.append(li); };
    if (paged.number > 1) item(element("a", message("previous"), { rel: "prev", href: link({ page: paged.number > 2 ? String(paged.number - 1) : null }) }));
    for (var n = 1; n <= paged.count; n++) {
      if (n === paged.number) item(element("span", String(n), { "aria-current": "page" }));
      else if (n === 1 || n === paged.count || Math.abs(n - paged.number) <= 2) {
        item(element("a", String(n), { href: link({ page: n > 1 ? String(n) : null }), "aria-label": message("page", { page: n }) }));
      }
    }
    if (paged.number < paged.count) item(element("a", message("next"), { rel: "next", href: link({ page: String(paged.number + 1) }) }));
    nav.append(list);
    return nav;
  }

  function show(index, results, filters, page) {
    output.replaceChildren();
    if (results.suggestion) {
      var suggestion = element("p", message("did_you_mean") + " ", { class: "suggestion" });
      suggestion.append(element("a", results.suggestion, {
        href: link({ q: results.suggestion, kind: null, plan: null, territory: null }), "data-suggestion": "" }));
      output.append(suggestion);
    }
    var active = element("p", message("filtered") + " ", { class: "filters-active" });
    FILTERS.forEach(function (name) {
      if (!filters[name]) return;
      var label = name === "kind" ? config.kinds[filters[name]]
        : name === "plan" ? (index.plans[filters.plan] || filters.plan) : territoryLabel(index, filters.territory);
      var remove = {};
      remove[name] = null;
      active.append(element("a", label + " ✕", { class: "badge", href: link(remove),
        "aria-label": message("remove_filter", { filter: label }) }), " ");
    });
    if (FILTERS.some(function (name) { return filters[name]; })) output.append(active);
    if (!results.ranked.length) {
      var tooShort = length(fold(results.query)) < index.settings.min_query_length;
      output.append(element("p", tooShort ? message("too_short") : message("none", { query: results.query })));
      return;
    }
    var size = index.settings.per_page;
    var count = Math.max(1, Math.ceil(results.total / size));
    page = Math.min(Math.max(1, page), count);
    output.append(element("p", message("results", { count: results.total, query: results.query })));
    var layout = element("div", "", { class: "search-layout" });
    var nav = element("nav", "", { class: "facets", "aria-label": message("filters") });
    FILTERS.forEach(function (name) {
      var values = results.facets[name] || [];
      if (!values.length) return;
      nav.append(element("h2", message("facet." + name)));
      var list = element("ul");
      values.forEach(function (value) {
        var li = element("li");
        var label = name === "kind" ? config.kinds[value.value] : value.label;
        var change = {};
        change[name] = value.value;
        li.append(filters[name] === value.value ? element("span", label, { "aria-current": "true" })
          : element("a", label, { href: link(change), "data-facet": name }));
        li.append(" ", element("span", "(" + value.count + ")", { class: "count" }));
        list.append(li);
      });
      nav.append(list);
    });
    var first = (page - 1) * size;
    var hits = element("ol", "", { class: "hits", start: String(first + 1) });
    results.ranked.slice(first, first + size).forEach(function (hit) {
      var entry = hit.entry;
      var li = element("li", "", { "data-iri": entry.iri });
      li.append(element("span", config.kind_names[entry.kind], { class: "badge" }), " ");
      var title = entry.href ? element("a", "", { href: entry.href }) : element("span");
      if (entry.code) title.append(entry.code + " ");
      title.append(pieces(highlight(entry.label, results.words)));
      li.append(title);
      if (entry.plan && entry.kind !== "plan" && index.plans[entry.plan] !== undefined) {
        li.append(" ", element("span", message("in_plan", { plan: index.plans[entry.plan] }), { class: "note" }));
      }
      var passage = snippet(index, entry.description || "", results.words);
      if (passage.length) {
        var p = element("p", "", { class: "snippet" });
        p.append(pieces(passage));
        li.append(p);
      }
      hits.append(li);
    });
    layout.append(nav, hits);
    output.append(layout);
    var paging = pager({ number: page, count: count, total: results.total, first: first + 1,
      last: Math.min(first + size, results.total) });
    if (paging) output.append(paging);
  }

  function run() {
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "";
    var filters = {};
    FILTERS.forEach(function (name) { filters[name] = params.get(name) || null; });
    var page = parseInt(params.get("page") || "1", 10) || 1;
    input.value = query;
    if (!query) {  // as the server: no query, no results
      output.replaceChildren();
      return;
    }
    output.replaceChildren(element("p", message("loading")));
    loadIndex().then(function (index) {
      if (filters.kind && index.settings.kinds.indexOf(filters.kind) < 0) filters.kind = null;
      show(index, search(index, query, filters), filters, page);
    }, function () {
      output.replaceChildren(element("p", message("unavailable"), { class: "note" }));
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.history.pushState(null, "", link({ q: input.value }));
    run();
  });
  window.addEventListener("popstate", run);
  run();
})();
