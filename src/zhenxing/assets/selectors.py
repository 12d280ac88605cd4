"""Reads of the asset register, scoped to the actor (P15): a village, township, county or the prefecture sees the
assets that stand in its division subtree (and the 到户类 assets of households assigned to it); a county sector
department sees the assets its sector supervises in its county; nobody else sees the register. Plans and
collective incomes follow their village; disposals their asset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.scoping import scope_filter, user_scope
from zhenxing.assets.enums import HELD_STATES, AssetCategory, AssetStatus, DisposalStatus, PlanStatus
from zhenxing.assets.models import (
    Asset,
    AssetAttachment,
    AssetFundShare,
    CollectiveIncome,
    Disposal,
    DistributionPlan,
)
from zhenxing.common.errors import not_found
from zhenxing.funds.models import Payment
from zhenxing.projects.enums import ProjectStatus
from zhenxing.projects.models import Project
from zhenxing.projects.selectors import project_list_for_user

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def _asset_filter(user: User, prefix: str = "") -> Q | None:
    if not has_capability(user, Capability.VIEW_ASSETS):
        return None
    if user.role == Role.COUNTY_SECTOR:
        return Q(**{f"{prefix}county": user.jurisdiction, f"{prefix}sector": user.sector})
    return scope_filter(
        user_scope(user), division_fields=(f"{prefix}division",), household_field=f"{prefix}owner_household"
    )


def asset_list_for_user(*, user: User) -> QuerySet[Asset]:
    condition = _asset_filter(user)
    if condition is None:
        return Asset.objects.none()
    return Asset.objects.filter(condition)


def asset_get_for_user(*, user: User, pk: int) -> Asset:
    asset = (
        asset_list_for_user(user=user)
        .select_related(
            "asset_type", "sector", "county", "division", "natural_village", "project", "owner_household"
        )
        .filter(pk=pk)
        .first()
    )
    if asset is None:
        raise not_found()
    return asset


def disposal_list_for_user(*, user: User) -> QuerySet[Disposal]:
    condition = _asset_filter(user, prefix="asset__")
    if condition is None:
        return Disposal.objects.none()
    return Disposal.objects.filter(condition)


# the step of the disposal chain each role decides (transitions.DISPOSAL): what waits for it
DISPOSAL_WAITING_FOR: dict[str, str] = {
    Role.TOWNSHIP: DisposalStatus.APPLIED,
    Role.COUNTY_SECTOR: DisposalStatus.TOWNSHIP_APPROVED,
    Role.COUNTY: DisposalStatus.SECTOR_APPROVED,
}
# the plan steps each role does next (transitions.PLAN): the village all but 乡镇审核, the township that one
PLAN_WAITING_FOR: dict[str, tuple[str, ...]] = {
    Role.VILLAGE: (PlanStatus.PROPOSED, PlanStatus.DISCUSSED, PlanStatus.REVIEWED, PlanStatus.AUDITED,
                   PlanStatus.PUBLISHED, PlanStatus.IMPLEMENTED, PlanStatus.RETURNED),
    Role.TOWNSHIP: (PlanStatus.RESOLVED,),
}  # fmt: skip


def disposals_waiting_for(*, user: User) -> QuerySet[Disposal]:
    """The applications in scope whose next step is the user's role, not the user's own (P15)."""
    step = DISPOSAL_WAITING_FOR.get(user.role)
    if step is None:
        return Disposal.objects.none()
    return disposal_list_for_user(user=user).filter(status=step).exclude(applied_by=user)


def disposal_get_for_user(*, user: User, pk: int) -> Disposal:
    disposal = (
        disposal_list_for_user(user=user)
        .select_related("asset", "asset__division", "asset__sector", "county", "applied_by")
        .filter(pk=pk)
        .first()
    )
    if disposal is None:
        raise not_found()
    return disposal


def _village_filter(user: User, field: str = "village") -> Q | None:
    """Plans and collective incomes: the territorial roles over the village; a sector department has none."""
    if not has_capability(user, Capability.VIEW_ASSETS) or user.role == Role.COUNTY_SECTOR:
        return None
    return scope_filter(user_scope(user), division_fields=(field,))


def plan_list_for_user(*, user: User) -> QuerySet[DistributionPlan]:
    condition = _village_filter(user)
    if condition is None:
        return DistributionPlan.objects.none()
    return DistributionPlan.objects.filter(condition)


def plan_get_for_user(*, user: User, pk: int) -> DistributionPlan:
    plan = (
        plan_list_for_user(user=user)
        .select_related("village", "village__parent", "county")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise not_found()
    return plan


def collective_income_list_for_user(*, user: User) -> QuerySet[CollectiveIncome]:
    condition = _village_filter(user)
    if condition is None:
        return CollectiveIncome.objects.none()
    return CollectiveIncome.objects.filter(condition)


def attachment_get_for_user(*, user: User, pk: int) -> AssetAttachment:
    """A file is served when its owner (asset, plan, collective income) is in the user's scope."""
    attachment = (
        AssetAttachment.objects.select_related("asset", "plan", "collective_income").filter(pk=pk).first()
    )
    if attachment is None:
        raise not_found()
    if attachment.asset_id is not None:
        visible = asset_list_for_user(user=user).filter(pk=attachment.asset_id).exists()
    elif attachment.plan_id is not None:
        visible = plan_list_for_user(user=user).filter(pk=attachment.plan_id).exists()
    else:
        income = attachment.collective_income_id or 0
        visible = collective_income_list_for_user(user=user).filter(pk=income).exists()
    if not visible:
        raise not_found()
    return attachment


# projects and their money


def accepted_projects_for_user(*, user: User) -> QuerySet[Project]:
    """Accepted (验收) projects the user can register assets from."""
    if not has_capability(user, Capability.MANAGE_ASSETS):
        return Project.objects.none()
    return project_list_for_user(user=user).filter(status=ProjectStatus.ACCEPTED)


def paid_by_source(project: Project) -> dict[str, int]:
    """What was paid to the project (every version of its code), net of reversals, by fund source (P14)."""
    rows = (
        Payment.objects.filter(split__project__code=project.code)
        .values("source")
        .annotate(total=Coalesce(Sum("amount_fen"), 0))
    )
    return {row["source"]: int(row["total"]) for row in rows if row["total"]}


def taken_by_source(project: Project) -> dict[str, int]:
    """What the project's registered assets already took of each source (P15: never more than was paid)."""
    rows = (
        AssetFundShare.objects.filter(asset__project__code=project.code)
        .values("source")
        .annotate(total=Coalesce(Sum("amount_fen"), 0))
    )
    return {row["source"]: int(row["total"]) for row in rows}


def project_asset_counts(project: Project) -> tuple[int, int]:
    """(assets registered from the project's code; those not yet handed over) — for the project workflow."""
    assets = Asset.objects.filter(project__code=project.code)
    waiting = assets.filter(status__in=(AssetStatus.REGISTERED, AssetStatus.OWNED)).count()
    return assets.count(), waiting


def household_assets(household_pk: int) -> QuerySet[Asset]:
    """The 到户类 assets a household owns (the household page and 责任追溯 show them)."""
    return Asset.objects.filter(
        owner_household_id=household_pk, category=AssetCategory.HOUSEHOLD
    ).select_related("asset_type", "project")


def held(queryset: QuerySet[Asset]) -> QuerySet[Asset]:
    return queryset.filter(status__in=HELD_STATES)
