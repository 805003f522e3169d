/*
 * Search in a static export of the site (lodplan export-site), where no server answers
 * /search: the page's JSON block #search-config names the index the export wrote
 * (search-index.<lang>.json: one record per resource, with its text already folded by
 * lodplan.pages.search.fold and the link to its page from the search page) and the
 * messages of the page's language. Matching is the server's: accents and case do not
 * count, every word must occur, label matches first, at most 50 hits per kind.
 * Results are built with DOM methods only (text from the data is never parsed as HTML).
 * Without JavaScript the page says how to find resources otherwise.
 * fold(), search() and naturalKey() are also exported for Node (tests compare them
 * with the Python implementation).
 */
(function () {
  "use strict";

  var KINDS = ["plan", "element", "action", "actor", "territory", "concept"];
  var MAX_PER_KIND = 50;
  var MIN_QUERY_LENGTH = 2;
  var MAX_QUERY_LENGTH = 200;
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

  /** Entries holding every word of query: {query, total, groups: [{kind, hits, total}]}. */
  function search(index, query) {
    query = Array.from(String(query).replace(EDGE_SPACES, "")).slice(0, MAX_QUERY_LENGTH).join("");
    var folded = fold(query);
    if (Array.from(folded).length < MIN_QUERY_LENGTH) return { query: query, total: 0, groups: [] };
    var words = folded.split(" ");
    var planLabels = {};
    var matches = {};
    index.forEach(function (entry) {
      if (entry.kind === "plan") planLabels[entry.iri] = entry.label;
      var all = words.every(function (word) { return entry.folded_text.indexOf(word) >= 0; });
      if (all) (matches[entry.kind] = matches[entry.kind] || []).push(entry);
    });
    var groups = [];
    var total = 0;
    KINDS.forEach(function (kind) {
      var found = (matches[kind] || []).map(function (entry) {
        var inLabel = words.every(function (word) { return entry.folded_label.indexOf(word) >= 0; });
        var starts = entry.folded_label.indexOf(words[0]) === 0;
        var key = [inLabel ? 0 : 1, starts ? 0 : 1, naturalKey(entry.code || ""), naturalKey(entry.label)];
        return { entry: entry, key: key };
      });
      found.sort(function (a, b) {
        return a.key[0] - b.key[0] || a.key[1] - b.key[1] || compareKeys(a.key[2], b.key[2])
          || compareKeys(a.key[3], b.key[3]);
      });
      if (found.length) {
        groups.push({
          kind: kind,
          total: found.length,
          hits: found.slice(0, MAX_PER_KIND).map(function (hit) {
            return { entry: hit.entry, planLabel: planLabels[hit.entry.plan] || null };
          }),
        });
        total += found.length;
      }
    });
    return { query: query, total: total, groups: groups };
  }

  if (typeof module === "object" && module.exports) {
    module.exports = { fold: fold, naturalKey: naturalKey, search: search };
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

  function index() {
    loaded = loaded || fetch(config.index).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + config.index);
      return response.json();
    });
    return loaded;
  }

  function show(results) {
    output.replaceChildren();
    if (!results.groups.length) {
      var tooShort = Array.from(results.query).length < MIN_QUERY_LENGTH; // as search.html
      output.append(element("p", tooShort ? message("too_short") : message("none", { query: results.query })));
      return;
    }
    output.append(element("p", message("results", { count: results.total, query: results.query })));
    results.groups.forEach(function (group) {
      var section = element("section", "", { "aria-labelledby": "results-" + group.kind });
      var heading = element("h2", config.kinds[group.kind] + " ", { id: "results-" + group.kind });
      var count = group.total > group.hits.length
        ? message("more", { shown: group.hits.length, total: group.total }) : String(group.total);
      heading.append(element("span", "(" + count + ")", { class: "count" }));
      var list = element("ul");
      group.hits.forEach(function (hit) {
        var item = element("li");
        var code = hit.entry.code ? hit.entry.code + " " : "";
        item.append(element("a", code + hit.entry.label, { href: hit.entry.href }));
        if (hit.planLabel && group.kind !== "plan") {
          item.append(" ", element("span", message("in_plan", { plan: hit.planLabel }), { class: "note" }));
        }
        list.append(item);
      });
      section.append(heading, list);
      output.append(section);
    });
  }

  function run(query, remember) {
    if (remember) {
      var url = new URL(window.location.href);
      url.searchParams.set("q", query);
      window.history.replaceState(null, "", url);
    }
    if (!query) {  // as the server: no query, no results
      output.replaceChildren();
      return;
    }
    output.replaceChildren(element("p", message("loading")));
    index().then(function (entries) {
      show(search(entries, query));
    }, function () {
      output.replaceChildren(element("p", message("unavailable"), { class: "note" }));
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(input.value, true);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial, false);
  }
})();
