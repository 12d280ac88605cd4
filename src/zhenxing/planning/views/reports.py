"""The reported indicator values' pages (P16): the reports in the user's scope with their filters and 待我办理,
entering a value with its evidence (the responsible department, a township or a county for itself), a report's
page with its steps and the forms of the moves the workflow allows the user's role now (township → county →
prefecture review, returned with a reason and revised by the entering side), and its evidence files. Each view:
the capability, then a scoped selector (404 outside the scope), then one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user, require_capability
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied
from zhenxing.common.paging import paginate
from zhenxing.common.uploads import stored_file_response
from zhenxing.common.workflow import Move, Transition
from zhenxing.funds.forms import SimpleForm
from zhenxing.planning import guards, selectors, services
from zhenxing.planning.enums import IndicatorSource, PeriodKind, ReportStatus
from zhenxing.planning.freeze import period_ensure
from zhenxing.planning.models import Indicator, IndicatorReport, Period
from zhenxing.planning.transitions import REPORT

REPORT_MESSAGE = "您没有填报指标的权限"
NEW_FIELDS = ("indicator", "year", "number", "value", "evidence", "files")  # files: where their problems go
MOVE_FIELDS = ("opinion", "reason")  # the workflow's guards name a missing reason "reason"
REVISE_FIELDS = ("value", "evidence", "reason")
FIRST_YEAR = 2021  # the plan's first year (P12)
# guards that read what the user types: checked when the form is sent, not when deciding which forms to offer
INPUT_GUARDS = (guards.has_reason, guards.has_opinion)
STATUS_BADGES: dict[str, str] = {ReportStatus.ACCEPTED: "ok", ReportStatus.RETURNED: "warn"}


def _viewer(request: HttpRequest) -> User:
    user = request_user(request)
    selectors.require_view(user)
    return user


# the list


def _filtered(user: User, params: Any) -> tuple[QuerySet[IndicatorReport], dict[str, str]]:
    chosen = {
        name: str(params.get(name, "")).strip()[:40] for name in ("period", "status", "indicator", "waiting")
    }
    waiting = chosen["waiting"] == "1"
    rows = selectors.reports_waiting_for(user=user) if waiting else selectors.report_list_for_user(user=user)
    if chosen["period"].isdigit():
        rows = rows.filter(period_id=int(chosen["period"]))
    if chosen["status"] in ReportStatus.values:
        rows = rows.filter(status=chosen["status"])
    if chosen["indicator"]:
        rows = rows.filter(indicator__code=chosen["indicator"])
    return rows, chosen


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports in scope (P16), newest period first; 待我办理: those waiting for the user's review, or the
    user's own returned ones to revise."""
    user = _viewer(request)
    rows, chosen = _filtered(user, request.GET)
    paged = paginate(
        request, rows.order_by("-period__year", "-period__number", "indicator__sort", "division__code")
    )
    paged.page.object_list = [_with_value_text(report) for report in paged.page.object_list]
    in_scope = selectors.report_list_for_user(user=user)
    periods = Period.objects.filter(pk__in=in_scope.values("period")).order_by("-year", "kind", "-number")
    indicators = Indicator.objects.filter(pk__in=in_scope.values("indicator")).order_by("sort", "code")
    return render(
        request, "planning/reports_list.html",
        {"paged": paged, "chosen": chosen, "filtered": any(chosen.values()), "periods": periods,
         "indicators": indicators, "statuses": ReportStatus.choices, "badges": STATUS_BADGES,
         "waiting_count": selectors.reports_waiting_for(user=user).count(),
         "may_report": has_capability(user, Capability.REPORT_INDICATOR)},
    )  # fmt: skip


def _with_value_text(report: IndicatorReport) -> IndicatorReport:
    report.value_text = value_text(report)  # type: ignore[attr-defined]
    return report


def value_text(report: IndicatorReport) -> str:
    """13.0000 → 13, 12.5000 → 12.5 (never 1E+2)."""
    return f"{report.value.normalize():f}"


# entering a value


def reportable_indicators(user: User) -> QuerySet[Indicator]:
    """What the user may enter: reported indicators (一数一源: a computed one comes from the records); a county
    sector department only its sector's and those no sector reports."""
    rows = Indicator.objects.filter(active=True, source=IndicatorSource.REPORTED).order_by("sort", "code")
    if user.role == Role.COUNTY_SECTOR:
        rows = rows.filter(Q(sector__isnull=True) | Q(sector_id=user.sector_id))
    return rows


def _new_page(
    request: HttpRequest, user: User, form: SimpleForm, *, existing: IndicatorReport | None = None, status: int = 200
) -> HttpResponse:  # fmt: skip
    this_year = clock.today().year
    indicators = list(reportable_indicators(user))
    return render(
        request, "planning/reports_new.html",
        {**form.context(), "indicators": indicators, "division": user.jurisdiction,
         "asks_number": any(i.period != PeriodKind.YEAR for i in indicators) or bool(form.errors.get("number")),
         "years": list(range(this_year, FIRST_YEAR - 1, -1)), "existing": existing,
         "kinds": dict(PeriodKind.choices)},
        status=status,
    )  # fmt: skip


