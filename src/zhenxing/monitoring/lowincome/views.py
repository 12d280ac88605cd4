"""The 民政比对 pages (P17): per county, the current roster snapshot, the last comparison and its differences by
kind, a button to compare, the outcomes export; and the closing of a comparison lead citing a visit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.requests import request_user
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied
from zhenxing.common.http import xlsx_response
from zhenxing.common.paging import paginate
from zhenxing.divisions.models import Division
from zhenxing.feeds.selectors import current_roster_batch
from zhenxing.monitoring.lowincome import export, selectors, services
from zhenxing.monitoring.lowincome.compare import cite_standard
from zhenxing.monitoring.models import LowIncomeDifference, Visit
from zhenxing.policy.rules.lowincome import KINDS, VISIT_CITATION_DAYS, DifferenceKind, closing_kind
from zhenxing.policy.selectors import dibao_standard_for
from zhenxing.screening.models import LeadStatus


class ExportForm(forms.Form):
    reason = forms.CharField(label="导出理由（含完整身份证号，将记入审计日志）", min_length=2, max_length=200)


class CloseForm(forms.Form):
    """The result is worded per kind (rules.DifferenceKind): M1 核实纳入 / 核实不纳入, M2 已告知民政核定 /
    核实不符合, M3 and M4 台账已更正 / 台账无误，请民政核定."""

    result = forms.ChoiceField(label="核实结果", widget=forms.RadioSelect)
    note = forms.CharField(
        label="核实说明（将反馈民政）", min_length=2, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    visit = forms.TypedChoiceField(
        label="引用已有走访（一次走访、两边使用）", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, visits: list[Visit], kind: DifferenceKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        result = self.fields["result"]
        assert isinstance(result, forms.ChoiceField)
        result.choices = [("confirmed", kind.confirmed), ("dismissed", kind.dismissed)]
        field = self.fields["visit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "不引用（另行走访）")] + [
            (
                v.pk,
                f"{v.visited_at:%Y-%m-%d} {v.visited_by.display_name or v.visited_by.get_username()}：{v.place}",
            )
            for v in visits
        ]


# why rows or households were left out of a comparison (compare.py's `skipped`), as the county page says it
SKIPPED = {
    "unmatched": "名册记录未匹配到本平台人员",
    "other_county": "名册人员现属外县农户",
    "ended": "名册记录在名册日期前已终止",
    "no_verdict": "名册人员所在户没有可判定的年度收支（如当年监测范围未配置），未作风险比对",
    "no_year": "监测对象没有年度收支记录，未作低保比对",
    "no_standard": "未配置该年度低保标准，监测对象未作低保比对",
}


def _skipped(run: object) -> list[tuple[str, int]]:
    counts = (getattr(run, "summary", None) or {}).get("skipped") or {}
    return [(label, int(counts[key])) for key, label in SKIPPED.items() if counts.get(key)]


def _county_row(county: Division) -> dict[str, object]:
    batch = current_roster_batch(county_code=county.code)
    run = selectors.last_comparison(county=county)
    differences = list(selectors.differences_of(county=county, batch_id=batch.pk if batch else None))
    return {
        "county": county, "batch": batch, "run": run, "differences": differences,
        "by_kind": _by_kind(differences),
        "run_status": run.status_label if run else "",  # 比对中 / 已完成 / 失败: a comparison's own words
    }  # fmt: skip


def _by_kind(differences: list[LowIncomeDifference]) -> list[dict[str, object]]:
    """Every difference of the current snapshot by kind, and how many of them are still open (not only what
    the last run newly found: a repeat comparison finds nothing new above a full table)."""
    return [
        {
            "code": code, "title": kind.title,
            "count": sum(1 for d in differences if d.kind == code),
            "open": sum(1 for d in differences if d.kind == code and d.lead and d.lead.status == LeadStatus.OPEN),
        }
        for code, kind in KINDS.items()
    ]  # fmt: skip


def _standard(county: Division, batch: object) -> dict[str, object] | None:
    """The 低保 standard in force for the roster's year, cited with its region and year (暂用 when older)."""
    on = getattr(batch, "snapshot_on", None)
    if on is None:
        return None
    standard = dibao_standard_for(county_code=county.code, year=on.year)
    return cite_standard(standard, income_year=on.year) if standard else {"missing": True, "year": on.year}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    counties = selectors.counties_for_user(user=user)
    return render(
        request,
        "monitoring/lowincome/overview.html",
        {"rows": [_county_row(c) for c in counties], "kinds": KINDS.values()},
    )


