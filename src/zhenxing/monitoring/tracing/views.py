"""责任追溯 pages (P13): a household's history in time order, and its export for an inquiry (audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenxing.common.http import xlsx_response
from zhenxing.monitoring.tracing import selectors, services
from zhenxing.monitoring.web import require_view
from zhenxing.registry.selectors import household_get_for_user


@login_required
def household_trace(request: HttpRequest, household_pk: int) -> HttpResponse:
    user = require_view(request)
    household = household_get_for_user(user=user, pk=household_pk)
    entries = selectors.household_trace(household)
    return render(request, "monitoring/tracing/trace.html", {"household": household, "entries": entries})


@login_required
def household_trace_export(request: HttpRequest, household_pk: int) -> HttpResponse:
    user = require_view(request)
    household = household_get_for_user(user=user, pk=household_pk)
    content = services.trace_export(actor=user, household=household)
    return xlsx_response(content, f"责任追溯_{household.code or household.pk}.xlsx")
