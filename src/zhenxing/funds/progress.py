"""支出进度 (P14: paid / allocated, by budget year) and the sums it is made of, grouped as the county and the
prefecture read them: by county, by source, by project. One aggregate query per measure, over the ledger's
rows (no running totals): the lines give what was allocated, the splits what was given to projects (net of
what 出库/终止 released), the payments what was paid (net of reversals).

The schedule (fund_schedule parameter) says what share should be paid by each month's end; a county or a
project below it is behind (policy.rules.funds)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from zhenxing.common import clock
from zhenxing.funds.enums import SplitStatus
from zhenxing.funds.models import AllocationLine, Payment, Release, Split
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules import funds as rules
from zhenxing.policy.selectors import parameter_for


@dataclass(frozen=True)
class Sums:
    allocated_fen: int = 0
    split_fen: int = 0  # in force, net of releases
    paid_fen: int = 0  # net of reversals

    @property
    def progress(self) -> Decimal | None:
        return rules.disbursement_progress(paid_fen=self.paid_fen, allocated_fen=self.allocated_fen)

    @property
    def unsplit_fen(self) -> int:
        return self.allocated_fen - self.split_fen


def _grouped(queryset: Any, keys: tuple[str, ...], field: str = "amount_fen") -> dict[tuple[Any, ...], int]:
    rows = queryset.values(*keys).annotate(total=Sum(field)).order_by()
    return {tuple(row[key] for key in keys): int(row["total"] or 0) for row in rows}


def ledger_sums(
    *,
    counties: Iterable[int] | None = None,
    budget_year: int | None = None,
    by: tuple[str, ...] = ("county",),
) -> dict[tuple[Any, ...], Sums]:
    """Allocated, split and paid, grouped `by` any of "county", "source", "budget_year" (in that vocabulary, the
    same for the three sums): one query per sum, filtered to `counties` (ids) and `budget_year`."""
    # the split, payment and release rows carry their county, source and budget year (copied from the line's
    # document when written): each sum reads its own table, only the lines join their (small) document table
    line_key = {"county": "county_id", "source": "source", "budget_year": "allocation__budget_year"}
    row_key = {"county": "county_id", "source": "source", "budget_year": "budget_year"}

    def scoped(queryset: Any, year_field: str) -> Any:
        if counties is not None:
            queryset = queryset.filter(county_id__in=list(counties))
        if budget_year is not None:
            queryset = queryset.filter(**{year_field: budget_year})
        return queryset

    keys = tuple(row_key[k] for k in by)
    lines = _grouped(
        scoped(AllocationLine.objects.all(), "allocation__budget_year"), tuple(line_key[k] for k in by)
    )
    splits = _grouped(scoped(Split.objects.filter(status=SplitStatus.ACTIVE), "budget_year"), keys)
    released = _grouped(scoped(Release.objects.filter(split__status=SplitStatus.ACTIVE), "budget_year"), keys)
    paid = _grouped(scoped(Payment.objects.all(), "budget_year"), keys)
    found = set(lines) | set(splits) | set(paid)
    return {
        key: Sums(
            allocated_fen=lines.get(key, 0),
            split_fen=splits.get(key, 0) - released.get(key, 0),
            paid_fen=paid.get(key, 0),
        )
        for key in found
    }


def project_sums(*, codes: Iterable[str] | None = None, where: Q | None = None) -> dict[str, Sums]:
    """Per project code (every version of it): split to it (in force, net of releases) and paid to it;
    `allocated_fen` is the split (what the project was given), so that its progress reads paid / given.
    The splits are read first (a few per project) and the payments and releases summed by split, on their
    split index, instead of joining every payment to its project."""
    splits = Split.objects.filter(status=SplitStatus.ACTIVE)
    if codes is not None:
        splits = splits.filter(project__code__in=list(codes))
    if where is not None:  # e.g. a county's splits of one budget year (funds/watch.py)
        splits = splits.filter(where)
    code_of: dict[int, str] = {}
    given: dict[str, int] = defaultdict(int)
    for pk, code, amount in splits.values_list("pk", "project__code", "amount_fen"):
        code_of[pk] = code
        given[code] += amount
    ids = list(code_of)
    paid = _grouped(Payment.objects.filter(split_id__in=ids), ("split_id",))
    released = _grouped(Release.objects.filter(split_id__in=ids), ("split_id",))
    out: dict[str, Sums] = {code: Sums(allocated_fen=total, split_fen=total) for code, total in given.items()}
    for ((pk,), fen), sign in [
        *((item, 1) for item in paid.items()),
        *((item, -1) for item in released.items()),
    ]:
        code = code_of[pk]
        sums = out[code]
        if sign > 0:
            out[code] = Sums(sums.allocated_fen, sums.split_fen, sums.paid_fen + fen)
        else:
            out[code] = Sums(sums.allocated_fen - fen, sums.split_fen - fen, sums.paid_fen)
    return out


@dataclass(frozen=True)
class Schedule:
    """What the schedule expects by `on` for a budget year, and the parameter it comes from (P13: cited)."""

    target_percent: int
    month_end: str  # "2026年9月末", "" before the first month end
    citation: dict[str, Any]

    def behind(self, sums: Sums) -> bool:
        return rules.behind_schedule(sums.progress, self.target_percent)


def schedule_for(budget_year: int, *, on: datetime.date | None = None) -> Schedule:
    parameter = parameter_for(ParameterKind.FUND_SCHEDULE, year=budget_year)
    target, label = rules.schedule_target(parameter.value, budget_year=budget_year, on=on or clock.today())
    return Schedule(target, label, {"id": parameter.pk, "version": parameter.version, "year": parameter.year})
