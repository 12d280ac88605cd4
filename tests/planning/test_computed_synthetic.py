# ruff: noqa: S608 - the independent counts are SQL text built from constants only
"""P12/P16 done-when: each computed indicator matches an independent SQL count over synthetic data, on SQLite and
PostgreSQL. The counts below are raw SQL written from each definition (口径), not through the selectors' ORM;
the synthetic registry, library and fund ledger come from synth, the monitoring history (cases, trainings,
jobs, the 人社 feed, the housing ledger) from synth.planning_history where present, topped up here so that
every figure has something to count."""

from __future__ import annotations

import datetime
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tests.factories import make_user
from tests.planning.test_computed_rules import context_of
from zhenxing.accounts.enums import Role
from zhenxing.divisions.models import Division
from zhenxing.feeds.models import FeedBatch, FeedRecord
from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus, EliminationMethod, PersonItemKind
from zhenxing.monitoring.models import Case, HousingLedgerEntry, Measure, PersonItem
from zhenxing.planning.computed import Figure
from zhenxing.planning.computed.registry import COMPUTED
from zhenxing.policy import services as policy_services
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules.funds import counted_sources
from zhenxing.policy.selectors import parameter_for
from zhenxing.projects.models import Project, ProjectCategory
from zhenxing.registry.models import Household, Membership, Person
from zhenxing.synth.funds import synthetic_funds_generate
from zhenxing.synth.generator import Settings
from zhenxing.synth.projects import synthetic_projects_generate
from zhenxing.synth.services import synthetic_registry_generate

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = 2025
TODAY = D(2026, 3, 1)
SEED = 20
STANDARD_YUAN = 9000  # high enough that some synthetic 脱贫户 are below it
START, END = D(YEAR, 1, 1), D(YEAR, 12, 31)

# the county of a household `h`, by joins (never by cutting codes)
COUNTY_OF_H = (
    "JOIN divisions_division v ON v.code = h.village_code "
    "JOIN divisions_division t ON t.id = v.parent_id JOIN divisions_division c ON c.id = t.parent_id"
)
YEAR_END_MEMBER = "m.joined_on <= %(end)s AND (m.left_on IS NULL OR m.left_on > %(end)s)"
TUOPIN_MEMBERS = f"""
    FROM registry_membership m JOIN registry_person p ON p.id = m.person_id
    JOIN registry_household h ON h.id = m.household_id {COUNTY_OF_H}
    WHERE {YEAR_END_MEMBER} AND h.kind = '脱贫户'"""
# a case confirmed at some time: monitored, in one of the elimination steps, or eliminated (monitoring.enums)
CONFIRMED = (
    "(" + ", ".join(f"'{status.value}'" for status in (*MONITORED_STATUSES, CaseStatus.ELIMINATED)) + ")"
)
MONTH_START, MONTH_END = D(YEAR, 6, 1), D(YEAR, 6, 30)  # the month period of the case-based checks
LIBRARY = "('reserved', 'started', 'building', 'completed', 'accepted', 'handed_over')"
# 脱贫劳动力: the labour-age window on 31 December and a labour capacity
LABOUR_AGED = """AND p.birth_date BETWEEN %(born_from)s AND %(born_to)s
    AND p.labour IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力')"""
FIRST_TRAINING = """(SELECT MIN(i.started_on) FROM monitoring_personitem i WHERE i.person_id = p.id
    AND i.kind = '培训' AND i.started_on BETWEEN %(start)s AND %(end)s)"""


