"""Disposal only by approval (P15): the owner's village, township or county applies for an asset it holds; the
chain of transitions.DISPOSAL decides (乡镇审核 → 县行业主管部门审批 → above the asset_care parameter's value
县人民政府审批), each step approving, passing up or refusing with an opinion; the proceeds of an approved
transfer, auction or scrapping of a collective's asset are recorded with their use; the log is exported."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.assets import disposal_log, disposals, selectors
from zhenxing.assets.care import asset_care_on
from zhenxing.assets.enums import (
    HELD_STATES,
    LOSS_CONDITIONS,
    OPEN_DISPOSAL_STATES,
    PROCEEDS_KINDS,
    AssetCategory,
    DisposalKind,
    DisposalStatus,
    OwnerKind,
    ProceedsUse,
)
from zhenxing.assets.guards import actor_covers
from zhenxing.assets.inputs import DisposalInput
from zhenxing.assets.models import Asset, Disposal
from zhenxing.assets.transitions import DISPOSAL
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.common.http import xlsx_response
from zhenxing.common.paging import paginate
from zhenxing.funds.forms import SimpleForm
from zhenxing.policy.rules.assets import disposal_needs_government

C = Capability
NEW_FIELDS = ("kind", "reason", "valuation", "valuation_basis", "legal_basis")
MOVE_FIELDS = ("to", "opinion")
PROCEEDS_FIELDS = ("amount", "use", "note")
# the service's names of a field → the form's
MOVE_ERROR_KEYS = {"reason": "opinion"}
PROCEEDS_ERROR_KEYS = {"proceeds": "amount", "proceeds_use": "use"}
# whose step each open status is (待我审批)
CHAIN = (
    (DisposalStatus.APPLIED, "乡镇审核"),
    (DisposalStatus.TOWNSHIP_APPROVED, "县行业主管部门审批"),
    (DisposalStatus.SECTOR_APPROVED, "县人民政府审批"),
)


def _link(name: str, pk: int) -> str:
    """A page another area owns (the asset's page), when it exists."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _add(form: SimpleForm, error: InvalidInput, keys: dict[str, str]) -> None:
    form.errors.add_details(
        ErrorDetail(
            (keys.get(str(d.loc[0]), str(d.loc[0])), *d.loc[1:]) if d.loc else d.loc, d.code, d.message
        )
        for d in error.details
    )


# applying


def _apply_blockers(asset: Asset) -> tuple[list[str], Disposal | None]:
    """Why no application can be made for the asset now (the service checks again under lock)."""
    blockers = []
    if asset.category == AssetCategory.HOUSEHOLD:
        blockers.append("到户类资产归农户所有，其变动由村在资产页面记录，不在此申请处置。")
    if asset.status not in HELD_STATES:
        blockers.append(f"资产当前为“{asset.get_status_display()}”，不能申请处置。")
    open_one = asset.disposals.filter(status__in=OPEN_DISPOSAL_STATES).first()
    if open_one is not None:
        blockers.append("该资产已有处置申请在审批中，办结后才能再次申请。")
    return blockers, open_one


def _new_page(
    request: HttpRequest,
    asset: Asset,
    form: SimpleForm,
    *,
    general: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    blockers, open_one = _apply_blockers(asset)
    values, _ = asset_care_on()
    return render(
        request,
        "assets/disposals/new.html",
        {
            "asset": asset, "form": form.context(), "general": general or [], "blockers": blockers,
            "open_disposal": open_one,
            # 核销 follows a 损毁 or 灭失 found by an inspection (P15): offered only then
            "kinds": [(v, label) for v, label in DisposalKind.choices
                      if v != DisposalKind.WRITE_OFF or asset.condition in LOSS_CONDITIONS], "asset_url": _link("assets:detail", asset.pk),
            "loss_recorded": asset.condition in LOSS_CONDITIONS, "government_above_wan": values["government_above_wan"],
        },
        status=status,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def disposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, C.TEND_ASSETS, "只有资产所在的村、乡镇或县可以申请处置")
    asset = selectors.asset_get_for_user(user=user, pk=pk)
    if request.method == "GET":
        return _new_page(request, asset, SimpleForm(dict.fromkeys(NEW_FIELDS, "")))
    form = SimpleForm.from_post(request.POST, NEW_FIELDS)
    data = DisposalInput(
        kind=form.values["kind"], reason=form.values["reason"], valuation=form.values["valuation"],
        valuation_basis=form.values["valuation_basis"], legal_basis=form.values["legal_basis"],
    )  # fmt: skip
    try:
        disposal = disposals.disposal_apply(
            actor=user, asset=asset, data=data, files=request.FILES.getlist("files")
        )
    except InvalidInput as error:
        _add(form, error, {})
        return _new_page(request, asset, form, status=422)
    except Conflict as error:
        return _new_page(request, asset, form, general=[error.message], status=409)
    messages.success(request, f"已提交{disposal.get_kind_display()}申请，待乡镇审核")
    return redirect("assets:disposal_detail", pk=disposal.pk)


# the list and the log


def _filtered(request: HttpRequest, user: User) -> tuple[Any, dict[str, str]]:
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "kind", "waiting")}
    disposals_in_scope = selectors.disposal_list_for_user(user=user)
    if filters["status"] in DisposalStatus.values:
        disposals_in_scope = disposals_in_scope.filter(status=filters["status"])
    if filters["kind"] in DisposalKind.values:
        disposals_in_scope = disposals_in_scope.filter(kind=filters["kind"])
    if filters["waiting"]:
        disposals_in_scope = disposals_in_scope & selectors.disposals_waiting_for(user=user)
    return disposals_in_scope, filters


