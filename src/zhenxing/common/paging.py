"""One way to page a list: every list page shows its total and reaches every row, and its filters survive
paging because the page links carry the request's query string (without ``page``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class Paged:
    """A page of a list and what its links need: ``querystring`` is the request's filters without ``page``
    (ready to be followed by ``&page=N``), ``param`` the name of the page parameter."""

    page: Page[Any]
    querystring: str
    param: str = "page"

    @property
    def items(self) -> Any:
        return self.page.object_list

    @property
    def total(self) -> int:
        return self.page.paginator.count


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE, *, param: str = "page") -> Paged:
    """The requested page of ``items`` (an ordered queryset or a list); a page number out of range or not
    a number gives the nearest page rather than an error, since links are shared and lists shrink."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return Paged(page=page, querystring=query.urlencode(), param=param)
