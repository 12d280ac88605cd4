"""The housing-safety ledger page (P11): enter a C/D house, close its entry when the house is solved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.common.paging import paginate
from zhenxing.monitoring.enums import HousingWay, LedgerStatus
from zhenxing.monitoring.housing import selectors, services
from zhenxing.monitoring.housing.forms import HousingCloseForm, HousingOpenForm
from zhenxing.monitoring.web import attempt, form_error, require_act, require_view, submit
from zhenxing.policy.rules.sector import housing_guarantee_years
from zhenxing.registry.selectors import household_list_for_user


@login_required
def housing_ledger(request: HttpRequest) -> HttpResponse:
    user = require_act(request) if request.method == "POST" else require_view(request)
    form = HousingOpenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            household = household_list_for_user(user=user).filter(code=data["household_code"].strip()).first()
            if household is None:
                messages.error(request, "未找到该户编号的农户（或不在您的管辖范围内）")
            elif attempt(
                request,
                lambda: services.housing_entry_open(
                    actor=user, household=household, grade=data["grade"], way=data["way"], note=data["note"]
                ),
                "已登记住房安全台账",
            ):
                return redirect("monitoring:housing")
        else:
            form_error(request, form)
    status = request.GET.get("status", LedgerStatus.OPEN)
    entries = selectors.ledger_for_user(user=user).select_related("household", "village")
    if status in LedgerStatus.values:
        entries = entries.filter(status=status)
    paged = paginate(request, entries.order_by("village_id", "opened_on", "pk"))
    return render(
        request,
        "monitoring/housing/housing.html",
        {
            "entries": paged.items,
            "paged": paged,
            "form": form,
            "close_form": HousingCloseForm(),
            "repair_years": housing_guarantee_years(HousingWay.REPAIR),
            "rebuild_years": housing_guarantee_years(HousingWay.REBUILD),
            "status": status,
        },
    )


@login_required
@require_POST
def housing_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    entry = selectors.ledger_entry_get_for_user(user=user, pk=pk)
    submit(
        request, HousingCloseForm(request.POST),
        lambda data: services.housing_entry_close(actor=user, entry=entry, completion=data["completion"]),
        "已销号",
    )  # fmt: skip
    return redirect("monitoring:housing")
