"""The asset register's pages (P15): the register in the user's scope with its filters, the accepted projects
waiting for their assets, registering assets from an accepted project (several rows at once, within what was
paid), entering an older asset with its document, and serving an asset's files. Each view: the capability
first, then a scoped selector (404 outside the scope), then one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.assets import selectors, services
from zhenxing.assets.enums import HELD_STATES, AssetCategory, AssetStatus, Condition
from zhenxing.assets.forms_register import LEGACY_FIELDS, AssetRows, legacy_input, row_count
from zhenxing.assets.models import Asset, AssetType
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput, not_found
from zhenxing.common.paging import paginate
from zhenxing.common.uploads import stored_file_response
from zhenxing.divisions.codes import is_division_code
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.enums import FundSource
from zhenxing.funds.forms import SimpleForm, read_date
from zhenxing.policy.rules.assets import remaining_by_source
from zhenxing.projects.models import Project

VIEW_MESSAGE = "您的角色不能查看项目资产台账"
MANAGE_MESSAGE = "只有县乡村振兴局或县行业主管部门可以登记资产"
WAITING_SHOWN = 30  # accepted projects with money left to register, listed on the register's card
WAITING_LOOKED_AT = 300  # accepted projects (not yet 资产移交) looked at for them, oldest code first


def require_viewer(request: HttpRequest) -> User:
    return require_capability(request, Capability.VIEW_ASSETS, VIEW_MESSAGE)


def asset_types() -> QuerySet[AssetType]:
    """The active catalogue, grouped by category on the forms (the template regroups on the category)."""
    return AssetType.objects.filter(active=True).select_related("sector").order_by("category", "sort", "code")


def county_villages(county_code: str) -> QuerySet[Division]:
    return Division.objects.filter(level=DivisionLevel.VILLAGE, code__startswith=county_code).select_related(
        "parent"
    )


def _filtered(user: User, params: Any) -> tuple[QuerySet[Asset], dict[str, str]]:
    chosen = {
        name: str(params.get(name, "")).strip()[:40]
        for name in ("category", "status", "condition", "county", "place", "q")
    }
    assets = selectors.asset_list_for_user(user=user)
    if chosen["category"] in AssetCategory.values:
        assets = assets.filter(category=chosen["category"])
    if chosen["status"] in AssetStatus.values:
        assets = assets.filter(status=chosen["status"])
    elif chosen["status"] == "held":  # the dashboards' count: registered, owned or handed over
        assets = assets.filter(status__in=HELD_STATES)
    if is_division_code(chosen["place"]):  # a dashboard's township or village
        assets = assets.filter(division__code__startswith=chosen["place"])
    if chosen["condition"] == "none":
        assets = assets.filter(condition="")
    elif chosen["condition"] in Condition.values:
        assets = assets.filter(condition=chosen["condition"])
    if chosen["county"].isdigit():
        assets = assets.filter(county__code=chosen["county"])
    if chosen["q"]:
        assets = assets.filter(Q(code__icontains=chosen["q"]) | Q(name__icontains=chosen["q"]))
    return assets, chosen


def _project_money(project: Project) -> dict[str, Any]:
    paid = selectors.paid_by_source(project)
    left = remaining_by_source(paid, selectors.taken_by_source(project))
    labels = dict(FundSource.choices)
    return {
        "project": project, "paid_fen": sum(paid.values()), "left_fen": sum(left.values()),
        "sources": [{"label": labels.get(source, source), "paid_fen": amount, "left_fen": left.get(source, 0)}
                    for source, amount in sorted(paid.items())],
    }  # fmt: skip


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    """The register in the user's scope (P15); a county's managers also see the accepted projects whose assets
    are still to be registered."""
    user = require_viewer(request)
    assets, chosen = _filtered(user, request.GET)
    paged = paginate(
        request,
        assets.select_related("asset_type", "division", "division__parent").order_by("code"),
    )
    waiting: list[dict[str, Any]] = []
    if has_capability(user, Capability.MANAGE_ASSETS):
        projects = selectors.accepted_projects_for_user(user=user).select_related("county").order_by("code")
        rows = (_project_money(project) for project in projects[:WAITING_LOOKED_AT])
        waiting = [row for row in rows if row["left_fen"] > 0][:WAITING_SHOWN]
    counties = []
    jurisdiction = user.jurisdiction
    if jurisdiction is not None and jurisdiction.level == DivisionLevel.PREFECTURE:
        counties = list(
            Division.objects.filter(level=DivisionLevel.COUNTY, parent=jurisdiction).order_by("code")
        )
    return render(
        request,
        "assets/register/list.html",
        {
            "paged": paged, "chosen": chosen, "filtered": any(chosen.values()), "today": clock.today(),
            "categories": AssetCategory.choices, "statuses": AssetStatus.choices, "conditions": Condition.choices,
            "counties": counties, "waiting": waiting, "may_manage": has_capability(user, Capability.MANAGE_ASSETS),
        },
    )  # fmt: skip


def _register_page(
    request: HttpRequest, user: User, project: Project, rows: AssetRows, *, status: int = 200
) -> HttpResponse:
    places = [place.village for place in project.places.select_related("village").order_by("village__code")]
    place_codes = {v.code for v in places}
    others = [v for v in county_villages(project.county.code).order_by("code") if v.code not in place_codes]
    return render(
        request,
        "assets/register/register_from_project.html",
        {
            "project": project, "money": _project_money(project), "rows": rows.on_page(),
            "row_total": len(rows.rows), "general_errors": rows.general_errors(), "all_errors": rows.errors.all(),
            "types": asset_types(), "places": places, "others": others,
        },
        status=status,
    )  # fmt: skip


@login_required
def register_from_project(request: HttpRequest, pk: int) -> HttpResponse:
    """Several assets from one accepted project (P15): their values together never exceed what was paid and
    not yet taken; every problem of the form is shown at once, beside its row and field."""
    user = require_capability(request, Capability.MANAGE_ASSETS, MANAGE_MESSAGE)
    project = selectors.accepted_projects_for_user(user=user).select_related("county").filter(pk=pk).first()
    if project is None:
        raise not_found()
    if request.method != "POST":
        first_place = project.places.order_by("village__code").values_list("village__code", flat=True).first()
        rows = AssetRows.blank(row_count(request.GET.get("rows")), division_code=first_place or "")
        return _register_page(request, user, project, rows)
    rows = AssetRows.from_post(request.POST)
    try:
        created = services.asset_register_from_project(actor=user, project=project, items=rows.inputs())
    except InvalidInput as error:
        rows.errors.add_details(error.errors())
        return _register_page(request, user, project, rows, status=422)
    except Conflict as error:
        rows.errors.by_key["form"].append(error.message)
        return _register_page(request, user, project, rows, status=409)
    messages.success(request, f"已从项目“{project.name}”登记{len(created)}项资产")
    return redirect("assets:list")


def _legacy_page(request: HttpRequest, user: User, form: SimpleForm, *, status: int = 200) -> HttpResponse:
    jurisdiction = user.jurisdiction
    villages = county_villages(jurisdiction.code).order_by("code") if jurisdiction is not None else []
    return render(
        request,
        "assets/register/enter_legacy.html",
        {**form.context(), "types": asset_types(), "villages": villages, "sources": FundSource.choices},
        status=status,
    )


@login_required
def enter_legacy(request: HttpRequest) -> HttpResponse:
    """An older asset (formed before this system) with its document and, if known, its fund source (P15)."""
    user = require_capability(request, Capability.MANAGE_ASSETS, MANAGE_MESSAGE)
    if request.method != "POST":
        return _legacy_page(
            request, user, SimpleForm({**dict.fromkeys(LEGACY_FIELDS, ""), "form": "physical"})
        )
    form = SimpleForm.from_post(request.POST, LEGACY_FIELDS)
    problems: list[Any] = []
    formed_on = read_date(form.values["formed_on"], key="formed_on", label="形成日期", problems=problems)
    try:
        asset = services.asset_enter_legacy(actor=user, data=legacy_input(form.values, formed_on))
    except InvalidInput as error:
        known = {tuple(d.loc) for d in problems}
        form.errors.add_details([*problems, *(d for d in error.errors() if tuple(d.loc) not in known)])
        return _legacy_page(request, user, form, status=422)
    messages.success(request, f"已登记资产 {asset.code} {asset.name}")
    return redirect("assets:detail", pk=asset.pk)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file of an asset (or a plan, a collective income) the user may see; anything else is not found."""
    user = require_viewer(request)
    found = selectors.attachment_get_for_user(user=user, pk=pk)
    return stored_file_response(found.file.open("rb"), stored_type=found.content_type, name=found.name)
