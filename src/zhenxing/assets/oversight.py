"""The county's oversight of its project assets (P15: the county government is responsible — 谁主管、谁负责), read
through the scoped register (selectors.asset_list_for_user), never around it:

- `county_summary`: counts and values by category × status, held assets by condition, the handed-over share,
  the asset income of this year and last, and the data-quality counts — a handful of grouped aggregate queries
  over the asset table's indexed columns (county, status, category, condition, inspection_due), no per-row loop;
- `data_quality`: held assets without a responsible unit, handed-over assets past their inspection's due day
  (P15: both errors on the county's list), each with its reasons;
- `responsibility_list`: the 责任清单, per care unit and per supervising sector;
- `idle_list`: held assets found 闲置 / 低效 (the auditors' usual finding), with the inspection that found them.

Which county a user may open (`county_for_user`): the county itself, the prefecture (every county), a county
sector department (its own county, its sector's assets); a township or village user opens its own county's page
restricted to what its scope holds (the same figures its register shows); any other county is not found (404)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.scoping import user_scope
from zhenxing.assets.enums import (
    HELD_STATES,
    IDLE_CONDITIONS,
    AssetCategory,
    AssetStatus,
    Condition,
)
from zhenxing.assets.models import Asset, AssetIncome, Inspection
from zhenxing.assets.selectors import asset_list_for_user
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import not_found
from zhenxing.common.xlsx import single_sheet
from zhenxing.divisions.codes import covers, in_prefecture
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.projects import fen_to_wan

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

NO_CARE_UNIT = "no_care_unit"
INSPECTION_OVERDUE = "inspection_overdue"
REASON_LABELS = {NO_CARE_UNIT: "无管护责任单位", INSPECTION_OVERDUE: "巡查逾期"}
NOT_INSPECTED = ""  # an asset's condition before its first inspection


# which county


def county_for_user(*, user: User, county_code: str, prefixes: tuple[str, ...] | None = None) -> Division:
    """The county a user may open, or not found (404): see the module's docstring. `prefixes`: the user's scope
    when the caller has it already (one query less)."""
    code = (county_code or "").strip()
    if not has_capability(user, Capability.VIEW_ASSETS) or not in_prefecture(code) or len(code) != 6:
        raise not_found()
    if user.role == Role.COUNTY_SECTOR:
        allowed = user.jurisdiction is not None and user.jurisdiction.code == code
    else:
        prefixes = user_scope(user).prefixes if prefixes is None else prefixes
        allowed = any(covers(prefix, code) or covers(code, prefix) for prefix in prefixes)
    county = Division.objects.filter(code=code, level="county").first() if allowed else None
    if county is None:
        raise not_found()
    return county


def counties_for_user(*, user: User) -> list[Division]:
    """The counties a user may open (the prefecture: all 12), in code order."""
    if not has_capability(user, Capability.VIEW_ASSETS):
        return []
    if user.role == Role.COUNTY_SECTOR:
        return [user.jurisdiction] if user.jurisdiction is not None else []
    prefixes = user_scope(user).prefixes
    counties = Division.objects.filter(level="county").order_by("code")
    return [
        county
        for county in counties
        if any(covers(prefix, county.code) or covers(county.code, prefix) for prefix in prefixes)
    ]


def _whole_county(
    user: User, county: Division, prefix: str = "", prefixes: tuple[str, ...] | None = None
) -> Q | None:
    """The user's scope within the county as indexed columns only, when it is the whole county (the county, the
    prefecture: county_id) or a sector of it (a county sector department: county_id and sector_id) — the same rows
    asset_list_for_user gives there, without its division-subtree join; None for a narrower scope."""
    if user.role == Role.COUNTY_SECTOR:
        return Q(**{f"{prefix}county_id": county.pk, f"{prefix}sector_id": user.sector_id})
    if prefixes is None:
        prefixes = user_scope(user).prefixes
    if any(covers(scope, county.code) for scope in prefixes):
        return Q(**{f"{prefix}county_id": county.pk})
    return None


def assets_of_county(
    *, user: User, county: Division, prefixes: tuple[str, ...] | None = None
) -> QuerySet[Asset]:
    """The user's scoped register narrowed to one county (the indexed county column); see _whole_county."""
    whole = _whole_county(user, county, prefixes=prefixes)
    if whole is not None and has_capability(user, Capability.VIEW_ASSETS):
        return Asset.objects.filter(whole)
    return asset_list_for_user(user=user).filter(county_id=county.pk)


def _incomes_of_county(
    *, user: User, county: Division, assets: QuerySet[Asset], prefixes: tuple[str, ...]
) -> QuerySet[AssetIncome]:
    whole = _whole_county(user, county, prefix="asset__", prefixes=prefixes)
    if whole is not None:
        return AssetIncome.objects.filter(whole)
    return AssetIncome.objects.filter(asset__in=assets.order_by().values("pk"))


