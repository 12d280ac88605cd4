"""Case pages: the queue (village inbox, township and county queues), the case with its timeline, one POST
endpoint per kind of step, the roster of monitoring objects and the monitoring report. Each view: parse,
fetch through a scoped selector, call one service."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.enums import Role
from zhenxing.accounts.requests import request_user
from zhenxing.accounts.rollup import LEVEL_LABEL, rollup_level
from zhenxing.common import clock
from zhenxing.common.errors import not_found
from zhenxing.common.http import xlsx_response
from zhenxing.common.paging import paginate
from zhenxing.common.uploads import stored_file_response
from zhenxing.divisions.models import Division
from zhenxing.monitoring.assistance.selectors import plan_check_report
from zhenxing.monitoring.case_workflow import STEP_ROLE
from zhenxing.monitoring.cases import case_get_for_user, case_list_for_user, monitored_for_user
from zhenxing.monitoring.decisions import (
    Suggestion,
    assistance_checks,
    case_suggestion,
    step_deadlines,
)
from zhenxing.monitoring.enums import OPEN_STATUSES, CaseStatus
from zhenxing.monitoring.identification import applicant, selectors, services
from zhenxing.monitoring.identification.applicant import ApplicantRevealForm, applicant_context
from zhenxing.monitoring.identification.context import assistance_context
from zhenxing.monitoring.identification.forms import ConfirmForm, MeetingForm, MoveForm, VisitForm
from zhenxing.monitoring.identification.reports import report_workbook, roster_workbook
from zhenxing.monitoring.identification.transitions import workflow_for
from zhenxing.monitoring.models import Attachment
from zhenxing.monitoring.tracing.timeline import case_timeline
from zhenxing.monitoring.web import attempt, require_act, require_view, submit
from zhenxing.policy.regimes import regime_for
from zhenxing.policy.rules.procedure import application_settle_days
from zhenxing.policy.wording import object_name_in_full, object_name_on, suggestion_note
from zhenxing.registry.selectors import household_get_for_user, household_list_for_user
from zhenxing.screening.selectors import lead_get_for_user

TABS = {
    "queue": "待办", "open": "办理中", "overdue": "超期", "confirmed": "已纳入", "monitored": "监测中",
    "rejected": "未纳入", "identified": "已识别纳入", "eliminated": "已消除",
}  # fmt: skip


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = require_view(request)
    today = clock.today()
    tab = request.GET.get("tab", "queue")
    # a month outside 2000–2100 or unreadable is no filter, and the filter line does not name it
    month, since = (
        text if selectors.filter_day(f"{text}-01") else ""
        for text in (request.GET.get("month", "")[:7], request.GET.get("since", "")[:7])
    )
    filters = selectors.CaseFilters(
        place=request.GET.get("place", ""),
        monitoring_type=request.GET.get("type", "").strip()[:10],
        month=month,
        since=since,
        until=selectors.filter_day(request.GET.get("until", "")),
        on=selectors.filter_day(request.GET.get("on", "")) if tab == "monitored" else None,
        development=request.GET.get("development", ""),
    )
    cases = selectors.case_tab_for_user(user=user, tab=tab, today=today, filters=filters)
    place, monitoring_type, development = filters.place, filters.monitoring_type, filters.development
    month_filter = ""
    if tab in selectors.MONTH_FIELD:
        month_filter = " ".join(
            part
            for part in (
                f"{month}月" if month else (f"{since}月起" if since else ""),
                f"截至{filters.until:%Y-%m-%d}" if filters.until else "",
            )
            if part
        )
    ranking = selectors.overdue_ranking(user=user, today=today)
    plan_checks = {row["code"]: row for row in plan_check_report(user=user, today=today)}
    codes = {code for code, _ in ranking} | {code for code, row in plan_checks.items() if row["error"]}
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    overdue = dict(ranking)
    rows = sorted(
        (
            (code, names.get(code, code), overdue.get(code, 0), plan_checks.get(code, {}).get("error", 0))
            for code in codes
        ),
        key=lambda row: (-row[2] - row[3], row[0]),
    )
    listed = selectors.with_overdue(cases, today=today).select_related("household", "village")
    paged = paginate(request, listed.order_by("step_due", "pk"))
    on_page = [case.pk for case in paged.items]
    unsettled = case_list_for_user(user=user).filter(selectors.unsettled_filter(today), pk__in=on_page)
    limits, _ = step_deadlines()
    checks, _ = assistance_checks()
    return render(
        request,
        "monitoring/identification/list.html",
        {
            "cases": paged.items, "paged": paged,
            "tab": tab, "tabs": TABS, "today": today,
            "monitoring_type": "其他类型" if monitoring_type == selectors.OTHER_TYPE else monitoring_type,
            "month_filter": month_filter,
            "on_filter": f"{filters.on:%Y-%m-%d}监测中" if filters.on else "",
            "development_filter": {"1": "有已实施开发式措施", "0": "无已实施开发式措施"}.get(development, ""),
            "place_name": Division.objects.filter(code=place).values_list("name", flat=True).first() or "",
            "ranking": rows, "level": LEVEL_LABEL[rollup_level(user)],
            "unsettled_ids": set(unsettled.values_list("pk", flat=True)),
            "settle_days": application_settle_days(limits), "checks": checks,
        },
    )  # fmt: skip


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_view(request)
    case = selectors.case_page_for_user(user=user, pk=pk, today=clock.today())
    moves = workflow_for(case.status).moves_from(case.status, user.role)
    confirm_form = None
    suggestion: Suggestion | None = None
    type_note = ""
    if case.status == CaseStatus.COUNTY_DECISION and any(m.target == CaseStatus.CONFIRMED for m in moves):
        suggestion = case_suggestion(case)
        regime = regime_for(clock.today())  # P17: the types of the decision date's regime
        type_note = suggestion_note(suggestion.monitoring_type, regime.monitoring_types)
        confirm_form = ConfirmForm(
            initial={
                "monitoring_type": "" if type_note else suggestion.monitoring_type,
                "risk_types": suggestion.risk_types,
            },
            monitoring_types=regime.monitoring_types,
            object_name=regime.object_name,
        )
    notices = case.notices.order_by("-pk")
    assistance = assistance_context(case, user=user)
    applicants = applicant_context(user=user, case=case)
    return render(
        request,
        "monitoring/identification/detail.html",
        {
            "case": case, "today": clock.today(),
            "moves": [m for m in moves if not (confirm_form and m.target == CaseStatus.CONFIRMED)],
            "confirm_form": confirm_form, "suggestion": suggestion, "type_note": type_note, "move_form": MoveForm(),
            "visit_form": VisitForm(initial={"visited_at": clock.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")}),
            "meeting_form": MeetingForm(initial={"held_on": clock.today()}),
            "timeline": case_timeline(case, measures=assistance.get("measures")),
            "notices": notices,
            "step_role_label": Role(STEP_ROLE[case.status]).label if case.status in STEP_ROLE else "", "is_open": case.status in OPEN_STATUSES,
            "can_link": case.household_id is None and case.status in (CaseStatus.APPLICATION, CaseStatus.ANALYSIS),
            **assistance, **applicants,
        },
    )  # fmt: skip


@login_required
@require_POST
def applicant_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """A portal applicant's full ID number or phone, once, with a reason (audited); never cached."""
    user = require_view(request)
    case = case_get_for_user(user=user, pk=pk)
    form = ApplicantRevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写查看理由（至少2个字）")
        return redirect("monitoring:case", pk=pk)
    data = form.cleaned_data
    shown: list[str] = []
    if not attempt(
        request,
        lambda: shown.append(
            applicant.applicant_reveal(
                actor=user, case=case, application_pk=data["application"], what=data["what"],
                reason=data["reason"],
            )
        ),
        "本次查看已记入审计日志",
    ):  # fmt: skip
        return redirect("monitoring:case", pk=pk)
    response = render(
        request,
        "monitoring/identification/applicant_revealed.html",
        {"case": case, "label": applicant.REVEALABLE[data["what"]], "value": shown[0]},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    case = case_get_for_user(user=user, pk=pk)
    if request.POST.get("to") == CaseStatus.CONFIRMED:
        regime = regime_for(clock.today())  # P17: the types of the decision date's regime
        form: MoveForm | ConfirmForm = ConfirmForm(
            request.POST, monitoring_types=regime.monitoring_types, object_name=regime.object_name
        )
    else:
        form = MoveForm(request.POST)
    if not form.is_valid():
        wrong_type = form.errors.get("monitoring_type")
        messages.error(request, str(wrong_type[0]) if wrong_type else "请检查填写的内容")
        return redirect("monitoring:case", pk=pk)
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.case_move(
            actor=user,
            case=case,
            to=data["to"],
            method=request.POST.get("method", ""),
            findings=data.get("findings", ""),
            monitoring_type=data.get("monitoring_type"),
            risk_types=data.get("risk_types"),
            change_reason=data.get("change_reason", ""),
            files=request.FILES.getlist("files"),
        ),
        "已办理",
    )
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def case_open(request: HttpRequest, household_pk: int) -> HttpResponse:
    user = require_act(request)
    household = household_get_for_user(user=user, pk=household_pk)
    opened: list[int] = []
    ok = attempt(
        request,
        lambda: opened.append(
            services.case_open_for_household(
                actor=user, household=household, summary=request.POST.get("summary", "")
            ).pk
        ),
        "已发起识别",
    )
    return (
        redirect("monitoring:case", pk=opened[0]) if ok else redirect("registry:household", pk=household_pk)
    )


