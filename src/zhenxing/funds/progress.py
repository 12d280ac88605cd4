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


def project_sums(*, codes: Iterable[str] | None = None, condition: Q | None = None) -> dict[str, Sums]:
    """Per project code: split to it (in force, net of releases) and paid to it; `allocated_fen` is the split
    (what the project was given), so that its progress reads paid / given."""
    splits = Split.objects.filter(status=SplitStatus.ACTIVE)
    payments = Payment.objects.all()
    releases = Release.objects.filter(split__status=SplitStatus.ACTIVE)
    if codes is not None:
        wanted = list(codes)
        splits = splits.filter(project__code__in=wanted)
        payments = payments.filter(split__project__code__in=wanted)
        releases = releases.filter(split__project__code__in=wanted)
    if condition is not None:
        splits, payments, releases = (
            splits.filter(condition),
            payments.filter(condition),
            releases.filter(condition),
        )
    given = _grouped(splits, ("project__code",))
    paid = _grouped(payments, ("split__project__code",))
    released = _grouped(releases, ("split__project__code",))
    out: dict[str, Sums] = defaultdict(Sums)
    for (code,), total in given.items():
        split = total - released.get((code,), 0)
        out[code] = Sums(allocated_fen=split, split_fen=split, paid_fen=paid.get((code,), 0))
    return dict(out)


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
