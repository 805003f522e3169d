"""Long lists cut into numbered pages: the home page's plans, an actor's involvements,
the charts of each plan.

At national scale (1,250 EPCI) a list of everything is megabytes of HTML: a page shows
:data:`PAGE_SIZE` items and links to the others (``?page=N`` on the server,
``<page>-page-N.html`` in a static export, see :meth:`lodplan.pages.links.Links.numbered`).
Page 1 is the page itself, so that a list that fits on one page looks as before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

PAGE_SIZE = 20  # plans on the home page
INVOLVEMENTS_PER_PAGE = 100  # rows of an actor's involvements
CHART_PLANS_PER_PAGE = 10  # plans whose charts the charts page draws
MAX_PAGE_NUMBER = 10**6  # a larger ?page= is refused as malformed


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a list: its items, its number (from 1) and where it sits."""

    items: Sequence[T]
    number: int
    size: int
    total: int  # items in the whole list

    @property
    def count(self) -> int:
        """Pages in the list (1 for an empty list)."""
        return max(1, math.ceil(self.total / self.size))

    @property
    def first_item(self) -> int:
        """The position of the first item shown, from 1 (0 for an empty list)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_item(self) -> int:
        return min(self.number * self.size, self.total)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers a pager links to: the first, the last, and those around the
        current one; ``None`` where numbers are left out."""
        shown = sorted({1, self.count, *range(self.number - 2, self.number + 3)})
        numbers: list[int | None] = []
        for number in shown:
            if not 1 <= number <= self.count:
                continue
            if numbers and numbers[-1] is not None and number - numbers[-1] > 1:  # type: ignore[operator]
                numbers.append(None)
            numbers.append(number)
        return numbers


def page_of(items: Sequence[T], number: int, size: int) -> Paged[T] | None:
    """Page ``number`` of ``items``; ``None`` past the last page (page 1 always exists)."""
    if size < 1:
        raise ValueError("a page holds at least one item")
    paged = Paged(items[(number - 1) * size : number * size], number, size, len(items))
    return paged if 1 <= number <= paged.count else None


def page_number(value: str | None) -> int | None:
    """The page a ``?page=`` value asks for: 1 when absent, ``None`` when malformed."""
    if value is None or value == "":
        return 1
    if len(value) > 7 or not value.isascii() or not value.isdigit() or int(value) < 1:
        return None
    number = int(value)
    return number if number <= MAX_PAGE_NUMBER else None
