"""Assistance pages (P7, P11): measures and per-person items, the 帮扶责任人, my households and the sector
panel of a household. Each view: parse, fetch through a scoped selector, call one service, render."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.common import clock
from zhenxing.common.errors import not_found
from zhenxing.common.paging import paginate
from zhenxing.monitoring.assistance import selectors, services
from zhenxing.monitoring.assistance.forms import (
    HelperForm,
    MeasureDetailForm,
    MeasureForm,
    MeasureMoveForm,
    PersonItemForm,
)
from zhenxing.monitoring.assistance.sector import household_sector
from zhenxing.monitoring.cases import case_get_for_user
from zhenxing.monitoring.web import attempt, form_error, require_measures, require_view, submit, user_named
from zhenxing.policy.rules.money import yuan_to_fen
from zhenxing.registry.selectors import household_get_for_user


def _fen(value: Decimal | None) -> int:
    return yuan_to_fen(value) if value is not None else 0


@login_required
@require_POST
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_measures(request)
    case = case_get_for_user(user=user, pk=pk)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        form_error(request, form)
        return redirect("monitoring:case", pk=pk)
    data = form.cleaned_data
    person = user_named(data["responsible_username"])
    if data["responsible_username"] and person is None:
        messages.error(request, "未找到该帮扶责任人账号")
        return redirect("monitoring:case", pk=pk)
    attempt(
        request,
        lambda: services.measure_record(
            actor=user, case=case, category=data["category"], content=data["content"],
            started_on=data["started_on"], ends_on=data["ends_on"], motivation=data["motivation"],
            responsible_unit=data["responsible_unit"], responsible_person=person, funds_fen=_fen(data["funds"]),
            funds_source=data["funds_source"], continues_after_elimination=data["continues_after_elimination"],
        ),
        "已录入帮扶措施",
    )  # fmt: skip
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """细化 a planned measure (content, funds, dates, responsible person) before it starts."""
    user = require_measures(request)
    measure = selectors.measure_get_for_user(user=user, pk=pk)
    form = MeasureDetailForm.for_measure(measure, request.POST)
    if not form.is_valid():
        form_error(request, form)
        return redirect("monitoring:case", pk=measure.case_id)
    data = form.cleaned_data
    person = user_named(data["responsible_username"])
    if data["responsible_username"] and person is None:
        messages.error(request, "未找到该帮扶责任人账号")
        return redirect("monitoring:case", pk=measure.case_id)
    attempt(
        request,
        lambda: services.measure_detail(
            actor=user, measure=measure, content=data["content"], started_on=data["started_on"],
            ends_on=data["ends_on"], motivation=data["motivation"], responsible_unit=data["responsible_unit"],
            responsible_person=person, funds_fen=_fen(data["funds"]), funds_source=data["funds_source"],
            continues_after_elimination=data["continues_after_elimination"],
        ),
        f"已细化措施：{measure.category}",
    )  # fmt: skip
    return redirect("monitoring:case", pk=measure.case_id)


@login_required
@require_POST
def measure_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_measures(request)
    measure = selectors.measure_get_for_user(user=user, pk=pk)
    submit(
        request, MeasureMoveForm(request.POST),
        lambda data: services.measure_move(actor=user, measure=measure, to=data["to"], outcome=data["outcome"]),
        "措施状态已更新",
    )  # fmt: skip
    return redirect("monitoring:case", pk=measure.case_id)


@login_required
@require_POST
def person_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_measures(request)
    case = case_get_for_user(user=user, pk=pk)
    measure_pk = request.POST.get("measure", "")
    measure = selectors.measure_get_for_user(user=user, pk=int(measure_pk) if measure_pk.isdigit() else 0)
    if measure.case_id != case.pk:
        raise not_found()
    form = PersonItemForm(request.POST)
    household = measure.case.household
    if form.is_valid() and household is not None:
        data = form.cleaned_data
        membership = household.memberships.filter(person_id=data["person"], left_on__isnull=True).first()
        if membership is None:
            messages.error(request, "该人员不是本户现有家庭成员")
        else:
            attempt(
                request,
                lambda: services.person_item_add(
                    actor=user, measure=measure, person=membership.person, kind=data["kind"], detail=data["detail"],
                    started_on=data["started_on"], amount_fen=_fen(data["amount"]), ends_on=data["ends_on"],
                ),
                "已录入到人帮扶",
            )  # fmt: skip
    else:
        form_error(request, form)
    return redirect("monitoring:case", pk=measure.case_id)


@login_required
@require_POST
def helper_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_measures(request)
    case = case_get_for_user(user=user, pk=pk)
    form = HelperForm(request.POST)
    if not form.is_valid() or case.household is None:
        form_error(request, form)
        return redirect("monitoring:case", pk=pk)
    data = form.cleaned_data
    helper = user_named(data["username"])
    if helper is None:
        messages.error(request, "未找到该账号（须为在岗的村、乡镇、县、州干部）")
        return redirect("monitoring:case", pk=pk)
    household = case.household
    attempt(
        request,
        lambda: services.helper_assign(
            actor=user,
            household=household,
            helper=helper,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        ),
        f"已确定帮扶责任人：{helper}",
    )
    return redirect("monitoring:case", pk=pk)


@login_required
def my_households(request: HttpRequest) -> HttpResponse:
    user = require_view(request)
    today = clock.today()
    paged = paginate(request, selectors.helper_cases_for_user(user=user, today=today))
    cases = list(paged.items)
    flags = selectors.plan_flags(cases, today=today)
    rows = [{"case": case, "flag": flags.get(case.pk, "")} for case in cases]
    return render(request, "monitoring/assistance/mine.html", {"rows": rows, "paged": paged, "today": today})


@login_required
def household_sector_panel(request: HttpRequest, household_pk: int) -> HttpResponse:
    user = require_view(request)
    household = household_get_for_user(user=user, pk=household_pk)
    return render(
        request,
        "monitoring/assistance/_sector.html",
        {"sector": household_sector(household), "household": household},
    )
