"""Command line: ``lodplan build | init | validate | coverage | reconcile | serve |
export-site``.

Scripts rely on this contract: ``lodplan build [--store PATH]``,
``lodplan serve [--store PATH] [--host HOST] [--port PORT]``, the base IRI from
``--base-iri`` or ``LODPLAN_BASE_IRI`` (default: the local serving address).
Exit status: 0 success, 1 data checks failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from lodplan import __version__
from lodplan.bundled import mappings_dir
from lodplan.config import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    QueryLimits,
    base_iri_from,
    local_base_iri,
    normalise_base_iri,
    store_location_from,
    store_path_from,
)
from lodplan.errors import LodplanError

EXIT_CHECKS_FAILED = 1
EXIT_INPUT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except LodplanError as exc:
        print(f"lodplan: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_INPUT_ERROR)
    except KeyboardInterrupt:
        print("lodplan: interrupted; the published store is unchanged", file=sys.stderr)
        return 130


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cmd_build(args: argparse.Namespace) -> int:
    from lodplan.build import BuildChecksFailedError, build
    from lodplan.build_cache import CACHE_ENV, BuildCache
    from lodplan.versions import VersionChoice

    base_iri = base_iri_from(args.base_iri)
    publisher, target = _publisher(args)
    cache = None
    if not args.no_cache:
        folder = args.cache or os.environ.get(CACHE_ENV) or store_path_from(args.store) / "cache"
        cache = BuildCache(Path(folder))
    _progress(f"building {args.mappings} → {target} (base IRI {base_iri})")
    try:
        choice = (
            VersionChoice.NEW
            if args.as_new_version
            else VersionChoice.REPLACE
            if args.replace
            else None
        )
        build(args.mappings, publisher, base_iri, progress=_progress, cache=cache, versions=choice)
    except BuildChecksFailedError as exc:
        print(f"{exc}\nlodplan: build failed; the published store is unchanged", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    return 0


def _publisher(args: argparse.Namespace):
    """The embedded store, or an existing SPARQL engine when --graph-store is given."""
    if args.graph_store:
        from lodplan.store.remote import RemoteEndpoint, RemotePublisher

        endpoint = RemoteEndpoint(
            query_url=args.graph_store,
            graph_store_url=args.graph_store,
            user=args.graph_store_user,
            password=os.environ.get("LODPLAN_GRAPH_STORE_PASSWORD"),
            digest_auth=args.digest_auth,
        )
        if args.downloads is None:
            _progress("no --downloads DIR: the dump and the per-plan files are not written")
        return RemotePublisher(endpoint, downloads_dir=args.downloads), args.graph_store
    from lodplan.store.embedded import EmbeddedPublisher

    store = store_path_from(args.store)
    return EmbeddedPublisher(store), store


def _cmd_validate(args: argparse.Namespace) -> int:
    from lodplan.build import check_plans

    checked = check_plans(args.mappings, base_iri_from(args.base_iri), progress=_progress)
    for report in checked.reports:
        print(report.render())
    problems = checked.render_problems()
    if not checked.ok:
        print(problems, file=sys.stderr)
        return EXIT_CHECKS_FAILED
    return 0


def _cmd_coverage(args: argparse.Namespace) -> int:
    from lodplan.build import check_plans

    checked = check_plans(args.mappings, base_iri_from(args.base_iri), progress=_progress)
    missing = 0
    for plan in checked.plans:
        coverage = plan.coverage
        print(f"{coverage.source}: {coverage.summary()}")
        for reason, count in sorted(coverage.ignored_reasons().items(), key=lambda r: -r[1]):
            print(f"  ignored {count:>4} × {reason}")
        for span in coverage.spans:
            if args.verbose or span.status == "unaccounted":
                print(f"  {span.where:>5} {span.status:<11} {span.text[:100]!r} {span.detail}")
        missing += len(coverage.unaccounted)
    return EXIT_CHECKS_FAILED if missing else 0


def _cmd_reconcile(args: argparse.Namespace) -> int:
    import csv

    from lodplan.build import check_plans

    checked = check_plans(args.mappings, base_iri_from(args.base_iri), progress=_progress)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["plan", "line", "field", "mention", "decision", "confidence", "rule",
                     "linked to", "label", "candidates", "context", "evidence",
                     "reason"])  # fmt: skip
    for plan in checked.plans:
        for m in plan.mentions:
            if args.to_review and not m.needs_review:
                continue
            target = m.target
            writer.writerow([
                plan.plan_id, m.line, m.field, m.text, m.decision, m.confidence, m.rule,
                target.ref if target else "", target.label if target else "",
                " | ".join(c.ref for c in m.candidates), m.context, m.evidence, m.reason,
            ])  # fmt: skip
    return EXIT_CHECKS_FAILED if checked.mentions_to_review else 0


def _cmd_init(args: argparse.Namespace) -> int:
    from lodplan.mapping.starter import summary, write_starter

    starter = write_starter(
        args.table, args.mappings, plan_id=args.plan_id, publisher=args.publisher, title=args.title
    )
    print(summary(starter))
    return 0


def _open_served_store(args: argparse.Namespace):
    """The store ``serve`` and ``export-site`` read: the embedded store (checked against
    the base IRI asked for), or the build of a remote engine (the base IRI asked for, else
    the only one it holds); its build information."""
    from lodplan.store import open_store

    location = store_location_from(args.store, args.sparql_endpoint, args.downloads)
    if location.remote:
        store = open_store(
            location, base_iri_from(args.base_iri) if _base_iri_asked(args) else None
        )
        info = store.info()
        if location.downloads is None:
            _progress(
                "warning: no --downloads DIR ($LODPLAN_DOWNLOADS): the build's files and "
                "the source texts are not served"
            )
        return location, store, info, _base_iri_asked(args)
    store = open_store(location)
    info = store.info()
    return location, store, info, _check_base_iri(args.base_iri, location.path, info.base_iri)


def _base_iri_asked(args: argparse.Namespace) -> bool:
    return bool(args.base_iri or _env_base_iri())


def _cmd_serve(args: argparse.Namespace) -> int:
    from lodplan.web.wsgi import DEFAULT_THREADS, proxy_hops_from, serve

    location, _, info, asked = _open_served_store(args)
    if not asked and info.base_iri != local_base_iri(args.host, args.port):
        _progress(
            f"warning: the data's IRIs are under {info.base_iri}, not this server's address; "
            "serve behind that address or rebuild with --base-iri"
        )
    from_env = QueryLimits.from_env()
    limits = replace(
        from_env,
        timeout_s=from_env.timeout_s if args.query_timeout is None else args.query_timeout,
        max_rows=from_env.max_rows if args.max_rows is None else args.max_rows,
        workers=from_env.workers if args.query_workers is None else args.query_workers,
        per_client=(
            from_env.per_client if args.queries_per_client is None else args.queries_per_client
        ),
    )
    proxy_hops = proxy_hops_from(args.proxy_hops)
    _progress(
        f"serving {location} (build {info.build_id[:12]}, {info.triple_count} triples) "
        f"on http://{args.host}:{args.port}/ — resource IRIs under {info.base_iri}"
    )
    serve(
        location,
        host=args.host,
        port=args.port,
        base_iri=info.base_iri,
        limits=limits,
        threads=DEFAULT_THREADS if args.threads is None else args.threads,
        proxy_hops=proxy_hops,
    )
    return 0


def _cmd_export_site(args: argparse.Namespace) -> int:
    from lodplan.pages.export import export_site

    location, store, info, _ = _open_served_store(args)
    _progress(f"exporting {location} (build {info.build_id[:12]}, IRIs under {info.base_iri})")
    report = export_site(store, args.dir, live_endpoint=args.live_endpoint, progress=_progress)
    for problem in report.problems:
        _progress(f"warning: {problem}")
    print(report.summary())
    return 0


def _check_base_iri(flag: str | None, store_root: Path, built_for: str) -> bool:
    """Refuse a base IRI (flag or environment) other than the store's; whether one was given."""
    if not (flag or _env_base_iri()):
        return False
    wanted = base_iri_from(flag)
    if wanted != built_for:
        raise LodplanError(
            f"the store at {store_root} was built for base IRI {built_for}, not {wanted}; "
            f"rebuild with 'lodplan build --store {store_root} --base-iri {wanted}'"
        )
    return True