def _held_filter() -> Q:
    return Q(status__in=HELD_STATES)


def _no_care_filter() -> Q:
    return Q(status__in=HELD_STATES, care_unit="")


def _overdue_filter(on: datetime.date) -> Q:
    return Q(status=AssetStatus.HANDED_OVER, inspection_due__lt=on)


def _idle_filter() -> Q:
    return Q(status__in=HELD_STATES, condition__in=IDLE_CONDITIONS)


# the summary


@dataclass(frozen=True)
class Cell:
    count: int = 0
    value_fen: int = 0


@dataclass
class Summary:
    county: Division
    on: datetime.date
    # (category, status) → count and value
    by_category_status: dict[tuple[str, str], Cell] = field(default_factory=dict)
    # held assets by condition ("" = not inspected yet)
    by_condition: dict[str, Cell] = field(default_factory=dict)
    held: Cell = Cell()
    handed_over: Cell = Cell()
    income_this_year_fen: int = 0
    income_last_year_fen: int = 0
    without_care_unit: int = 0
    inspection_overdue: int = 0
    idle: int = 0

    @property
    def year(self) -> int:
        return self.on.year

    @property
    def handed_over_percent(self) -> float | None:
        """Handed-over share of the held assets (by count), None when none is held."""
        if not self.held.count:
            return None
        return round(self.handed_over.count * 100 / self.held.count, 1)

    @property
    def data_quality_errors(self) -> int:
        return self.without_care_unit + self.inspection_overdue

    def category_rows(self) -> list[tuple[str, str, list[Cell], Cell]]:
        """(category, label, a cell per status in AssetStatus order, the category's total) for the table."""
        rows = []
        for category in AssetCategory:
            cells = [self.by_category_status.get((category.value, s.value), Cell()) for s in AssetStatus]
            total = Cell(sum(c.count for c in cells), sum(c.value_fen for c in cells))
            rows.append((category.value, str(category.label), cells, total))
        return rows

    def status_totals(self) -> list[Cell]:
        return [
            Cell(
                sum(c.count for (_, s), c in self.by_category_status.items() if s == status.value),
                sum(c.value_fen for (_, s), c in self.by_category_status.items() if s == status.value),
            )
            for status in AssetStatus
        ]

    def condition_rows(self) -> list[tuple[str, Cell]]:
        labels = [(NOT_INSPECTED, "未巡查"), *((c.value, str(c.label)) for c in Condition)]
        return [(label, self.by_condition.get(value, Cell())) for value, label in labels]


def summarize(
    assets: QuerySet[Asset], incomes: QuerySet[AssetIncome], *, county: Division, on: datetime.date
) -> Summary:
    """The summary of an already scoped queryset in two grouped queries, whatever the number of assets: one scan
    of the assets grouped by category × status × condition with the data-quality counts beside (at most 108
    groups, folded here), and the incomes of the two years."""
    summary = Summary(county=county, on=on)
    grouped = (
        assets.order_by()
        .values("category", "status", "condition")
        .annotate(
            n=Count("id"),
            v=Sum("value_fen"),
            no_care=Count("id", filter=Q(care_unit="")),
            overdue=Count("id", filter=Q(inspection_due__lt=on)),
        )
    )
    by_category_status: dict[tuple[str, str], list[int]] = {}
    by_condition: dict[str, list[int]] = {}
    for row in grouped:
        n, v, status = int(row["n"]), int(row["v"] or 0), row["status"]
        cell = by_category_status.setdefault((row["category"], status), [0, 0])
        cell[0], cell[1] = cell[0] + n, cell[1] + v
        if status in HELD_STATES:
            held = by_condition.setdefault(row["condition"], [0, 0])
            held[0], held[1] = held[0] + n, held[1] + v
            summary.without_care_unit += int(row["no_care"])
            summary.idle += n if row["condition"] in IDLE_CONDITIONS else 0
        if status == AssetStatus.HANDED_OVER:
            summary.inspection_overdue += int(row["overdue"])
    summary.by_category_status = {key: Cell(n, v) for key, (n, v) in by_category_status.items()}
    summary.by_condition = {key: Cell(n, v) for key, (n, v) in by_condition.items()}
    held_cells = [c for (_, s), c in summary.by_category_status.items() if s in HELD_STATES]
    summary.held = Cell(sum(c.count for c in held_cells), sum(c.value_fen for c in held_cells))
    handed = [c for (_, s), c in summary.by_category_status.items() if s == AssetStatus.HANDED_OVER]
    summary.handed_over = Cell(sum(c.count for c in handed), sum(c.value_fen for c in handed))
    totals = (
        incomes.filter(year__in=(on.year, on.year - 1))
        .order_by()
        .values("year")
        .annotate(total=Coalesce(Sum("amount_fen"), 0))
    )
    for income in totals:
        if income["year"] == on.year:
            summary.income_this_year_fen = int(income["total"])
        else:
            summary.income_last_year_fen = int(income["total"])
    return summary