@login_required
def county_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    county = selectors.county_get_for_user(user=user, code=code)
    row = _county_row(county)
    batch = row["batch"]
    may_export = selectors.may_export_outcomes(user)
    # a whole county's roster differs in hundreds of people: the list pages like every list
    paged = paginate(request, row["differences"])
    return render(
        request,
        "monitoring/lowincome/county.html",
        {
            **row,
            "paged": paged,
            "page_differences": paged.items,
            "skipped": _skipped(row["run"]),
            "kinds": KINDS,
            "to_export": (
                export.differences_to_export(county=county, batch_id=getattr(batch, "pk", None)).count()
                if may_export
                else 0
            ),
            "export_scope": export.EXPORT_SCOPE,
            "standard": _standard(county, batch),
            "can_export": may_export,
            "export_form": ExportForm(),
        },
    )


@login_required
@require_POST
def compare(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    county = selectors.county_get_for_user(user=user, code=code)
    try:
        run = services.lowincome_start(county_code=county.code, actor=user)
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已发起民政比对，正在后台运行；完成后差异和线索见本县比对页")
        return redirect("screening:run", pk=run.pk)
    return redirect("monitoring:lowincome_county", code=county.code)


@login_required
@require_POST
def export_outcomes(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    county = selectors.county_get_for_user(user=user, code=code)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写导出理由（将记入审计日志）")
        return redirect("monitoring:lowincome_county", code=county.code)
    batch = current_roster_batch(county_code=county.code)
    rows = export.export_rows(county=county, batch_id=batch.pk if batch else None)
    services.lowincome_export_record(
        actor=user,
        county=county,
        difference_ids=[r.difference.pk for r in rows],
        reason=form.cleaned_data["reason"],
    )
    return xlsx_response(export.export_workbook(rows), f"民政比对核实结果_{county.code}.xlsx")


@login_required
def close_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """核实 a 民政比对 lead: the result, the note for 民政, and an existing visit cited instead of a new one."""
    user = request_user(request)
    lead = selectors.comparison_lead_get_for_user(user=user, pk=pk)
    if not has_capability(user, Capability.CONFIRM_LEAD):
        raise PermissionDenied("您的角色不能核实预警线索")
    today = clock.today()
    visits = list(selectors.citable_visits(household=lead.household, today=today))
    differences = list(LowIncomeDifference.objects.filter(lead=lead).order_by("kind", "pk"))
    kind = closing_kind(d.kind for d in differences)
    form = CloseForm(request.POST or None, visits=visits, kind=kind)
    if request.method == "POST" and lead.status != LeadStatus.OPEN:
        messages.error(request, f"该线索已办结（{lead.get_status_display()}），不能再次核实")
        return redirect("monitoring:lowincome_close", pk=lead.pk)
    if request.method == "POST" and form.is_valid():
        chosen = next((v for v in visits if v.pk == form.cleaned_data["visit"]), None)
        try:
            services.lowincome_lead_close(
                actor=user, lead=lead, confirmed=form.cleaned_data["result"] == "confirmed",
                note=form.cleaned_data["note"], visit=chosen, today=today,
            )  # fmt: skip
        except (InvalidInput, Conflict) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已记录核实结果，将随核实结果反馈民政")
            return redirect("screening:lead", pk=lead.pk)
    return render(
        request,
        "monitoring/lowincome/close.html",
        {
            "lead": lead, "form": form, "visits": visits, "days": VISIT_CITATION_DAYS,
            "differences": differences, "kinds": KINDS, "kind": kind,
            "checks": sorted({KINDS[d.kind].check for d in differences}),
        },
    )  # fmt: skip
