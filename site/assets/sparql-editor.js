/*
 * The SPARQL page (/sparql): turns the plain query form into YASGUI (vendored in
 * assets/vendor/yasgui/). Without JavaScript, or if YASGUI fails to start, the form
 * keeps working as it is. Everything the editor needs is in the page's JSON block
 * #sparql-editor-config (written by lodplan.pages.sparql_editor):
 *   endpoint      this server's /sparql (relative to the page: works under a mount prefix)
 *   starter       the query of the first tab when no example is asked for
 *   examples      [{name, title, query}] — "Ouvrir dans l'éditeur" opens one in its tab
 *   selected      the example asked by ?example=<name>, or null
 *   storageKey    YASGUI keeps its tabs in localStorage under this key, which changes
 *                 with the examples and the endpoint, so stored tabs never hide them
 *   tabName, downloadLabel   labels in the page's language
 * Results are shown as text (textOnlyTable, below). The page makes no third-party
 * request: the autocompleters that call lov.linkeddata.es are off, prefixes come from
 * the bundle (not prefix.cc), the endpoint catalogue lists this server only and no
 * CORS proxy is set.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("sparql-editor-config");
  var host = document.getElementById("sparql-editor");
  var form = document.querySelector("#query-editor form");
  if (!configElement || !host || !form || typeof window.Yasgui !== "function") {
    return; // the plain form stays
  }
  var Yasgui = window.Yasgui;
  var config = JSON.parse(configElement.textContent);
  var endpoint = new URL(config.endpoint, document.baseURI).href;
  var examples = {};
  config.examples.forEach(function (example) {
    examples[example.name] = example;
  });

  // Autocompletion from the query itself and the bundled prefixes only.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.prefixCcApi = null; // Yasgui.defaults.yasqe is this same object

  var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  if (!textOnlyTable(Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table)) {
    return; // a YASGUI whose table could show values as HTML: the plain form stays
  }

  // Plain values in the results table (no datatypes or language tags); the toggle stays.
  var simpleTable = { settings: { selectedPlugin: "table", pluginsConfig: { table: { compact: true } } } };

  function thisEndpoint(tabConfig) {
    tabConfig.requestConfig.endpoint = endpoint;
    return tabConfig;
  }

  var yasgui;
  try {
    host.hidden = false;
    yasgui = new Yasgui(host, {
      persistenceId: "lodplan-sparql-" + config.storageKey,
      autoAddOnInit: false,
      autofocus: false,
      tabName: config.tabName,
      copyEndpointOnNewTab: false,
      corsProxy: undefined,
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: {
        getData: function () {
          return [{ endpoint: endpoint }];
        },
      },
      populateFromUrl: thisEndpoint, // a shared link (#query=…) queries this server
      yasqe: { value: config.starter },
    });
  } catch (error) {
    host.hidden = true;
    host.textContent = "";
    return; // the plain form stays
  }

  /** Shows the example's tab, made on first use (a tab keeps what was edited in it). */
  function openExample(name) {
    var example = examples[name];
    if (!example) return false;
    var id = "query-" + name;
    if (yasgui.getTab(id)) {
      yasgui.selectTabId(id);
    } else {
      yasgui.addTab(true, {
        id: id,
        name: example.title,
        yasqe: { value: example.query },
        yasr: simpleTable,
        requestConfig: { endpoint: endpoint },
      });
    }
    return true;
  }

  if (yasgui.persistentConfig.getTabs().length === 0) {
    if (!openExample(config.selected)) {
      yasgui.addTab(true, { name: config.tabName, yasqe: { value: config.starter }, yasr: simpleTable });
    }
  } else {
    openExample(config.selected);
  }
  if (config.selected && examples[config.selected]) {
    host.scrollIntoView();
  }

  document.querySelectorAll("a[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (openExample(link.getAttribute("data-example"))) {
        event.preventDefault();
        host.scrollIntoView({ behavior: "smooth", block: "start" });
        var tab = yasgui.getTab();
        if (tab && tab.getYasqe()) tab.getYasqe().focus();
      }
    });
  });

  // The form now downloads the whole result of the editor's query, in the chosen format.
  var textarea = form.querySelector("textarea[name=query]");
  var format = form.querySelector("select[name=format]");
  var button = form.querySelector("button[type=submit]");
  textarea.parentElement.hidden = true;
  if (format.querySelector("option[value=csv]")) format.value = "csv";
  button.textContent = config.downloadLabel;
  form.addEventListener("submit", function () {
    var tab = yasgui.getTab();
    if (tab) textarea.value = tab.getQuery();
  });

  /*
   * The results table shows values as text: nothing a query returns is parsed as HTML.
   * YASGUI's table escapes what it shows, but hands the raw value of every cell, for
   * sorting and searching, to DOMPurify and DataTables, which parse it as HTML in this
   * page (a literal "<img src=x onerror=…>" then tries to run its handler: only the
   * Content-Security-Policy stopped it). Its three cell methods are replaced: cells,
   * sort and search keys are built from escaped text, and only http(s) IRIs are links.
   */
  function textOnlyTable(Table) {
    var table = Table && Table.prototype;
    var used = ["getUriLinkFromBinding", "formatLiteral", "getColumns", "getCellContent"];
    if (!table || !used.every(function (name) { return typeof table[name] === "function"; })) {
      return false;
    }
    table.getUriLinkFromBinding = function (binding, prefixes) {
      var iri = binding.value;
      var label = iri;
      var prefixed = false;
      Object.keys(prefixes || {}).some(function (name) {
        var namespace = prefixes[name];
        prefixed = Boolean(namespace) && iri.indexOf(namespace) === 0;
        if (prefixed) label = name + ":" + iri.substring(namespace.length);
        return prefixed;
      });
      var shown = /^https?:\/\//i.test(iri)
        ? '<a class="iri" target="_blank" rel="noopener noreferrer" href="' +
          escapeHtml(iri) + '">' + escapeHtml(label) + "</a>"
        : escapeHtml(label);
      return prefixed || this.persistentConfig.compact ? shown : "&lt;" + shown + "&gt;";
    };
    table.formatLiteral = function (binding, prefixes) {
      var text = escapeHtml(binding.value);
      if (this.persistentConfig.compact) return text;
      if (binding["xml:lang"]) return '"' + text + '"<sup>@' + escapeHtml(binding["xml:lang"]) + "</sup>";
      if (!binding.datatype) return text;
      var datatype = this.getUriLinkFromBinding({ type: "uri", value: binding.datatype }, prefixes);
      return '"' + text + '"<sup>^^' + datatype + "</sup>";
    };
    var getColumns = table.getColumns;
    table.getColumns = function () {
      return getColumns.call(this).map(function (column, index) {
        if (index === 0) return column; // the row numbers
        var render = column.render;
        column.render = function (cell, type, row, meta) {
          if (!cell) return ""; // an unbound variable
          // DataTables decodes a search key holding "&" through innerHTML: escaped
          // text decodes back to the text, never to elements
          if (type === "filter" || type === "sort" || !type) return escapeHtml(cell.value);
          return render(cell, type, row, meta); // getCellContent: the methods above
        };
        return column;
      });
    };
    return true;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (character) {
      return HTML_ESCAPES[character];
    });
  }
})();