@login_required
def disposal_list(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, C.VIEW_ASSETS, "您的角色不能查看资产处置")
    chosen, filters = _filtered(request, user)
    paged = paginate(
        request,
        chosen.select_related("asset", "asset__division", "applied_by").order_by("-applied_on", "-pk"),
    )
    return render(
        request,
        "assets/disposals/list.html",
        {
            "paged": paged, "disposals": paged.items, "filters": filters, "statuses": DisposalStatus.choices,
            "kinds": DisposalKind.choices, "approver": user.role in selectors.DISPOSAL_WAITING_FOR,
            "export_query": request.GET.urlencode(),
        },
    )  # fmt: skip


@login_required
def disposal_log_xlsx(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, C.VIEW_ASSETS, "您的角色不能导出资产处置台账")
    chosen, _ = _filtered(request, user)
    content = disposal_log.disposal_log_export(actor=user, disposals=chosen)
    return xlsx_response(content, "资产处置台账.xlsx")


# one application


def _chain(disposal: Disposal, needs_government: bool) -> list[dict[str, Any]]:
    """The chain's steps in order, each with its record when done (who, role, when, opinion, decision); the
    county government's step only when the valuation is above the threshold or it was reached."""
    records = {step.step: step for step in disposal.steps.select_related("actor")}
    rows = []
    for status, label in CHAIN:
        government = status == DisposalStatus.SECTOR_APPROVED
        reached = status in records or disposal.status == status
        if government and not reached and not (needs_government and disposal.status in OPEN_DISPOSAL_STATES):
            continue
        record = records.get(status)
        decision = record.decision if record is not None else {}
        rows.append({
            "label": label, "record": record, "current": disposal.status == status,
            "role": Role(record.actor_role).label if record is not None and record.actor_role in Role.values else "",
            "threshold_wan": decision.get("government_above_wan"),
            "citation": decision.get("asset_care") if isinstance(decision.get("asset_care"), dict) else None,
        })  # fmt: skip
    return rows


def _moves_for(user: User, disposal: Disposal, needs_government: bool) -> list[dict[str, Any]]:
    """The moves the user's role may make at the current step: approve or pass up (whichever the valuation
    calls for, P15) and refuse; none for the applicant."""
    if disposal.applied_by_id == user.pk:
        return []
    shown = []
    for move in DISPOSAL.moves_from(disposal.status, user.role):
        if move.role is None:
            continue
        sector_step = disposal.status == DisposalStatus.TOWNSHIP_APPROVED
        if sector_step and move.target == DisposalStatus.APPROVED and needs_government:
            continue
        if move.target == DisposalStatus.SECTOR_APPROVED and not needs_government:
            continue
        shown.append(
            {"to": move.target, "label": move.label, "refuse": move.target == DisposalStatus.REFUSED}
        )
    return shown


