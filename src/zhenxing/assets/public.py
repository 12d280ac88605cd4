"""What a village's public page shows of its income-distribution plans (P15 两公开): the plans that have a
posting, with the posting's place and period, and per line kind how many beneficiaries and how much — never a
name, a household or an amount per person (the printed notice on the board names them during its period)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum

from zhenxing.assets.enums import LineKind
from zhenxing.assets.models import DistributionPlan, PlanLine, PlanPayout, PlanPosting


@dataclass(frozen=True)
class PublicLine:
    kind_label: str
    beneficiaries: int  # 0 for a kept line (公积公益金, 管护费用)
    total_fen: int


@dataclass(frozen=True)
class PublicPosting:
    kind_label: str
    place: str
    posted_from: object
    posted_until: object


@dataclass(frozen=True)
class PublicPlan:
    pk: int
    title: str
    year: int
    total_fen: int  # what the plan distributes (its lines)
    paid_fen: int  # what 实施 has paid to people so far
    postings: tuple[PublicPosting, ...]
    lines: tuple[PublicLine, ...]


def public_postings_of_village(village_code: str) -> list[PublicPlan]:
    """The village's plans with at least one posting, newest year first; totals per line kind, no person."""
    plans = list(
        DistributionPlan.objects.filter(village__code=village_code, postings__isnull=False)
        .distinct()
        .order_by("-year", "-pk")
    )
    if not plans:
        return []
    pks = [plan.pk for plan in plans]
    postings: dict[int, list[PublicPosting]] = defaultdict(list)
    for posting in PlanPosting.objects.filter(plan_id__in=pks).order_by("posted_from", "pk"):
        postings[posting.plan_id].append(
            PublicPosting(
                posting.get_kind_display(), posting.place, posting.posted_from, posting.posted_until
            )
        )
    lines: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in (
        PlanLine.objects.filter(plan_id__in=pks).values("plan_id", "kind").annotate(total=Sum("amount_fen"))
    ):
        lines[row["plan_id"]][row["kind"]][1] += int(row["total"] or 0)
    people = (
        PlanPayout.objects.filter(line__plan_id__in=pks)
        .values("line__plan_id", "line__kind")
        .annotate(people=Count("person_id", distinct=True))
    )
    for counted in people:
        lines[counted["line__plan_id"]][counted["line__kind"]][0] = int(counted["people"])
    paid = dict(
        PlanPayout.objects.filter(line__plan_id__in=pks, paid_on__isnull=False)
        .values("line__plan_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("line__plan_id", "total")
    )
    order = {kind: index for index, kind in enumerate(LineKind.values)}
    return [
        PublicPlan(
            pk=plan.pk,
            title=plan.title,
            year=plan.year,
            total_fen=sum(total for _, total in lines[plan.pk].values()),
            paid_fen=int(paid.get(plan.pk) or 0),
            postings=tuple(postings[plan.pk]),
            lines=tuple(
                PublicLine(LineKind(kind).label, counts[0], counts[1])
                for kind, counts in sorted(lines[plan.pk].items(), key=lambda item: order.get(item[0], 99))
            ),
        )
        for plan in plans
    ]
