"""Reads shared by the library's pages and its API (P14): the list's filters, "待我办理" (the projects at a step
whose declared role is the user's), and a county's library summary in two aggregate queries. Every read
starts from the scoped selector (selectors.project_list_for_user)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q, QuerySet, Sum

from zhenxing.accounts.enums import Role
from zhenxing.divisions.codes import is_division_code
from zhenxing.projects.entry import LEVEL_OF_ROLE
from zhenxing.projects.enums import (
    LIBRARY_STATES,
    FundSource,
    ProjectLevel,
    ProjectStatus,
)
from zhenxing.projects.models import Project, ProjectCategory, ProjectFunding
from zhenxing.projects.notice_state import awaiting_late_notice_q
from zhenxing.projects.selectors import project_list_for_user
from zhenxing.projects.transitions import PROJECT, REVIEW_ROLE

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

S = ProjectStatus
IN_LIBRARY = "library"  # the status filter's value for "在库" (LIBRARY_STATES)


def status_choices() -> list[tuple[str, str]]:
    return [("", "全部状态"), (IN_LIBRARY, "在库（审定未出库）"), *ProjectStatus.choices]


def category_groups() -> list[str]:
    """The catalogue's 大类 in catalogue order."""
    return list(
        dict.fromkeys(ProjectCategory.objects.order_by("sort", "code").values_list("group", flat=True))
    )


def mine_q(user: User) -> Q:
    """Projects at a step whose declared role is the user's: the review it does (乡审核, 部门审查, 县审核, 州审定),
    a village's announced proposal to send on, and a project sent back to its proposer's level."""
    steps = [state for state, role in REVIEW_ROLE.items() if role == user.role]
    if user.role == Role.VILLAGE:
        steps.append(S.PROPOSED)
    condition = Q(status__in=steps) if steps else Q(pk__in=[])
    level = LEVEL_OF_ROLE.get(user.role)  # a returned project goes back to its level's role (修改后重新申报)
    if level is not None:
        returned = Q(status=S.RETURNED, level=level, emergency=False)
        if user.role in (Role.VILLAGE, Role.TOWNSHIP) and user.jurisdiction is not None:
            returned &= Q(division__code__startswith=user.jurisdiction.code)  # its own proposals only
        condition |= returned
    if user.role == Role.COUNTY:
        condition |= Q(status=S.RETURNED, emergency=True)
    return condition


def _county_code(raw: object) -> str:
    """A county code from a query, or "" (an old or hand-typed link filters nothing rather than failing)."""
    text = str(raw or "").strip()
    return text if is_division_code(text, lengths=(6,)) else ""


@dataclass(frozen=True)
class ProjectFilter:
    county: str = ""  # a county code (the prefecture picks one)
    year: int | None = None
    status: str = ""  # a ProjectStatus, or IN_LIBRARY
    group: str = ""  # a category 大类
    level: str = ""
    overdue: bool = False
    mine: bool = False
    q: str = ""  # name or code
    batch: int | None = None  # a 州审定 batch's projects (the batches page links here)
    late_notice: bool = False  # 待补公示: started emergency projects on no posted announcement

    @classmethod
    def from_query(cls, query: Any) -> ProjectFilter:
        """From a GET query (page or API); what does not parse is ignored, as a link may be old."""
        year_text = str(query.get("year", "") or "").strip()
        batch_text = str(query.get("batch", "") or "").strip()
        return cls(
            county=_county_code(query.get("county", "")),
            year=int(year_text) if year_text.isdigit() and len(year_text) == 4 else None,
            status=str(query.get("status", "") or ""),
            group=str(query.get("group", "") or "").strip(),
            level=str(query.get("level", "") or ""),
            overdue=str(query.get("overdue", "")) in ("1", "true", "on"),
            mine=str(query.get("mine", "")) in ("1", "true", "on"),
            q=str(query.get("q", "") or "").strip()[:50],
            batch=int(batch_text) if batch_text.isdigit() and len(batch_text) <= 9 else None,
            late_notice=str(query.get("late_notice", "")) in ("1", "true", "on"),
        )