def _period_of(form: SimpleForm, indicator: Indicator | None, problems: list[ErrorDetail]) -> tuple[int, int]:
    """The year (and, for a quarterly or monthly indicator, the quarter or month) typed, checked."""
    year_text, number_text = form.values["year"], form.values["number"]
    year = int(year_text) if year_text.isdigit() else 0
    if not FIRST_YEAR <= year <= clock.today().year:
        problems.append(ErrorDetail(("year",), "range", f"请选择{FIRST_YEAR}年至今年之间的年度"))
    if indicator is None or indicator.period == PeriodKind.YEAR:
        return year, 0
    last = 4 if indicator.period == PeriodKind.QUARTER else 12
    number = int(number_text) if number_text.isdigit() else 0
    if not 1 <= number <= last:
        what = "季度（1-4）" if last == 4 else "月份（1-12）"
        problems.append(
            ErrorDetail(
                ("number",),
                "range",
                f"“{indicator.name}”按{indicator.get_period_display()}统计，请填写{what}",
            )
        )
    return year, number


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    """Enter a value with its evidence for the user's own township or county (P16)."""
    user = require_capability(request, Capability.REPORT_INDICATOR, REPORT_MESSAGE)
    division = user.jurisdiction
    if division is None:
        raise PermissionDenied(REPORT_MESSAGE)
    if request.method != "POST":
        chosen = request.GET.get("indicator", "").strip()[:40]
        blank = {**dict.fromkeys(NEW_FIELDS, ""), "indicator": chosen, "year": str(clock.today().year - 1)}
        return _new_page(request, user, SimpleForm(blank))
    form = SimpleForm.from_post(request.POST, NEW_FIELDS)
    problems: list[ErrorDetail] = []
    indicator = Indicator.objects.filter(active=True, code=form.values["indicator"]).first()
    if indicator is None:
        problems.append(ErrorDetail(("indicator",), "required", "请选择要填报的指标"))
    else:
        try:  # before asking for its period
            services.require_reported(indicator)
        except Conflict as error:
            form.errors.add_details(error.errors())
            return _new_page(request, user, form, status=409)
    year, number = _period_of(form, indicator, problems)
    value = None
    try:
        value = services.value_of(form.values["value"])
    except InvalidInput as error:
        problems.extend(error.errors())
    if len(form.values["evidence"]) < 2:
        problems.append(ErrorDetail(("evidence",), "required", "请填写佐证说明（数据来源、统计口径）"))
    if problems or indicator is None or value is None:
        form.errors.add_details(problems)
        return _new_page(request, user, form, status=422)
    try:
        period = period_ensure(kind=indicator.period, year=year, number=number, actor=user)
        report = services.report_enter(
            actor=user, indicator=indicator, period=period, division=division, value=value,
            evidence=form.values["evidence"], files=request.FILES.getlist("files"),
        )  # fmt: skip
    except InvalidInput as error:
        form.errors.add_details(error.errors())
        return _new_page(request, user, form, status=422)
    except PermissionDenied as error:
        form.errors.add_details([ErrorDetail((), "permission_denied", error.message)])
        return _new_page(request, user, form, status=403)
    except Conflict as error:
        form.errors.add_details([ErrorDetail((), "conflict", error.message)])
        existing = (
            selectors.report_list_for_user(user=user)
            .filter(indicator=indicator, period__kind=indicator.period, period__year=year, period__number=number,
                    division=division)
            .first()
        )  # fmt: skip
        return _new_page(request, user, form, existing=existing, status=409)
    messages.success(
        request, f"已填报“{indicator.name}”{report.period}：{value_text(report)}{indicator.unit}"
    )
    return redirect("planning:report", pk=report.pk)


# a report's page and its moves


def _trial(user: User, report: IndicatorReport, move: Move) -> str:
    """Why the user may not take this move now ("" when they may): the move's guards on the report as it is,
    leaving out those that read the form's input."""
    now = clock.now()
    t = Transition(
        workflow=REPORT, subject=report, move=move, actor=user, today=now.date(), now=now, opinion="", data={}
    )
    try:
        for guard in move.guards:
            if guard not in INPUT_GUARDS:
                guard(t)
    except (PermissionDenied, InvalidInput) as error:
        return error.message
    return ""


def offered_moves(user: User, report: IndicatorReport) -> tuple[list[Move], list[str]]:
    """The moves the workflow declares from the report's status for the user's role whose guards let the user
    take them, and the reasons of those it does not (shown so that nobody wonders where the button went)."""
    offered: list[Move] = []
    refusals: list[str] = []
    for move in REPORT.moves_from(report.status, user.role):
        reason = _trial(user, report, move)
        if reason:
            refusals.append(reason)
        else:
            offered.append(move)
    return offered, list(dict.fromkeys(refusals))