@login_required
@require_POST
def case_open_from_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """核实纳入 on a lead's page: the lead is confirmed and the household's case opened together."""
    user = request_user(request)
    lead = lead_get_for_user(user=user, pk=pk)
    case = services.case_open_from_lead(actor=user, lead=lead, note=request.POST.get("note", ""))
    messages.success(request, f"已核实纳入，转入识别程序（案件 {case.pk}）")
    return redirect("monitoring:case", pk=case.pk)


@login_required
@require_POST
def case_link_household(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    case = case_get_for_user(user=user, pk=pk)
    code = request.POST.get("household_code", "").strip()
    household = household_list_for_user(user=user).filter(code=code).first()
    if household is None:
        messages.error(request, "未找到该户编号的农户（或不在您的管辖范围内）")
    else:
        attempt(
            request,
            lambda: services.case_link_household(actor=user, case=case, household=household),
            "已关联农户",
        )
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    case = case_get_for_user(user=user, pk=pk)
    form = VisitForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else str(error))
        return redirect("monitoring:case", pk=pk)
    data = form.cleaned_data

    def record() -> None:
        with transaction.atomic():  # the visit and its photos, or neither: a refused photo leaves no visit
            visit, _ = services.visit_record(
                actor=user, case=case, client_uuid=data["client_uuid"], visited_at=data["visited_at"],
                place=data["place"], findings=data["findings"], authorization_signed=data["authorization_signed"],
            )  # fmt: skip
            services.attachments_add(
                actor=user, case=case, visit=visit, files=request.FILES.getlist("photos")
            )

    attempt(request, record, "已录入走访记录")
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    case = case_get_for_user(user=user, pk=pk)
    submit(
        request, MeetingForm(request.POST),
        lambda data: services.case_record_meeting(
            actor=user, case=case, held_on=data["held_on"], minutes=data["minutes"]
        ),
        "已录入评议会", invalid="请填写评议会日期和记录",
    )  # fmt: skip
    return redirect("monitoring:case", pk=pk)


