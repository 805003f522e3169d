"""Page queries with a time limit: a page never waits on the store longer than its budget.

The pages ask the store with the queries of ``site/queries/``. At national scale a
query that is slow (an aggregate over every plan, a shape the engine evaluates badly)
would hold a web worker for minutes and, with every worker held, stop the server
answering. :class:`TimeLimitedStore` runs each ``select`` in a thread of its own
(pyoxigraph releases the GIL while it evaluates) and waits at most ``limit_s``; past
it, :class:`PageQueryTimeoutError` is raised, which the web layer answers as a clear
degraded page (``503`` with ``Retry-After``), never a hung request.

A late query is not abandoned — an embedded engine cannot cancel it — but it runs
**once**: the same query asked again meanwhile waits for that run instead of starting
another, and its answer is kept for the build (as is that of any query slower than
:data:`SLOW_S`), so that the next request gets it at once. What sums up every plan
(charts, search index: :meth:`lodplan.pages.site.SitePages.warm_up`) relies on this:
the first visitor of a cold server may be told to come back a few seconds later, no
visitor ever waits minutes. Descriptions and label lookups are pattern
reads bounded by the size of one resource: they are not limited.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from lodplan.config import DEFAULT_PAGE_QUERY_TIMEOUT_S
from lodplan.errors import LodplanError
from lodplan.store.base import ReadableStore, Solution, StoreInfo, Term, Triple

#: Answers of late or slow queries kept (per store), so that the next request gets them.
LATE_ANSWERS = 64
#: A query that took longer than this (seconds) is kept too: what sums up every plan is
#: asked again for each language of the site.
SLOW_S = 0.25
#: Seconds a degraded page asks the browser to wait before trying again.
RETRY_AFTER_S = 10


class PageQueryTimeoutError(LodplanError):
    """A page query did not answer within the page's time limit (it goes on, once)."""

    def __init__(self, query_name: str, limit_s: float) -> None:
        super().__init__(
            f"the page's data ({query_name}) took more than {limit_s:g} s to compute; "
            "it is still being computed"
        )
        self.query_name = query_name
        self.limit_s = limit_s
        self.retry_after_s = RETRY_AFTER_S


class TimeLimitedStore:
    """A :class:`ReadableStore` whose ``select`` gives up waiting after ``limit_s``."""

    def __init__(self, store: ReadableStore, limit_s: float = DEFAULT_PAGE_QUERY_TIMEOUT_S):
        if not limit_s > 0:
            raise ValueError(f"a page query time limit must be positive ({limit_s} given)")
        self.store = store
        self.limit_s = limit_s
        self._running: dict[tuple, Future[list[Solution]]] = {}
        self._overdue: set[tuple] = set()  # running queries a page stopped waiting for
        self._late: OrderedDict[tuple, list[Solution]] = OrderedDict()  # their answers
        self._lock = threading.Lock()
        self._page = threading.local()  # the deadline of the page this thread renders

    def __getattr__(self, name: str) -> Any:  # what only one kind of store has (its root)
        return getattr(self.store, name)

    @property
    def running(self) -> int:
        """Queries running now (late ones included)."""
        with self._lock:
            return len(self._running)

    def start_page(self) -> None:
        """From now on, this thread's queries share one budget of ``limit_s``: a page that
        asks several slow queries waits ``limit_s`` in all, not each (until
        :meth:`end_page`)."""
        self._page.deadline = time.monotonic() + self.limit_s

    def end_page(self) -> None:
        self._page.deadline = None

    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Solution]:
        deadline = getattr(self._page, "deadline", None)
        wait_s = self.limit_s if deadline is None else max(0.0, deadline - time.monotonic())
        key = (self.store.info().build_id, query, tuple(sorted((bindings or {}).items())))
        with self._lock:
            late = self._late.get(key)
            if late is not None:
                self._late.move_to_end(key)
                return list(late)
            future = self._running.get(key)
            if future is None:
                future = Future()
                self._running[key] = future
                # the store as this request sees it (one build), asked from another thread
                target = getattr(self.store, "for_this_request", lambda: self.store)()
                threading.Thread(
                    target=self._run, args=(target, key, future, query, bindings),
                    daemon=True, name="lodplan-page-query",
                ).start()  # fmt: skip
        try:
            return list(future.result(timeout=wait_s))
        except FutureTimeout:
            with self._lock:
                if not future.done():
                    self._overdue.add(key)
            if not future.done():
                raise PageQueryTimeoutError(query_name(query), self.limit_s) from None
            return list(future.result())

    def _run(
        self,
        store: ReadableStore,
        key: tuple,
        future: Future[list[Solution]],
        query: str,
        bindings: Mapping[str, str] | None,
    ) -> None:
        started = time.monotonic()
        try:
            rows = store.select(query, bindings)
        except BaseException as error:  # given to every waiter, raised in their thread
            with self._lock:
                del self._running[key]
                self._overdue.discard(key)
            future.set_exception(error)
            return
        with self._lock:
            del self._running[key]
            slow = time.monotonic() - started > SLOW_S
            if key in self._overdue or slow:  # a page gave up on it: the next one gets it
                self._overdue.discard(key)
                self._late[key] = rows
                while len(self._late) > LATE_ANSWERS:
                    self._late.popitem(last=False)
            future.set_result(rows)

    def info(self) -> StoreInfo:
        return self.store.info()

    def describe(self, iri: str) -> list[Triple]:
        return self.store.describe(iri)

    def objects(self, subject: str, predicate: str) -> list[Term]:
        return self.store.objects(subject, predicate)

    def subjects_of_type(self, class_iri: str) -> list[str]:
        return self.store.subjects_of_type(class_iri)

    def download(self, name: str) -> Path | None:
        return self.store.download(name)

    def graph_triples(self, graph_iri: str) -> list[Triple]:
        return self.store.graph_triples(graph_iri)


def query_name(query: str) -> str:
    """A query's first comment line (the page queries start with what they answer)."""
    for line in query.splitlines():
        line = line.strip()
        if line.startswith("#"):
            return line.lstrip("# ").rstrip(".")[:120]
        if line:
            break
    return "a page query"
