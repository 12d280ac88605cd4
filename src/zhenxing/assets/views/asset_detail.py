"""An asset's page and the writes of its life (P15): its facts, fund shares, inspections with their photos,
incomes by year, disposals and files; and the forms of 确权, 移交, 管护, 巡查, 收益 and a 到户类 asset's change,
each shown only to a role that may use it and only while the asset's state allows it. A refused form comes back
on the page with its problems beside its fields (422), a conflict above it (409)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.assets import selectors, services, upkeep
from zhenxing.assets.enums import HELD_STATES, AssetCategory, AssetStatus, Condition, OwnerKind
from zhenxing.assets.forms_register import (
    CARE_FIELDS,
    CONFIRM_FIELDS,
    END_FIELDS,
    HANDOVER_FIELDS,
    INCOME_FIELDS,
    INSPECT_FIELDS,
)
from zhenxing.assets.inputs import CareInput, OwnerInput
from zhenxing.assets.models import Asset
from zhenxing.assets.views.register import VIEW_MESSAGE
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput
from zhenxing.funds.forms import SimpleForm, read_date
from zhenxing.policy.rules.assets import owner_kind_fits
from zhenxing.registry.models import Household

MANAGE = (Capability.MANAGE_ASSETS, "只有县乡村振兴局或县行业主管部门可以办理")
TEND = (Capability.TEND_ASSETS, "只有资产所在的村、乡镇或县可以录入")
FIELDS = {
    "confirm": CONFIRM_FIELDS, "hand_over": HANDOVER_FIELDS, "care": CARE_FIELDS, "inspect": INSPECT_FIELDS,
    "income": INCOME_FIELDS, "household_end": END_FIELDS,
}  # fmt: skip


def _allowed(user: User, asset: Asset) -> dict[str, bool]:
    """Which forms the page shows: the role's capability and the asset's state (the services check again)."""
    manage = has_capability(user, Capability.MANAGE_ASSETS)
    tend = has_capability(user, Capability.TEND_ASSETS)
    held = asset.status in HELD_STATES
    return {
        "confirm": manage and asset.status == AssetStatus.REGISTERED,
        "hand_over": manage and asset.status == AssetStatus.OWNED,
        "care": manage and held,
        "inspect": tend and asset.status == AssetStatus.HANDED_OVER,  # inspections follow 移交
        "income": tend and held and asset.category == AssetCategory.OPERATING,
        # the workflow also allows it from 已确权, but the table's asset_handed_over_recorded check refuses an
        # ended asset without its hand-over: offered once handed over
        "household_end": tend
        and asset.category == AssetCategory.HOUSEHOLD
        and asset.status == AssetStatus.HANDED_OVER,
        # the owner applies (P15): an asset not yet 确权 has none
        "dispose": tend and held and asset.category != AssetCategory.HOUSEHOLD and bool(asset.owner_kind),
    }


def _blank_forms(asset: Asset) -> dict[str, SimpleForm]:
    today = clock.today().isoformat()
    forms = {name: SimpleForm(dict.fromkeys(fields, "")) for name, fields in FIELDS.items()}
    forms["confirm"].values.update(
        owner_kind=OwnerKind.HOUSEHOLD if asset.category == AssetCategory.HOUSEHOLD else OwnerKind.COLLECTIVE,
        owned_on=today,
    )
    forms["hand_over"].values["handed_over_on"] = today
    forms["care"].values.update({name: getattr(asset, name) for name in CARE_FIELDS})
    forms["inspect"].values.update(inspected_on=today, outcome=Condition.GOOD)
    forms["income"].values["year"] = str(today[:4])
    return forms


def asset_page(
    request: HttpRequest, user: User, asset: Asset, *, refused: tuple[str, SimpleForm] | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    forms = _blank_forms(asset)
    if refused is not None:
        forms[refused[0]] = refused[1]
    inspections = (
        asset.inspections.select_related("inspector")
        .prefetch_related("photos")
        .order_by("-inspected_on", "-pk")
    )
    return render(
        request,
        "assets/register/detail.html",
        {
            "asset": asset, "allowed": _allowed(user, asset), "today": clock.today(),
            "forms": {name: form.context() for name, form in forms.items()},
            "open_form": refused[0] if refused else "", "general": general or [],
            "shares": asset.shares.order_by("source"), "inspections": inspections,
            "incomes": asset.incomes.select_related("entered_by").order_by("-year"),
            "disposals": asset.disposals.order_by("-applied_on", "-pk"),
            "files": asset.attachments.filter(inspection__isnull=True).order_by("pk"),
            # a 到户类 asset belongs to a household; the others to a collective or a unit (P15)
            "owner_kinds": [(v, label) for v, label in OwnerKind.choices
                            if owner_kind_fits(category=asset.category, owner_kind=v)], "outcomes": Condition.choices,
        },
        status=status,
    )  # fmt: skip


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_ASSETS, VIEW_MESSAGE)
    return asset_page(request, user, selectors.asset_get_for_user(user=user, pk=pk))


def _action(
    name: str, capability: tuple[Capability, str], done: str
) -> Callable[[Callable[[User, Asset, SimpleForm, HttpRequest], object]], Callable[..., HttpResponse]]:
    """A form's POST view: the capability, the asset in scope, then the write; a GET goes back to the page."""

    def wrap(write: Callable[[User, Asset, SimpleForm, HttpRequest], object]) -> Callable[..., HttpResponse]:
        @login_required
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            user = require_capability(request, *capability)
            asset = selectors.asset_get_for_user(user=user, pk=pk)
            if request.method != "POST":
                return redirect("assets:detail", pk=asset.pk)
            form = SimpleForm.from_post(request.POST, FIELDS[name])
            try:
                write(user, asset, form, request)
            except InvalidInput as error:
                form.errors.add_details(error.errors())
                return asset_page(request, user, asset, refused=(name, form), status=422)
            except Conflict as error:
                return asset_page(
                    request, user, asset, refused=(name, form), general=[error.message], status=409
                )
            messages.success(request, done)
            return redirect("assets:detail", pk=asset.pk)

        view.__name__ = view.__qualname__ = f"asset_{name}"
        view.__doc__ = write.__doc__
        return view

    return wrap


