"""The static export (``lodplan export-site``) of a small store: its files, its links,
its data files, its search, and how it replaces a previous export."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from lodplan.bundled import site_dir
from lodplan.cli import main
from lodplan.codelists import bundled_vocabulary
from lodplan.pages import actions as action_table
from lodplan.pages.actions import (
    PILOT_ROLE,
    SORTS,
    ActionFilters,
    ActionRow,
    ActionTable,
    Involvement,
    Ref,
    actions_csv,
    browser_record,
    write_table,
)
from lodplan.pages.export import (
    CSV_COLUMNS,
    EXPORT_MARKER,
    ExportError,
    ExportReport,
    export_site,
)
from lodplan.pages.links import StaticLinks
from lodplan.pages.render import PageRenderer
from lodplan.pages.search import (
    Entry,
    Filters,
    SearchIndex,
    fold,
    index_document,
    search,
    stem,
    words,
    write_index,
)
from lodplan.publishing.downloads import vocabulary_files
from lodplan.store.base import DownloadFile, NamedGraph
from lodplan.store.embedded import EmbeddedPublisher, EmbeddedStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "site"
BASE = "http://site.test/"
PLAN = BASE + "plan/demo"
ACTION = PLAN + "/element/1.1"
PILOTE = "https://w3id.org/lodplan/code/role/pilote"
UNLINKED = BASE + "territory/commune/99002"  # in the store, named by no page
HOSTILE = "<script>alert(1)</script>"
SITE_PAGES = ("index", "search", "charts", "ontology", "sparql", "validation", "accessibility",
              "actions", "plan/demo/actions")  # fmt: skip
SEARCH_JS = site_dir() / "assets" / "search.js"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_LINK = re.compile(r'\b(?:href|src|action)="([^"]*)"')


def _graph(iri: str, triples: list[Triple]) -> NamedGraph:
    return NamedGraph(iri, serialize(triples, format=RdfFormat.N_TRIPLES), len(triples))


def _t(s: str, p: str, o: NamedNode | Literal) -> Triple:
    return Triple(NamedNode(s), NamedNode(p), o)


def publish(root: Path, build_id: str = "export-1") -> EmbeddedStore:
    """The demo plan of the site tests, the ontology and code lists, an unlinked
    commune, a VoID description, a catalog of two datasets, and the files a build
    offers (no validation report)."""
    plan = rdflib.Graph().parse(FIXTURES / "demo.ttl")
    a = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    catalog = BASE + "catalog"
    catalog_triples = [_t(catalog, a, NamedNode(_DCAT + "Catalog"))]
    for name in ("demo", "other"):
        dataset = f"{BASE}dataset/{name}"
        catalog_triples += [
            _t(catalog, _DCAT + "dataset", NamedNode(dataset)),
            _t(dataset, a, NamedNode(_DCAT + "Dataset")),
            _t(dataset, _DCT + "identifier", Literal(name)),
        ]
    vocabulary = bundled_vocabulary()
    graphs = [
        NamedGraph(BASE + "graph/plan/demo", plan.serialize(format="nt").encode(), len(plan)),
        *(
            NamedGraph(BASE + f"graph/{name}", graph.serialize(format="nt").encode(), len(graph))
            for name, graph in (
                ("ontology", vocabulary.ontology),
                ("codelists", vocabulary.codelists),
            )
        ),
        _graph(
            BASE + "graph/cog",
            [
                _t(UNLINKED, a, NamedNode("http://rdf.insee.fr/def/geo#Commune")),
                _t(UNLINKED, "http://www.w3.org/2000/01/rdf-schema#label", Literal("Autreville")),
            ],
        ),
        _graph(
            BASE + "graph/void",
            [
                _t(BASE, a, NamedNode("http://rdfs.org/ns/void#Dataset")),
                _t(
                    BASE,
                    "http://rdfs.org/ns/void#triples",
                    Literal("42", datatype=NamedNode(_XSD + "integer")),
                ),
            ],
        ),
        _graph(BASE + "graph/catalog", catalog_triples),
    ]
    downloads = [
        DownloadFile("sources/demo.txt", "text/plain", (FIXTURES / "demo.txt").read_bytes()),
        DownloadFile(
            "lodplan.nq.gz", "application/gzip", gzip.compress(b"<urn:a> <urn:b> <urn:c> .\n")
        ),
        *(
            DownloadFile(f"plans/demo{ext}", "text/plain", b"demo")
            for ext in (".csv", ".xlsx", ".ttl", ".jsonld")  # what a plan's card links
        ),
        *vocabulary_files(),
    ]
    EmbeddedPublisher(root).publish(graphs, base_iri=BASE, build_id=build_id, downloads=downloads)
    return EmbeddedStore(root)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    return publish(tmp_path_factory.mktemp("export-store"))


@pytest.fixture(scope="module")
def exported(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> ExportReport:
    return export_site(store, tmp_path_factory.mktemp("exports") / "site", catalog_page_size=1)


@pytest.fixture(scope="module")
def root(exported: ExportReport) -> Path:
    return exported.target


def html_files(root: Path) -> Iterator[Path]:
    return root.rglob("*.html")


def test_every_page_in_both_languages_with_the_data_of_each_resource(root, exported):
    for prefix in ("", "en/"):
        for page in SITE_PAGES:
            assert (root / f"{prefix}{page}.html").is_file(), prefix + page
    for name in ("plan/demo", "plan/demo/element/1.1", "actor/ville", "source/demo",
                 "territory/commune/99001", "territory/departement/99"):  # fmt: skip
        assert (root / f"{name}.html").is_file()
        assert (root / f"en/{name}.html").is_file()
        for extension in (".jsonld", ".ttl", ".csv"):
            assert (root / f"{name}{extension}").is_file()
    # the plan's card links to its validation report, which this build does not have
    assert exported.problems == ("validation/demo.html: linked to, but this build has none",)
    assert exported.pages == len(list(html_files(root)))
    site_pages = {f"{name}.html" for name in SITE_PAGES}
    resource_pages = [
        page
        for page in html_files(root)
        if page.relative_to(root).parts[0] != "en"
        and page.relative_to(root).as_posix() not in site_pages
    ]
    assert exported.resources == len(resource_pages) > 8  # with code-list concepts
    # the tables of actions: unfiltered, with the CSV of their rows beside them
    table = (root / "plan/demo/actions.html").read_text(encoding="utf-8")
    assert 'href="element/1.1.html"' in table and 'href="actor/ville.html"' not in table
    assert 'href="actions.csv"' in table
    # its filters, hidden until assets/actions.js answers them from the rows of the build
    assert "<form" in table and " hidden data-static-filters" in table
    assert '<script src="../../assets/actions.js" defer>' in table
    config = json.loads(table.split('id="actions-config">')[1].split("</script>")[0])
    assert (config["data"], config["root"], config["plan"]) == (
        "../../actions-table.fr.json",
        "../../",
        BASE + "plan/demo",
    )
    rows = json.loads((root / "actions-table.fr.json").read_text(encoding="utf-8"))["rows"]
    assert [row["href"] for row in rows] == ["plan/demo/element/1.1.html"]
    assert (root / "assets/actions.js").is_file()
    assert (root / "plan/demo/actions.csv").read_bytes().count(b"\r\n") == 2
    assert 'href="demo/actions.html"' in (root / "plan/demo.html").read_text(encoding="utf-8")
    assert exported.files == sum(1 for path in root.rglob("*") if path.is_file())


def test_resources_no_page_links_to_are_not_exported(root):
    assert not (root / "territory/commune/99002.html").exists()
    assert not (root / "territory/commune/99002.ttl").exists()


def test_a_resource_outside_the_base_has_its_page_under_ext(root):
    page = root / "ext/w3id.org/lodplan/code/role/pilote.html"
    assert "Pilote" in page.read_text(encoding="utf-8")
    assert (root / "en/ext/w3id.org/lodplan/code/role/pilote.html").is_file()
    assert "Lead" in (root / "ext/w3id.org/lodplan/code/role/pilote.ttl").read_text()
    action = (root / "plan/demo/element/1.1.html").read_text(encoding="utf-8")
    assert 'href="../../../ext/w3id.org/lodplan/code/role/pilote.html"' in action


def test_links_are_relative_and_every_one_leads_to_a_file_of_the_export(root):
    no_report = {root / "validation/demo.html", root / "en/validation/demo.html"}  # see above
    checked = 0
    for page in html_files(root):
        for link in _LINK.findall(page.read_text(encoding="utf-8")):
            link = link.replace("&amp;", "&")
            assert not link.startswith(("/", BASE)), f"{page}: {link}"
            if urlsplit(link).scheme:  # an outside link (not to this site's data)
                assert link.startswith(("http://", "https://")) and "site.test" not in link
                continue
            target = urldefrag(link)[0]
            assert "?" not in target, f"{page}: {link}"  # a static host ignores queries
            file = (page.parent / unquote(target)).resolve()
            if target and file not in no_report:
                assert file.is_file(), f"{page}: {link}"
                checked += 1
    assert checked > 500


def test_english_pages_link_to_english_pages_and_back_to_french(root):
    english = (root / "en/plan/demo/element/1.1.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english
    assert "Plant trees" in english
    assert 'href="../../../../plan/demo/element/1.1.html" hreflang="fr"' in english
    assert 'href="../../../actor/ville.html"' in english  # en/actor/ville.html
    assert 'href="../../../../assets/lodplan.css"' in english  # assets exist once


def test_the_hostile_label_is_escaped_in_every_page(root):
    pages = [page.read_text(encoding="utf-8") for page in html_files(root)]
    assert not any(HOSTILE in page for page in pages)
    axis = (root / "plan/demo/element/1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in axis


def test_the_csv_of_a_resource_has_one_row_per_triple_of_its_description(root, store):
    rows = list(csv.DictReader(io.StringIO((root / "plan/demo/element/1.1.csv").read_text())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == len(store.describe(ACTION))
    involves = next(r for r in rows if r["property"].endswith("#involves"))
    assert involves["value"] == BASE + "actor/ville"
    assert involves["value_type"] == "iri"
    assert involves["value_label"] == "Ville de Test"
    label = next(r for r in rows if r["property"].endswith("#label") and r["language"] == "en")
    assert (label["subject"], label["value"], label["value_type"]) == (
        ACTION,
        "Plant trees",
        "literal",
    )
    role = next(r for r in rows if r["property"] == "http://www.w3.org/ns/prov#hadRole")
    assert role["subject"] == ACTION + "#involvement-ville-pilote"
    assert role["value_label"] == "Pilote"
    start = next(r for r in rows if r["property"].endswith("#startDate"))
    assert (start["value"], start["datatype"]) == ("2024-01-01", _XSD + "date")


def test_the_json_ld_and_turtle_of_a_resource_describe_it(root, store):
    graph = rdflib.Graph().parse(root / "plan/demo/element/1.1.ttl", format="turtle")
    assert len(graph) == len(store.describe(ACTION))
    document = json.loads((root / "plan/demo/element/1.1.jsonld").read_text())
    assert "@context" in document


def test_the_search_index_of_each_language_links_to_exported_pages(root):
    for lang, page in (("fr", root / "search.html"), ("en", root / "en/search.html")):
        html = page.read_text(encoding="utf-8")
        config = json.loads(re.search(r'id="search-config">(.*?)</script>', html, re.S)[1])
        index_file = (page.parent / config["index"]).resolve()
        assert index_file == root / f"search-index.{lang}.json"
        document = json.loads(index_file.read_text(encoding="utf-8"))
        records = document["entries"]
        assert {r["iri"] for r in records} >= {PLAN, ACTION, BASE + "actor/ville", PILOTE}
        assert document["settings"]["field_weights"]["label"] > 1
        for record in records:
            assert (page.parent / unquote(record["href"])).resolve().is_file(), record
        action = next(r for r in records if r["iri"] == ACTION)
        assert action["label"] == {"fr": "Planter des arbres", "en": "Plant trees"}[lang]
        assert '<script src="' in html and "assets/search.js" in html
        assert (page.parent / config["stemmer"]).resolve().is_file()
        assert "<noscript>" in html
        assert set(config["messages"]) >= {"results", "none", "too_short", "unavailable"}


def test_the_catalog_is_written_page_by_page_in_each_format(root):
    for name in ("catalog", "catalog-page-2"):
        for extension in (".ttl", ".jsonld", ".rdf", ".nt"):
            assert (root / f"{name}{extension}").is_file()
    assert not (root / "catalog-page-3.ttl").exists()
    first = rdflib.Graph().parse(root / "catalog.ttl", format="turtle")
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    assert rdflib.URIRef(BASE + "catalog-page-2.ttl") in set(first.objects(None, hydra.next))


def test_void_context_downloads_assets_and_queries_are_copied(root, store):
    void = (root / "void.ttl").read_bytes()
    assert void == (root / ".well-known/void").read_bytes()
    assert (rdflib.URIRef(BASE), None, None) in rdflib.Graph().parse(data=void, format="turtle")
    assert json.loads((root / "void.jsonld").read_text())
    assert json.loads((root / "context.jsonld").read_text())["@context"]
    assert list((root / "context").glob("*.jsonld"))
    for name in store.download_names():
        assert (root / "download" / name).read_bytes() == store.download(name).read_bytes()
    dumps = rdflib.Graph().parse(data=void, format="turtle").objects(None, rdflib.VOID.dataDump)
    for dump in dumps:  # served from the .nq.gz file on a server: written out here
        assert (root / str(dump).removeprefix(BASE)).is_file(), dump
    assert (root / "assets/search.js").read_bytes() == SEARCH_JS.read_bytes()
    assert list((root / "queries").glob("*.rq"))
    marker = json.loads((root / EXPORT_MARKER).read_text())
    assert (marker["build"], marker["base_iri"]) == ("export-1", BASE)


def test_static_links_point_the_void_address_to_its_file():
    links = StaticLinks(BASE, "en/plan/demo.html", "en")
    assert links.file(".well-known/void") == "../../void.ttl"
    assert links.file("catalog.ttl") == "../../catalog.ttl"


# --- where the export goes ---


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def test_a_folder_holding_anything_else_is_refused_and_left_alone(store, tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty"):
        export_site(store, target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert leftovers(target) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(ExportError, match="not a folder"):
        export_site(store, tmp_path / "file")


def test_an_empty_folder_or_a_previous_export_is_replaced_as_a_whole(store, tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    export_site(store, target)
    (target / "stale.html").write_text("from an older export")
    report = export_site(store, target)
    assert not (target / "stale.html").exists()
    assert (target / "index.html").is_file() and report.target == target
    assert leftovers(target) == []


def test_iris_without_a_file_of_their_own_are_reported_not_written(tmp_path):
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    see_also = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
    odd = [BASE + "doc/", BASE + "doc/index", BASE + "doc/../../../escape"]  # one file, outside
    triples = [
        _t(PLAN, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
           NamedNode("https://w3id.org/lodplan/ontology#Plan")),
        _t(PLAN, label, Literal("Plan")),
    ]  # fmt: skip
    for iri in odd:
        triples += [_t(PLAN, see_also, NamedNode(iri)), _t(iri, label, Literal(iri))]
    EmbeddedPublisher(tmp_path / "store").publish(
        [_graph(BASE + "graph/plan/demo", triples)], base_iri=BASE, build_id="odd"
    )
    report = export_site(EmbeddedStore(tmp_path / "store"), tmp_path / "site")
    assert "doc/index.html: written once, for the first resource it names" in report.problems
    assert "doc/../../../escape.html: not written, it would be outside the export" in (
        report.problems
    )
    assert (tmp_path / "site/doc/index.html").is_file()
    assert not list(tmp_path.parent.glob("escape.*")) and not list(tmp_path.rglob("escape*"))


class _FailingRenderer(PageRenderer):
    def __init__(self, on_render=None) -> None:
        super().__init__()
        self.on_render = on_render

    def render(self, template: str, links, **context) -> str:
        if template == "charts.html":
            self.on_render()
        return super().render(template, links, **context)


def test_a_failed_export_leaves_the_previous_one_in_place(store, tmp_path):
    target = tmp_path / "site"
    export_site(store, target)
    before = sorted(p.relative_to(target) for p in target.rglob("*"))

    def fail() -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        export_site(store, target, renderer=_FailingRenderer(fail))
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert leftovers(target) == []


def test_a_build_published_during_the_export_makes_it_fail(tmp_path):
    store = publish(tmp_path / "store")
    renderer = _FailingRenderer(lambda: publish(tmp_path / "store", build_id="export-2"))
    with pytest.raises(ExportError, match="new build"):
        export_site(store, tmp_path / "site", renderer=renderer)
    assert not (tmp_path / "site").exists()
    assert leftovers(tmp_path / "site") == []


def test_the_command_exports_and_says_what_it_wrote(store, tmp_path, capsys):
    target = tmp_path / "site"
    assert main(["export-site", str(target), "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\d+ pages \(\d+ resources × 2 languages.*\d+ files, [\d.]+ MB in", out)
    assert (target / "index.html").is_file()
    assert main(["export-site", str(tmp_path), "--store", str(store.root)]) == 2
    assert "not empty" in capsys.readouterr().err
    wrong_base = ["export-site", str(target), "--store", str(store.root), "--base-iri", "http://x/"]
    assert main(wrong_base) == 2
    assert "built for base IRI http://site.test/" in capsys.readouterr().err


# --- the browser's search: assets/search.js against lodplan.pages.search ---


@pytest.fixture(scope="module")
def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        pytest.skip("node is not installed: search.js is compared with Python by running it")
    return executable


def run_js(
    node: str, tmp_path: Path, code: str, data: object, library: tuple[str, Path] | None = None
) -> object:
    """``code``'s value in Node, with ``data`` and a script of the site's assets loaded as
    ``library`` (name, path; default: ``search``, assets/search.js)."""
    name, path = library or ("search", SEARCH_JS)
    script = tmp_path / "run.js"
    script.write_text(
        f"const {name} = require({json.dumps(str(path))});\n"
        "const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        f"process.stdout.write(JSON.stringify({code}));\n"
    )
    result = subprocess.run(
        [node, str(script)], input=json.dumps(data), capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_search_js_folds_every_character_as_python_does(node, tmp_path):
    characters = [
        chr(code)
        for code in range(0x20, 0x110000)
        if unicodedata.category(chr(code)) not in {"Cn", "Co", "Cs"}
    ]
    texts = [f"a{c}b" for c in characters]
    texts += ["  Étang\u00a0de   l’Œuvre\tÆ ", "STRASSE Straße ΟΔΟΣ", "ﬁn 1ᵉʳ №5", "İstanbul"]
    assert run_js(node, tmp_path, "data.map(search.fold)", texts) == [fold(t) for t in texts]


def test_search_js_finds_ranks_highlights_and_suggests_as_the_server(node, tmp_path):
    plan, other = "http://site.test/plan/p", "http://site.test/plan/q"
    town = "http://site.test/territory/t"
    entries = [Entry(plan, "plan", "Projet de territoire", plan=plan),
               Entry(other, "plan", "Plan climat", plan=other)]  # fmt: skip
    for code in ("1", "1.2", "1.10", "1.9", "2", "10"):
        entries.append(_entry(f"{plan}/e/{code}", "element", f"Axe {code} : mobilité", code, plan))
    entries += [
        _entry(
            f"{plan}/a/{n}",
            "action",
            f"Action {n} pour la mobilité",
            f"A{n}",
            plan,
            "Des pistes cyclables et des vélos " * (n % 4) + "pour tous",
            territories=(town,) if n % 3 else (),
        )
        for n in range(60)
    ]
    entries += [
        _entry(f"{other}/a/dev", "action", "Développement économique", None, other),
        _entry(f"{other}/a/velo", "action", "Plan vélo", None, other, "Un vélodrome 𝒜 ﬁn"),
        _entry("http://site.test/actor/ville", "actor", "Ville de Mobilité-sur-Mer", None, None),
        _entry(
            "http://site.test/actor/dept",
            "actor",
            "Département",
            None,
            None,
            "mobilite douce",
            alt=("Conseil départemental", "CD"),
        ),
        _entry(town, "territory", "Étang de Berre", None, None),
        _entry("http://x.test/c", "concept", "Œuvre commune", "OE", None),
        _entry("http://x.test/velo", "concept", "Vélo", None, None),  # after « Plan vélo »
    ]
    queries = ["mobilité", "MOBILITES", "axe 1", " mobilite  axe ", "œuvre", "oeuvre", "é",
               "berre etang", "x" * 300, "", "aucun résultat", "1.1", "ville mer", "vélo",
               "vélos", "piste cyclable", "pistes cyclables", "conseil departemental", "de la",
               "mobilitée", "devloppement", "plan velo zzzz", "fin", "cd"]  # fmt: skip
    filters = [{}, {"kind": "action"}, {"plan": other}, {"territory": town}]
    path = tmp_path / "index.sqlite"
    write_index(path, entries)
    index = SearchIndex(path)
    document = index_document(entries, [None] * len(entries))
    code = """(() => {
      const index = search.prepare(data.index);
      return data.queries.flatMap((q) => data.filters.map((f) => {
        const r = search.search(index, q, f);
        return {query: r.query, total: r.total, suggestion: r.suggestion, facets: r.facets,
          hits: r.ranked.slice(0, 20).map((h) => [h.entry.iri, h.score,
            search.highlight(h.entry.label, r.words),
            search.snippet(index, h.entry.description || "", r.words)])};
      }));
    })()"""
    data = {"index": document, "queries": queries, "filters": filters}
    found = iter(run_js(node, tmp_path, code, data))
    compared = 0
    for query in queries:
        for chosen in filters:
            answer = next(found)
            expected = search(index, query, Filters(**chosen))
            assert answer["query"] == expected.query
            assert (answer["total"], answer["suggestion"]) == (
                expected.total, expected.suggestion), (query, chosen)  # fmt: skip
            facets = {name: [[f.value, f.label, f.count] for f in values]
                      for name, values in expected.facets.items()}  # fmt: skip
            assert {k: [[f["value"], f["label"], f["count"]] for f in v]
                    for k, v in answer["facets"].items()} == facets, query  # fmt: skip
            page = expected.page(1)
            hits = page.items if page else []
            assert [h[0] for h in answer["hits"]] == [h.entry.iri for h in hits], (query, chosen)
            for (_, score, label, passage), hit in zip(answer["hits"], hits, strict=True):
                assert score == pytest.approx(hit.score, rel=1e-12)
                assert [tuple(p) for p in label] == hit.label
                assert [tuple(p) for p in passage] == hit.snippet
            compared += len(hits)
    assert compared > 200


def test_search_js_stems_every_word_of_the_bundled_index_as_python(node, tmp_path):
    texts = [(FIXTURES / "demo.txt").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted(
        (site_dir().parent / "mappings").glob("*/*.txt"))][:40]  # fmt: skip
    vocabulary = sorted({word for text in texts for word in words(text)})
    assert len(vocabulary) > 3000
    assert run_js(node, tmp_path, "data.map(search.stem)", vocabulary) == [
        stem(word) for word in vocabulary
    ]
    assert run_js(node, tmp_path, "data.map((t) => search.tokens(t).map((x) => x.word))",
                  texts[:5]) == [words(text) for text in texts[:5]]  # fmt: skip


def _entry(
    iri: str,
    kind: str,
    label: str,
    code: str | None,
    plan: str | None,
    description: str = "",
    *,
    alt: tuple[str, ...] = (),
    territories: tuple[str, ...] = (),
) -> Entry:
    return Entry(iri, kind, label, code, description or None, plan, alt, territories)


# --- the static table of actions: assets/actions.js against lodplan.pages.actions ---

ACTIONS_JS = Path(__file__).parents[2] / "site" / "assets" / "actions.js"
PILOTE, PARTENAIRE = PILOT_ROLE, "https://w3id.org/lodplan/code/role/partenaire"
_STATUS = "https://w3id.org/lodplan/code/status/"


def _action_rows() -> list[ActionRow]:
    """Actions of three plans (two of the same label) with what sorts and filters them:
    statuses, planned ends at three precisions, pilots, partners, themes, places; labels
    that CSV quotes and that compare differently in UTF-16 and in code points."""
    plans = [Ref(f"{BASE}plan/{name}", label)
             for name, label in (("a", "Plan B"), ("b", "Plan A"), ("c", "Plan A"))]  # fmt: skip
    statuses = [None, Ref(_STATUS + "en-cours", "En cours"), Ref(_STATUS + "realisee", "Réalisée")]
    ends = [None, "2026", "2025-06", "2024-09-15", "2025-06-30"]
    labels = ["Étudier", 'Dire "oui", puis partir', "zèbre", "𝒜 vélo", "\uff21 plein", "Axe\n2"]
    actors = [Ref(f"{BASE}actor/{n}", f"Acteur {n}") for n in range(3)]
    roles = [Ref(PILOTE, "Pilote"), Ref(PARTENAIRE, "Partenaire"), None]
    themes = [Ref(f"{BASE}theme/{n}", f"Thème {n}") for n in range(2)]
    rows = []
    for n in range(60):
        involvements = [Involvement(actors[(n + k) % 3], roles[(n // 3 + k) % 3])
                        for k in range(n % 3)]  # fmt: skip
        rows.append(ActionRow(
            iri=f"{plans[n % 3].iri}/element/{n}", plan=plans[n % 3], position=n // 3,
            code=str(n % 7) if n % 4 else None, label=labels[n % len(labels)],
            status=statuses[n % 3 if n % 5 else 0], start="2024" if n % 2 else None,
            end=ends[n % len(ends)], involvements=involvements,
            themes=themes[: n % 3], territories=[Ref(f"{BASE}territory/{n % 2}", "Ville")],
        ))  # fmt: skip
    return rows


ACTION_QUERIES = [
    {}, {"sort": "label"}, {"sort": "label", "desc": "1"}, {"sort": "status"},
    {"sort": "status", "desc": "1"}, {"sort": "end"}, {"sort": "end", "desc": "true"},
    {"sort": "plan"}, {"desc": "1"}, {"sort": "nonsense"}, {"plan": f"{BASE}plan/b"},
    {"status": _STATUS + "en-cours", "sort": "end"}, {"pilot": f"{BASE}actor/1"},
    {"without_pilot": "on", "sort": "label"}, {"theme": f"{BASE}theme/1"},
    {"territory": f"{BASE}territory/0", "desc": "1"}, {"actor": f"{BASE}actor/2"},
    {"actor": f"{BASE}actor/2", "role": PARTENAIRE}, {"role": PARTENAIRE, "sort": "end"},
    {"end_from": "2025-06-01"}, {"end_to": "2025-06-15", "sort": "end", "desc": "1"},
    {"end_from": "2025-01-01", "end_to": "2026-01-01", "plan": f"{BASE}plan/a"},
    {"end_from": " 2025-06-01 ", "status": " "},
]  # fmt: skip


def test_actions_js_filters_orders_and_writes_the_csv_as_the_server(node, tmp_path):
    rows = _action_rows()
    write_table(tmp_path / "table.sqlite", rows)
    table = ActionTable(tmp_path / "table.sqlite")
    columns = list(action_table.CSV_COLUMNS)
    config = {"pilot_role": PILOT_ROLE, "sorts": list(SORTS), "columns": columns, "plan": None}
    records = [browser_record(row, "fr", lambda iri: None) for row in rows]
    code = """data.queries.map((q) => {
      const f = actions.filtersFrom(new URLSearchParams(q).toString(), data.config);
      const kept = actions.ordered(data.rows.filter((r) => actions.passes(r, f, data.config)), f);
      return {iris: kept.map((r) => r.iri), csv: actions.csv(kept, data.config)};
    })"""
    data = {"rows": records, "queries": ACTION_QUERIES, "config": config}
    answers = run_js(node, tmp_path, code, data, ("actions", ACTIONS_JS))
    sizes = set()
    for query, answer in zip(ACTION_QUERIES, answers, strict=True):  # type: ignore[arg-type]
        expected = list(table.rows(ActionFilters.from_args(query)))
        assert answer["iris"] == [row.iri for row in expected], query
        assert answer["csv"] == "".join(actions_csv(expected)), query
        sizes.add(len(expected))
    assert len(sizes) >= 8 and 0 not in sizes  # the queries keep different rows
