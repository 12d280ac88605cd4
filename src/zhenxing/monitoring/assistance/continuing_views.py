"""The household page's panel of measures continuing after risk elimination (P9), loaded by htmx like the
sector panel: the registry page may not import monitoring (import layers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenxing.monitoring.assistance.selectors import continuing_measures_for_household
from zhenxing.monitoring.web import require_view
from zhenxing.registry.selectors import household_get_for_user


@login_required
def household_continuing_panel(request: HttpRequest, household_pk: int) -> HttpResponse:
    """P9/P17: the measures still running after elimination, without an object badge; nothing when none."""
    user = require_view(request)
    household = household_get_for_user(user=user, pk=household_pk)
    measures = list(continuing_measures_for_household(user=user, household_id=household.pk))
    return render(
        request, "monitoring/assistance/_continuing.html", {"measures": measures, "household": household}
    )