def may_add_files(user: User, report: IndicatorReport) -> bool:
    """More evidence comes from the entering side (the enterer, or a colleague of the same role over the same
    division) while the report is still under review."""
    if not has_capability(user, Capability.REPORT_INDICATOR) or report.status == ReportStatus.ACCEPTED:
        return False
    return guards.is_entering_side(user, report)


def report_page(
    request: HttpRequest, user: User, report: IndicatorReport, *, form_of: str = "", form: SimpleForm | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    moves, refusals = offered_moves(user, report)
    shown = value_text(report)
    blank = SimpleForm({"opinion": "", "reason": "", "value": shown, "evidence": report.evidence})
    forms = [
        {"move": m, "kind": "revise" if m.target == ReportStatus.ENTERED else
            "return" if m.target == ReportStatus.RETURNED else "review",
         "form": (form if form is not None and form_of == m.target else blank).context()}
        for m in moves
    ]  # fmt: skip
    files_form = form if form is not None and form_of == "files" else SimpleForm({"files": ""})
    return render(
        request, "planning/reports_detail.html",
        {"report": report, "value_text": shown, "badge": STATUS_BADGES.get(report.status, ""),
         "steps": report.steps.select_related("actor").order_by("done_at", "pk"),
         "files": report.attachments.order_by("uploaded_at", "pk"), "forms": forms, "refusals": refusals,
         "form_of": form_of, "general": general or [], "may_add_files": may_add_files(user, report),
         "files_form": files_form.context()},
        status=status,
    )  # fmt: skip


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    return report_page(request, user, selectors.report_get_for_user(user=user, pk=pk))


def _refused(
    request: HttpRequest,
    user: User,
    report: IndicatorReport,
    form: SimpleForm,
    form_of: str,
    error: Exception,
) -> HttpResponse:
    """A refused write back on the report's page: field problems beside the fields (422), a refusal (403) or a
    conflict (409) above the page, in the service's words."""
    if isinstance(error, InvalidInput):
        form.errors.add_details(error.errors())
        return report_page(request, user, report, form_of=form_of, form=form, status=422)
    assert isinstance(error, PermissionDenied | Conflict)
    report = selectors.report_get_for_user(user=user, pk=report.pk)
    status = 403 if isinstance(error, PermissionDenied) else 409
    return report_page(request, user, report, general=[error.message], status=status)


@login_required
def report_move(request: HttpRequest, pk: int) -> HttpResponse:
    """通过 or 退回 (P16): one declared move of the review, with its opinion or reason."""
    user = _viewer(request)
    report = selectors.report_get_for_user(user=user, pk=pk)
    if request.method != "POST":
        return redirect("planning:report", pk=report.pk)
    to = request.POST.get("to", "").strip()
    if to not in ReportStatus.values or to == ReportStatus.ENTERED:
        return report_page(request, user, report, general=["请选择要办理的环节"], status=422)
    form = SimpleForm.from_post(request.POST, MOVE_FIELDS)
    try:
        services.report_move(actor=user, report=report, to=to, opinion=form.values["opinion"])
    except (InvalidInput, PermissionDenied, Conflict) as error:
        return _refused(request, user, report, form, to, error)
    messages.success(request, f"已办理：{REPORT.labels.get(to, to)}")
    return redirect("planning:report", pk=report.pk)


@login_required
def report_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """修改后重新报送 (P16): the entering side's new value and evidence, with the reason of the change."""
    user = _viewer(request)
    report = selectors.report_get_for_user(user=user, pk=pk)
    if request.method != "POST":
        return redirect("planning:report", pk=report.pk)
    form = SimpleForm.from_post(request.POST, REVISE_FIELDS)
    try:
        value = services.value_of(form.values["value"])
        services.report_revise(
            actor=user,
            report=report,
            value=value,
            evidence=form.values["evidence"],
            reason=form.values["reason"],
        )
    except (InvalidInput, PermissionDenied, Conflict) as error:
        return _refused(request, user, report, form, ReportStatus.ENTERED, error)
    messages.success(request, "已修改并重新报送")
    return redirect("planning:report", pk=report.pk)


@login_required
def report_files_add(request: HttpRequest, pk: int) -> HttpResponse:
    """More evidence files for a report under review, from its entering side; each accepted by its bytes."""
    user = _viewer(request)
    report = selectors.report_get_for_user(user=user, pk=pk)
    if request.method != "POST":
        return redirect("planning:report", pk=report.pk)
    form = SimpleForm({"files": ""})
    files = request.FILES.getlist("files")
    try:
        stored = services.report_attachments_add(actor=user, report=report, files=files)
    except (InvalidInput, PermissionDenied) as error:
        return _refused(request, user, report, form, "files", error)
    messages.success(request, f"已补充{len(stored)}份佐证材料")
    return redirect("planning:report", pk=report.pk)


@login_required
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file of a report the user may see; anything else is not found."""
    user = _viewer(request)
    found = selectors.report_attachment_get_for_user(user=user, pk=pk)
    return stored_file_response(found.file.open("rb"), stored_type=found.content_type, name=found.name)
