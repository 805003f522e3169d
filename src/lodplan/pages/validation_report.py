"""The validation pages: each plan's SHACL report, readable, and the index of reports.

A build validates every plan (and the shared actors and places) and publishes each
report as files (:func:`lodplan.validation.validation_files`): the pages read the
JSON summaries through :meth:`ReadableStore.download`, so they work on the server
and in a static export alike. A published plan conforms (a violation stops the
build), but its report may hold warnings and infos, and shows what was checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pyoxigraph import NamedNode

from lodplan.pages.i18n import label_languages
from lodplan.pages.labels import store_label
from lodplan.pages.links import Links
from lodplan.pages.render import PageRenderer
from lodplan.publishing.downloads import source_text_name
from lodplan.store.base import ReadableStore
from lodplan.terms import LP
from lodplan.validation import (
    SEVERITIES,
    SUMMARY_FORMAT,
    VALIDATION_INDEX,
    report_file_names,
)

INDEX_PAGE = "validation"
_REPORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def validation_page_name(report_id: str) -> str:
    """The site page of a report, for :meth:`Links.page`: ``validation/<id>``."""
    return f"{INDEX_PAGE}/{report_id}"


# --- view models ---


@dataclass(frozen=True)
class SourceExcerpt:
    file: str
    start_line: int
    end_line: int
    lines: tuple[tuple[int, str], ...]  # (line number, text)
    truncated: bool
    href: str | None  # the source document's page, at the first line


@dataclass(frozen=True)
class ResultView:
    message: str
    path: str | None
    value: str | None
    constraint: str
    shape: str | None  # the shape's name in the page language, else its prefixed name
    source: SourceExcerpt | None


@dataclass(frozen=True)
class FocusGroup:
    iri: str
    label: str  # the focus node's label, else its IRI
    href: str | None
    results: tuple[ResultView, ...]


@dataclass(frozen=True)
class SeverityGroup:
    severity: str
    count: int
    focus_nodes: tuple[FocusGroup, ...]


@dataclass(frozen=True)
class ShapeView:
    name: str  # prefixed name
    label: str
    comment: str
    targets: tuple[tuple[str, str | None], ...]  # (kind, prefixed name)
    constraints: int
    focus_nodes: int


@dataclass(frozen=True)
class ReportView:
    """One report as its page shows it."""

    id: str
    kind: str  # "plan" or "shared"
    title: str | None  # None: a shared graph, named by the messages
    href: str | None  # the plan's page
    conforms: bool
    counts: dict[str, int]
    validated_at: str | None  # formatted for the page language
    validated_at_iso: str | None
    duration: str | None
    triples: dict[str, str]  # formatted counts: data, vocabulary, validated
    validator: str
    shapes_files: tuple[tuple[str, str], ...]
    applied: tuple[ShapeView, ...]
    unapplied: tuple[ShapeView, ...]
    groups: tuple[SeverityGroup, ...]
    turtle: str  # links to the report files
    summary: str
    source_text: str | None  # the whole source text, when the build offers it


# --- reading the build's files ---


def read_summary(store: ReadableStore, report_id: str) -> dict[str, Any] | None:
    """The JSON summary of a report in the served build, ``None`` if there is none."""
    if not _REPORT_ID.fullmatch(report_id):
        return None
    summary = _read_json(store, report_file_names(report_id)[1])
    if summary is None or summary.get("lodplan-validation") != SUMMARY_FORMAT:
        return None  # another JSON file (the index) or an unknown format
    return summary


def read_index(store: ReadableStore) -> list[dict[str, Any]]:
    """The entries of ``validation/index.json`` (none for a build without reports)."""
    index = _read_json(store, VALIDATION_INDEX)
    if index is None or index.get("lodplan-validation-index") != SUMMARY_FORMAT:
        return []
    return list(index.get("reports", []))


def validation_report_ids(store: ReadableStore) -> list[str]:
    """The reports of the served build: the pages a static export writes."""
    return [entry["id"] for entry in read_index(store) if _REPORT_ID.fullmatch(entry["id"])]


def _read_json(store: ReadableStore, name: str) -> dict[str, Any] | None:
    path = store.download(name)
    if path is None:
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


# --- rendering ---


def render_validation_page(
    store: ReadableStore, renderer: PageRenderer, links: Links, report_id: str
) -> str | None:
    """The page of one report (``validation/<id>``), ``None`` if the build has none."""
    summary = read_summary(store, report_id)
    if summary is None:
        return None
    view = report_view(store, links, summary)
    return renderer.render("validation.html", links, report=view, severities=SEVERITIES)


def render_validation_index(store: ReadableStore, renderer: PageRenderer, links: Links) -> str:
    """The index of the build's reports (``validation``)."""
    entries = read_index(store)
    reports = [_index_entry(store, links, entry) for entry in entries]
    return renderer.render(
        "validation_index.html",
        links,
        plans=[r for r in reports if r["kind"] == "plan"],
        shared=[r for r in reports if r["kind"] != "plan"],
        validator=_validator(entries[0]) if entries else None,
        shapes_files=_shapes_files(entries[0]) if entries else (),
        severities=SEVERITIES,
    )


