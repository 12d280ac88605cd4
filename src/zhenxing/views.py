from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenxing.accounts.models import User
from zhenxing.accounts.selectors import assignment_list_for_user
from zhenxing.divisions import selectors as division_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's jurisdiction and what lies beneath it; a department user sees their department."""
    user = request.user
    assert isinstance(user, User)
    roots = list(division_selectors.division_roots_for_user(user=user))
    areas = [(root, division_selectors.subtree_counts(division=root)) for root in roots]
    return render(
        request,
        "home.html",
        {"areas": areas, "assignments": assignment_list_for_user(user=user)[:20]},
    )