def county_summary(*, user: User, county_code: str, on: datetime.date | None = None) -> Summary:
    """One county's figures as the user may see them (P15); not found (404) outside the user's scope."""
    prefixes = user_scope(user).prefixes
    county = county_for_user(user=user, county_code=county_code, prefixes=prefixes)
    assets = assets_of_county(user=user, county=county, prefixes=prefixes)
    incomes = _incomes_of_county(user=user, county=county, assets=assets, prefixes=prefixes)
    return summarize(assets, incomes, county=county, on=on or clock.today())


@dataclass(frozen=True)
class CountyFigures:
    county: Division
    held: Cell
    handed_over: int
    without_care_unit: int
    inspection_overdue: int
    idle: int

    @property
    def handed_over_percent(self) -> float | None:
        if not self.held.count:
            return None
        return round(self.handed_over * 100 / self.held.count, 1)


def counties_overview(*, user: User, on: datetime.date | None = None) -> list[CountyFigures]:
    """The prefecture's table: each county the user may open with its headline figures (one grouped query)."""
    day = on or clock.today()
    counties = counties_for_user(user=user)
    prefixes = user_scope(user).prefixes
    # the prefecture's scope holds every county whole: the indexed county column answers without the subtree join
    whole = user.role != Role.COUNTY_SECTOR and all(
        any(covers(p, c.code) for p in prefixes) for c in counties
    )
    scoped = Asset.objects.all() if whole else asset_list_for_user(user=user)
    grouped = (
        scoped.filter(county_id__in=[c.pk for c in counties])
        .order_by()
        .values("county_id")
        .annotate(
            held_n=Count("id", filter=_held_filter()),
            held_v=Sum("value_fen", filter=_held_filter()),
            handed=Count("id", filter=Q(status=AssetStatus.HANDED_OVER)),
            no_care=Count("id", filter=_no_care_filter()),
            overdue=Count("id", filter=_overdue_filter(day)),
            idle=Count("id", filter=_idle_filter()),
        )
    )
    rows: dict[int, dict[str, Any]] = {}
    for county_row in grouped:
        rows[int(county_row["county_id"])] = dict(county_row)
    figures = []
    for county in counties:
        row: dict[str, Any] = rows.get(county.pk, {})
        figures.append(
            CountyFigures(
                county=county,
                held=Cell(int(row.get("held_n") or 0), int(row.get("held_v") or 0)),
                handed_over=int(row.get("handed") or 0),
                without_care_unit=int(row.get("no_care") or 0),
                inspection_overdue=int(row.get("overdue") or 0),
                idle=int(row.get("idle") or 0),
            )
        )
    return figures


# the lists


@dataclass(frozen=True)
class QualityRow:
    asset: Asset
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [REASON_LABELS[reason] for reason in self.reasons]


def data_quality(*, user: User, county_code: str, on: datetime.date | None = None) -> list[QualityRow]:
    """P15's data-quality list: held assets without a care unit, handed-over assets past inspection_due."""
    day = on or clock.today()
    county = county_for_user(user=user, county_code=county_code)
    assets = (
        assets_of_county(user=user, county=county)
        .filter(_no_care_filter() | _overdue_filter(day))
        .select_related("division", "sector", "asset_type")
        .order_by("code")
    )
    rows = []
    for asset in assets:
        reasons = []
        if not asset.care_unit:
            reasons.append(NO_CARE_UNIT)
        if asset.status == AssetStatus.HANDED_OVER and asset.inspection_due and asset.inspection_due < day:
            reasons.append(INSPECTION_OVERDUE)
        rows.append(QualityRow(asset=asset, reasons=tuple(reasons)))
    return rows


@dataclass(frozen=True)
class ResponsibilityRow:
    name: str  # the care unit ("" = none named) or the sector's name
    count: int
    value_fen: int
    overdue: int
    idle: int


@dataclass(frozen=True)
class Responsibility:
    county: Division
    by_care_unit: list[ResponsibilityRow]
    by_sector: list[ResponsibilityRow]


def _responsibility_rows(assets: QuerySet[Asset], key: str, on: datetime.date) -> list[ResponsibilityRow]:
    grouped = (
        assets.order_by()
        .values(key)
        .annotate(
            n=Count("id"),
            v=Sum("value_fen"),
            overdue=Count("id", filter=_overdue_filter(on)),
            idle=Count("id", filter=Q(condition__in=IDLE_CONDITIONS)),
        )
        .order_by(key)
    )
    return [
        ResponsibilityRow(
            name=row[key] or "",
            count=int(row["n"]),
            value_fen=int(row["v"] or 0),
            overdue=int(row["overdue"]),
            idle=int(row["idle"]),
        )
        for row in grouped
    ]


