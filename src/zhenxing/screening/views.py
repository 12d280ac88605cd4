from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user
from zhenxing.accounts.rollup import LEVEL_LABEL, rollup_level
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.paging import paginate
from zhenxing.divisions.codes import is_division_code
from zhenxing.screening import selectors, services
from zhenxing.screening.evidence import evidence_rows
from zhenxing.screening.models import GRADES, LeadStatus, RunStatus, ScreeningRun
from zhenxing.screening.todo import run_scope_label


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="不纳入的理由", min_length=2, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


# the dashboards' funnel opens these: not tabs of their own, named in the filter line
STATUS_GROUP_LABELS = {selectors.ALL_LEADS: "全部状态", selectors.CHECKED_LEADS: "已核实（纳入或不纳入）"}


def _day(text: str) -> datetime.date | None:
    """A filter's day 'YYYY-MM-DD'; anything else, or a year outside 2000–2100 (a day the database cannot
    take a midnight of, e.g. 0001-01-01 on SQLite), filters nothing."""
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = request.GET.get("status", LeadStatus.OPEN)
    today = clock.today()
    overdue = request.GET.get("overdue") == "1"
    place = request.GET.get("place", "")
    place = place if is_division_code(place) else ""
    since, until = _day(request.GET.get("since", "")), _day(request.GET.get("until", ""))
    leads = (
        selectors.lead_page_for_user(
            user=user,
            status=status,
            today=today,
            overdue=overdue,
            place=place,
            since=since,
            until=until,
        )
        .select_related("household__village")
        .prefetch_related("signals")
        .order_by("village_due", "pk")
    )
    paged = paginate(request, leads)
    return render(
        request,
        "screening/list.html",
        {
            "leads": paged.items,
            "paged": paged,
            "status": status,
            "filters": [
                *(["已逾期"] if overdue else []),
                *([selectors.division_name(place)] if place else []),
                *([f"{since:%Y-%m-%d}起生成"] if since else []),
                *([f"{until:%Y-%m-%d}及以前生成"] if until else []),
                *([STATUS_GROUP_LABELS[status]] if status in STATUS_GROUP_LABELS else []),
            ],
            "statuses": LeadStatus.choices,
            "today": today,
            "level": LEVEL_LABEL[rollup_level(user)],
            "ranking": selectors.overdue_ranking(user=user, today=today),
            "grades": GRADES,
            "by_place": selectors.open_by_place(user=user),
            "summary": [
                {**row, "status": LeadStatus(str(row["status"])).label}
                for row in selectors.summary_by_grade(user=user)
            ],
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
            "evidence": evidence_rows(list(lead.signals.order_by("rule_code"))),
            "form": DismissForm(),
            "can_act": has_capability(user, Capability.CONFIRM_LEAD),
            "today": timezone.localdate(),
        },
    )


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


class WhatIfForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    line_a = forms.DecimalField(
        label="现行监测范围（元/人·年，留空用已配置值）",
        required=False,
        min_value=1,
        decimal_places=2,
        max_digits=10,
    )
    line_b = forms.DecimalField(label="拟调整为（元/人·年）", min_value=1, decimal_places=2, max_digits=10)


@login_required
def what_if_page(request: HttpRequest) -> HttpResponse:
    """County staff try a new line before it is published; nothing is written."""
    from zhenxing.accounts.scoping import scope_prefixes
    from zhenxing.common.errors import PermissionDenied
    from zhenxing.divisions.models import Division
    from zhenxing.policy.lines import LineNotConfigured, what_if_baseline
    from zhenxing.screening.whatif import PAGE_SNAPSHOT_MAX_AGE, side_by_side, what_if

    user = request_user(request)
    if not has_capability(user, Capability.VIEW_REGISTRY):
        raise PermissionDenied("您的角色不能使用测算")
    prefixes = scope_prefixes(user)
    form = WhatIfForm(request.GET or None, initial={"year": timezone.localdate().year - 1})
    result, tables, error = None, {}, ""
    if request.GET and form.is_valid():
        year = form.cleaned_data["year"]
        line_a = form.cleaned_data.get("line_a")
        labels = ["方案一", "方案二（拟调整）"]
        if line_a is None:
            try:
                baseline = what_if_baseline(year=year, today=clock.today())
            except LineNotConfigured as missing:
                error = f"{missing.message}，请填写现行监测范围"
            else:
                line_a = baseline.yuan
                # P17: before the year's standard is published, the proposal is compared with last year's
                labels[0] = f"{baseline.of_year}年标准" + ("（暂用）" if baseline.provisional else "")
        if line_a is not None:
            # one level below the user's jurisdiction: prefecture → counties, county → townships, township → villages
            area_length = {4: 6, 6: 9, 9: 12, 12: 12}[min((len(p) for p in prefixes), default=4)]
            names = {
                code: name
                for code, name in Division.objects.filter(code__length=area_length).values_list(
                    "code", "name"
                )
                if any(code.startswith(prefix) or prefix.startswith(code) for prefix in prefixes)
            }
            result = what_if(
                year=year,
                lines_yuan=[line_a, form.cleaned_data["line_b"]],
                prefixes=prefixes,
                area_length=area_length,
                area_names=names,
                snapshot_max_age=PAGE_SNAPSHOT_MAX_AGE,
                labels=labels,
            )
            tables = side_by_side(result)
    return render(
        request,
        "screening/what_if.html",
        {"form": form, "result": result, "tables": tables, "error": error},
    )


class StartForm(forms.Form):
    year = forms.IntegerField(label="年度（收入与部门数据）", min_value=2000, max_value=2100)
    engine = forms.ChoiceField(label="计算方式", choices=list(services.PAGE_ENGINES.items()))


def _may_run(request: HttpRequest) -> User:
    user = request_user(request)
    if not has_capability(user, Capability.RUN_SCREENING):
        raise PermissionDenied("您的角色不能发起或查看筛查轮次")
    return user


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """筛查轮次: start a round (a county its own households, the prefecture all) and the rounds so far."""
    user = _may_run(request)
    form = StartForm(request.POST or None, initial={"year": clock.today().year - 1, "engine": "db"})
    if request.method == "POST" and form.is_valid():
        try:
            run = services.screening_start(
                actor=user, year=form.cleaned_data["year"], engine=form.cleaned_data["engine"]
            )
        except (Conflict, InvalidInput) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已发起筛查，正在后台运行")
            return redirect("screening:run", pk=run.pk)
    paged = paginate(request, selectors.run_list_for_user(user=user))
    return render(
        request,
        "screening/runs.html",
        {"form": form, "runs": paged.items, "paged": paged, "scope": run_scope_label(user)},
    )


def _run_context(run: ScreeningRun) -> dict[str, object]:
    return {"run": run, "running": run.status == RunStatus.RUNNING}


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=_may_run(request), pk=pk)
    return render(request, "screening/run.html", _run_context(run))


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's progress and, once done, its summary: the fragment the run page polls (htmx)."""
    run = selectors.run_get_for_user(user=_may_run(request), pk=pk)
    return render(request, "screening/_run_progress.html", _run_context(run))
