"""脱贫劳动力 employment and training (P12): 转移就业 by the planning_rules parameter (policy.rules.planning
transfer_employed), 技能培训 from the per-person items of the assistance plans, and employment after training
from the items, the 人社 feed and the registry's 务工 record. Person.work_* is the registry's current record."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery

from zhenxing.common.enums import Department
from zhenxing.feeds.models import FeedRecord
from zhenxing.monitoring.enums import PersonItemKind
from zhenxing.monitoring.models import PersonItem
from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.planning.computed.common import memberships_on
from zhenxing.planning.computed.income import COUNTY
from zhenxing.policy.rules.people import born_between, year_end
from zhenxing.policy.rules.planning import TRANSFER_PLACES_OUTSIDE_TOWNSHIP
from zhenxing.policy.vocab import FULL_LABOUR, TUOPIN_HOUSEHOLD, WEAK_LABOUR
from zhenxing.registry.models import Membership

LABOUR = (*FULL_LABOUR, WEAK_LABOUR)
# the 人社 feed's 就业与失业登记 status that means employed (feeds/adapters.py, 就业状态)
EMPLOYED_FEED_CODE = "就业"
EMPLOYED_ITEM_KINDS = (PersonItemKind.JOB, PersonItemKind.WELFARE_JOB)


def tuopin_members(year: int) -> QuerySet[Membership]:
    """The memberships of 脱贫户 on 31 December of `year`."""
    return memberships_on(year_end(year)).filter(household__kind=TUOPIN_HOUSEHOLD)


def aged(memberships: QuerySet[Membership], year: int, low: int, high: int) -> QuerySet[Membership]:
    """Members aged `low`..`high` (both included) on 31 December (policy.rules.people.born_between)."""
    born_from, born_to = born_between((low, high), year)
    return memberships.filter(person__birth_date__gte=born_from, person__birth_date__lte=born_to)


def tuopin_labour(year: int, rules: Mapping[str, int]) -> QuerySet[Membership]:
    """脱贫劳动力: 脱贫户 members on 31 December aged within the planning_rules labour-age window (年末年龄, both
    ends included) whose 劳动技能 is 普通/技能/弱劳动力."""
    members = aged(tuopin_members(year), year, rules["labour_min_age"], rules["labour_max_age"])
    return members.filter(person__labour__in=LABOUR)


def per_county(memberships: QuerySet[Membership]) -> dict[str, Figure]:
    rows = memberships.values(COUNTY).annotate(n=Count("person", distinct=True)).order_by()
    return {row[COUNTY]: Figure(Decimal(row["n"])) for row in rows}


def transfer_filter(rules: Mapping[str, int]) -> Q:
    """policy.rules.planning.transfer_employed as a filter on Membership's person (the same constants)."""
    condition = Q(person__work_months__gte=rules["transfer_min_months"])
    if rules["transfer_outside_township"]:
        condition &= Q(person__work_place__in=TRANSFER_PLACES_OUTSIDE_TOWNSHIP)
    return condition


@computed(
    "transfer_employment",
    version=1,
    definition="脱贫户12月31日在户成员中，年末年龄在劳动年龄内（规划指标统计口径参数）、劳动技能为普通/技能/弱劳动力，"
    "务工月数不少于规定月数（含本数）且务工地在乡镇外（按参数）的人数；务工信息为户籍系统现时记录",
)
def transfer_employment(context: Context) -> dict[str, Figure]:
    return per_county(tuopin_labour(context.year, context.rules).filter(transfer_filter(context.rules)))


def _trainings(context: Context) -> QuerySet[PersonItem]:
    return PersonItem.objects.filter(
        kind=PersonItemKind.TRAINING, started_on__gte=context.starts_on, started_on__lte=context.ends_on
    )


def trained(context: Context) -> QuerySet[Membership]:
    """脱贫劳动力 (tuopin_labour) with a training item started in the year."""
    return tuopin_labour(context.year, context.rules).filter(
        Exists(_trainings(context).filter(person=OuterRef("person")))
    )


@computed(
    "tuopin_training",
    version=2,
    definition="脱贫劳动力（脱贫户12月31日在户成员中，年末年龄在劳动年龄内（规划指标统计口径参数）、劳动技能为普通/技能/"
    "弱劳动力）中，帮扶措施到人明细有当年开始的技能培训的人数（一人多次培训计一人）",
)
def tuopin_training(context: Context) -> dict[str, Figure]:
    return per_county(trained(context))


@computed(
    "training_employment_rate",
    version=2,
    definition="当年参加技能培训的脱贫劳动力（同上口径：劳动年龄内、普通/技能/弱劳动力）中，培训后就业的比例：年内首次培训开始日及以后、年末以前开始的就业岗位"
    "或公益性岗位明细，或同期人社就业登记（就业），或户籍系统务工月数不少于1个月",
    ratio=True,
    scale=100,
)
def training_employment_rate(context: Context) -> dict[str, Figure]:
    first = Subquery(
        _trainings(context)
        .filter(person=OuterRef("person"))
        .values("person")
        .annotate(first=Min("started_on"))
        .values("first")
    )
    people = trained(context).annotate(first_training=first)
    job = PersonItem.objects.filter(
        person=OuterRef("person"),
        kind__in=EMPLOYED_ITEM_KINDS,
        started_on__gte=OuterRef("first_training"),
        started_on__lte=context.ends_on,
    )
    registered = FeedRecord.objects.filter(
        person=OuterRef("person"),
        department=Department.HUMAN_RESOURCES,
        code=EMPLOYED_FEED_CODE,
        record_date__gte=OuterRef("first_training"),
        record_date__lte=context.ends_on,
    )
    employed = people.filter(Exists(job) | Exists(registered) | Q(person__work_months__gte=1))
    totals = per_county(people)
    hits = per_county(employed)
    return {
        county: Figure(hits.get(county, Figure(Decimal(0))).numerator, figure.numerator, 100)
        for county, figure in totals.items()
    }