def responsibility_list(*, user: User, county_code: str, on: datetime.date | None = None) -> Responsibility:
    """责任清单 (P15 谁主管、谁负责): the held assets each care unit and each supervising sector answers for."""
    day = on or clock.today()
    county = county_for_user(user=user, county_code=county_code)
    held = assets_of_county(user=user, county=county).filter(_held_filter())
    return Responsibility(
        county=county,
        by_care_unit=_responsibility_rows(held, "care_unit", day),
        by_sector=_responsibility_rows(held, "sector__name", day),
    )


@dataclass(frozen=True)
class IdleRow:
    asset: Asset
    found_by: Inspection | None  # the latest inspection with the asset's condition as its outcome


def idle_list(*, user: User, county_code: str) -> list[IdleRow]:
    """Held assets found 闲置 / 低效 (P15), for the county to act on, each with the inspection that found it."""
    county = county_for_user(user=user, county_code=county_code)
    assets = list(
        assets_of_county(user=user, county=county)
        .filter(_idle_filter())
        .select_related("division", "sector", "asset_type")
        .order_by("code")
    )
    found = _latest_finding({asset.pk: asset.condition for asset in assets})
    return [IdleRow(asset=asset, found_by=found.get(asset.pk)) for asset in assets]


def _latest_finding(conditions: dict[int, str]) -> dict[int, Inspection]:
    latest: dict[int, Inspection] = {}
    inspections: Iterable[Inspection] = (
        Inspection.objects.filter(asset_id__in=list(conditions), outcome__in=IDLE_CONDITIONS)
        .select_related("inspector")
        .order_by("asset_id", "-inspected_on", "-pk")
    )
    for inspection in inspections:
        if inspection.asset_id not in latest and conditions[inspection.asset_id] == inspection.outcome:
            latest[inspection.asset_id] = inspection
    return latest


# the lists as .xlsx (audited: asset.export)


def _wan(fen: int) -> Decimal:
    return fen_to_wan(fen)


def _export(
    actor: User, county: Division, report: str, header: Sequence[str], rows: list[list[Any]]
) -> bytes:
    content = single_sheet(report, header, rows)
    with transaction.atomic():
        audit.record(
            actor=actor, action="asset.export", target=("assets.asset", "*"), division=county,
            new={"report": report, "county": county.code, "rows": len(rows)},
        )  # fmt: skip
    return content


def quality_export(
    *, actor: User, county_code: str, on: datetime.date | None = None
) -> tuple[Division, bytes]:
    county = county_for_user(user=actor, county_code=county_code)
    header = ("资产编号", "资产名称", "资产类别", "所在区划", "状态", "管护责任单位", "下次巡查期限", "问题")
    rows = [
        [r.asset.code, r.asset.name, r.asset.get_category_display(), r.asset.division.name,
         r.asset.get_status_display(), r.asset.care_unit, r.asset.inspection_due, "；".join(r.reason_labels)]
        for r in data_quality(user=actor, county_code=county.code, on=on)
    ]  # fmt: skip
    return county, _export(actor, county, "资产数据质量问题清单", header, rows)


def idle_export(*, actor: User, county_code: str) -> tuple[Division, bytes]:
    county = county_for_user(user=actor, county_code=county_code)
    header = ("资产编号", "资产名称", "资产类别", "所在区划", "资产价值（万元）", "资产状况", "管护责任单位",
              "发现日期", "巡查情况")  # fmt: skip
    rows = [
        [r.asset.code, r.asset.name, r.asset.get_category_display(), r.asset.division.name,
         _wan(r.asset.value_fen), r.asset.get_condition_display(), r.asset.care_unit,
         r.found_by.inspected_on if r.found_by else None, r.found_by.notes if r.found_by else ""]
        for r in idle_list(user=actor, county_code=county.code)
    ]  # fmt: skip
    return county, _export(actor, county, "闲置低效资产清单", header, rows)


def responsibility_export(
    *, actor: User, county_code: str, on: datetime.date | None = None
) -> tuple[Division, bytes]:
    county = county_for_user(user=actor, county_code=county_code)
    found = responsibility_list(user=actor, county_code=county.code, on=on)
    header = ("责任类型", "责任单位", "资产数", "资产价值（万元）", "巡查逾期", "闲置低效")
    rows = [
        [kind, r.name or "（未明确管护责任单位）", r.count, _wan(r.value_fen), r.overdue, r.idle]
        for kind, items in (("管护责任单位", found.by_care_unit), ("主管行业部门", found.by_sector))
        for r in items
    ]
    return county, _export(actor, county, "资产管护责任清单", header, rows)
