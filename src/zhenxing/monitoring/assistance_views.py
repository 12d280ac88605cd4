"""Assistance pages (P7, P9, P11, P13): measures and per-person items, evaluation, consent, the 帮扶责任人,
my households, reports, the housing-safety ledger, the sector panel and the 责任追溯 page. Each view: parse,
fetch through a scoped selector, call one service, render."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.enums import TERRITORIAL_ROLES
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import not_found
from zhenxing.common.http import xlsx_response
from zhenxing.monitoring import assistance, elimination, housing, plan_selectors, selectors, tracing
from zhenxing.monitoring.decisions import assistance_checks
from zhenxing.monitoring.enums import EvaluationKind, HousingWay, LedgerStatus
from zhenxing.monitoring.forms import (
    ConsentForm,
    HelperForm,
    HousingCloseForm,
    HousingOpenForm,
    MeasureForm,
    MeasureMoveForm,
    PersonItemForm,
)
from zhenxing.monitoring.reports import report_workbook
from zhenxing.monitoring.sector import household_sector
from zhenxing.monitoring.views import _attempt, _require_act, _require_measures, _require_view
from zhenxing.policy.rules.money import yuan_to_fen
from zhenxing.policy.rules.sector import housing_guarantee_years
from zhenxing.registry.selectors import household_get_for_user, household_list_for_user


def _fen(value: Decimal | None) -> int:
    return yuan_to_fen(value) if value is not None else 0


def _form_error(request: HttpRequest, form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for error in errors:
            messages.error(request, str(error))
    if not getattr(form, "errors", None):
        messages.error(request, "请检查填写的内容")


def _user_named(username: str) -> User | None:
    if not username.strip():
        return None
    return User.objects.filter(
        username=username.strip(), is_active=True, role__in=sorted(TERRITORIAL_ROLES)
    ).first()


@login_required
@require_POST
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_measures(request)
    case = selectors.case_get_for_user(user=user, pk=pk)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect("monitoring:case", pk=pk)
    data = form.cleaned_data
    person = _user_named(data["responsible_username"])
    if data["responsible_username"] and person is None:
        messages.error(request, "未找到该帮扶责任人账号")
        return redirect("monitoring:case", pk=pk)
    _attempt(
        request,
        lambda: assistance.measure_record(
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
def measure_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_measures(request)
    measure = plan_selectors.measure_get_for_user(user=user, pk=pk)
    form = MeasureMoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: assistance.measure_move(
                actor=user, measure=measure, to=data["to"], outcome=data["outcome"]
            ),
            "措施状态已更新",
        )
    else:
        _form_error(request, form)
    return redirect("monitoring:case", pk=measure.case_id)


@login_required
@require_POST
def person_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_measures(request)
    case = selectors.case_get_for_user(user=user, pk=pk)
    measure_pk = request.POST.get("measure", "")
    measure = plan_selectors.measure_get_for_user(
        user=user, pk=int(measure_pk) if measure_pk.isdigit() else 0
    )
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
            _attempt(
                request,
                lambda: assistance.person_item_add(
                    actor=user, measure=measure, person=membership.person, kind=data["kind"], detail=data["detail"],
                    started_on=data["started_on"], amount_fen=_fen(data["amount"]), ends_on=data["ends_on"],
                ),
                "已录入到人帮扶",
            )  # fmt: skip
    else:
        _form_error(request, form)
    return redirect("monitoring:case", pk=measure.case_id)


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """随时评估, or 帮扶成效评议 (the evaluation that may start an elimination)."""
    user = _require_measures(request)
    case = selectors.case_get_for_user(user=user, pk=pk)
    kind = (
        EvaluationKind.ELIMINATION if request.POST.get("kind") == "elimination" else EvaluationKind.ON_DEMAND
    )
    result: list[bool | None] = []
    ok = _attempt(
        request,
        lambda: result.append(
            elimination.evaluation_record(
                actor=user, case=case, kind=kind, note=request.POST.get("note", "")
            ).eligible
        ),
        "已完成评估",
    )
    if ok and result[0] is False:
        messages.warning(request, "评估结果：暂不符合风险消除条件，原因见评估记录")
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_act(request)
    case = selectors.case_get_for_user(user=user, pk=pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: elimination.consent_record(
                actor=user, case=case, consent_by=data["consent_by"], relation=data["relation"],
                consent_on=data["consent_on"],
            ),
            "已登记知情同意",
        )  # fmt: skip
    else:
        _form_error(request, form)
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def helper_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_measures(request)
    case = selectors.case_get_for_user(user=user, pk=pk)
    form = HelperForm(request.POST)
    if not form.is_valid() or case.household is None:
        _form_error(request, form)
        return redirect("monitoring:case", pk=pk)
    data = form.cleaned_data
    helper = _user_named(data["username"])
    if helper is None:
        messages.error(request, "未找到该账号（须为在岗的村、乡镇、县、州干部）")
        return redirect("monitoring:case", pk=pk)
    household = case.household
    _attempt(
        request,
        lambda: assistance.helper_assign(
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
    user = _require_view(request)
    today = clock.today()
    cases = list(plan_selectors.helper_cases_for_user(user=user, today=today))
    flags = plan_selectors.plan_flags(cases, today=today)
    rows = [{"case": case, "flag": flags.get(case.pk, "")} for case in cases]
    return render(request, "monitoring/mine.html", {"rows": rows, "today": today})


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = _require_view(request)
    today = clock.today()
    year = int(request.GET.get("year", today.year)) if request.GET.get("year", "").isdigit() else today.year
    return render(
        request,
        "monitoring/report.html",
        {
            "report": plan_selectors.monitoring_report(user=user, year=year),
            "plan_checks": plan_selectors.plan_check_report(user=user, today=today),
            "checks": assistance_checks()[0],
            "year": year,
        },
    )


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    user = _require_view(request)
    today = clock.today()
    year = int(request.GET.get("year", today.year)) if request.GET.get("year", "").isdigit() else today.year
    content = report_workbook(
        monitored=plan_selectors.monitored_for_user(user=user).select_related("household", "village"),
        report=plan_selectors.monitoring_report(user=user, year=year),
        year=year,
    )
    return xlsx_response(content, f"监测对象统计{year}.xlsx")


@login_required
def household_trace(request: HttpRequest, household_pk: int) -> HttpResponse:
    user = _require_view(request)
    household = household_get_for_user(user=user, pk=household_pk)
    entries = tracing.household_trace(household)
    return render(request, "monitoring/trace.html", {"household": household, "entries": entries})


@login_required
def household_trace_export(request: HttpRequest, household_pk: int) -> HttpResponse:
    user = _require_view(request)
    household = household_get_for_user(user=user, pk=household_pk)
    content = tracing.trace_export(actor=user, household=household)
    return xlsx_response(content, f"责任追溯_{household.code or household.pk}.xlsx")


@login_required
def household_sector_panel(request: HttpRequest, household_pk: int) -> HttpResponse:
    user = _require_view(request)
    household = household_get_for_user(user=user, pk=household_pk)
    return render(
        request, "monitoring/_sector.html", {"sector": household_sector(household), "household": household}
    )


@login_required
def housing_ledger(request: HttpRequest) -> HttpResponse:
    user = _require_act(request) if request.method == "POST" else _require_view(request)
    form = HousingOpenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            household = household_list_for_user(user=user).filter(code=data["household_code"].strip()).first()
            if household is None:
                messages.error(request, "未找到该户编号的农户（或不在您的管辖范围内）")
            elif _attempt(
                request,
                lambda: housing.housing_entry_open(
                    actor=user, household=household, grade=data["grade"], way=data["way"], note=data["note"]
                ),
                "已登记住房安全台账",
            ):
                return redirect("monitoring:housing")
        else:
            _form_error(request, form)
    status = request.GET.get("status", LedgerStatus.OPEN)
    entries = housing.ledger_for_user(user=user).select_related("household", "village")
    if status in LedgerStatus.values:
        entries = entries.filter(status=status)
    return render(
        request,
        "monitoring/housing.html",
        {
            "entries": entries.order_by("village_id", "opened_on", "pk")[:500],
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
    user = _require_act(request)
    entry = housing.ledger_entry_get_for_user(user=user, pk=pk)
    form = HousingCloseForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: housing.housing_entry_close(
                actor=user, entry=entry, completion=form.cleaned_data["completion"]
            ),
            "已销号",
        )
    else:
        _form_error(request, form)
    return redirect("monitoring:housing")
