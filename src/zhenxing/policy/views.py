from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput, PermissionDenied, not_found
from zhenxing.common.paging import paginate
from zhenxing.policy import selectors, services
from zhenxing.policy.contract import evaluate_request, parse_request, response_body
from zhenxing.policy.enums import YUNNAN, ParameterKind, StandardGap
from zhenxing.policy.explain import RULE_TITLES, elimination_reasons_text, location_text, note_for_page
from zhenxing.policy.forms import HouseholdForm, MemberFormSet, ParameterCreateForm, ParameterReviseForm
from zhenxing.policy.lines import standing_line
from zhenxing.policy.parameter_fields import ParameterValueForm, value_rows, value_summary
from zhenxing.policy.regimes import RegimeNotConfigured, regime_for
from zhenxing.policy.selectors import parameter_title
from zhenxing.policy.wording import object_name_on

DEFAULT_MEMBER_ROWS = 4


def _require(user: User, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied("您的角色没有使用此功能的权限")


@login_required
def evaluate(request: HttpRequest) -> HttpResponse:
    """A household form whose verdict comes from the evaluate contract (the same code as the API and CLI)."""
    _require(request_user(request), Capability.EVALUATE_POLICY)
    context: dict[str, Any] = {"rule_titles": RULE_TITLES}
    if request.method == "POST":
        form = HouseholdForm(request.POST)
        members = MemberFormSet(request.POST, prefix="m")
        if form.is_valid() and members.is_valid():
            payload = {
                "year": form.cleaned_data["year"],
                "monitoring_line": form.cleaned_data.get("monitoring_line"),
                **(
                    {"decided_on": form.cleaned_data["decided_on"].isoformat()}
                    if form.cleaned_data.get("decided_on")
                    else {}
                ),
                "household": {
                    **form.contract_household(),
                    "members": [m.contract_member() for m in members.forms if m.is_filled()],
                },
            }
            try:
                evaluation = evaluate_request(parse_request(payload))
            except InvalidInput as error:
                context["contract_errors"] = [(location_text(list(d.loc)), d.message) for d in error.errors()]
            else:
                body = response_body(evaluation)
                context["result"] = body
                context["used_parameters"] = [
                    (
                        ParameterKind(kind).label.split("（")[0],
                        used,
                        value_summary(kind, used["value"]),
                        # P17: the line that stood in for a year not yet published is marked 暂用
                        kind == ParameterKind.MONITORING_LINE and body["monitoring_line_provisional"],
                    )
                    for kind, used in body["parameters"].items()
                ]
                elimination = body["elimination"]
                if elimination is not None:
                    min_months = int(evaluation.parameters[ParameterKind.ELIMINATION_MIN_MONTHS].value)
                    context["elimination_text"] = elimination_reasons_text(
                        elimination["reasons"], min_months=min_months
                    )
    else:
        rows = min(max(int(request.GET.get("members", DEFAULT_MEMBER_ROWS) or DEFAULT_MEMBER_ROWS), 1), 20)
        this_year = timezone.localdate().year
        year = selectors.latest_line_year(up_to=this_year) or this_year
        form = HouseholdForm(initial={"year": year, "kind": "脱贫户"})
        members = MemberFormSet(prefix="m", initial=[{"health": ["健康"], "medical_insurance": True}] * rows)
    decided_on = form.cleaned_data.get("decided_on") if form.is_bound and form.is_valid() else None
    form.name_objects(object_name_on(decided_on or clock.today()))
    context.update({"form": form, "members": members})
    return render(request, "policy/evaluate.html", context)


FIRST_LINE_YEAR = 2021  # the transition period's first year (P17)


def _line_footnotes() -> list[str]:
    """Which years have no monitoring line: earlier years not preset, and the current year's standard not yet
    published (P17) with what the regime in force does meanwhile."""
    today = clock.today()
    present = selectors.line_years()
    notes = []
    missing = [str(y) for y in range(FIRST_LINE_YEAR, today.year) if y not in present]
    if missing:
        notes.append(
            f"{'、'.join(missing)}年度监测范围尚未核实，系统未预置；需要时由系统管理员依据正式文件录入。"
        )
    if today.year not in present:
        try:
            regime = regime_for(today)
        except RegimeNotConfigured:
            meanwhile = "尚未配置适用的政策阶段，暂不作判定"
        else:
            standing = standing_line(year=today.year)
            if regime.standard_gap == StandardGap.PROVISIONAL and standing is not None:
                meanwhile = f"暂用{standing.of_year}年标准，并在判定和报表中标注“暂用”"
            else:
                meanwhile = "不作判定，说明标准尚未公布"
            meanwhile = f"按现行政策阶段“{regime.name}”的设置{meanwhile}"
        notes.append(
            f"{today.year}年度防止返贫监测范围（识别标准）尚未公布（P17）。公布前{meanwhile}；"
            f"公布后由系统管理员录入{today.year}年度监测范围。"
        )
    return notes


@login_required
def parameter_list(request: HttpRequest) -> HttpResponse:
    paged = paginate(request, selectors.parameter_list())
    return render(
        request,
        "policy/parameters.html",
        {
            "paged": paged,
            # P17: a county's own 低保 standard names its county
            "parameters": [
                (
                    p,
                    value_rows(p.kind, p.value),
                    "" if p.region == YUNNAN else selectors.region_label(p.region),
                )
                for p in paged.items
            ],
            "can_manage": has_capability(request_user(request), Capability.MANAGE_PARAMETERS),
            "line_footnotes": _line_footnotes(),
        },
    )


def _form_errors(form: Any, values: ParameterValueForm, error: InvalidInput) -> None:
    """A service's errors next to the input they are about: the value's on the value form."""
    for detail in error.errors():
        field = str(detail.loc[0]) if detail.loc else None
        if field == "value":
            values.add_error(None, detail.message)
        else:
            form.add_error(field if field in form.fields else None, detail.message)


def _kind(raw: str | None) -> ParameterKind | None:
    return ParameterKind(raw) if raw in ParameterKind.values else None


@login_required
def parameter_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require(user, Capability.MANAGE_PARAMETERS)
    kind = _kind(request.POST.get("kind") if request.method == "POST" else request.GET.get("kind"))
    if kind is None:  # first choose the kind: its fields depend on it
        return render(request, "policy/parameter_create.html", {"kinds": ParameterKind.choices})
    data = request.POST if request.method == "POST" else None
    form = ParameterCreateForm(data, initial={"kind": kind}, kind=kind)
    values = ParameterValueForm(data, kind=kind)
    if data is not None and form.is_valid() & values.is_valid():
        cleaned = form.cleaned_data
        try:
            parameter = services.parameter_create(
                actor=user,
                kind=kind,
                year=cleaned.get("year"),
                value=values.value(),
                document=cleaned["document"],
                verified=cleaned["verified"],
                note=cleaned.get("note", ""),
                region=cleaned.get("region") or YUNNAN,
                effective_from=cleaned.get("effective_from"),
            )
        except InvalidInput as error:
            _form_errors(form, values, error)
        else:
            messages.success(request, f"已录入：{parameter_title(parameter)}")
            return redirect("policy:parameter_detail", pk=parameter.pk)
    return render(
        request,
        "policy/parameter_create.html",
        {"form": form, "values": values, "kind": kind, "kind_label": kind.label},
    )


@login_required
def parameter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    parameter = selectors.parameter_get(pk=pk)
    if parameter is None:
        raise not_found()
    can_manage = has_capability(user, Capability.MANAGE_PARAMETERS)
    form = values = None
    if can_manage and parameter.is_current:
        data = request.POST if request.method == "POST" else None
        form = ParameterReviseForm(
            data, initial={"document": parameter.document, "verified": parameter.verified}
        )
        values = ParameterValueForm(
            data, kind=parameter.kind, initial=ParameterValueForm.initial_for(parameter.kind, parameter.value)
        )
        if data is not None and form.is_valid() & values.is_valid():
            cleaned = form.cleaned_data
            try:
                revised = services.parameter_revise(
                    actor=user,
                    parameter=parameter,
                    value=values.value(),
                    document=cleaned["document"],
                    verified=cleaned["verified"],
                    reason=cleaned["reason"],
                )
            except InvalidInput as error:
                _form_errors(form, values, error)
            else:
                messages.success(request, f"已修改，现行版本为第{revised.version}版，立即生效")
                return redirect("policy:parameter_detail", pk=revised.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有系统管理员可以修改现行参数")
    history = selectors.parameter_history(kind=parameter.kind, region=parameter.region, year=parameter.year)
    return render(
        request,
        "policy/parameter_detail.html",
        {
            "parameter": parameter,
            "note": note_for_page(parameter.note),
            "region": selectors.region_label(parameter.region),
            "rows": value_rows(parameter.kind, parameter.value),
            "history": [(v, value_summary(v.kind, v.value)) for v in history],
            "form": form,
            "values": values,
        },
    )