def _may_record_proceeds(user: User, disposal: Disposal) -> bool:
    return (
        has_capability(user, C.TEND_ASSETS)
        and actor_covers(user, disposal.asset.division.code)
        and disposal.status == DisposalStatus.APPROVED
        and disposal.kind in PROCEEDS_KINDS
        and disposal.asset.owner_kind == OwnerKind.COLLECTIVE
    )


def _detail_page(
    request: HttpRequest, user: User, disposal: Disposal, *, move_form: SimpleForm | None = None,
    proceeds_form: SimpleForm | None = None, general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    values, citation = asset_care_on()
    above_wan = values["government_above_wan"]
    needs_government = disposal_needs_government(disposal.valuation_fen, above_wan=above_wan)
    blank_proceeds = {
        "amount": "" if disposal.proceeds_fen is None else f"{disposal.proceeds_fen / 100:.2f}",
        "use": disposal.proceeds_use, "note": disposal.proceeds_note,
    }  # fmt: skip
    return render(
        request,
        "assets/disposals/detail.html",
        {
            "disposal": disposal, "asset": disposal.asset, "chain": _chain(disposal, needs_government),
            "attachments": [(a, _link("assets:attachment", a.pk)) for a in disposal.attachments.order_by("pk")],
            "moves": _moves_for(user, disposal, needs_government), "own_application": disposal.applied_by_id == user.pk,
            "move_form": (move_form or SimpleForm(dict.fromkeys(MOVE_FIELDS, ""))).context(),
            "proceeds_form": (proceeds_form or SimpleForm(blank_proceeds)).context(),
            "may_record_proceeds": _may_record_proceeds(user, disposal), "uses": ProceedsUse.choices,
            "above_wan": above_wan, "needs_government": needs_government, "citation": citation,
            "open": disposal.status in OPEN_DISPOSAL_STATES, "general": general or [],
            "asset_url": _link("assets:detail", disposal.asset_id),
        },
        status=status,
    )  # fmt: skip


@login_required
def disposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, C.VIEW_ASSETS, "您的角色不能查看资产处置")
    return _detail_page(request, user, selectors.disposal_get_for_user(user=user, pk=pk))


@login_required
@require_POST
def disposal_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, C.VIEW_ASSETS, "您的角色不能审批资产处置")
    disposal = selectors.disposal_get_for_user(user=user, pk=pk)
    form = SimpleForm.from_post(request.POST, MOVE_FIELDS)
    if form.values["to"] not in DisposalStatus.values:
        form.errors.add_details([ErrorDetail(("to",), "to", "请选择审批结果")])
        return _detail_page(request, user, disposal, move_form=form, status=422)
    try:
        moved = disposals.disposal_move(
            actor=user, disposal=disposal, to=form.values["to"], opinion=form.values["opinion"]
        )
    except InvalidInput as error:
        _add(form, error, MOVE_ERROR_KEYS)
        return _detail_page(request, user, disposal, move_form=form, status=422)
    except Conflict as error:
        return _detail_page(request, user, disposal, move_form=form, general=[error.message], status=409)
    messages.success(request, f"已办理：{moved.get_status_display()}")
    return redirect("assets:disposal_detail", pk=moved.pk)


@login_required
@require_POST
def disposal_proceeds(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, C.TEND_ASSETS, "只有村、乡镇、县可以登记处置收入")
    disposal = selectors.disposal_get_for_user(user=user, pk=pk)
    form = SimpleForm.from_post(request.POST, PROCEEDS_FIELDS)
    try:
        disposals.disposal_record_proceeds(
            actor=user,
            disposal=disposal,
            amount=form.values["amount"],
            use=form.values["use"],
            note=form.values["note"],
        )
    except InvalidInput as error:
        _add(form, error, PROCEEDS_ERROR_KEYS)
        return _detail_page(request, user, disposal, proceeds_form=form, status=422)
    except Conflict as error:
        return _detail_page(request, user, disposal, proceeds_form=form, general=[error.message], status=409)
    messages.success(request, f"已登记处置收入 {form.values['amount']} 元")
    return redirect("assets:disposal_detail", pk=disposal.pk)
