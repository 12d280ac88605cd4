from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user
from zhenxing.accounts.scoping import scope_prefixes
from zhenxing.divisions import selectors
from zhenxing.divisions.models import Division


def _breadcrumbs(user: User, division: Division) -> list[tuple[Division, bool]]:
    visible = selectors.division_list_for_user(user=user)
    path = selectors.ancestors(division=division)
    linkable = set(visible.filter(pk__in=[d.pk for d in path]).values_list("pk", flat=True))
    return [(ancestor, ancestor.pk in linkable) for ancestor in path]


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    roots = selectors.division_roots_for_user(user=user)
    return render(request, "divisions/browse.html", {"roots": roots})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    division = selectors.division_get_for_user(user=user, code=code)
    context = {
        "division": division,
        "children": selectors.division_children_for_user(user=user, division=division),
        "counts": selectors.subtree_counts(division=division),
        "breadcrumbs": _breadcrumbs(user, division),
        "in_own_scope": any(division.code.startswith(p) for p in scope_prefixes(user)),
    }
    return render(request, "divisions/detail.html", context)


@login_required
def children(request: HttpRequest, code: str) -> HttpResponse:
    """htmx partial: the children of one division, for expanding a row in place."""
    user = request_user(request)
    division = selectors.division_get_for_user(user=user, code=code)
    rows = selectors.division_children_for_user(user=user, division=division)
    return render(request, "divisions/_children.html", {"children": rows, "parent": division})