def _date(form: SimpleForm, name: str, label: str, problems: list[ErrorDetail]) -> Any:
    return read_date(form.values[name], key=name, label=label, problems=problems)


@_action("confirm", MANAGE, "已确权")
def asset_confirm(user: User, asset: Asset, form: SimpleForm, request: HttpRequest) -> object:
    """确权: the owner, the document and its date; a 到户类 asset's household by its 户编号 in the asset's village."""
    problems: list[ErrorDetail] = []
    on = _date(form, "owned_on", "确权日期", problems)
    household = None
    code = form.values["owner_household"]
    if code:
        household = Household.objects.filter(code=code, village__code__startswith=asset.division.code).first()
        if household is None:
            problems.append(
                ErrorDetail(("owner_household",), "household", f"资产所在地没有户编号为“{code[:32]}”的农户")
            )
    if problems or on is None:
        raise InvalidInput(problems)
    owner = OwnerInput(
        kind=form.values["owner_kind"], name=form.values["owner_name"],
        document=form.values["ownership_document"], on=on, household=household,
    )  # fmt: skip
    return services.asset_confirm(actor=user, asset=asset, owner=owner)


def _care(form: SimpleForm) -> CareInput:
    return CareInput(
        unit=form.values["care_unit"], person=form.values["care_person"], phone=form.values["care_phone"],
        rules=form.values["care_rules"],
    )  # fmt: skip


@_action("hand_over", MANAGE, "已移交")
def asset_hand_over(user: User, asset: Asset, form: SimpleForm, request: HttpRequest) -> object:
    """移交: the date, the receiver, the signed record's files and, if given, the care assignment."""
    problems: list[ErrorDetail] = []
    on = _date(form, "handed_over_on", "移交日期", problems)
    if on is None:
        raise InvalidInput(problems)
    with_care = any(form.values[name] for name in CARE_FIELDS)
    return services.asset_hand_over(
        actor=user, asset=asset, on=on, receiver=form.values["receiver"], care=_care(form) if with_care else None,
        files=request.FILES.getlist("files"),
    )  # fmt: skip


@_action("care", MANAGE, "已落实管护责任")
def asset_care(user: User, asset: Asset, form: SimpleForm, request: HttpRequest) -> object:
    """管护: the responsible unit and person, the phone and the rules."""
    return upkeep.asset_assign_care(actor=user, asset=asset, care=_care(form))


@_action("inspect", TEND, "已录入巡查")
def asset_inspect(user: User, asset: Asset, form: SimpleForm, request: HttpRequest) -> object:
    """巡查: the date, the outcome (the asset's condition), the notes and the photos (images only)."""
    problems: list[ErrorDetail] = []
    on = _date(form, "inspected_on", "巡查日期", problems)
    if on is None:
        raise InvalidInput(problems)
    return upkeep.inspection_record(
        actor=user, asset=asset, on=on, outcome=form.values["outcome"], notes=form.values["notes"],
        photos=request.FILES.getlist("photos"),
    )  # fmt: skip


@_action("income", TEND, "已录入年度收益")
def asset_income(user: User, asset: Asset, form: SimpleForm, request: HttpRequest) -> object:
    """收益: an operating asset's income of a year in 元, with its evidence."""
    year = form.values["year"]
    if not (year.isdigit() and len(year) == 4):
        raise InvalidInput([ErrorDetail(("year",), "year", "请填写四位数的年度，如 2026")])
    return upkeep.asset_income_record(
        actor=user,
        asset=asset,
        year=int(year),
        amount=form.values["amount"],
        evidence=form.values["evidence"],
    )


@_action("household_end", TEND, "已记录到户类资产变动")
def asset_household_end(user: User, asset: Asset, form: SimpleForm, request: HttpRequest) -> object:
    """到户类变动: the household's asset leaves use (sold, died, lost …), with the reason."""
    return upkeep.asset_household_end(actor=user, asset=asset, reason=form.values["reason"])