def _env_base_iri() -> str | None:
    value = os.environ.get("LODPLAN_BASE_IRI")
    return normalise_base_iri(value) if value else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lodplan",
        description=(
            "Publish territorial strategy plans as Linked Open Data: map the source "
            "documents with declarative mappings, validate them with SHACL, serve them "
            "with content negotiation and a SPARQL endpoint."
        ),
        epilog="Environment: LODPLAN_BASE_IRI, LODPLAN_STORE, LODPLAN_QUERY_TIMEOUT, "
        "LODPLAN_MAX_RESULT_ROWS, LODPLAN_QUERY_MEMORY_MB, LODPLAN_MAX_RESULT_BYTES, "
        "LODPLAN_CATALOG_PAGE_SIZE, LODPLAN_FEED_PAGE_SIZE, LODPLAN_GRAPH_STORE_PASSWORD, "
        "LODPLAN_SPARQL_ENDPOINT, LODPLAN_DOWNLOADS, LODPLAN_SPARQL_DATASET, "
        "SOURCE_DATE_EPOCH (a build's time). "
        "Documentation: README.md and docs/.",
    )
    parser.add_argument("--version", action="version", version=f"lodplan {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser, *, store: bool = True, serving: bool = False) -> None:
        sub.add_argument(
            "--base-iri",
            help=(
                "check that the store was built for this base IRI (default: "
                "$LODPLAN_BASE_IRI if set; otherwise the store's own base IRI is used)"
            )
            if serving
            else "IRI under which data resources are minted "
            "(default: $LODPLAN_BASE_IRI, else http://localhost:8080/)",
        )
        if store:
            sub.add_argument(
                "--store",
                type=Path,
                help="store directory (default: $LODPLAN_STORE, else ./var/store)",
            )
        if serving:
            sub.add_argument(
                "--sparql-endpoint",
                metavar="URL",
                help="read the data from an existing SPARQL engine fed by 'lodplan build "
                "--graph-store' (e.g. Virtuoso's http://host:8890/sparql) instead of the "
                "embedded store (default: $LODPLAN_SPARQL_ENDPOINT); --base-iri says which "
                "build when the engine holds several",
            )
            sub.add_argument(
                "--downloads",
                metavar="DIR",
                type=Path,
                help="with --sparql-endpoint: the folder 'build --downloads' wrote the "
                "build's files to, served as {base}download/ with the source texts "
                "(default: $LODPLAN_DOWNLOADS)",
            )

    def mappings(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--mappings",
            type=Path,
            default=mappings_dir(),
            help="folder of <plan>/mapping.yaml files and actors.yaml (default: the bundled plans)",
        )

    build = commands.add_parser(
        "build",
        help="map, check and publish the plans into a new store build",
        description="Map every plan, check coverage and SHACL shapes, then publish all graphs "
        "as a new build of the store, swapped in atomically. On any failure the published "
        "store is unchanged. Exit status 1 when checks fail (the report is printed); 2 for "
        "unreadable input, for a store that cannot be written (a full disk: the file is "
        "named) and when another build is running on the same store (refused before "
        "mapping).",
    )
    common(build)
    mappings(build)
    build.add_argument(
        "--graph-store",
        metavar="URL",
        help="publish to an existing SPARQL engine through its SPARQL 1.1 Graph Store "
        "Protocol URL (e.g. Virtuoso's http://host:8890/sparql-graph-crud-auth) instead of "
        "the embedded store; password from $LODPLAN_GRAPH_STORE_PASSWORD",
    )
    build.add_argument("--graph-store-user", metavar="USER", help="user for --graph-store")
    build.add_argument(
        "--digest-auth", action="store_true", help="HTTP Digest authentication (Virtuoso)"
    )
    build.add_argument(
        "--downloads",
        metavar="DIR",
        type=Path,
        help="with --graph-store: write the build's files (N-Quads dump; per plan JSON-LD, "
        "Turtle, N-Quads, CSV, XLSX) to DIR, replacing its content, for a web server to serve as "
        "{base}download/ (the embedded store keeps them with each build)",
    )
    build.add_argument(
        "--cache",
        metavar="DIR",
        type=Path,
        help="where a build keeps what it made for each plan, so that the next build reuses "
        "it for every plan whose inputs (mapping folder, source, actors, places, reviews, "
        "base IRI, lodplan's version) are unchanged; the result is the same as a full build "
        "(default: $LODPLAN_BUILD_CACHE, else the store folder's cache/)",
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="map and check every plan again, and neither read nor write the cache",
    )
    history = build.add_mutually_exclusive_group()
    history.add_argument(
        "--as-new-version",
        action="store_true",
        help="publish the changed inputs of a versioned plan (one whose mapping has a version "
        "section) as a new version, whose version.id must be new and version.date later than "
        "the latest published version's; its published versions are kept (docs/versions.md)",
    )
    history.add_argument(
        "--replace",
        action="store_true",
        help="publish the changed inputs of a versioned plan as a correction of its latest "
        "version, replaced in place; the earlier versions are kept. Without either flag, a "
        "build stops (exit status 1) when a versioned plan's inputs differ from its latest "
        "published version",
    )
    build.set_defaults(run=_cmd_build)

    init = commands.add_parser(
        "init",
        help="write a starter mapping for a table (CSV, TSV, XLSX), to confirm",
        description="Read a table as lodplan will (encoding, delimiter, headers on line 1) and "
        "write MAPPINGS/PLAN_ID/mapping.yaml beside a copy of it, proposing a role for each "
        "column from its header and values (each proposal commented with why), and "
        "MAPPINGS/actors.yaml with one actor per name the actor columns hold. A table with "
        "the columns of the national schema of ecological transition projects gets its "
        "preset. Columns it cannot place are left for you: `lodplan validate` lists their "
        "cells until you map or ignore them.",
    )
    init.add_argument("table", type=Path, help="the table (.csv, .tsv or .xlsx)")
    init.add_argument("--plan-id", required=True, help="the plan's identifier (its IRI key)")
    init.add_argument(
        "--publisher", required=True, help="actor id of the collectivity that publishes it"
    )
    init.add_argument("--title", help="the plan's title (default: the file's name)")
    init.add_argument(
        "--mappings",
        type=Path,
        default=Path("mappings"),
        help="the mappings folder to write into (default: ./mappings)",
    )
    init.set_defaults(run=_cmd_init)

    validate = commands.add_parser(
        "validate",
        help="map and check the plans without publishing",
        description="Map every plan and print its SHACL report; each finding names the source "
        "line of the element. Exit status 1 when a plan does not conform or leaves lines "
        "unaccounted.",
    )
    common(validate, store=False)
    mappings(validate)
    validate.set_defaults(run=_cmd_validate)

    coverage = commands.add_parser(
        "coverage",
        help="report how every sentence and table cell of the sources is carried by the data",
        description="For every source, count the sentences of its prose lines (the non-empty "
        "cells of a table) that the published data carries (label, description, passage, "
        "quote, value), that the mapping ignores with a declared reason, or that are "
        "unaccounted, and list the unaccounted ones with their line (and column). "
        "Exit status 1 if any is unaccounted.",
    )
    common(coverage, store=False)
    mappings(coverage)
    coverage.add_argument(
        "-v", "--verbose", action="store_true",
        help="list every sentence or cell with what carries it or why it is ignored",
    )  # fmt: skip
    coverage.set_defaults(run=_cmd_coverage)

    reconcile = commands.add_parser(
        "reconcile",
        help="list every place and organisation the plans name, what it is linked to and why",
        description="Scan every element and passage of every plan for the names of places "
        "(COG communes, EPCI, départements, régions; mappings/places.yaml) and organisations "
        "(mappings/actors.yaml) and print, as CSV, each mention with its evidence: the "
        "decision — unique (one candidate, certain), reviewed (decided in "
        "mappings/reviews.yaml), not-linked (a review says why), ambiguous or probable (to "
        "review, not linked), "
        "which-action (in a sentence of several actions, in no action's clause: to review), "
        "which-actor (in the sentence that introduces a list, not alone in saying who does "
        "its items: to review), "
        "not-a-name (a word of French where its capital says nothing), "
        "not-modelled (on a line the mapping ignores: not in the data) — the confidence, "
        "the rule that knows the name, the target, the candidates, the sentence with the "
        "name between ⟦ ⟧, and the reason. Only certain and reviewed links are published. "
        "Exit status 1 if a mention is left to review.",
    )
    common(reconcile, store=False)
    mappings(reconcile)
    reconcile.add_argument(
        "--to-review",
        action="store_true",
        help="only the mentions that need a decision (ambiguous, probable)",
    )
    reconcile.set_defaults(run=_cmd_reconcile)

    serve = commands.add_parser(
        "serve",
        help="serve a built store: Linked Data, SPARQL endpoint, HTML",
        description="Serve the store with waitress, in one process: every resource IRI "
        "dereferences with content negotiation, /sparql is a read-only SPARQL 1.1 endpoint "
        "whose queries run in separate worker processes. Requests and responses are "
        "buffered, so slow clients hold no thread. A new build published into the same "
        "store is picked up without a restart. With --sparql-endpoint the data is read from "
        "an existing engine fed by 'lodplan build --graph-store' (the same pages, files and "
        "endpoint; queries are checked here and run by the engine). Internet-facing: see "
        "docs/deployment.md.",
    )
    common(serve, serving=True)
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    serve.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="threads answering requests (default 64); slow clients hold none",
    )
    serve.add_argument(
        "--query-workers",
        type=int,
        metavar="N",
        help="SPARQL query worker processes (default: $LODPLAN_QUERY_WORKERS, else 0: as "
        "many as memory holds at $LODPLAN_QUERY_MEMORY_MB each, from 2 to 16); with "
        "--sparql-endpoint, the queries sent to the engine at once (default 4)",
    )
    serve.add_argument(
        "--queries-per-client",
        type=int,
        metavar="N",
        help="SPARQL queries one client address may run at once; its others wait their "
        "turn (default: $LODPLAN_QUERIES_PER_CLIENT, else 1)",
    )
    serve.add_argument(
        "--proxy-hops",
        type=int,
        metavar="N",
        help="trusted reverse proxies in front of this server, whose X-Forwarded-For, "
        "-Proto and -Host give the client's address, scheme and host (default: "
        "$LODPLAN_PROXY_HOPS, else 0: none, the headers are ignored)",
    )
    serve.add_argument(
        "--query-timeout",
        type=float,
        help="seconds after which a SPARQL query is stopped "
        "(default: $LODPLAN_QUERY_TIMEOUT, else 30)",
    )
    serve.add_argument(
        "--max-rows",
        type=int,
        help="maximum result rows of a SPARQL query (default: $LODPLAN_MAX_RESULT_ROWS, "
        "else 10000)",
    )
    serve.set_defaults(run=_cmd_serve)

    export = commands.add_parser(
        "export-site",
        help="write the whole site of a built store as static files, for any static host",
        description="Write every page of the site (French at the root, English under en/), "
        "the page of every resource they lead to with its JSON-LD, Turtle and CSV, the "
        "build's downloads, the DCAT catalog, the VoID description and the JSON-LD context "
        "into DIR, with relative links: copy DIR to any static host, no server needed. "
        "Search runs in the browser; the SPARQL page lists the example queries with their "
        "answers. DIR is written beside and renamed into place; it must be new, empty, or "
        "a previous export (which is replaced).",
    )
    export.add_argument("dir", metavar="DIR", type=Path, help="folder to write the site into")
    common(export, serving=True)
    export.add_argument(
        "--live-endpoint",
        metavar="URL",
        help="a live SPARQL endpoint serving the same data, offered by the SPARQL page",
    )
    export.set_defaults(run=_cmd_export_site)
    return parser


if __name__ == "__main__":
    sys.exit(main())
