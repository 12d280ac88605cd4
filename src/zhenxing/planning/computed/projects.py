"""The project library and the fund ledger (P12, P14): projects of the year in the library and their planned
investment, 支出进度 and the 产业发展 share as the funds pages compute them (funds.progress, funds.watch), and
the 冷链物流 / 农村电商 / 乡村旅游 projects built. A project counts for its county (Project.county)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.progress import ledger_sums
from zhenxing.funds.watch import industry_shares
from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.projects.enums import LIBRARY_STATES, ProjectStatus
from zhenxing.projects.models import Project

PROJECT_COUNTY = "county__code"
FEN_PER_WAN = Decimal(1_000_000)
# a built project that left the library or never entered it does not count
NOT_BUILT_STATES = (ProjectStatus.WITHDRAWN, ProjectStatus.TERMINATED, ProjectStatus.CANCELLED)
COLD_CHAIN, ECOMMERCE, TOURISM = "industry_cold_chain", "industry_ecommerce", "industry_tourism"


def current_versions() -> QuerySet[Project]:
    """The current version of each project code (P14 项目调整): not an 已调整 old version, and no later version
    in the library — a later version counts only once 审定 (in LIBRARY_STATES); an adjustment under way,
    returned or cancelled leaves the version before it current. Shared by every project selector."""
    later = Project.objects.filter(
        code=OuterRef("code"), version__gt=OuterRef("version"), status__in=LIBRARY_STATES
    )
    return Project.objects.exclude(status=ProjectStatus.ADJUSTED).exclude(Exists(later))


def library_of(year: int) -> QuerySet[Project]:
    """P14 入库: the current version, 审定 and not 出库 (an adjusted project's old version has left the library
    for its new one)."""
    return current_versions().filter(year=year, status__in=LIBRARY_STATES)


@computed(
    "library_projects",
    version=1,
    definition="项目年度为当年、已审定且未出库（储备至资产移交）的项目，按项目编号计",
)
def library_projects(context: Context) -> dict[str, Figure]:
    rows = library_of(context.year).values(PROJECT_COUNTY).annotate(n=Count("code", distinct=True)).order_by()
    return {row[PROJECT_COUNTY]: Figure(Decimal(row["n"])) for row in rows}


@computed("library_investment", version=1, definition="同上项目（现行版本）的计划总投资合计，万元")
def library_investment(context: Context) -> dict[str, Figure]:
    rows = library_of(context.year).values(PROJECT_COUNTY).annotate(fen=Sum("total_fen")).order_by()
    return {row[PROJECT_COUNTY]: Figure(Decimal(row["fen"] or 0) / FEN_PER_WAN) for row in rows}


def _county_codes() -> dict[int, str]:
    return dict(Division.objects.filter(level=DivisionLevel.COUNTY).values_list("pk", "code"))


@computed(
    "fund_progress",
    version=1,
    definition="预算年度为当年的衔接资金：已支付（扣除冲销）÷ 已下达（与资金支出进度页同一口径）",
    ratio=True,
    scale=100,
)
def fund_progress(context: Context) -> dict[str, Figure]:
    codes = _county_codes()
    return {
        codes[county]: Figure(Decimal(sums.paid_fen), Decimal(sums.allocated_fen), 100)
        for (county,), sums in ledger_sums(budget_year=context.year, by=("county",)).items()
        if county in codes
    }


@computed(
    "fund_industry_share",
    version=1,
    definition="中央衔接资金产业比例参数所列资金来源、预算年度为当年的下达额中，分配到产业发展类项目（扣除释放）的"
    "比例；参数未配置时为未配置",
    ratio=True,
    scale=100,
)
def fund_industry_share(context: Context) -> dict[str, Figure]:
    codes = _county_codes()
    shares = industry_shares(list(codes), context.year)
    out = {}
    for county, share in shares.items():
        if not share.rule.configured:
            out[codes[county]] = Figure(Decimal(0), Decimal(0), 100, unconfigured=True)
            continue
        context.citations["fund_industry_share"] = share.rule.citation
        out[codes[county]] = Figure(Decimal(share.used_fen), Decimal(share.base_fen), 100)
    return out


def current_built(category: str, completed_by: datetime.date) -> QuerySet[Project]:
    """The current version (current_versions) of projects of `category` completed by the day, not 出库, 终止 or
    撤销."""
    return (
        current_versions()
        .filter(category__code=category, completed_on__lte=completed_by)
        .exclude(status__in=NOT_BUILT_STATES)
    )


def _built_in(category: str, context: Context) -> dict[str, Figure]:
    built = current_built(category, context.ends_on).filter(completed_on__gte=context.starts_on)
    rows = built.values(PROJECT_COUNTY).annotate(n=Count("code", distinct=True)).order_by()
    return {row[PROJECT_COUNTY]: Figure(Decimal(row["n"])) for row in rows}


@computed(
    "cold_chain_bases",
    version=2,
    definition="竣工日期在当年的“冷链物流”类项目（现行版本：已调整的旧版本不计，其后的调整版本审定入库后才取代它，申报中、退回、撤销的调整不影响；未出库、终止或撤销），按项目编号计",
)
def cold_chain_bases(context: Context) -> dict[str, Figure]:
    return _built_in(COLD_CHAIN, context)


@computed(
    "ecommerce_sites",
    version=2,
    definition="竣工日期在当年的“农村电商”类项目（现行版本：已调整的旧版本不计，其后的调整版本审定入库后才取代它，申报中、退回、撤销的调整不影响；未出库、终止或撤销），按项目编号计",
)
def ecommerce_sites(context: Context) -> dict[str, Figure]:
    return _built_in(ECOMMERCE, context)


@computed(
    "tourism_villages",
    version=2,
    definition="截至年末有已竣工“休闲农业与乡村旅游”类项目（现行版本：已调整的旧版本不计，其后的调整版本审定入库后才取代它，申报中、退回、撤销的调整不影响；未出库、终止或撤销）的行政村"
    "个数（累计）",
)
def tourism_villages(context: Context) -> dict[str, Figure]:
    built = current_built(TOURISM, context.ends_on).filter(division__level=DivisionLevel.VILLAGE)
    rows = built.values(PROJECT_COUNTY).annotate(n=Count("division", distinct=True)).order_by()
    return {row[PROJECT_COUNTY]: Figure(Decimal(row["n"])) for row in rows}
