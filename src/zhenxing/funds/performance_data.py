"""The records 绩效评价 counts (P14), read for many counties at once: one query per kind of record, grouped by
county and project, never a query per project (the prefecture's 12 counties in one pass). funds/performance.py
turns them into indicators."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, Sum

from zhenxing.funds.enums import SplitStatus
from zhenxing.funds.models import AllocationLine, Payment, Release, Split
from zhenxing.projects.enums import LIBRARY_STATES, NoticeKind, NoticeStatus, ProjectStatus
from zhenxing.projects.models import Project, ProjectNoticeEntry, ProjectTarget

# the year's projects: in the library, or 终止 (counted as not done); 出库 ones are left out (P14: taken out of the
# library before their work, they are no part of the year's results)
COUNTED_STATES = (*LIBRARY_STATES, ProjectStatus.TERMINATED)
POSTED_STATES = (NoticeStatus.POSTED, NoticeStatus.ENDED)


@dataclass
class ProjectRecord:
    pk: int
    code: str
    name: str
    version: int
    status: str
    status_label: str
    county_id: int
    needs_linkage: bool
    linkage_mechanisms: list[str]
    linked_people: int
    targets: int = 0
    targets_met: int = 0
    targets_recorded: int = 0
    plan_posted: bool = False
    result_posted: bool = False


@dataclass
class MoneyRecord:
    code: str
    name: str = ""
    given_fen: int = 0  # split to it from the budget year's lines, in force, net of releases
    paid_fen: int = 0  # net of reversals


@dataclass
class CountyRecords:
    projects: list[ProjectRecord] = field(default_factory=list)
    money: dict[str, MoneyRecord] = field(default_factory=dict)


def year_projects(county_ids: Collection[int], year: int) -> dict[int, list[ProjectRecord]]:
    """The counties' projects of `year`, each code once (its highest version in a counted state: an adjusted
    project's old version is no longer in one), with its targets' and notices' counts."""
    scope = Q(county_id__in=list(county_ids), year=year, status__in=COUNTED_STATES)
    labels = dict(ProjectStatus.choices)
    by_code: dict[str, ProjectRecord] = {}
    rows = Project.objects.filter(scope).values(
        "pk", "code", "name", "version", "status", "county_id", "category__needs_linkage", "linkage_mechanisms",
        "linked_tuopin_people", "linked_monitoring_people",
    )  # fmt: skip
    for row in rows.order_by("code", "version"):
        by_code[row["code"]] = ProjectRecord(
            pk=row["pk"], code=row["code"], name=row["name"], version=row["version"], status=row["status"],
            status_label=labels.get(row["status"], row["status"]), county_id=row["county_id"],
            needs_linkage=bool(row["category__needs_linkage"]), linkage_mechanisms=list(row["linkage_mechanisms"] or []),
            linked_people=(row["linked_tuopin_people"] or 0) + (row["linked_monitoring_people"] or 0),
        )  # fmt: skip
    by_pk = {record.pk: record for record in by_code.values()}
    targets = (
        ProjectTarget.objects.filter(project__county_id__in=list(county_ids), project__year=year)
        .filter(project__status__in=COUNTED_STATES)
        .values("project_id")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=Q(achieved=True)),
            recorded=Count("pk", filter=Q(achieved__isnull=False)),
        )
        .order_by()
    )
    for counted in targets:
        if (record := by_pk.get(counted["project_id"])) is not None:
            record.targets = counted["total"]
            record.targets_met, record.targets_recorded = counted["met"], counted["recorded"]
    # a notice names a version; any version of the code counts (an adjustment keeps the plan it was posted on)
    entries = (
        ProjectNoticeEntry.objects.filter(
            project__county_id__in=list(county_ids),
            project__year=year,
            notice__status__in=POSTED_STATES,
            notice__kind__in=(NoticeKind.PLAN, NoticeKind.RESULT),
        )
        .values_list("project__code", "notice__kind")
        .distinct()
    )
    for code, kind in entries:
        if (record := by_code.get(code)) is not None:
            if kind == NoticeKind.PLAN:
                record.plan_posted = True
            else:
                record.result_posted = True
    out: dict[int, list[ProjectRecord]] = defaultdict(list)
    for record in by_code.values():
        out[record.county_id].append(record)
    return out


def _grouped(queryset: Any, keys: tuple[str, str]) -> dict[tuple[int, str], int]:
    rows = queryset.values(*keys).annotate(total=Sum("amount_fen")).order_by()
    return {(row[keys[0]], row[keys[1]]): int(row["total"] or 0) for row in rows}


def year_money(county_ids: Collection[int], budget_year: int) -> dict[int, dict[str, MoneyRecord]]:
    """Per county and project code: what the budget year's lines gave it and what was paid from them. The name
    is read with the splits (the greatest of its versions' names: funds/performance.py puts the current
    version's name in for the year's projects)."""
    counties = list(county_ids)
    year = "line__allocation__budget_year"
    given: dict[tuple[int, str], int] = {}
    names: dict[str, str] = {}
    splits = (
        Split.objects.filter(county_id__in=counties, status=SplitStatus.ACTIVE, **{year: budget_year})
        .values("county_id", "project__code")
        .annotate(total=Sum("amount_fen"), name=Max("project__name"))
        .order_by()
    )
    for row in splits:
        given[(row["county_id"], row["project__code"])] = int(row["total"] or 0)
        names[row["project__code"]] = row["name"]
    released = _grouped(
        Release.objects.filter(
            county_id__in=counties, split__status=SplitStatus.ACTIVE, **{f"split__{year}": budget_year}
        ),
        ("county_id", "split__project__code"),
    )
    paid = _grouped(
        Payment.objects.filter(county_id__in=counties, **{f"split__{year}": budget_year}),
        ("county_id", "split__project__code"),
    )
    out: dict[int, dict[str, MoneyRecord]] = defaultdict(dict)
    for county_id, code in sorted(set(given) | set(paid), key=lambda key: key[1]):
        out[county_id][code] = MoneyRecord(
            code=code,
            name=names.get(code, ""),
            given_fen=given.get((county_id, code), 0) - released.get((county_id, code), 0),
            paid_fen=paid.get((county_id, code), 0),
        )
    return out


def year_allocated(county_ids: Collection[int], budget_year: int) -> dict[int, int]:
    """Per county: what the budget year's lines allocated to it (支出进度's denominator; what was paid, its
    numerator, is the sum of year_money's payments: the same rows, read once)."""
    rows = (
        AllocationLine.objects.filter(county_id__in=list(county_ids), allocation__budget_year=budget_year)
        .values("county_id")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    return {row["county_id"]: int(row["total"] or 0) for row in rows}
