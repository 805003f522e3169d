/*
 * The SPARQL page (/sparql): turns the plain query form into YASGUI (vendored in
 * assets/vendor/yasgui/) when it is used. YASGUI is 1 MB of script: it is loaded only
 * when the reader opens the editor (its button), opens an example in it, or follows a
 * link asking for an example (?example=) or a query (#query=). Without JavaScript, or
 * if YASGUI fails to load or start, the form keeps working as it is. Its interface is
 * in the page's language (YASGUI has none but English: its texts are replaced, as it
 * writes them, from `interface`), and its fields get the names it lacks. Everything
 * the editor needs is in the page's JSON block #sparql-editor-config (written by
 * lodplan.pages.sparql_editor):
 *   endpoint      this server's /sparql (relative to the page: works under a mount prefix)
 *   starter       the query of the first tab when no example is asked for
 *   examples      [{name, title, query}] — "Ouvrir dans l'éditeur" opens one in its tab
 *   selected      the example asked by ?example=<name>, or null
 *   storageKey    YASGUI keeps its tabs in localStorage under this key, which changes
 *                 with the examples and the endpoint, so stored tabs never hide them
 *   tabName, downloadLabel   labels in the page's language
 *   script, style YASGUI's files; loading, failed: what the page says meanwhile
 *   interface     YASGUI's English texts → the page's; table: the results table's
 *   labels        names of the query and endpoint fields
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
  if (!configElement || !host || !form) {
    return; // the plain form stays
  }
  var config = JSON.parse(configElement.textContent);
  var opener = document.querySelector(".sparql-editor-open");
  var openButton = opener && opener.querySelector("[data-open-editor]");
  var status = opener && opener.querySelector("[data-editor-status]");
  var loading = null;

  /** Loads YASGUI's style and script once, then starts the editor: a promise of it. */
  function load() {
    if (loading) return loading;
    if (status) status.textContent = config.loading;
    loading = new Promise(function (resolve, reject) {
      if (typeof window.Yasgui === "function") return resolve();
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = new URL(config.style, document.baseURI).href;
      document.head.appendChild(style);
      var script = document.createElement("script");
      script.src = new URL(config.script, document.baseURI).href;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("YASGUI did not load")); };
      document.head.appendChild(script);
    }).then(function () {
      var editor = start(window.Yasgui);
      if (!editor) throw new Error("YASGUI did not start");
      if (opener) opener.hidden = true;
      return editor;
    });
    loading.catch(function () {
      if (status) status.textContent = config.failed;
      if (openButton) openButton.disabled = true;
    });
    return loading;
  }

  if (opener && openButton) {
    opener.hidden = false;
    openButton.addEventListener("click", function () {
      load().then(function (editor) { editor.focus(); }, function () {});
    });
  }
  document.querySelectorAll("a[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      load().then(
        function (editor) { if (!editor.open(link.getAttribute("data-example"))) location.href = link.href; },
        function () { location.href = link.href; } // the page of the example, in the form
      );
    });
  });
  if (config.selected || /^#query=/.test(location.hash)) {
    load().catch(function () {});
  }

  /** YASGUI on the page: { open(name), focus() }, or null if it cannot run safely. */
  function start(Yasgui) {
  var endpoint = new URL(config.endpoint, document.baseURI).href;
  var examples = {};
  config.examples.forEach(function (example) {
    examples[example.name] = example;
  });

  // Autocompletion from the query itself and the bundled prefixes only.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.prefixCcApi = null; // Yasgui.defaults.yasqe is this same object

  if (!textOnlyTable(Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table)) {
    return null; // a YASGUI whose table could show values as HTML: the plain form stays
  }
  var tableDefaults = Yasgui.Yasr.plugins.table.defaults;
  if (tableDefaults && tableDefaults.tableConfig) {
    var language = tableDefaults.tableConfig.language || {};
    Object.keys(config.table).forEach(function (name) { language[name] = config.table[name]; });
    tableDefaults.tableConfig.language = language;
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
    return null; // the plain form stays
  }
  accessible(host);
  new MutationObserver(function () { accessible(host); }).observe(host, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["title", "aria-label", "placeholder"],
  });

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

  function focus() {
    var tab = yasgui.getTab();
    if (tab && tab.getYasqe()) tab.getYasqe().focus();
  }

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

  return {
    open: function (name) {
      if (!openExample(name)) return false;
      host.scrollIntoView({ behavior: "smooth", block: "start" });
      focus();
      return true;
    },
    focus: focus,
  };
  }

  /*
   * What YASGUI lacks for assistive technologies and readers of other languages, set
   * again whenever it redraws: its texts in the page's language, names for its query
   * and endpoint fields, and an "add a tab" button after the tab list rather than in it
   * (a tab list holds tabs only: YASGUI's own is hidden by the stylesheet, and pressed
   * by this one).
   */
  function accessible(root) {
    var texts = config.interface;
    root.querySelectorAll("[title], [aria-label], [placeholder]").forEach(function (element) {
      ["title", "aria-label", "placeholder"].forEach(function (name) {
        var value = element.getAttribute(name);
        if (value && Object.prototype.hasOwnProperty.call(texts, value)) {
          element.setAttribute(name, texts[value]);
        }
      });
    });
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue;
      var key = text.trim();
      if (key && Object.prototype.hasOwnProperty.call(texts, key)) {
        node.nodeValue = text.replace(key, texts[key]);
      } else if (Object.prototype.hasOwnProperty.call(texts, text)) {
        node.nodeValue = texts[text];
      }
    }
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", config.labels.query);
    });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", config.labels.endpoint);
    });
    root.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", config.labels.pageSize);
    });
    // the query's scrolled area, reachable by keyboard when it overflows (WCAG 2.1.1)
    root.querySelectorAll(".CodeMirror-scroll:not([tabindex=\"0\"])").forEach(function (area) {
      area.setAttribute("tabindex", "0");
      area.setAttribute("aria-label", config.labels.query);
    });
    var tabs = root.querySelector("[role=tablist]");
    var add = tabs && tabs.querySelector("button.addTab");
    if (add && !root.querySelector(".sparql-add-tab")) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sparql-add-tab";
      button.textContent = "+ " + (texts["Add tab"] || "Add tab");
      button.addEventListener("click", function () { add.click(); });
      tabs.after(button);
    }
  }

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
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[character];
    });
  }
})();
