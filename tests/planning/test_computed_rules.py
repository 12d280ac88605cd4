"""P12/P16 computed indicators on small hand-made records: every computed indicator of the catalogue has a
selector that runs on an empty database, and the boundaries of the definitions (exactly the months, a member
who left on 31 December, a household without members on that day, the poverty standard not configured)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.factories import make_household, make_user
from zhenxing.accounts.enums import Role
from zhenxing.divisions.models import Division
from zhenxing.monitoring.enums import CaseStatus, PersonItemKind
from zhenxing.monitoring.models import Case, HousingLedgerEntry, Measure, PersonItem
from zhenxing.planning.catalogue import SHIPPED_INDICATORS
from zhenxing.planning.computed import Context
from zhenxing.planning.computed.common import cases_monitored_on, housing_open_on, memberships_on
from zhenxing.planning.computed.education import SECONDARY_VOCATIONAL_PREFIXES, VOCATIONAL_PREFIXES
from zhenxing.planning.computed.employment import LABOUR, transfer_filter
from zhenxing.planning.computed.housing import unsafe_water_filter
from zhenxing.planning.computed.registry import COMPUTED
from zhenxing.planning.parameters import planning_rules
from zhenxing.policy import services as policy_services
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.household import Water
from zhenxing.policy.rules.planning import BASIC_NEEDS_RISK_TYPES, transfer_employed
from zhenxing.policy.rules.risks import unsafe_water
from zhenxing.policy.vocab import SCHOOLING, WORK_PLACES
from zhenxing.projects.models import Project, ProjectCategory
from zhenxing.registry.models import Household, HouseholdYear, Membership, Person

pytestmark = pytest.mark.django_db
D = datetime.date
COUNTY, VILLAGE = "532926", "532926101202"


def context_of(year: int = 2025, starts_on: D | None = None, ends_on: D | None = None) -> Context:
    rules, citation = planning_rules(year)
    return Context(
        year=year, starts_on=starts_on or D(year, 1, 1), ends_on=ends_on or D(year, 12, 31),
        as_of=datetime.datetime(year + 1, 1, 10, tzinfo=datetime.UTC), rules=rules,
        citations={"planning_rules": citation},
    )  # fmt: skip


def value(name: str, context: Context | None = None) -> Decimal | None:
    figure = COMPUTED[name].compute(context or context_of()).get(COUNTY)
    return None if figure is None else figure.value


def members(household: Household) -> list[Person]:
    return [m.person for m in Membership.objects.filter(household=household).order_by("pk")]


def test_p12_every_computed_indicator_has_a_selector_that_runs_on_an_empty_database() -> None:
    computed = [item.code for item in SHIPPED_INDICATORS if item.source == "computed"]
    assert computed and set(computed) <= set(COMPUTED)
    for name in computed:
        selector = COMPUTED[name]
        figures = selector.compute(context_of())
        assert selector.definition and selector.version >= 1
        assert all(f.numerator == 0 for f in figures.values()), name


@pytest.mark.parametrize("months", [0, 1, 2, 3, 4, 12])
@pytest.mark.parametrize("place", [*WORK_PLACES, ""])
@pytest.mark.parametrize("outside", [0, 1])
def test_p12_transfer_filter_is_the_transfer_employed_rule(months: int, place: str, outside: int) -> None:
    # given a 脱贫 labourer with these months and place
    household = make_household(VILLAGE)
    head = members(household)[0]
    Person.objects.filter(pk=head.pk).update(work_months=months, work_place=place)
    rules = {"transfer_min_months": 3, "transfer_outside_township": outside}
    # then the selector's filter agrees with the pure rule
    found = Membership.objects.filter(person=head).filter(transfer_filter(rules)).exists()
    assert found == transfer_employed(
        work_months=months, work_place=place, min_months=3, outside_township_only=bool(outside)
    )


def test_p12_transfer_employment_counts_exactly_the_months_and_year_end_members() -> None:
    # given two 脱贫 households in the labour age (50 and 47 on 31 December 2025), 县外省内
    first, second = make_household(VILLAGE), make_household(VILLAGE)
    minimum = context_of().rules["transfer_min_months"]
    head, spouse = members(first)
    Person.objects.filter(pk=head.pk).update(work_months=minimum)  # exactly N months counts
    Person.objects.filter(pk=spouse.pk).update(work_months=minimum - 1)  # N-1 does not
    leaver, stayer = members(second)
    Membership.objects.filter(person=leaver).update(left_on=D(2025, 12, 31), left_reason="迁出")
    Person.objects.filter(pk=stayer.pk).update(labour="丧失劳动力")  # no labour capacity
    ordinary = make_household(VILLAGE, kind="一般农户")  # not 脱贫户
    # then only the head counts
    assert value("transfer_employment") == Decimal(1)
    assert "丧失劳动力" not in LABOUR and ordinary.kind == "一般农户"


def test_p12_income_leaves_out_households_without_members_on_31_december() -> None:
    # given one 脱贫户 with two members and 20,000 元 net (15,000 wage + 5,000 business), another with none left
    make_household(VILLAGE)
    empty = make_household(VILLAGE)
    Membership.objects.filter(household=empty).update(left_on=D(2025, 12, 31), left_reason="迁出")
    HouseholdYear.objects.filter(household=empty).update(wage=99_999_900)
    # then per capita is 10,000 元 and the business share 25 %
    assert value("income_per_capita") == Decimal("10000.00")
    assert value("income_business_share") == Decimal("25.00")


def _case(household: Household, *, identified_on: D, risk_types: list[str]) -> Case:
    return Case.objects.create(
        household=household, village_id=VILLAGE, source="cadre", status=CaseStatus.CONFIRMED,
        step_started_on=identified_on, due=identified_on, identified_on=identified_on,
        opened_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC), monitoring_type="脱贫不稳定户",
        risk_types=risk_types,
    )  # fmt: skip


def test_p16_returned_people_unconfigured_without_the_standard_keeps_the_basic_needs_part() -> None:
    # given a confirmed 2025 case with an unmet basic need (2 members) and one with income only
    needs = make_household(VILLAGE)
    _case(needs, identified_on=D(2025, 5, 1), risk_types=[BASIC_NEEDS_RISK_TYPES[0]])
    poor = make_household(VILLAGE)
    HouseholdYear.objects.filter(household=poor).update(wage=100, business=0)
    _case(poor, identified_on=D(2025, 6, 1), risk_types=["因病"])
    # when the standard is not configured, every county says 未配置 with the basic-needs part kept
    figures = COMPUTED["returned_people"].compute(context_of())
    assert figures[COUNTY].unconfigured and figures[COUNTY].value is None
    assert figures[COUNTY].parts["basic_needs_people"] == 2
    assert figures["532923"].unconfigured
    # when it is configured (4,000 元: 2 × 4,000 = 8,000 元 > 1 元), both households count: 4 people
    admin = make_user(Role.ADMIN)
    policy_services.parameter_create(
        actor=admin, kind=ParameterKind.POVERTY_STANDARD, year=2025, value={"yuan": "4000"},
        document="示例", verified=True,
    )  # fmt: skip
    context = context_of()
    assert value("returned_people", context) == Decimal(4)
    assert context.citations["poverty_standard"]["year"] == 2025
    # a household exactly at the standard is not below it
    HouseholdYear.objects.filter(household=poor).update(wage=800_000)
    assert value("returned_people") == Decimal(2)


def test_p12_training_employment_after_the_first_training_only() -> None:
    # given a 脱贫 member trained in March 2025, with a job item from February (before) and no work months
    user = make_user(Role.COUNTY, COUNTY)
    household = make_household(VILLAGE)
    head, spouse = members(household)
    Person.objects.filter(pk__in=[head.pk, spouse.pk]).update(work_months=0)
    case = _case(household, identified_on=D(2024, 5, 1), risk_types=["因病"])
    measure = Measure.objects.create(
        case=case, category="就业帮扶", content="培训", started_on=D(2025, 1, 1), recorded_by=user
    )

    def item(person: Person, kind: str, on: D) -> None:
        PersonItem.objects.create(
            measure=measure, person=person, kind=kind, detail="x", started_on=on, recorded_by=user
        )

    item(head, PersonItemKind.TRAINING, D(2025, 3, 1))
    item(head, PersonItemKind.JOB, D(2025, 2, 1))
    item(spouse, PersonItemKind.TRAINING, D(2024, 12, 31))  # last year's training
    # and trained this year but not 脱贫劳动力: one without labour capacity, one past the labour age
    rules = context_of().rules
    unable, old = members(make_household(VILLAGE))
    Person.objects.filter(pk=unable.pk).update(labour="丧失劳动力", work_months=5)
    Person.objects.filter(pk=old.pk).update(birth_date=D(2025 - rules["labour_max_age"] - 1, 12, 31))
    item(unable, PersonItemKind.TRAINING, D(2025, 4, 1))
    item(old, PersonItemKind.TRAINING, D(2025, 4, 1))
    assert value("tuopin_training") == Decimal(1)
    assert value("training_employment_rate") == Decimal("0.00")
    # when a welfare job starts on the training day itself, the head is employed after training
    item(head, PersonItemKind.WELFARE_JOB, D(2025, 3, 1))
    assert value("training_employment_rate") == Decimal("100.00")


@pytest.mark.parametrize("cut_days", [0, 30, 31])
@pytest.mark.parametrize("quality_ok", [True, False])
@pytest.mark.parametrize("access_ok", [True, False])
def test_p12_water_filter_is_the_p6_unsafe_water_rule(
    cut_days: int, quality_ok: bool, access_ok: bool
) -> None:
    # given a household year with these water facts
    household = make_household(VILLAGE)
    HouseholdYear.objects.filter(household=household).update(
        water_supply_cut_days=cut_days, water_quality_ok=quality_ok, water_access_ok=access_ok
    )
    # then the selector's filter and the P6 rule agree, and so does the count
    found = HouseholdYear.objects.filter(household=household).filter(unsafe_water_filter()).exists()
    assert found == unsafe_water(Water(supply_cut_days=cut_days, quality_ok=quality_ok, access_ok=access_ok))
    assert value("water_problem_households") == (Decimal(1) if found else None)


def test_p12_vocational_prefixes_are_schooling_values() -> None:
    assert VOCATIONAL_PREFIXES == ("中职", "高职高专", "技师学院")
    assert SECONDARY_VOCATIONAL_PREFIXES == ("中职", "技师学院")
    for prefix in VOCATIONAL_PREFIXES:
        assert any(s.startswith(prefix) for s in SCHOOLING)


def test_p12_two_after_vocational_counts_the_age_range_and_leavers_of_general_schooling() -> None:
    # given a 脱贫户 whose two members are made 15 and 22 on 31 December (the parameter's two ends), one a
    # 中职 student, the other out of school; and a 23-year-old 技师学院 student (too old) in another household
    rules = context_of().rules
    head, spouse = members(make_household(VILLAGE))
    Person.objects.filter(pk=head.pk).update(
        birth_date=D(2025 - rules["two_after_min_age"], 12, 31), schooling="中职一年级"
    )
    Person.objects.filter(pk=spouse.pk).update(
        birth_date=D(2025 - rules["two_after_max_age"], 1, 1), schooling=""
    )
    older, pupil = members(make_household(VILLAGE))
    Person.objects.filter(pk=older.pk).update(
        birth_date=D(2025 - rules["two_after_max_age"] - 1, 12, 31), schooling="技师学院一年级"
    )
    Person.objects.filter(pk=pupil.pk).update(
        birth_date=D(2009, 5, 1), schooling="普通高中二年级"
    )  # 16, general
    # then one of two
    figure = COMPUTED["two_after_vocational"].compute(context_of())[COUNTY]
    assert (figure.numerator, figure.denominator) == (Decimal(1), Decimal(2))


def test_p16_a_basic_needs_household_without_its_year_still_counts_its_members() -> None:
    # given a 脱贫户 confirmed in 2025 for unsafe housing, with no 2025 household year
    household = make_household(VILLAGE, year=None)
    _case(household, identified_on=D(2025, 3, 1), risk_types=["住房出现安全问题"])
    # then its two members are counted in the basic-needs part (the income part is unknown without the year)
    figure = COMPUTED["returned_people"].compute(context_of())[COUNTY]
    assert figure.parts["basic_needs_people"] == 2


def test_p5_p9_monitored_on_a_day_from_identification_until_the_elimination_day() -> None:
    # given a case confirmed on 1 March 2025 and eliminated on 1 September 2025
    case = _case(make_household(VILLAGE), identified_on=D(2025, 3, 1), risk_types=["因病"])
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.ELIMINATED, eliminated_on=D(2025, 9, 1), elimination_method="assisted"
    )
    # then it is monitored from the identification day up to the day before the elimination
    monitored = {day: cases_monitored_on(day).filter(pk=case.pk).exists() for day in (
        D(2025, 2, 28), D(2025, 3, 1), D(2025, 8, 31), D(2025, 9, 1)
    )}  # fmt: skip
    assert list(monitored.values()) == [False, True, True, False]
    # and the month figures follow: monitored at the end of August, eliminated in September
    august = context_of(starts_on=D(2025, 8, 1), ends_on=D(2025, 8, 31))
    september = context_of(starts_on=D(2025, 9, 1), ends_on=D(2025, 9, 30))
    assert value("monitoring_households", august) == Decimal(1)
    assert value("monitoring_people", august) == Decimal(2)
    assert value("monitoring_households", september) is None
    assert value("eliminated_households", september) == Decimal(1)


def test_p1_p6_member_and_housing_entry_on_a_day_end_on_the_leaving_and_closing_day() -> None:
    # given a member who left on 30 June and a housing entry closed on 30 June
    household = make_household(VILLAGE)
    leaver = members(household)[0]
    Membership.objects.filter(person=leaver).update(left_on=D(2025, 6, 30), left_reason="迁出")
    entry = HousingLedgerEntry.objects.create(
        household=household, village_id=VILLAGE, guarantee_years=10, completion="竣工验收合格", grade="C",
        way="修缮加固", status="closed", opened_on=D(2025, 1, 10), opened_by=make_user(Role.COUNTY, COUNTY),
        closed_on=D(2025, 6, 30),
    )  # fmt: skip
    # then the member is there until 29 June, the entry open from 10 January to 29 June; both gone on 30 June
    for day, member, entry_open in (
        (D(2025, 1, 9), True, False), (D(2025, 1, 10), True, True), (D(2025, 6, 29), True, True),
        (D(2025, 6, 30), False, False),
    ):  # fmt: skip
        assert memberships_on(day).filter(person=leaver).exists() == member, day
        assert housing_open_on(day).filter(pk=entry.pk).exists() == entry_open, day


def _cold_chain(
    code: str, *, version: int = 1, status: str = "accepted", previous: Project | None = None
) -> Project:
    category = ProjectCategory.objects.get(code="industry_cold_chain")
    return Project.objects.create(
        code=code, version=version, previous=previous, name="冷链物流基地", year=2025, category=category,
        sector=category.sector, level="county", county=Division.objects.get(code=COUNTY),
        division=Division.objects.get(code=COUNTY), implementing_unit="县农业农村局", content="冷库", scale="1座",
        starts_on=D(2025, 3, 1), ends_on=D(2025, 9, 1), total_fen=1_000_000, status=status,
        completed_on=D(2025, 8, 1), created_by=make_user(Role.COUNTY, COUNTY),
    )  # fmt: skip


@pytest.mark.parametrize("later", ["proposed", "prefecture_decision", "returned", "cancelled"])
def test_p14_a_built_project_stays_current_while_its_adjustment_is_not_approved(later: str) -> None:
    # given a cold-chain base completed in 2025 with a later version that is not (yet) in the library
    built = _cold_chain("C20-1")
    _cold_chain("C20-1", version=2, status=later, previous=built)
    # then the built version still counts, as it still does in the library
    assert value("cold_chain_bases") == Decimal(1)
    assert value("library_projects") == Decimal(1)


def test_p14_an_approved_adjustment_replaces_the_old_version_once() -> None:
    # given an adjusted old version and its approved new version, both completed in 2025
    old = _cold_chain("C20-2", status="adjusted")
    _cold_chain("C20-2", version=2, status="completed", previous=old)
    # then the project is counted once; withdrawn afterwards, not at all (the old version does not come back)
    assert value("cold_chain_bases") == Decimal(1)
    Project.objects.filter(code="C20-2", version=2).update(status="withdrawn")
    assert value("cold_chain_bases") is None
    assert value("library_projects") is None