def report_view(store: ReadableStore, links: Links, summary: Mapping[str, Any]) -> ReportView:
    lang = links.lang
    report_id = summary["id"]
    shapes = [_shape_view(shape, lang) for shape in summary.get("shapes", [])]
    applied = sorted((s for s in shapes if s.focus_nodes), key=lambda s: (-s.focus_nodes, s.name))
    turtle, summary_file = report_file_names(report_id)
    source = source_text_name(report_id)
    kind = summary.get("kind", "plan")
    return ReportView(
        id=report_id,
        kind=kind,
        title=_title(store, summary, lang),
        href=links.resource(summary["subject"]) if summary.get("subject") else None,
        conforms=bool(summary["conforms"]),
        counts={s: int(summary["counts"].get(s, 0)) for s in SEVERITIES},
        validated_at=_date(summary.get("validated_at"), lang),
        validated_at_iso=summary.get("validated_at"),
        duration=_seconds(summary.get("duration_seconds"), lang),
        triples={k: _number(v, lang) for k, v in (summary.get("triples") or {}).items()},
        validator=_validator(summary),
        shapes_files=_shapes_files(summary),
        applied=tuple(applied),
        unapplied=tuple(sorted((s for s in shapes if not s.focus_nodes), key=lambda s: s.name)),
        groups=_groups(store, links, summary.get("results", []), _source_document(store, summary)),
        turtle=links.file(f"download/{turtle}"),
        summary=links.file(f"download/{summary_file}"),
        source_text=links.file(f"download/{source}")
        if kind == "plan" and store.download(source) is not None
        else None,
    )


def _source_document(store: ReadableStore, summary: Mapping[str, Any]) -> str | None:
    """The source document of the report's plan: its page shows every line (``#L<n>``)."""
    if not summary.get("subject"):
        return None
    documents = store.objects(summary["subject"], str(LP.sourceDocument))
    return next((d.value for d in documents if isinstance(d, NamedNode)), None)


def _groups(
    store: ReadableStore,
    links: Links,
    results: list[Mapping[str, Any]],
    source_document: str | None,
) -> tuple[SeverityGroup, ...]:
    """Results by severity (most severe first), then by focus node in report order."""
    groups = []
    for severity in SEVERITIES:
        by_focus: dict[str, list[Mapping[str, Any]]] = {}
        for result in results:
            if result["severity"] == severity:
                by_focus.setdefault(result["focus"], []).append(result)
        if not by_focus:
            continue
        focus_nodes = tuple(
            FocusGroup(
                iri=focus,
                label=_pick(found[0].get("focus_label") or {}, links.lang)
                or store_label(store, focus, links.lang)
                or focus,
                href=links.resource(focus),
                results=tuple(_result_view(r, links, source_document) for r in found),
            )
            for focus, found in by_focus.items()
        )
        count = sum(len(group.results) for group in focus_nodes)
        groups.append(SeverityGroup(severity, count, focus_nodes))
    return tuple(groups)