def rows(sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": START, "end": END, "year": YEAR, **params})
        return list(cursor.fetchall())


def counts(sql: str, **params: Any) -> dict[str, Decimal]:
    return {code: Decimal(n) for code, n in rows(sql, **params) if n}


def born(low: int, high: int) -> dict[str, D]:
    """Aged low..high on 31 December: born from 1 January (YEAR − high) to 31 December (YEAR − low)."""
    return {"born_from": D(YEAR - high, 1, 1), "born_to": D(YEAR - low, 12, 31)}


def numerators(figures: dict[str, Figure]) -> dict[str, Decimal]:
    return {code: f.numerator for code, f in figures.items() if f.numerator}


def denominators(figures: dict[str, Figure]) -> dict[str, Decimal]:
    return {code: f.denominator for code, f in figures.items() if f.denominator}


def _top_up(seed: int) -> None:
    """Cases, trainings, jobs, 人社 records and housing entries on synthetic 脱贫户 without a case."""
    rng = random.Random(seed)
    user = make_user(Role.COUNTY, "532926", username="computed20")
    taken = set(Case.objects.values_list("household", flat=True))
    tuopin = [h for h in Household.objects.filter(kind="脱贫户").order_by("pk") if h.pk not in taken]
    batch = FeedBatch.objects.create(department="human_resources", checksum="c20", source="upload")
    row = 0
    for household in rng.sample(tuopin, min(len(tuopin), 60)):
        risks = rng.choice([["因病"], ["住房出现安全问题"], ["饮水安全问题", "因残"], ["因学"]])
        identified = D(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        case = Case.objects.create(
            household=household, village_id=household.village_id, source="cadre", status=CaseStatus.CONFIRMED,
            step_started_on=identified, due=identified, identified_on=identified, monitoring_type="脱贫不稳定户",
            opened_at=datetime.datetime(YEAR, 1, 2, tzinfo=datetime.UTC), risk_types=risks,
        )  # fmt: skip
        measure = Measure.objects.create(
            case=case, category="就业帮扶", content="技能培训", started_on=identified, recorded_by=user
        )
        for membership in Membership.objects.filter(household=household, left_on__isnull=True):
            trained_on = D(YEAR, rng.randint(1, 11), rng.randint(1, 28))
            PersonItem.objects.create(
                measure=measure, person=membership.person, kind=PersonItemKind.TRAINING, detail="培训",
                started_on=trained_on, recorded_by=user,
            )  # fmt: skip
            after = trained_on + datetime.timedelta(days=rng.randint(-20, 40))
            draw = rng.random()
            if draw < 0.3:
                kind = rng.choice([PersonItemKind.JOB, PersonItemKind.WELFARE_JOB])
                PersonItem.objects.create(
                    measure=measure, person=membership.person, kind=kind, detail="岗位", started_on=after,
                    recorded_by=user,
                )  # fmt: skip
            elif draw < 0.6:
                row += 1
                FeedRecord.objects.create(
                    batch=batch, department="human_resources", row_number=row, person=membership.person,
                    household=household, record_date=after, code=rng.choice(["就业", "就业", "失业"]),
                )  # fmt: skip
        if rng.random() < 0.4 and not HousingLedgerEntry.objects.filter(household=household).exists():
            closed = rng.choice([None, D(YEAR, rng.randint(1, 12), 15), D(YEAR + 1, 1, 10)])
            HousingLedgerEntry.objects.create(
                household=household, village_id=household.village_id, guarantee_years=10,
                completion="竣工验收合格" if closed else "", grade="C", way="修缮加固", status="closed" if closed else "open",
                opened_on=D(YEAR - 1, 6, 1), opened_by=user, closed_on=closed, closed_by=user if closed else None,
            )  # fmt: skip


def _top_up_month(seed: int) -> None:
    """In the month period: eliminations, and households taken in again after an elimination — with the
    `reopens` link, and without it (an earlier eliminated case of the household is enough)."""
    rng = random.Random(seed)
    taken = set(Case.objects.values_list("household", flat=True))
    free = [h for h in Household.objects.filter(kind="脱贫户").order_by("pk") if h.pk not in taken]
    for number, household in enumerate(rng.sample(free, min(len(free), 6))):
        eliminated = D(YEAR, 6, 3 + number) if number < 4 else D(YEAR - 1, 11, 20)
        old = Case.objects.create(
            household=household, village_id=household.village_id, source="cadre", status=CaseStatus.ELIMINATED,
            step_started_on=eliminated, due=eliminated, identified_on=D(YEAR - 1, 3, 1), eliminated_on=eliminated,
            elimination_method=EliminationMethod.ASSISTED, monitoring_type="脱贫不稳定户", risk_types=["因病"],
            opened_at=datetime.datetime(YEAR - 1, 2, 1, tzinfo=datetime.UTC),
        )  # fmt: skip
        if number < 2:
            continue  # eliminated in the month and not taken in again
        again = D(YEAR, 6, 20 + number)
        Case.objects.create(
            household=household, village_id=household.village_id, source="department", status=CaseStatus.CONFIRMED,
            step_started_on=again, due=again, identified_on=again, monitoring_type="脱贫不稳定户", risk_types=["因学"],
            opened_at=datetime.datetime(YEAR, 6, 1, tzinfo=datetime.UTC), reopens=old if number % 2 else None,
        )  # fmt: skip


def _top_up_rare(seed: int) -> None:
    """What the synthetic registry and library hardly hold: relocated households' new labour in school, and
    冷链物流 / 农村电商 projects (copies of built projects of the year, under new codes)."""
    rng = random.Random(seed)
    young = list(
        Membership.objects.filter(
            left_on__isnull=True,
            person__birth_date__gte=D(YEAR - 18, 1, 1),
            person__birth_date__lte=D(YEAR - 15, 12, 31),
        ).order_by("pk")
    )
    for membership in rng.sample(young, min(len(young), 12)):
        Household.objects.filter(pk=membership.household_id).update(is_relocated=True)
        schooling = rng.choice(["中职一年级", "技师学院二年级", "", "普通高中一年级", "高职高专一年级"])
        Person.objects.filter(pk=membership.person_id).update(schooling=schooling)
    built = list(Project.objects.filter(year=YEAR, completed_on__year=YEAR, status="accepted").order_by("pk"))
    categories = {
        c.code: c
        for c in ProjectCategory.objects.filter(code__in=["industry_cold_chain", "industry_ecommerce"])
    }
    for number, project in enumerate(rng.sample(built, min(len(built), 8))):
        project.pk, project.code = None, f"C20-{number:03d}"
        project.category = categories[rng.choice(sorted(categories))]
        project.save()
        if number < 4:
            # a later version not (yet) in the library: the built version stays current and counts
            first = project.pk
            project.pk, project.version, project.previous_id = None, project.version + 1, first
            project.status = ("proposed", "returned", "cancelled", "prefecture_decision")[number]
            project.save()
        elif number == 4:
            # an approved adjustment: the old version is 已调整, the new one (in the library) is current
            Project.objects.filter(pk=project.pk).update(status="adjusted")
            first = project.pk
            project.pk, project.version, project.previous_id = None, project.version + 1, first
            project.save()


@pytest.fixture
def synthetic_world(shipped_data: None, clock_at: Any) -> None:
    clock_at(TODAY)
    synthetic_registry_generate(settings=Settings(scale=0.003, seed=SEED, year=YEAR))
    synthetic_projects_generate(seed=SEED, per_year=120)
    synthetic_funds_generate(seed=SEED)
    try:
        from zhenxing.synth.planning_history import synthetic_history_generate
    except ImportError:  # not landed: the top-up alone
        pass
    else:
        synthetic_history_generate(seed=SEED, year=YEAR)
    _top_up(SEED)
    _top_up_month(SEED)
    _top_up_rare(SEED)


def assert_count(
    name: str, expected: dict[str, Decimal], *, nontrivial: bool = True, month: bool = False
) -> None:
    context = context_of(YEAR, MONTH_START, MONTH_END) if month else context_of(YEAR)
    got = numerators(COMPUTED[name].compute(context))
    assert got == expected, f"{name} ({'month' if month else 'year'})"
    if nontrivial:
        assert any(expected.values()), f"{name}: the synthetic data leaves it at zero"


def assert_share(name: str, numerator: dict[str, Decimal], denominator: dict[str, Decimal]) -> None:
    figures = COMPUTED[name].compute(context_of(YEAR))
    assert numerators(figures) == numerator, name
    assert denominators(figures) == denominator, name
    assert any(denominator.values()) and any(numerator.values()), (
        f"{name}: the synthetic data leaves it at zero"
    )


def test_p12_p16_computed_indicators_match_independent_sql_on_synthetic_data(synthetic_world: None) -> None:
    rules = context_of(YEAR).rules
    # income: 脱贫户 with a household year and members on 31 December
    income = rows(f"""
        SELECT c.code, SUM(y.wage + y.business + y.property + y.transfer - y.business_cost),
               SUM(y.business - y.business_cost), SUM(n.n)
        FROM registry_householdyear y JOIN registry_household h ON h.id = y.household_id {COUNTY_OF_H}
        JOIN (SELECT m.household_id, COUNT(*) AS n FROM registry_membership m WHERE {YEAR_END_MEMBER}
              GROUP BY m.household_id) n ON n.household_id = h.id
        WHERE y.year = %(year)s AND h.kind = '脱贫户' GROUP BY c.code""")
    assert_share(
        "income_per_capita",
        {code: Decimal(net) / 100 for code, net, _, _ in income},
        {code: Decimal(people) for code, _, _, people in income},
    )
    assert_share(
        "income_business_share",
        {code: Decimal(business) for code, _, business, _ in income if business},
        {code: Decimal(net) for code, net, _, _ in income if net},
    )
    # transfer employment
    transfer = counts(
        f"""SELECT c.code, COUNT(DISTINCT p.id) {TUOPIN_MEMBERS} {LABOUR_AGED} AND p.work_months >= %(months)s
        AND (%(outside)s = 0 OR p.work_place IN ('乡镇外县内', '县外省内', '省外')) GROUP BY c.code""",
        months=rules["transfer_min_months"], outside=rules["transfer_outside_township"],
        **born(rules["labour_min_age"], rules["labour_max_age"]),
    )  # fmt: skip
    assert_count("transfer_employment", transfer)
    # training and employment after it
    labour = born(rules["labour_min_age"], rules["labour_max_age"])
    trained = f"{TUOPIN_MEMBERS} {LABOUR_AGED} AND {FIRST_TRAINING} IS NOT NULL"
    training = counts(f"SELECT c.code, COUNT(DISTINCT p.id) {trained} GROUP BY c.code", **labour)
    assert_count("tuopin_training", training)
    everyone = counts(f"SELECT c.code, COUNT(DISTINCT p.id) {TUOPIN_MEMBERS} AND {FIRST_TRAINING} IS NOT NULL "
                      "GROUP BY c.code")  # fmt: skip
    assert sum(everyone.values()) > sum(training.values()), "no trained member outside the labour force"
    employed = counts(
        f"""SELECT c.code, COUNT(DISTINCT p.id) {trained} AND (
        EXISTS (SELECT 1 FROM monitoring_personitem j WHERE j.person_id = p.id AND j.kind IN ('就业岗位', '公益岗位')
                AND j.started_on >= {FIRST_TRAINING} AND j.started_on <= %(end)s)
        OR EXISTS (SELECT 1 FROM feeds_feedrecord f WHERE f.person_id = p.id AND f.department = 'human_resources'
                AND f.code = '就业' AND f.record_date >= {FIRST_TRAINING} AND f.record_date <= %(end)s)
        OR p.work_months >= 1) GROUP BY c.code""",
        **labour,
    )
    assert_share("training_employment_rate", employed, training)
    # vocational schooling
    vocational = (
        "(p.schooling LIKE '中职%%' OR p.schooling LIKE '高职高专%%' OR p.schooling LIKE '技师学院%%')"
    )
    two_after = born(rules["two_after_min_age"], rules["two_after_max_age"])
    ages = "AND p.birth_date BETWEEN %(born_from)s AND %(born_to)s"
    assert_share(
        "two_after_vocational",
        counts(f"SELECT c.code, COUNT(DISTINCT p.id) {TUOPIN_MEMBERS} {ages} AND {vocational} GROUP BY c.code",
               **two_after),
        counts(f"""SELECT c.code, COUNT(DISTINCT p.id) {TUOPIN_MEMBERS} {ages}
               AND (p.schooling = '' OR {vocational}) GROUP BY c.code""", **two_after),
    )  # fmt: skip
    relocated_members = TUOPIN_MEMBERS.replace("h.kind = '脱贫户'", "h.is_relocated = %(true)s")
    secondary = "(p.schooling LIKE '中职%%' OR p.schooling LIKE '技师学院%%')"
    new_labour = {**born(rules["new_labour_min_age"], rules["new_labour_max_age"]), "true": True}
    relocated_in = counts(
        f"SELECT c.code, COUNT(DISTINCT p.id) {relocated_members} {ages} AND {secondary} GROUP BY c.code",
        **new_labour,
    )
    relocated_all = counts(
        f"""SELECT c.code, COUNT(DISTINCT p.id) {relocated_members} {ages}
        AND (p.schooling = '' OR {secondary}) GROUP BY c.code""",
        **new_labour,
    )
    assert_share("relocated_vocational", relocated_in, relocated_all)
    # housing ledger, water
    entries = f"FROM monitoring_housingledgerentry e JOIN registry_household h ON h.id = e.household_id {COUNTY_OF_H}"
    assert_count(
        "housing_open",
        counts(f"""SELECT c.code, COUNT(DISTINCT h.id) {entries}
        WHERE e.opened_on <= %(end)s AND (e.closed_on IS NULL OR e.closed_on > %(end)s) GROUP BY c.code"""),
    )
    assert_count(
        "housing_closed",
        counts(f"""SELECT c.code, COUNT(DISTINCT h.id) {entries}
        WHERE e.closed_on BETWEEN %(start)s AND %(end)s GROUP BY c.code"""),
    )
    assert_count(
        "water_problem_households",
        counts(
            f"""SELECT c.code, COUNT(DISTINCT h.id)
        FROM registry_householdyear y JOIN registry_household h ON h.id = y.household_id {COUNTY_OF_H}
        WHERE y.year = %(year)s AND (y.water_supply_cut_days > 30 OR y.water_quality_ok = %(false)s
              OR y.water_access_ok = %(false)s) GROUP BY c.code""",
            false=False,
        ),
    )
    _projects_and_funds()
    _returns()
    for month in (False, True):
        _cases(month=month)


def _projects_and_funds() -> None:
    library = rows(f"""SELECT c.code, COUNT(DISTINCT p.code), SUM(p.total_fen) FROM projects_project p
        JOIN divisions_division c ON c.id = p.county_id WHERE p.year = %(year)s
        AND p.status IN {LIBRARY} GROUP BY c.code""")
    assert_count("library_projects", {code: Decimal(n) for code, n, _ in library})
    assert_count("library_investment", {code: Decimal(fen) / 1_000_000 for code, _, fen in library if fen})
    # the current version: not an 已调整 old version, no later version in the library (an adjustment under
    # way, returned or cancelled leaves the built version current)
    built = f"""SELECT c.code, COUNT(DISTINCT {{what}}) FROM projects_project p
        JOIN divisions_division c ON c.id = p.county_id JOIN divisions_division d ON d.id = p.division_id
        JOIN projects_projectcategory k ON k.id = p.category_id
        WHERE k.code = %(category)s AND p.completed_on <= %(end)s AND {{when}}
        AND p.status NOT IN ('withdrawn', 'terminated', 'cancelled', 'adjusted')
        AND NOT EXISTS (SELECT 1 FROM projects_project q WHERE q.code = p.code AND q.version > p.version
                        AND q.status IN {LIBRARY})
        GROUP BY c.code"""
    in_year = built.format(what="p.code", when="p.completed_on >= %(start)s")
    for name, category in (
        ("cold_chain_bases", "industry_cold_chain"),
        ("ecommerce_sites", "industry_ecommerce"),
    ):
        assert_count(name, counts(in_year, category=category))
    assert_count(
        "tourism_villages",
        counts(built.format(what="p.division_id", when="d.level = 'village'"), category="industry_tourism"),
    )
    # funds: paid ÷ allocated of the budget year
    allocated = counts("""SELECT c.code, SUM(l.amount_fen) FROM funds_allocationline l
        JOIN funds_allocation a ON a.id = l.allocation_id JOIN divisions_division c ON c.id = l.county_id
        WHERE a.budget_year = %(year)s GROUP BY c.code""")
    paid = counts("""SELECT c.code, SUM(x.amount_fen) FROM funds_payment x
        JOIN divisions_division c ON c.id = x.county_id WHERE x.budget_year = %(year)s GROUP BY c.code""")
    assert_share("fund_progress", paid, allocated)
    sources = counted_sources(parameter_for(ParameterKind.FUND_INDUSTRY_SHARE, year=YEAR).value)
    listed = ", ".join(f"'{s}'" for s in sources)
    base = counts(f"""SELECT c.code, SUM(l.amount_fen) FROM funds_allocationline l
        JOIN funds_allocation a ON a.id = l.allocation_id JOIN divisions_division c ON c.id = l.county_id
        WHERE a.budget_year = %(year)s AND l.source IN ({listed}) GROUP BY c.code""")
    industry = f"""FROM funds_split s JOIN funds_allocationline l ON l.id = s.line_id
        JOIN funds_allocation a ON a.id = l.allocation_id JOIN projects_project p ON p.id = s.project_id
        JOIN projects_projectcategory k ON k.id = p.category_id JOIN divisions_division c ON c.id = s.county_id
        WHERE s.status = 'active' AND s.source IN ({listed}) AND a.budget_year = %(year)s AND k.is_industry = %(true)s"""
    given = counts(f"SELECT c.code, SUM(s.amount_fen) {industry} GROUP BY c.code", true=True)
    released = counts(
        f"SELECT c.code, SUM(r.amount_fen) {industry.replace('FROM funds_split s', 'FROM funds_release r JOIN funds_split s ON s.id = r.split_id')} GROUP BY c.code",
        true=True,
    )
    used = {code: given.get(code, 0) - released.get(code, 0) for code in given}
    assert_share("fund_industry_share", {k: v for k, v in used.items() if v}, base)


def _risks(value: Any) -> Sequence[str]:
    return json.loads(value) if isinstance(value, str) else value or []


def _returns() -> None:
    # P16: 脱贫户 with a case confirmed in the year; people = members on 31 December
    households = rows(f"""
        SELECT c.code, h.id, y.wage + y.business + y.property + y.transfer - y.business_cost,
               (SELECT COUNT(*) FROM registry_membership m WHERE m.household_id = h.id AND {YEAR_END_MEMBER})
        FROM registry_household h {COUNTY_OF_H}
        LEFT JOIN registry_householdyear y ON y.household_id = h.id AND y.year = %(year)s
        WHERE h.kind = '脱贫户' AND EXISTS (SELECT 1 FROM monitoring_case k WHERE k.household_id = h.id
              AND k.status IN {CONFIRMED} AND k.identified_on BETWEEN %(start)s AND %(end)s)""")
    unmet: set[int] = set()
    for household, risks in rows(f"""SELECT k.household_id, k.risk_types FROM monitoring_case k
            WHERE k.status IN {CONFIRMED} AND k.identified_on BETWEEN %(start)s AND %(end)s"""):
        if {"住房出现安全问题", "义务教育阶段失学辍学", "饮水安全问题"} & set(_risks(risks)):
            unmet.add(household)
    basic: dict[str, int] = defaultdict(int)
    returned: dict[str, int] = defaultdict(int)
    for code, household, net, people in households:
        if household in unmet:
            basic[code] += people
            returned[code] += people
        elif net is not None and net < STANDARD_YUAN * 100 * people:
            returned[code] += people
    # without the standard: every county 未配置, the basic-needs part kept
    figures = COMPUTED["returned_people"].compute(context_of(YEAR))
    counties = set(Division.objects.filter(level="county").values_list("code", flat=True))
    assert set(figures) == counties and all(f.unconfigured for f in figures.values())
    assert {
        c: f.parts["basic_needs_people"] for c, f in figures.items() if f.parts["basic_needs_people"]
    } == {c: n for c, n in basic.items() if n}
    assert any(basic.values())
    policy_services.parameter_create(
        actor=make_user(Role.ADMIN, username="c20admin"), kind=ParameterKind.POVERTY_STANDARD, year=YEAR,
        value={"yuan": str(STANDARD_YUAN)}, document="示例", verified=True,
    )  # fmt: skip
    assert_count("returned_people", {c: Decimal(n) for c, n in returned.items() if n})
    assert sum(returned.values()) > sum(basic.values()), "the income part adds nobody"


def _cases(*, month: bool) -> None:
    """P5/P8/P9/P16 case figures over the period: the stock monitored at its end, the flows within it."""
    start, end = (MONTH_START, MONTH_END) if month else (START, END)
    period = {"start": start, "end": end}
    cases = f"FROM monitoring_case k JOIN registry_household h ON h.id = k.household_id {COUNTY_OF_H}"
    monitored = (
        f"k.status IN {CONFIRMED} AND k.identified_on <= %(end)s "
        "AND (k.eliminated_on IS NULL OR k.eliminated_on > %(end)s)"
    )
    households = counts(
        f"SELECT c.code, COUNT(DISTINCT h.id) {cases} WHERE {monitored} GROUP BY c.code", **period
    )
    assert_count("monitoring_households", households, month=month)
    people = counts(
        f"""SELECT c.code, COUNT(DISTINCT m.person_id) FROM registry_membership m
        JOIN registry_household h ON h.id = m.household_id {COUNTY_OF_H} WHERE {YEAR_END_MEMBER}
        AND EXISTS (SELECT 1 FROM monitoring_case k WHERE k.household_id = h.id AND {monitored}) GROUP BY c.code""",
        **period,
    )
    assert_count("monitoring_people", people, month=month)
    assert sum(people.values()) >= sum(households.values())
    identified = f"k.status IN {CONFIRMED} AND k.identified_on BETWEEN %(start)s AND %(end)s"
    assert_count(
        "identified_households",
        counts(f"SELECT c.code, COUNT(DISTINCT h.id) {cases} WHERE {identified} GROUP BY c.code", **period),
        month=month,
    )
    assert_count(
        "eliminated_households",
        counts(
            f"""SELECT c.code, COUNT(DISTINCT h.id) {cases} WHERE k.status = 'eliminated'
            AND k.eliminated_on BETWEEN %(start)s AND %(end)s GROUP BY c.code""",
            **period,
        ),
        month=month,
    )
    assert_count(
        "tuopin_newly_identified",
        counts(
            f"SELECT c.code, COUNT(DISTINCT h.id) {cases} WHERE {identified} AND h.kind = '脱贫户' GROUP BY c.code",
            **period,
        ),
        month=month,
    )
    reopened = counts(
        f"""SELECT c.code, COUNT(DISTINCT h.id) {cases} WHERE {identified} AND (k.reopens_id IS NOT NULL
        OR EXISTS (SELECT 1 FROM monitoring_case e WHERE e.household_id = k.household_id
                   AND e.status = 'eliminated' AND e.eliminated_on < k.identified_on)) GROUP BY c.code""",
        **period,
    )
    assert_count("reopened_households", reopened, month=month)
