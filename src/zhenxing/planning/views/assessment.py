"""The county assessment pages (P16, grades P11): /planning/assessment/?year=2025 (the counties in scope with
their four dimension scores, total, grade and 规模性返贫 flag; the prefecture computes them and downloads the
.xlsx), one assessment explained item by item (/planning/assessment/<pk>/) and down to the records behind an item
(/planning/assessment/<pk>/items/<key>/: each record read through its own app's scoped selector, so a county sees
only its own), and the what-if (/planning/assessment/what-if/: a GET form; nothing saved). Thin: selectors for
reads, planning/assessment.py for the computation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.common.errors import Conflict, DomainError, InvalidInput, NotFound
from zhenxing.common.http import xlsx_response
from zhenxing.planning import assessment as engine
from zhenxing.planning import selectors
from zhenxing.planning.assessment_export import assessment_export
from zhenxing.planning.freeze import counties
from zhenxing.planning.models import Assessment, FieldFinding, Indicator
from zhenxing.planning.parameters import assessment_values
from zhenxing.planning.scope import planning_prefix, user_covers
from zhenxing.planning.services import value_of
from zhenxing.planning.views.supervision import NO_VIEW, last_year, year_choices, year_of
from zhenxing.policy.rules.assessment import (
    DIMENSIONS,
    ITEMS,
    PER_RECORD,
    needs_supervision,
    scheme_from_values,
)

GRADE_BADGE = {"好": "ok", "较好": "", "一般": "warn"}
PARAMETER_LABELS = {"assessment": "考核评估参数", "planning_rules": "规划指标统计口径参数"}


def _link(name: str, *args: Any) -> str:
    """A page another area owns, when its route exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _default_year(user: User) -> int:
    latest = (
        selectors.assessment_list_for_user(user=user).order_by("-year").values_list("year", flat=True).first()
    )
    return latest or last_year()


def _dimension_cells(assessment: Assessment) -> list[dict[str, Any]]:
    by_key = {d["key"]: d for d in assessment.scores.get("dimensions", [])}
    return [{"key": key, "label": label, **by_key.get(key, {})} for key, label in DIMENSIONS]


# the counties' scores of a year


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    selectors.require_view(user)
    year = year_of(request, _default_year(user))
    found = {a.county.code: a for a in selectors.assessment_list_for_user(user=user, year=year)}
    rows = [
        {"county": county, "a": found.get(county.code),
         "dimensions": _dimension_cells(found[county.code]) if county.code in found else [],
         "badge": GRADE_BADGE.get(found[county.code].grade, "") if county.code in found else ""}
        for county in counties()
        if user_covers(user, county.code)
    ]  # fmt: skip
    return render(
        request, "planning/assessment_list.html",
        {"year": year, "years": year_choices(), "rows": rows, "dimensions": DIMENSIONS,
         "manage": has_capability(user, Capability.MANAGE_ASSESSMENT), "computed": bool(found)},
    )  # fmt: skip


@login_required
@require_POST
def assessment_compute(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.MANAGE_ASSESSMENT, "只有州级可以计算考核评估")
    raw = request.POST.get("year", "").strip()
    year = int(raw) if raw.isdigit() and int(raw) in year_choices() else None
    if year is None:
        messages.error(request, "请选择考核年度")
        return redirect("planning:assessments")
    try:
        done = engine.assessment_compute_all(year=year, actor=user)
    except DomainError as error:
        for detail in error.errors():
            messages.error(request, detail.message)
        return redirect(f"{reverse('planning:assessments')}?year={year}")
    poor = sum(1 for a in done if needs_supervision(a.grade, large_scale_return=a.large_scale_return))
    messages.success(
        request,
        f"已计算{year}年{len(done)}个县(市)的考核评估" + (f"，{poor}个县(市)列入约谈督办" if poor else ""),
    )
    return redirect(f"{reverse('planning:assessments')}?year={year}")