def _result_view(
    result: Mapping[str, Any], links: Links, source_document: str | None
) -> ResultView:
    lang = links.lang
    source = result.get("source")
    excerpt = None
    if source:
        start = int(source["start_line"])
        excerpt = SourceExcerpt(
            file=source["file"],
            start_line=start,
            end_line=int(source["end_line"]),
            lines=tuple((start + n, text) for n, text in enumerate(source.get("lines", []))),
            truncated=bool(source.get("truncated")),
            href=links.resource(f"{source_document}#L{start}") if source_document else None,
        )
    messages = result.get("messages") or {}
    return ResultView(
        message=_pick(messages, lang) or "",
        path=result.get("path"),
        value=result.get("value"),
        constraint=result["constraint"],
        shape=_pick(result.get("shape_name") or {}, lang) or result.get("shape"),
        source=excerpt,
    )


def _shape_view(shape: Mapping[str, Any], lang: str) -> ShapeView:
    return ShapeView(
        name=shape["name"],
        label=_pick(shape.get("label") or {}, lang) or shape["name"],
        comment=_pick(shape.get("comment") or {}, lang) or "",
        targets=tuple((t["kind"], t.get("value")) for t in shape.get("targets", [])),
        constraints=int(shape.get("constraints", 0)),
        focus_nodes=int(shape.get("focus_nodes", 0)),
    )


def _index_entry(store: ReadableStore, links: Links, entry: Mapping[str, Any]) -> dict[str, Any]:
    triples = entry.get("triples") or {}
    return {
        "id": entry["id"],
        "kind": entry.get("kind", "plan"),
        "title": _title(store, entry, links.lang),
        "href": links.page(validation_page_name(entry["id"])),
        "conforms": bool(entry["conforms"]),
        "counts": {s: int(entry["counts"].get(s, 0)) for s in SEVERITIES},
        "triples": _number(triples["validated"], links.lang) if "validated" in triples else None,
        "validated_at": _date(entry.get("validated_at"), links.lang),
        "validated_at_iso": entry.get("validated_at"),
    }


def _title(store: ReadableStore, summary: Mapping[str, Any], lang: str) -> str | None:
    subject = summary.get("subject")
    if subject:
        return store_label(store, subject, lang) or summary.get("title") or subject
    return summary.get("title")


def _validator(summary: Mapping[str, Any]) -> str:
    validator = summary.get("validator") or {}
    return f"{validator.get('name', 'pyshacl')} {validator.get('version', '')}".strip()


def _shapes_files(summary: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((f["name"], f["sha256"]) for f in summary.get("shapes_files", []))


def _pick(texts: Mapping[str, str], lang: str) -> str | None:
    """The text in the language a page in ``lang`` prefers, else any ("und": untagged)."""
    for language in label_languages(lang):
        if texts.get(language):
            return texts[language]
    if texts.get("und"):
        return texts["und"]
    return next((text for text in texts.values() if text), None)


def _number(value: int, lang: str) -> str:
    grouped = f"{int(value):,}"
    return grouped.replace(",", "\u202f") if lang == "fr" else grouped


def _seconds(value: float | None, lang: str) -> str | None:
    if value is None:
        return None
    text = f"{value:.1f}" if value >= 0.1 else f"{value:.2f}"
    return (text.replace(".", ",") if lang == "fr" else text) + "\u00a0s"


def _date(value: str | None, lang: str) -> str | None:
    """``2026-11-22T07:57:44Z`` as ``22/11/2026 07:57 UTC`` (fr) or ``2026-11-22 07:57 UTC``."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    pattern = "%d/%m/%Y %H:%M UTC" if lang == "fr" else "%Y-%m-%d %H:%M UTC"
    return moment.strftime(pattern)
