from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.requests import request_user
from zhenxing.common.errors import InvalidInput
from zhenxing.screening import selectors, services
from zhenxing.screening.models import LeadStatus

PAGE = 100


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="不纳入的理由", min_length=2, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = request.GET.get("status", LeadStatus.OPEN)
    leads = (
        selectors.lead_list_for_user(user=user)
        .filter(status=status)
        .select_related("household__village")
        .prefetch_related("signals")
    )
    today = timezone.localdate()
    return render(
        request,
        "screening/list.html",
        {
            "leads": leads.order_by("village_due", "pk")[:PAGE],
            "status": status,
            "statuses": LeadStatus.choices,
            "today": today,
            "ranking": selectors.overdue_ranking(user=user, today=today),
            "summary": selectors.summary_by_grade(user=user),
            "by_village": selectors.summary_by_type_and_village(user=user)[:200],
        },
    )


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    lead = selectors.lead_get_for_user(user=user, pk=pk)
    return render(
        request,
        "screening/detail.html",
        {
            "lead": lead,
            "signals": lead.signals.order_by("rule_code"),
            "form": DismissForm(),
            "can_act": has_capability(user, Capability.EDIT_REGISTRY),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def lead_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    lead = selectors.lead_get_for_user(user=user, pk=pk)
    services.lead_confirm(actor=user, lead=lead, note=request.POST.get("note", ""))
    messages.success(request, "已核实纳入，转入识别程序")
    return redirect("screening:lead", pk=lead.pk)


@login_required
@require_POST
def lead_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    lead = selectors.lead_get_for_user(user=user, pk=pk)
    form = DismissForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput([])
        services.lead_dismiss(actor=user, lead=lead, reason=form.cleaned_data["reason"])
    except InvalidInput:
        messages.error(request, "核实不纳入须填写理由")
    else:
        messages.success(request, "已核实不纳入")
    return redirect("screening:lead", pk=lead.pk)