@login_required
@require_GET
def assessment_xlsx(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    year = year_of(request, _default_year(user))
    rows = list(selectors.assessment_list_for_user(user=user, year=year).order_by("county__code"))
    content = assessment_export(actor=user, year=year, assessments=rows)
    return xlsx_response(content, f"{year}年县级考核评估.xlsx")


# one assessment, explained


def _items_by_dimension(assessment: Assessment) -> list[dict[str, Any]]:
    findings: dict[str, list[FieldFinding]] = {d: [] for d, _ in DIMENSIONS}
    used = [f["id"] for f in (assessment.inputs.get("findings") or {}).get("used", [])]
    for finding in FieldFinding.objects.filter(pk__in=used).prefetch_related("attachments").order_by("pk"):
        findings.setdefault(finding.dimension, []).append(finding)
    items: dict[str, list[dict[str, Any]]] = {d: [] for d, _ in DIMENSIONS}
    for item in assessment.scores.get("items", []):
        records = item.get("records")
        value_id = records.get("value_id") if isinstance(records, dict) else None
        items.setdefault(item.get("dimension", ""), []).append({
            **item, "count": records.get("count") if isinstance(records, dict) else None,
            "target": records.get("target") if isinstance(records, dict) else None,
            "value": records.get("value") if isinstance(records, dict) else None,
            "drill": reverse("planning:assessment_item", args=[assessment.pk, item["key"]]) if records else "",
            "value_url": _link("planning:value", value_id) if value_id else "",
        })  # fmt: skip
    return [
        {**cell, "items": items.get(cell["key"], []), "findings_rows": findings.get(cell["key"], [])}
        for cell in _dimension_cells(assessment)
    ]


def _citations(assessment: Assessment) -> list[dict[str, Any]]:
    cited = assessment.inputs.get("parameters") or {}
    return [
        {"label": PARAMETER_LABELS.get(kind, kind), **value}
        for kind, value in cited.items()
        if isinstance(value, dict)
    ]


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    assessment = selectors.assessment_get_for_user(user=user, pk=pk)
    versions = (
        Assessment.objects.filter(county=assessment.county, year=assessment.year)
        .select_related("computed_by")
        .order_by("-version")
    )
    supervisions = list(
        selectors.supervision_list_for_user(user=user)
        .filter(county=assessment.county, year=assessment.year)
        .order_by("-kind")
    )
    tasks = (
        selectors.task_list_for_user(user=user).filter(supervision__in=supervisions).order_by("due_on", "pk")
    )
    return render(
        request, "planning/assessment_detail.html",
        {"a": assessment, "dimensions": _items_by_dimension(assessment), "versions": versions,
         "supervisions": [(s, [t for t in tasks if t.supervision_id == s.pk]) for s in supervisions],
         "citations": _citations(assessment), "badge": GRADE_BADGE.get(assessment.grade, ""),
         "returned_people": assessment.inputs.get("returned_people"),
         "threshold": assessment.inputs.get("large_scale_return_people")},
    )  # fmt: skip


# the records behind an item, through each app's own scoped selector


@dataclass(frozen=True)
class RecordKind:
    title: str  # what one record is, in Chinese
    scoped: Callable[[User], QuerySet[Any]]  # the records the user may see
    describe: Callable[[Any], tuple[str, str, str, str]]  # (text, link, place, detail)


def _scoped_leads(user: User) -> QuerySet[Any]:
    from zhenxing.screening.selectors import lead_list_for_user

    return lead_list_for_user(user=user).select_related("household__village")


def _scoped_cases(user: User) -> QuerySet[Any]:
    from zhenxing.monitoring.cases import case_list_for_user

    return case_list_for_user(user=user).select_related("household", "village")


def _scoped_notices(user: User) -> QuerySet[Any]:
    from zhenxing.monitoring.notices.selectors import notice_list_for_user

    return notice_list_for_user(user=user).select_related("village")


def _scoped_households(user: User) -> QuerySet[Any]:
    from zhenxing.registry.selectors import household_list_for_user

    return household_list_for_user(user=user).select_related("village")


def _scoped_housing(user: User) -> QuerySet[Any]:
    from zhenxing.monitoring.housing.selectors import ledger_for_user

    return ledger_for_user(user=user).select_related("household", "village")


def _scoped_people(user: User) -> QuerySet[Any]:
    from zhenxing.registry.models import Person
    from zhenxing.registry.selectors import household_list_for_user

    visible = household_list_for_user(user=user)
    return Person.objects.filter(memberships__household__in=visible).distinct()


def _scoped_villages(user: User) -> QuerySet[Any]:
    from zhenxing.divisions.models import Division

    return Division.objects.filter(code__startswith=planning_prefix(user) or "-").select_related("parent")


def _person(person: Any) -> tuple[str, str, str, str]:
    membership = person.memberships.select_related("household__village").order_by("-joined_on").first()
    household = membership.household if membership is not None else None
    return (
        person.name,
        _link("registry:household", household.pk) if household else "",
        household.village.name if household else "",
        f"户 {household}" if household else "",
    )


RECORD_KINDS: dict[str, RecordKind] = {
    "screening.lead": RecordKind(
        "预警线索", _scoped_leads,
        lambda r: (f"线索 {r.pk}（户 {r.household}）", _link("screening:lead", r.pk), r.household.village.name,
                   f"{r.get_status_display()}，村级核实期限 {r.village_due:%Y-%m-%d}"),
    ),
    "monitoring.case": RecordKind(
        "案件", _scoped_cases,
        lambda r: (str(r), _link("monitoring:case", r.pk), r.village.name,
                   f"户 {r.household}" + (f"，本环节期限 {r.step_due:%Y-%m-%d}" if r.step_due else "")
                   if r.household_id else ""),
    ),
    "monitoring.notice": RecordKind(
        "公示", _scoped_notices,
        lambda r: (r.title, _link("monitoring:notice", r.pk), r.village.name, f"生成于 {r.created_at:%Y-%m-%d}，" + (f"{r.posted_on:%Y-%m-%d} 开始公示（逾期）" if r.posted_on else "未发布")),
    ),
    "registry.household": RecordKind(
        "农户", _scoped_households,
        lambda r: (f"户 {r}", _link("registry:household", r.pk), r.village.name, r.get_kind_display()),
    ),
    "monitoring.housingledgerentry": RecordKind(
        "住房安全台账", _scoped_housing,
        lambda r: (f"户 {r.household} · {r.get_grade_display()}", _link("registry:household", r.household_id),
                   r.village.name, f"{r.get_way_display()}，登记于 {r.opened_on:%Y-%m-%d}，{r.get_status_display()}"),
    ),
    "registry.person": RecordKind("返贫人口", _scoped_people, _person),
    "divisions.division": RecordKind(
        "行政村", _scoped_villages,
        lambda r: (r.name, _link("planning:team_village", r.code), r.parent.name if r.parent else "", r.code),
    ),
    "planning.rectificationtask": RecordKind(
        "整改任务", lambda user: selectors.task_list_for_user(user=user),
        lambda r: (r.title, _link("planning:task", r.pk), r.county.name, f"期限 {r.due_on:%Y-%m-%d}，{r.get_status_display()}"),
    ),
    "planning.indicatorvalue": RecordKind(
        "指标数值", lambda user: selectors.value_list_for_user(user=user, current=False),
        lambda r: (r.indicator.name, _link("planning:value", r.pk), r.division.name,
                   f"{r.period}：{r.get_state_display()}" + (f" {r.value.normalize():f}{r.indicator.unit}"
                                                              if r.value is not None else "") + f"（第{r.version}版）"),
    ),
}  # fmt: skip


def _records(
    user: User, assessment: Assessment, key: str
) -> tuple[str, int, list[tuple[str, str, str, str]], bool]:
    """The item's records the user may see: (what they are, how many there are, the rows, whether some are out
    of the user's sight or behind a page the user's role does not open)."""
    label, behind = engine.assessment_records(assessment, key)
    kind = RECORD_KINDS.get(label)
    total = behind.count()
    if kind is None:
        return label, total, [], total > 0
    try:
        visible = list(kind.scoped(user).filter(pk__in=behind.values("pk")).order_by("pk")[:500])
    except DomainError:
        return kind.title, total, [], total > 0
    return kind.title, total, [kind.describe(r) for r in visible], len(visible) < total


@login_required
@require_GET
def assessment_item(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    assessment = selectors.assessment_get_for_user(user=user, pk=pk)
    item = next((i for i in assessment.scores.get("items", []) if i.get("key") == key), None)
    if item is None:
        raise NotFound("该考核项不存在")
    records = item.get("records") or {}
    title, total, hidden = "", 0, False
    rows: list[tuple[str, str, str, str]] = []
    if item.get("records") is not None:
        title, total, rows, hidden = _records(user, assessment, key)
    indicator = None
    if "indicator" in records:
        indicator = Indicator.objects.filter(code=records["indicator"]).first()
    return render(
        request, "planning/assessment_item.html",
        {"a": assessment, "item": item, "records": records, "title": title, "total": total, "rows": rows,
         "hidden": hidden, "indicator": indicator, "dimension": dict(DIMENSIONS).get(item.get("dimension", ""), ""),
         "per_record": "model" in records,
         "value_url": _link("planning:value", records["value_id"]) if records.get("value_id") else ""},
    )  # fmt: skip


# the what-if: the scheme changed, the grades side by side, nothing saved


@dataclass(frozen=True)
class SchemeField:
    name: str  # the parameter's name (scheme_with's)
    label: str
    current: Decimal


def _scheme_fields(year: int) -> tuple[list[SchemeField], list[SchemeField], list[dict[str, Any]]]:
    """The assessment parameter of the year in points: weights and thresholds, then each item's full and per."""
    values, _ = assessment_values(year)
    scheme = scheme_from_values(values)
    top = [
        SchemeField(f"weight_{key}", f"{label}权重（%）", scheme.weights[key]) for key, label in DIMENSIONS
    ]
    top += [
        SchemeField("good_from", "“好”等次最低总分", scheme.good_from),
        SchemeField("fair_from", "“较好”等次最低总分", scheme.fair_from),
    ]
    items, flat = [], []
    labels = dict(DIMENSIONS)
    for spec in ITEMS:
        full = SchemeField(f"{spec.key}_full", f"{spec.label}满分（分）", scheme.full[spec.key])
        per = (
            SchemeField(f"{spec.key}_per", f"{spec.label}每{spec.unit}扣分（分）", scheme.per[spec.key])
            if spec.method == PER_RECORD
            else None
        )
        items.append({"spec": spec, "dimension": labels[spec.dimension], "full": full, "per": per})
        flat += [full, *([per] if per else [])]
    return top, flat, items


def _number_text(number: Decimal) -> str:
    return f"{number.normalize():f}"


@login_required
@require_GET
def what_if(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    selectors.require_view(user)
    year = year_of(request, _default_year(user))
    context: dict[str, Any] = {"year": year, "years": year_choices()}
    try:
        top, item_fields, items = _scheme_fields(year)
    except Conflict as error:
        context["missing"] = error.message
        return render(request, "planning/assessment_what_if.html", context)
    fields = top + item_fields
    typed = {f.name: request.GET.get(f.name, "").strip() for f in fields}
    errors: dict[str, str] = {}
    overrides: dict[str, Decimal] = {}
    asked = any(typed.values())
    for f in fields:
        if not typed[f.name]:
            continue
        try:
            number = value_of(typed[f.name], field=f.name, label=f.label)
        except InvalidInput as error:
            errors[f.name] = error.message
            continue
        if number != f.current:
            overrides[f.name] = number
    general: list[str] = []
    rows: list[Any] = []
    if asked and not errors:
        try:
            rows = [
                r
                for r in engine.assessment_what_if(year=year, overrides=overrides)
                if user_covers(user, r.county.code)
            ]
        except InvalidInput as error:
            general = [d.message for d in error.errors()]
    shown = {f.name: typed[f.name] or _number_text(f.current) for f in fields}
    context.update({
        "top": [(f, shown[f.name], errors.get(f.name, "")) for f in top],
        "items": [
            {**i, "full_value": shown[i["full"].name], "full_error": errors.get(i["full"].name, ""),
             "per_value": shown[i["per"].name] if i["per"] else "", "per_error": errors.get(i["per"].name, "") if i["per"] else ""}
            for i in items
        ],
        "asked": asked, "errors": errors, "general": general,
        "rows": [
            {"r": r, "current_badge": GRADE_BADGE.get(r.current_grade, ""), "new_badge": GRADE_BADGE.get(r.new_grade, ""),
             "total_changed": r.current_total != r.new_total}
            for r in rows
        ],
        "changes": [(f.label, _number_text(f.current), _number_text(overrides[f.name])) for f in fields if f.name in overrides],
        "changed_count": sum(1 for r in rows if r.changed),
    })  # fmt: skip
    return render(
        request, "planning/assessment_what_if.html", context, status=422 if errors or general else 200
    )