@login_required
@require_POST
def green_channel(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_act(request)
    case = case_get_for_user(user=user, pk=pk)
    attempt(
        request, lambda: services.case_green_channel(actor=user, case=case, reason=request.POST.get("reason", "")),
        "已开启绿色通道",
    )  # fmt: skip
    return redirect("monitoring:case", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    user = require_view(request)
    attachment = Attachment.objects.filter(pk=pk, case__in=case_list_for_user(user=user)).first()
    if attachment is None:
        raise not_found()
    return stored_file_response(
        attachment.file.open("rb"), stored_type=attachment.content_type, name=attachment.name
    )


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    user = require_view(request)
    name = object_name_on(clock.today())  # P17: 防止返贫监测对象名册 until 2025
    return xlsx_response(
        roster_workbook(selectors.roster_for_user(user=user)), f"{object_name_in_full(name)}名册.xlsx"
    )


FIRST_REPORT_YEAR = 2021  # the transition period's first year (P17)


def _year(request: HttpRequest) -> int:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() else clock.today().year


def _report_object_name(year: int) -> str:
    """P17: a year's report speaks the words of that year's regime (监测对象 for 2025, read in 2026 too)."""
    return object_name_on(min(datetime.date(year, 12, 31), clock.today()))


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = require_view(request)
    year = _year(request)
    report = selectors.monitoring_report(user=user, year=year)
    eliminated = paginate(request, report["eliminated"])
    return render(
        request,
        "monitoring/identification/report.html",
        {
            "report": report,
            "paged": eliminated,
            "plan_checks": plan_check_report(user=user, today=clock.today()),
            "checks": assistance_checks()[0],
            "year": year,
            "years": range(clock.today().year, FIRST_REPORT_YEAR - 1, -1),  # the chooser, latest first
            "object_name": _report_object_name(year),
        },
    )


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    user = require_view(request)
    year = _year(request)
    content = report_workbook(
        monitored=monitored_for_user(user=user).select_related("household", "village"),
        report=selectors.monitoring_report(user=user, year=year),
        year=year,
    )
    return xlsx_response(content, f"{_report_object_name(year)}统计{year}.xlsx")
