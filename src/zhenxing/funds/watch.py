"""What the county and the prefecture watch of the linkage funds (P14): 支出进度 by source against the schedule
and the projects behind it, the industry share of the counted sources against the year's value, and (for the
prefecture) the provincial and prefecture funds per 脱贫 person in the 7 key counties against the other 4
脱贫县 (P2 flags). Every figure is a sum over the ledger's rows (progress.py's, or a grouping of the same rows
written here when progress.py has none), every threshold a parameter cited on the page (P13); a county below
a value is warned, never refused."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.urls import reverse

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.common.todo import Tile
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.enums import FundSource, SplitStatus
from zhenxing.funds.models import AllocationLine, Release, Split
from zhenxing.funds.progress import Schedule, Sums, ledger_sums, project_sums, schedule_for
from zhenxing.funds.selectors import counties_for_user, split_list_for_user
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules import funds as rules
from zhenxing.policy.selectors import ParameterMissing, parameter_for
from zhenxing.policy.vocab import TUOPIN_HOUSEHOLD
from zhenxing.projects.models import Project
from zhenxing.registry.models import Membership

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

SOURCE_LABELS = dict(FundSource.choices)


def project_money_url(pk: int) -> str:
    # the project's money page belongs to the ledger's pages (funds:project_money); its path is fixed
    return f"/funds/projects/{pk}/"


def is_county_user(user: User) -> bool:
    """A county's 乡村振兴局 or finance bureau: the county's own page; above it, the prefecture's table."""
    return user.jurisdiction is not None and user.jurisdiction.level == DivisionLevel.COUNTY


