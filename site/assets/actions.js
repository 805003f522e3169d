/*
 * The table of actions in a static export of the site (lodplan export-site), where no
 * server answers /actions?status=…: this script answers the page's filter form in the
 * browser. It reads the filters from the URL's query string (the same fields as the
 * server's, lodplan.pages.actions.ActionFilters), keeps the rows of
 * actions-table.<lang>.json (every action, written by the export with the server's sort
 * keys) that pass them as the server's SQL conditions do, orders them as the server
 * does, shows them all (the pager of the unfiltered pages is hidden), and makes the
 * "CSV of these rows" link a file built here (a Blob) with the columns of the server's
 * filtered CSV. The page's JSON block #actions-config says where the rows are and holds
 * the messages. Progressive enhancement: without script (or without the rows, on a site
 * opened from disk) the page shows the whole table, paged, and says the filters need
 * script or the live site. Rows are built with DOM methods only (text from the data is
 * never parsed as HTML).
 */
(function () {
  "use strict";

  var FIELDS = ["plan", "status", "pilot", "theme", "territory", "actor", "role"];

  // ActionFilters.from_args: trimmed values, "1"/"on"/"true" for the check boxes, the
  // dates as YYYY-MM-DD (a malformed one is not applied), an unknown order is the
  // document's.
  function filtersFrom(search, config) {
    var params = new URLSearchParams(search);
    var filters = {};
    FIELDS.forEach(function (name) {
      filters[name] = (params.get(name) || "").trim() || null;
    });
    if (config.plan) filters.plan = config.plan;
    filters.without_pilot = ["1", "on", "true"].indexOf(params.get("without_pilot")) >= 0;
    ["end_from", "end_to"].forEach(function (name) {
      var value = (params.get(name) || "").trim();
      var valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && !isNaN(Date.parse(value + "T00:00:00Z"));
      filters[name] = valid ? value : null;
    });
    var sort = params.get("sort") || "order";
    filters.sort = config.sorts.indexOf(sort) >= 0 ? sort : "order";
    filters.descending = ["1", "true"].indexOf(params.get("desc")) >= 0;
    return filters;
  }

  function involved(row, test) {
    return row.involvements.some(test);
  }

  function roleOf(involvement) {
    return involvement.role ? involvement.role.iri : null;
  }

  function isPilot(config) {
    return function (involvement) { return roleOf(involvement) === config.pilot_role; };
  }

  // The server's _CONDITIONS, one by one (a filter on the role alone is ignored when an
  // actor is chosen: the actor's filter takes it).
  function passes(row, f, config) {
    if (f.plan && row.plan.iri !== f.plan) return false;
    if (f.status && !(row.status && row.status.iri === f.status)) return false;
    if (f.pilot && !involved(row, function (i) {
      return i.actor.iri === f.pilot && roleOf(i) === config.pilot_role;
    })) return false;
    if (f.without_pilot && involved(row, isPilot(config))) return false;
    if (f.theme && !row.themes.some(function (t) { return t.iri === f.theme; })) return false;
    if (f.territory && !row.territories.some(function (t) { return t.iri === f.territory; })) {
      return false;
    }
    if (f.actor && !involved(row, function (i) {
      return i.actor.iri === f.actor && (!f.role || roleOf(i) === f.role);
    })) return false;
    if (f.role && !f.actor && !involved(row, function (i) { return roleOf(i) === f.role; })) {
      return false;
    }
    if (f.end_from && !(row.end_key !== null && row.end_key >= f.end_from)) return false;
    if (f.end_to && !(row.end_key !== null && row.end_key <= f.end_to)) return false;
    return true;
  }

  // SQLite's BINARY collation: strings compared code point by code point.
  function compareText(a, b) {
    if (a === b) return 0;
    var left = Array.from(a), right = Array.from(b);
    for (var n = 0; n < Math.min(left.length, right.length); n++) {
      var x = left[n].codePointAt(0), y = right[n].codePointAt(0);
      if (x !== y) return x < y ? -1 : 1;
    }
    return left.length - right.length;
  }

  function documentOrder(a, b) {
    return compareText(a.plan.label, b.plan.label) || compareText(a.plan.iri, b.plan.iri) ||
      a.position - b.position;
  }

  var KEYS = {
    label: function (row) { return row.label_key; },
    status: function (row) { return row.status ? row.status.label : null; },
    end: function (row) { return row.end_key; },
    plan: function (row) { return row.plan.label; }
  };

  // lodplan.pages.actions._order: the document order (reversed whole when descending),
  // or a key with the rows without one last, then the document order.
  function ordered(rows, f) {
    var key = KEYS[f.sort];
    var sign = f.descending ? -1 : 1;
    return rows.slice().sort(function (a, b) {
      if (!key) return sign * documentOrder(a, b);
      var x = key(a), y = key(b);
      if ((x === null) !== (y === null)) return x === null ? 1 : -1;
      return (x === null ? 0 : sign * compareText(x, y)) || documentOrder(a, b);
    });
  }

  // lodplan.pages.actions.actions_csv: the same columns, values and quoting (RFC 4180).
  function csvLine(values) {
    return values.map(function (value) {
      var text = String(value);
      return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }).join(",") + "\r\n";
  }

  function csv(rows, config) {
    var lines = [csvLine(config.columns)];
    rows.forEach(function (row) {
      var pilots = row.involvements.filter(isPilot(config));
      var others = row.involvements.filter(function (i) { return !isPilot(config)(i); });
      lines.push(csvLine([
        row.plan.iri, row.plan.label, row.code || "", row.label,
        row.status ? row.status.label : "",
        pilots.map(function (i) { return i.actor.label; }).join(" ; "),
        others.map(function (i) {
          return i.role ? i.actor.label + " (" + i.role.label + ")" : i.actor.label;
        }).join(" ; "),
        row.themes.map(function (t) { return t.label; }).join(" ; "),
        row.start || "", row.end || "",
        row.territories.map(function (t) { return t.label; }).join(" ; "),
        row.iri
      ]));
    });
    return lines.join("");
  }

  var api = { filtersFrom: filtersFrom, passes: passes, ordered: ordered, csv: csv };
  if (typeof module === "object" && module.exports) {  // Node: the tests compare with Python
    module.exports = api;
    return;
  }

  var configElement = document.getElementById("actions-config");
  var form = document.querySelector("[data-static-filters]");
  if (!configElement || !form) return;
  var config = JSON.parse(configElement.textContent);
  var language = config.lang || document.documentElement.lang || "fr";
  var plurals = new Intl.PluralRules(language);

  function message(key, fields) {
    var text = config.messages[key];
    if (typeof text !== "string") text = text[plurals.select(fields.count)] || text.other;
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

  function link(text, href) {
    return href ? element("a", text, { href: config.root + href }) : document.createTextNode(text);
  }

  function cell(column, parts) {
    var td = element("td", "", { "data-label": config.messages[column] });
    parts.forEach(function (part, n) {
      if (n && part.separator) td.appendChild(document.createTextNode(part.separator));
      td.appendChild(part.node);
    });
    return td;
  }

  function listed(items, separator, node) {
    return items.map(function (item) { return { node: node(item), separator: separator }; });
  }

  // One row as the template actions.html writes it.
  function tableRow(row) {
    var tr = element("tr", "", { "data-iri": row.iri });
    tr.appendChild(cell("action", [{ node: link((row.code ? row.code + " " : "") + row.label, row.href) }]));
    if (!config.plan) tr.appendChild(cell("plan", [{ node: link(row.plan.label, row.plan.href) }]));
    tr.appendChild(cell("status", row.status ? [{ node: document.createTextNode(row.status.label) }] : []));
    var pilots = row.involvements.filter(isPilot(config));
    tr.appendChild(cell("pilots", listed(pilots, ", ", function (i) {
      return link(i.actor.label, i.actor.href);
    })));
    tr.appendChild(cell("themes", listed(row.themes, " ; ", function (t) {
      return document.createTextNode(t.label);
    })));
    tr.appendChild(cell("end", row.end ? [{ node: element("time", row.end_text, { datetime: row.end }) }] : []));
    tr.appendChild(cell("territories", listed(row.territories, ", ", function (t) {
      return document.createTextNode(t.label);
    })));
    return tr;
  }

  // The form shows the filters of the URL (the server's page is rendered with them).
  function fillForm(f) {
    FIELDS.concat(["sort", "end_from", "end_to"]).forEach(function (name) {
      var field = form.elements[name];
      if (!field || f[name] === null || f[name] === undefined) return;
      if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) {
        return o.value === f[name];
      })) return;
      field.value = f[name];
    });
    if (form.elements.without_pilot) form.elements.without_pilot.checked = f.without_pilot;
    if (form.elements.desc) form.elements.desc.checked = f.descending;
  }

  function show(data) {
    var f = filtersFrom(window.location.search, config);
    fillForm(f);
    form.hidden = false;
    var note = document.querySelector("[data-static-note]");
    if (note) note.hidden = true;
    var rows = ordered(data.rows.filter(function (row) { return passes(row, f, config); }), f);
    var count = document.querySelector("[data-action-count]");
    if (count) count.textContent = message("count", { count: rows.length });
    var download = document.querySelector("[data-action-csv]");
    if (download) {
      var blob = new Blob([csv(rows, config)], { type: "text/csv;charset=utf-8" });
      download.setAttribute("href", URL.createObjectURL(blob));
      download.setAttribute("download", "actions.csv");
    }
    var pager = document.querySelector("nav.pager");
    if (pager) pager.hidden = true;
    var none = document.querySelector("[data-static-none]");
    var table = document.querySelector("table.actions-table");
    if (none) none.hidden = rows.length > 0;
    if (!table) return;
    table.hidden = rows.length === 0;
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    rows.forEach(function (row) { body.appendChild(tableRow(row)); });
    document.documentElement.setAttribute("data-actions-filtered", "");
  }

  function unavailable() {
    var note = document.querySelector("[data-static-note]");
    if (note) note.textContent = message("unavailable");
  }

  fetch(config.data)
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(show, unavailable);
})();
