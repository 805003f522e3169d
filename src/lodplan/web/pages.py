"""The human site's routes: assets, and the helpers every HTML route uses.

Pages are rendered by :class:`lodplan.pages.render.PageRenderer` with the links
of this request (:func:`page_links`) and the language asked by ``?lang=``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, request, send_from_directory

from lodplan.bundled import site_dir
from lodplan.pages.accessibility import render_accessibility_page
from lodplan.pages.actions import ACTION_PARAMETERS, ActionFilterError, ActionFilters, actions_csv
from lodplan.pages.history import MONTHS_PARAMETER, ChangesRequestError, stale_months
from lodplan.pages.i18n import DEFAULT_LANGUAGE, normalise_language
from lodplan.pages.links import ServerLinks
from lodplan.pages.paging import page_number
from lodplan.pages.search import KINDS, Filters
from lodplan.publishing.negotiation import HTML
from lodplan.web.responses import error_page
from lodplan.web.services import services

blueprint = Blueprint("pages", __name__)

ASSETS_DIR = "assets"
#: Query parameters that choose what a page shows, by page (kept in its language
#: links); any other parameter is dropped, so it cannot make a new cache entry.
PAGE_PARAMETERS = {
    "resource": ("iri",),
    "search": ("q", "kind", "plan", "territory"),
    "sparql": ("example",),
    "actions": ACTION_PARAMETERS,
    "changes": ("from", "to"),
}
#: Kept on a resource's page: how many months make a plan's action « without update ».
RESOURCE_PARAMETERS = (MONTHS_PARAMETER,)
#: Kept on every page: the page of its long list (home, charts, an actor's involvements…).
PAGING_PARAMETER = "page"


@blueprint.get("/assets/<path:name>")
def asset(name: str) -> Response:
    """A stylesheet, script or vendored library of ``site/assets/`` (cached a day)."""
    folder = site_dir() / ASSETS_DIR
    try:
        inside = (folder / name).resolve().is_relative_to(folder.resolve())
    except (ValueError, OSError):  # a name no file can have (NUL, too long…)
        inside = False
    if not inside:
        abort(404)
    response = send_from_directory(folder, name, max_age=86400)
    return response


@blueprint.get("/search")
def search() -> Response:
    """Search across plans: ``?q=`` words, accents and case ignored; ``kind``, ``plan``
    and ``territory`` filter the results (an unknown kind is ignored)."""
    links = page_links()
    kind = request.args.get("kind") or None
    filters = Filters(
        kind=kind if kind in KINDS else None,
        plan=request.args.get("plan") or None,
        territory=request.args.get("territory") or None,
    )
    html = services().site.search(request.args.get("q", ""), links, filters, requested_page())
    if html is None:
        abort(404)
    return html_response(html, links.lang)


@blueprint.get("/actions")
def actions() -> Response:
    """The table of the actions of every plan: filters, order and page in the query
    string; ``?format=csv``: every row of the filtered view as CSV."""
    return _actions(None)


@blueprint.get("/plan/<plan_id>/actions")
def plan_actions(plan_id: str) -> Response:
    """The table of the actions of one plan (``{base}plan/<plan_id>``)."""
    return _actions(services().store.info().base_iri + "plan/" + plan_id)


def _actions(plan: str | None) -> Response:
    web = services()
    try:
        filters = ActionFilters.from_args(request.args)
    except ActionFilterError as error:
        abort(400, description=str(error))
    if plan is not None:
        filters = replace(filters, plan=plan)
    links = page_links()
    table = web.site.actions_table(links.lang)
    if filters.plan is not None and filters.plan not in {ref.iri for ref in table.plans()}:
        abort(404)
    if request.args.get("format") == "csv":
        name = "actions.csv" if plan is None else f"actions-{plan.rsplit('/', 1)[-1]}.csv"
        response = Response(
            actions_csv(table.rows(filters)), content_type="text/csv; charset=utf-8"
        )
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    html = web.site.actions(links, filters, requested_page())
    if html is None:
        abort(404)
    return html_response(html, links.lang)


@blueprint.get("/plan/<plan_id>/changes")
def plan_changes(plan_id: str) -> Response:
    """What changed between two versions of a plan: ``?from=`` the earlier version's id,
    ``?to=`` the later one's; ``?format=csv``: the same rows as CSV. A pair that is not
    one (missing, unknown, equal, reversed) is answered 400 or 404 naming the parameter."""
    web = services()
    links = page_links()
    plan = web.store.info().base_iri + "plan/" + plan_id
    if not web.resources.exists(plan):
        return error_page(
            404, "Plan introuvable", f"Aucun plan publié n’a l’identifiant « {plan_id} »."
        )
    try:
        pair = web.site.pair_changes(plan, request.args.get("from"), request.args.get("to"),
                                     links.lang)  # fmt: skip
    except ChangesRequestError as error:
        title = "Requête invalide" if error.status == 400 else "Version introuvable"
        return error_page(error.status, title, f"Paramètre « {error.parameter} » : {error}")
    query = [("from", pair.start.id), ("to", pair.end.id), ("format", "csv")]
    if links.lang != DEFAULT_LANGUAGE:
        query.append(("lang", links.lang))
    if request.args.get("format") == "csv":
        response = Response(pair.csv(), content_type="text/csv; charset=utf-8; header=present")
        response.headers["Content-Disposition"] = f'attachment; filename="{pair.csv_name}"'
        return response
    csv_href = f"{request.script_root}/plan/{quote(plan_id)}/changes?{urlencode(query)}"
    return html_response(web.site.changes(links, pair, csv_href), links.lang)


def requested_months() -> int:
    """The ``?months=`` of a plan's page (3 when absent); a bad value is answered ``400``
    naming the parameter."""
    try:
        return stale_months(request.args.get(MONTHS_PARAMETER))
    except ChangesRequestError as error:
        abort(400, description=str(error))


@blueprint.get("/accessibility")
def accessibility() -> Response:
    """The accessibility statement (RGAA « Déclaration d'accessibilité »), linked from every
    page's footer."""
    links = page_links()
    return html_response(render_accessibility_page(services().renderer, links), links.lang)


def requested_page() -> int:
    """The page of its list the request asks for (``?page=``, 1 when absent); a malformed
    number is answered ``400``."""
    number = page_number(request.args.get(PAGING_PARAMETER))
    if number is None:
        abort(400, description="page must be a whole number from 1.")
    return number


def page_links() -> ServerLinks:
    """The links of the page answering the current request."""
    web = services()
    current = request.path.lstrip("/")  # request.path is under the mount point already
    page = "actions" if current.endswith("actions") else current  # every table of actions
    if current.startswith("plan/") and current.endswith("/changes"):
        page = "changes"
    # a plan's page keeps its ?months= (validated by its route: bounded cache entries)
    own = RESOURCE_PARAMETERS if current.startswith("plan/") else ()
    kept = (*PAGE_PARAMETERS.get(page, own), PAGING_PARAMETER)
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k in kept])
    if query:
        current += "?" + query
    return ServerLinks(
        data_base=web.store.info().base_iri,
        root=request.script_root,
        lang=normalise_language(request.args.get("lang")),
        current=current,
    )


def template_context() -> dict[str, Any]:
    """``links``, ``t`` and ``lang`` for every template Flask renders."""
    return services().renderer.context(page_links())


def html_page(template: str, status: int = 200, **context: Any) -> Response:
    """A page of the site, rendered for this request's links and language."""
    links = page_links()
    return html_response(services().renderer.render(template, links, **context), links.lang, status)


def html_response(body: str, lang: str, status: int = 200) -> Response:
    """An HTML page in ``lang`` (``Content-Language``)."""
    response = Response(body, status=status, content_type=HTML.content_type)
    response.headers["Content-Language"] = lang
    return response