def allocation_years(county_ids: list[int]) -> list[int]:
    """The budget years with an allocation line in the counties, newest first."""
    years = (
        AllocationLine.objects.filter(county_id__in=county_ids)
        .values_list("allocation__budget_year", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(set(years), reverse=True)


def chosen_year(raw: str, years: list[int], today: datetime.date) -> int:
    """The year asked for (four digits), else the latest with allocations, else this year."""
    if raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100:
        return int(raw)
    return years[0] if years else today.year


def schedule_of(budget_year: int, *, today: datetime.date) -> Schedule:
    """The schedule's target for the budget year; a year before the parameter's first answers with no target
    (nothing is behind) and no citation, which the page reads as 未配置 instead of failing."""
    try:
        return schedule_for(budget_year, on=today)
    except ParameterMissing:
        return Schedule(0, "", {})


# the industry share (P14)


@dataclass(frozen=True)
class ShareRule:
    """The year's industry share parameter as the page cites it; `configured` False before the first year."""

    configured: bool
    target_percent: int = 0
    sources: tuple[str, ...] = ()
    citation: dict[str, Any] = field(default_factory=dict)

    @property
    def source_labels(self) -> list[str]:
        return [SOURCE_LABELS[s] for s in self.sources]


def share_rule(budget_year: int) -> ShareRule:
    try:
        parameter = parameter_for(ParameterKind.FUND_INDUSTRY_SHARE, year=budget_year)
    except ParameterMissing:
        return ShareRule(configured=False)
    return ShareRule(
        configured=True,
        target_percent=int(parameter.value["target_percent"]),
        sources=rules.counted_sources(parameter.value),
        citation={"id": parameter.pk, "version": parameter.version, "year": parameter.year},
    )


@dataclass(frozen=True)
class IndustryShare:
    rule: ShareRule
    used_fen: int = 0  # split to 产业发展 projects (in force, net of releases)
    base_fen: int = 0  # the counted sources' allocation

    @property
    def share(self) -> Decimal | None:
        return rules.percent(self.used_fen, self.base_fen) if self.rule.configured else None

    @property
    def warning(self) -> bool:
        return self.rule.configured and rules.industry_share_warning(
            industry_fen=self.used_fen, counted_fen=self.base_fen, target_percent=self.rule.target_percent
        )


def industry_shares(county_ids: list[int], budget_year: int) -> dict[int, IndustryShare]:
    """Per county: the counted sources' lines of the budget year, and what of them went to 产业发展 projects
    (ProjectCategory.is_industry). Three aggregate queries, none before the parameter's first year."""
    rule = share_rule(budget_year)
    if not rule.configured or not rule.sources:
        return {pk: IndustryShare(rule) for pk in county_ids}
    base = _by_county(
        AllocationLine.objects.filter(
            county_id__in=county_ids, allocation__budget_year=budget_year, source__in=rule.sources
        )
    )
    splits = Split.objects.filter(
        county_id__in=county_ids, status=SplitStatus.ACTIVE, source__in=rule.sources,
        line__allocation__budget_year=budget_year, project__category__is_industry=True,
    )  # fmt: skip
    given = _by_county(splits)
    released = _by_county(Release.objects.filter(split__in=splits))
    return {
        pk: IndustryShare(rule, used_fen=given.get(pk, 0) - released.get(pk, 0), base_fen=base.get(pk, 0))
        for pk in county_ids
    }


def _by_county(queryset: Any) -> dict[int, int]:
    rows = queryset.values("county_id").annotate(total=Sum("amount_fen")).order_by()
    return {row["county_id"]: int(row["total"] or 0) for row in rows}


# a county's page


@dataclass(frozen=True)
class ProjectRow:
    pk: int
    code: str
    name: str
    sums: Sums

    @property
    def url(self) -> str:
        return project_money_url(self.pk)


def project_sums_of_year(county_id: int, budget_year: int) -> list[ProjectRow]:
    """Per project (code) of the county: given from lines of the budget year (in force, net of releases) and
    paid on those splits (net of reversals), each linked to the project's latest version."""
    sums = project_sums(where=Q(county_id=county_id, budget_year=budget_year))
    latest: dict[str, tuple[int, str]] = {}
    for pk, code, name in (
        Project.objects.filter(code__in=list(sums))
        .order_by("code", "-version")
        .values_list("pk", "code", "name")
    ):
        latest.setdefault(code, (pk, name))
    return [ProjectRow(latest[code][0], code, latest[code][1], sums[code]) for code in sorted(sums)]


@dataclass(frozen=True)
class SourceRow:
    code: str
    label: str
    sums: Sums
    behind: bool


@dataclass(frozen=True)
class CountyWatch:
    county: Division
    budget_year: int
    schedule: Schedule
    total: Sums
    sources: list[SourceRow]
    projects_behind: list[ProjectRow]
    industry: IndustryShare

    @property
    def behind(self) -> bool:
        return self.schedule.behind(self.total)

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.behind:
            out.append(
                f"支出进度 {self.total.progress}% 低于{self.schedule.month_end}目标 {self.schedule.target_percent}%"
            )
        if self.projects_behind:
            out.append(f"{len(self.projects_behind)} 个项目支出进度低于目标 {self.schedule.target_percent}%")
        if self.industry.warning:
            out.append(
                f"产业发展项目占比 {self.industry.share}% 低于{self.budget_year}年目标 "
                f"{self.industry.rule.target_percent}%（提示，不影响资金分配）"
            )
        return out


def county_watch(county: Division, budget_year: int, *, today: datetime.date) -> CountyWatch:
    schedule = schedule_of(budget_year, today=today)
    by_source = ledger_sums(counties=[county.pk], budget_year=budget_year, by=("source",))
    sources = [
        SourceRow(code, label, by_source[(code,)], schedule.behind(by_source[(code,)]))
        for code, label in FundSource.choices
        if (code,) in by_source
    ]
    total = Sums(
        allocated_fen=sum(s.sums.allocated_fen for s in sources),
        split_fen=sum(s.sums.split_fen for s in sources),
        paid_fen=sum(s.sums.paid_fen for s in sources),
    )
    behind = [row for row in project_sums_of_year(county.pk, budget_year) if schedule.behind(row.sums)]
    return CountyWatch(
        county=county, budget_year=budget_year, schedule=schedule, total=total, sources=sources,
        projects_behind=behind, industry=industry_shares([county.pk], budget_year)[county.pk],
    )  # fmt: skip


# the prefecture's table


@dataclass(frozen=True)
class CountyRow:
    county: Division
    sums: Sums
    behind: bool
    industry: IndustryShare


def prefecture_rows(counties: list[Division], budget_year: int, *, today: datetime.date) -> list[CountyRow]:
    schedule = schedule_of(budget_year, today=today)
    ids = [c.pk for c in counties]
    sums = ledger_sums(counties=ids, budget_year=budget_year, by=("county",))
    shares = industry_shares(ids, budget_year)
    rows = []
    for county in counties:
        own = sums.get((county.pk,), Sums())
        rows.append(CountyRow(county, own, schedule.behind(own), shares[county.pk]))
    return rows


def prefecture_total(rows: list[CountyRow]) -> Sums:
    """全州合计: the sum of the table's rows (a county with no money adds 0), so the total row and the rows
    above it cannot disagree; its progress is paid / allocated of the sums, as the .xlsx's 合计."""
    return Sums(
        allocated_fen=sum(r.sums.allocated_fen for r in rows),
        split_fen=sum(r.sums.split_fen for r in rows),
        paid_fen=sum(r.sums.paid_fen for r in rows),
    )


# per 脱贫 person (P2 flags)


def grouped(number: int | Decimal | None, places: int = 0) -> str:
    """1234567 → "1,234,567", Decimal("133333.333") → "133,333.33" (places=2), None → "—": the per-person
    table as the .xlsx reads. Not humanize's intcomma: under zh-hans (THOUSAND_SEPARATOR "") it leaves an
    integer ungrouped."""
    if number is None:
        return "—"
    return f"{number:,.{places}f}"


@dataclass(frozen=True)
class PersonRow:
    county: Division
    allocated_fen: int
    people: int

    @property
    def per_person(self) -> Decimal | None:
        return rules.per_person_yuan(self.allocated_fen, self.people)

    @property
    def people_text(self) -> str:
        return grouped(self.people)

    @property
    def per_person_text(self) -> str:
        return grouped(self.per_person, 2)


@dataclass(frozen=True)
class PersonGroup:
    key: str
    label: str
    rows: list[PersonRow]

    @property
    def allocated_fen(self) -> int:
        return sum(r.allocated_fen for r in self.rows)

    @property
    def people(self) -> int:
        return sum(r.people for r in self.rows)

    @property
    def per_person(self) -> Decimal | None:
        return rules.per_person_yuan(self.allocated_fen, self.people)

    @property
    def people_text(self) -> str:
        return grouped(self.people)

    @property
    def per_person_text(self) -> str:
        return grouped(self.per_person, 2)


GROUP_LABELS = {rules.KEY_GROUP: "7个省级乡村振兴重点帮扶县", rules.OTHER_TUOPIN_GROUP: "其他4个脱贫县"}


def tuopin_people(county_ids: list[int]) -> dict[int, int]:
    """Current members of 脱贫户 per county: one aggregate query over the registry's dated memberships."""
    county = "household__village__parent__parent_id"
    rows = (
        Membership.objects.filter(
            left_on__isnull=True, household__kind=TUOPIN_HOUSEHOLD, **{f"{county}__in": county_ids}
        )
        .values(county)
        .annotate(people=Count("id"))
        .order_by()
    )
    return {row[county]: int(row["people"]) for row in rows}


def per_person_groups(counties: list[Division], budget_year: int) -> list[PersonGroup]:
    """The provincial and prefecture linkage funds of the budget year per 脱贫 person: the key counties
    against the other 脱贫县, each with its counties (大理市, no 脱贫县, is in neither)."""
    grouped: dict[str, list[Division]] = defaultdict(list)
    for county in counties:
        group = rules.per_person_group(
            is_tuopin_county=county.is_tuopin_county, is_key_county=county.is_key_county
        )
        if group is not None:
            grouped[group].append(county)
    ids = [c.pk for members in grouped.values() for c in members]
    allocated = _by_county(
        AllocationLine.objects.filter(
            county_id__in=ids, allocation__budget_year=budget_year, source__in=rules.PER_PERSON_SOURCES
        )
    )
    people = tuopin_people(ids)
    return [
        PersonGroup(
            key,
            GROUP_LABELS[key],
            [PersonRow(c, allocated.get(c.pk, 0), people.get(c.pk, 0)) for c in grouped[key]],
        )
        for key in (rules.KEY_GROUP, rules.OTHER_TUOPIN_GROUP)
    ]


# the home tiles


def proposals_tile(user: User) -> Tile:
    """The finance bureau's own work: the proposed splits in its counties waiting for it to confirm or send
    back — the same rows as the 待财政确认的分配建议 list of /funds/splits/ (funds.views.splits.split_list)."""
    waiting = split_list_for_user(user=user).filter(status=SplitStatus.PROPOSED).count()
    return Tile("funds-proposals", "待确认的分配建议", waiting, reverse("funds:splits"), urgent=True)


def fund_tiles(user: User, today: datetime.date) -> list[Tile]:
    """The funds' part of a home page: for a finance bureau first the proposals waiting for it; for a county,
    its projects behind the schedule (and the industry share below the year's value); for the prefecture, the
    counties behind it — each the count of the list the tile links to (the progress page's for the same
    default year)."""
    if not has_capability(user, Capability.VIEW_FUNDS) or user.jurisdiction is None:
        return []
    counties = list(counties_for_user(user))
    if not counties:
        return []
    tiles = [proposals_tile(user)] if has_capability(user, Capability.ENTER_FUNDS) else []
    year = chosen_year("", allocation_years([c.pk for c in counties]), today)
    url = f"{reverse('funds:progress')}?year={year}"
    if is_county_user(user):
        watch = county_watch(counties[0], year, today=today)
        tiles.append(
            Tile(
                "funds-projects-behind", f"{year}年支出进度落后的项目", len(watch.projects_behind), url,
                note=f"目标 {watch.schedule.target_percent}%", urgent=True,
            )
        )  # fmt: skip
        if watch.industry.warning:
            # one county: the count is always 1 and says little, so the note carries the share itself (the
            # value stays a count: the home page's data-count is read as a number)
            tiles.append(
                Tile(
                    "funds-industry-share", f"{year}年产业发展项目占比低于目标", 1, url,
                    note=f"本县占比 {watch.industry.share}%，目标 {watch.industry.rule.target_percent}%",
                    urgent=True,
                )
            )  # fmt: skip
        return tiles
    rows = prefecture_rows(counties, year, today=today)
    return [
        *tiles,
        Tile("funds-counties-behind", f"{year}年支出进度落后的县(市)", sum(r.behind for r in rows), url, urgent=True),
        Tile(
            "funds-counties-share", f"{year}年产业发展占比低于目标的县(市)",
            sum(r.industry.warning for r in rows), url, urgent=True,
        ),
    ]  # fmt: skip