def project_list_filtered(*, user: User, f: ProjectFilter, today: datetime.date) -> QuerySet[Project]:
    """The user's projects narrowed by the filter, each with `is_overdue` (the kernel's one definition)."""
    projects = project_list_for_user(user=user)
    if f.county.isdigit() and len(f.county) == 6:
        projects = projects.filter(county__code=f.county)
    if f.year is not None:
        projects = projects.filter(year=f.year)
    if f.status == IN_LIBRARY:
        projects = projects.filter(status__in=LIBRARY_STATES)
    elif f.status in ProjectStatus.values:
        projects = projects.filter(status=f.status)
    if f.group:
        projects = projects.filter(category__group=f.group)
    if f.level in ProjectLevel.values:
        projects = projects.filter(level=f.level)
    if f.overdue:
        projects = projects.filter(PROJECT.overdue(today))
    if f.mine:
        projects = projects.filter(mine_q(user))
    if f.q:
        projects = projects.filter(Q(name__contains=f.q) | Q(code__startswith=f.q))
    if f.batch is not None:
        projects = projects.filter(batch_id=f.batch)
    if f.late_notice:
        projects = projects.filter(awaiting_late_notice_q())
    return PROJECT.annotate_overdue(projects, today)


@dataclass(frozen=True)
class LibrarySummary:
    year: int
    by_status: list[tuple[str, str, int]]  # (status, label, count) of the year's projects, every version
    by_source: list[tuple[str, str, int]]  # (source, label, planned fen) in the library
    by_group: list[tuple[str, int, int]]  # (大类, projects, planned fen) in the library
    total_fen: int
    library_count: int


def library_summary(*, user: User, county_id: int, year: int) -> LibrarySummary:
    """A county's library for a year: counts by status, and the planned money of the projects in the library
    (审定, not 出库) by fund source and by category group — two aggregate queries."""
    projects = project_list_for_user(user=user).filter(county_id=county_id, year=year)
    rows = (
        projects.order_by()
        .values_list("status", "category__group")
        .annotate(n=Count("pk"), fen=Sum("total_fen"), sort=Min("category__sort"))
    )
    counts: dict[str, int] = defaultdict(int)
    groups: dict[str, list[int]] = {}  # 大类 -> [projects, fen, catalogue order]
    for status, group, n, fen, sort in rows:
        counts[status] += n
        if status in LIBRARY_STATES:
            entry = groups.setdefault(group, [0, 0, sort])
            entry[0] += n
            entry[1] += fen or 0
    sources = dict(
        ProjectFunding.objects.filter(project__in=projects.filter(status__in=LIBRARY_STATES).values("pk"))
        .order_by()
        .values_list("source")
        .annotate(fen=Sum("amount_fen"))
        .values_list("source", "fen")
    )
    return LibrarySummary(
        year=year,
        by_status=[(s, label, counts[s]) for s, label in ProjectStatus.choices if counts.get(s)],
        by_source=[(s, label, sources.get(s) or 0) for s, label in FundSource.choices],
        by_group=[(g, v[0], v[1]) for g, v in sorted(groups.items(), key=lambda item: (item[1][2], item[0]))],
        total_fen=sum(v[1] for v in groups.values()),
        library_count=sum(v[0] for v in groups.values()),
    )


# the prefecture's summary columns: the statuses grouped as a county officer reads its library
SUMMARY_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("approving", "审批中", (S.PROPOSED, S.TOWNSHIP_REVIEW, S.DEPARTMENT_REVIEW, S.COUNTY_REVIEW,
                            S.PREFECTURE_DECISION, S.RETURNED)),
    ("reserved", "储备", (S.RESERVED,)),
    ("building", "开工、在建", (S.STARTED, S.BUILDING)),
    ("done", "竣工、验收、移交", (S.COMPLETED, S.ACCEPTED, S.HANDED_OVER)),
    ("withdrawn", "出库、终止", (S.WITHDRAWN, S.TERMINATED)),
)  # fmt: skip


@dataclass(frozen=True)
class CountySummaryRow:
    county_id: int
    library_count: int
    library_fen: int
    columns: list[tuple[str, int]]  # (label, count) in SUMMARY_COLUMNS order


def prefecture_summary(*, user: User, county_ids: list[int], year: int) -> dict[int, CountySummaryRow]:
    """Each county's library for a year in one aggregate query (grouped by county and status): the projects in
    the library (审定, not 出库) with their planned money, and the year's projects by SUMMARY_COLUMNS."""
    rows = (
        project_list_for_user(user=user)
        .filter(county_id__in=county_ids, year=year)
        .order_by()
        .values_list("county_id", "status")
        .annotate(n=Count("pk"), fen=Sum("total_fen"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    fens: dict[int, int] = defaultdict(int)
    for county_id, status, n, fen in rows:
        counts[county_id][status] += n
        if status in LIBRARY_STATES:
            fens[county_id] += fen or 0
    return {
        county_id: CountySummaryRow(
            county_id=county_id,
            library_count=sum(counts[county_id][s] for s in LIBRARY_STATES),
            library_fen=fens[county_id],
            columns=[
                (label, sum(counts[county_id][s] for s in states)) for _, label, states in SUMMARY_COLUMNS
            ],
        )
        for county_id in county_ids
    }
