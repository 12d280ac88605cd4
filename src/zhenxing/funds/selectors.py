"""Reads of the fund ledger, scoped to the actor: a finance bureau, the county's 乡村振兴局 and the prefecture
see the counties under their jurisdiction (P14); nobody else sees the ledger. The balances are sums over the
ledger's rows (nothing is kept as a running total that could drift from them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.scoping import division_scope_filter
from zhenxing.common.errors import not_found
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.enums import ReleaseKind, SplitStatus
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split
from zhenxing.projects.enums import LIBRARY_STATES, ProjectStatus
from zhenxing.projects.models import Project, ProjectFunding

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

# a split that holds money on its line: in force, or proposed and waiting for the finance bureau
HOLDING_STATES = (SplitStatus.PROPOSED, SplitStatus.ACTIVE)


def county_filter(user: User, *, field: str = "county") -> Q | None:
    """The counties under the user's jurisdiction, as a filter on `field` (a county FK); None: nothing."""
    if not has_capability(user, Capability.VIEW_FUNDS) or user.jurisdiction is None:
        return None
    return division_scope_filter([user.jurisdiction.code], division_field=field)


def counties_for_user(user: User) -> QuerySet[Division]:
    condition = county_filter(user, field="")
    if condition is None:
        return Division.objects.none()
    return Division.objects.filter(condition, level=DivisionLevel.COUNTY).order_by("code")


def county_get_for_user(*, user: User, code: str) -> Division:
    county = counties_for_user(user).filter(code=code).first()
    if county is None:
        raise not_found()
    return county


def allocation_list_for_user(*, user: User) -> QuerySet[Allocation]:
    """Documents with a line in the user's counties, or entered by a bureau in them."""
    lines = county_filter(user, field="county")
    entered = county_filter(user, field="entered_in")
    if lines is None or entered is None:
        return Allocation.objects.none()
    return Allocation.objects.filter(
        Q(pk__in=AllocationLine.objects.filter(lines).values("allocation_id")) | entered
    )


def allocation_get_for_user(*, user: User, pk: int) -> Allocation:
    allocation = allocation_list_for_user(user=user).select_related("entered_in").filter(pk=pk).first()
    if allocation is None:
        raise not_found()
    return allocation


def line_list_for_user(*, user: User) -> QuerySet[AllocationLine]:
    condition = county_filter(user)
    if condition is None:
        return AllocationLine.objects.none()
    return AllocationLine.objects.filter(condition)


def line_get_for_user(*, user: User, pk: int) -> AllocationLine:
    line = line_list_for_user(user=user).select_related("allocation", "county").filter(pk=pk).first()
    if line is None:
        raise not_found()
    return line


def split_list_for_user(*, user: User) -> QuerySet[Split]:
    condition = county_filter(user)
    if condition is None:
        return Split.objects.none()
    return Split.objects.filter(condition)


def split_get_for_user(*, user: User, pk: int) -> Split:
    split = (
        split_list_for_user(user=user)
        .select_related("line__allocation", "project", "county")
        .filter(pk=pk)
        .first()
    )
    if split is None:
        raise not_found()
    return split


def payment_list_for_user(*, user: User) -> QuerySet[Payment]:
    condition = county_filter(user)
    if condition is None:
        return Payment.objects.none()
    return Payment.objects.filter(condition)


def payment_get_for_user(*, user: User, pk: int) -> Payment:
    payment = (
        payment_list_for_user(user=user)
        .select_related("split__project", "split__line__allocation", "county")
        .filter(pk=pk)
        .first()
    )
    if payment is None:
        raise not_found()
    return payment


def library_projects_for_user(*, user: User) -> QuerySet[Project]:
    """The library projects (P14: 审定, not 出库) of the user's counties: what a split may go to."""
    condition = county_filter(user)
    if condition is None:
        return Project.objects.none()
    return Project.objects.filter(condition, status__in=LIBRARY_STATES)


def project_for_funds(*, user: User, pk: int) -> Project:
    """A project of the user's counties, any status (its money stays readable after 出库)."""
    condition = county_filter(user)
    project = (
        Project.objects.filter(condition).select_related("county", "category").filter(pk=pk).first()
        if condition is not None
        else None
    )
    if project is None:
        raise not_found()
    return project


# balances


def _sum(queryset: QuerySet, field: str = "amount_fen") -> int:
    return int(queryset.aggregate(total=Coalesce(Sum(field), 0))["total"])


@dataclass(frozen=True)
class LineBalance:
    amount_fen: int
    split_fen: int  # held by splits in force or proposed
    returned_fen: int  # 出库退回: back on the line, to be split again
    recovered_fen: int  # 终止收回: taken back by the finance bureau, not on the line any more (P14)
    paid_fen: int

    @property
    def released_fen(self) -> int:
        return self.returned_fen + self.recovered_fen

    @property
    def remaining_fen(self) -> int:
        return self.amount_fen - self.split_fen + self.returned_fen


def line_balance(line: AllocationLine) -> LineBalance:
    splits = Split.objects.filter(line=line, status__in=HOLDING_STATES)
    released = dict(
        Release.objects.filter(split__line=line, split__status__in=HOLDING_STATES)
        .values("kind")
        .annotate(total=Sum("amount_fen"))
        .values_list("kind", "total")
    )
    return LineBalance(
        amount_fen=line.amount_fen,
        split_fen=_sum(splits),
        returned_fen=int(released.get(ReleaseKind.RETURNED, 0)),
        recovered_fen=int(released.get(ReleaseKind.RECOVERED, 0)),
        paid_fen=_sum(Payment.objects.filter(split__line=line)),
    )


@dataclass(frozen=True)
class SplitBalance:
    amount_fen: int
    paid_fen: int  # net of reversals
    released_fen: int

    @property
    def unpaid_fen(self) -> int:
        return self.amount_fen - self.paid_fen - self.released_fen


def split_balance(split: Split) -> SplitBalance:
    return SplitBalance(
        amount_fen=split.amount_fen,
        paid_fen=_sum(Payment.objects.filter(split=split)),
        released_fen=_sum(Release.objects.filter(split=split)),
    )


def project_splits(project: Project) -> QuerySet[Split]:
    """Every split of the project's code (an adjustment's new version keeps the money of the old one)."""
    return Split.objects.filter(project__code=project.code)


def project_paid_fen(project: Project) -> int:
    return _sum(Payment.objects.filter(split__project__code=project.code))


def project_split_fen(project: Project, *, source: str) -> int:
    """What the project's splits of `source` hold: in force or proposed, less what was released."""
    held = _sum(project_splits(project).filter(source=source, status__in=HOLDING_STATES))
    released = _sum(
        Release.objects.filter(
            split__project__code=project.code, split__source=source, split__status__in=HOLDING_STATES
        )
    )
    return held - released


def project_planned_fen(project: Project, *, source: str) -> int:
    return _sum(ProjectFunding.objects.filter(project=project, source=source))


def payment_reversed_fen(payment: Payment) -> int:
    """What reversals have taken back from a payment already (a positive number)."""
    return -_sum(payment.reversals.all())


def current_version(project: Project) -> Project:
    """The version of the project's code that the library holds now (or that left it: 出库, 终止); an old version
    replaced by an adjustment answers with its replacement."""
    latest = (
        Project.objects.filter(code=project.code)
        .filter(
            Q(status__in=LIBRARY_STATES) | Q(status__in=(ProjectStatus.WITHDRAWN, ProjectStatus.TERMINATED))
        )
        .order_by("-version")
        .first()
    )
    return latest or project
