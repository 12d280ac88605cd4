"""Issue 13, item 2: a household with no members on 31 December of a year it has income for (every household
imported this year with last year's 年度收支) crashed the household page, the ID lookup that lands there and
the case moves to 实地调查 / 不予纳入 with DivisionByZero. Decided as policy (P1, P3): such a year has no
per-capita income. The property test builds arbitrary registry states and opens every page and every
evaluation over them: never a 500."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common.errors import InvalidInput
from zhenxing.monitoring.decisions import policy_decision
from zhenxing.monitoring.enums import CaseSource, CaseStatus
from zhenxing.monitoring.identification.services import case_move, case_open
from zhenxing.monitoring.models import Case
from zhenxing.policy.contract import evaluate_json, evaluate_with_parameters
from zhenxing.policy.household import Household
from zhenxing.policy.rules.income import NoMembersAtYearEnd, require_year_end_members
from zhenxing.registry import facts, services
from zhenxing.registry.models import HouseholdYear

from ..conftest import COUNTY, VILLAGE
from ..factories import division, id_number_for, make_user

pytestmark = pytest.mark.django_db

INCOME_FIELDS = (
    "wage",
    "business",
    "property",
    "transfer",
    "business_cost",
    "insurance_payouts",
    "medical_expense",
)


def _household_with_members_who_left(year: int) -> Any:
    """Imported this year (members joined in January) with last year's 年度收支: nobody on 31 December."""
    household = services.household_create(
        actor=None, village=division(VILLAGE), kind="脱贫户", code=f"{VILLAGE}90001"
    )
    services.person_add_to_household(
        actor=None, household=household, relation="户主", joined_on=datetime.date(year + 1, 1, 15), name="赵有田",
        sex="男", birth_date=datetime.date(1970, 1, 1), id_number=id_number_for(COUNTY, datetime.date(1970, 1, 1), 901),
        ethnicity="白族", education="小学", health="健康", labour="普通劳动力",
    )  # fmt: skip
    services.household_year_upsert(actor=None, household=household, year=year, values={"wage": 800_000})
    return household


def test_policy_refuses_a_year_without_members_with_its_reason() -> None:
    with pytest.raises(NoMembersAtYearEnd) as refused:
        require_year_end_members(Household(kind="脱贫户", members=()), year=2025)
    assert "2025年12月31日该户没有家庭成员" in str(refused.value)


def test_household_page_says_so_in_chinese(county_user: User, shipped_data: None) -> None:
    # given a household whose only member joined after the year it has income for
    household = _household_with_members_who_left(2025)
    client = Client()
    client.force_login(county_user)
    # when its page is opened
    response = client.get(f"/households/{household.pk}/")
    # then it answers, saying why there is no per-capita income
    assert response.status_code == 200
    assert "2025年12月31日该户没有家庭成员" in response.content.decode()


def test_contract_answers_the_error_with_its_json_path(shipped_data: None) -> None:
    body = b'{"year": 2025, "household": {"kind": "\xe8\x84\xb1\xe8\xb4\xab\xe6\x88\xb7", "members": []}}'
    status, text = evaluate_json(body)
    assert status == 422
    assert '"loc": ["household", "members"]' in text
    # and the shared evaluation refuses a registry household the same way, with the JSON path
    household = _household_with_members_who_left(2025)
    record = HouseholdYear.objects.get(household=household)
    with pytest.raises(InvalidInput) as refused:
        evaluate_with_parameters(facts.policy_household(household, record), year=2025)
    assert refused.value.errors()[0].loc == ("household", "members")


def test_case_moves_record_the_reason_instead_of_crashing(shipped_data: None) -> None:
    # given a case for such a household at 综合分析研判
    household = _household_with_members_who_left(2025)
    village = make_user(Role.VILLAGE, VILLAGE)
    case = case_open(
        actor=village, village=division(VILLAGE), source=CaseSource.CADRE, household=household, summary="因病"
    )
    case = case_move(actor=village, case=case, to=CaseStatus.ANALYSIS)
    # when the village completes the analysis (the step that crashed)
    case = case_move(actor=village, case=case, to=CaseStatus.INVESTIGATION, findings="部门比对无异常")
    # then the move is made and the decision keeps the reason, not a verdict
    step = case.steps.order_by("-id").first()
    assert case.status == CaseStatus.INVESTIGATION
    assert step is not None and step.decision["verdict"] is None
    assert "没有家庭成员" in step.decision["note"]
    # and 不予纳入 works as well
    case = case_move(actor=village, case=case, to=CaseStatus.REJECTED, findings="经核实不符合条件")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REJECTED


def test_data_quality_lists_a_year_without_members(county_user: User, shipped_data: None) -> None:
    from zhenxing.registry.quality import households_with_issue

    household = _household_with_members_who_left(2025)
    found = households_with_issue(
        type(household).objects.all(), "year_without_members", today=datetime.date(2026, 12, 2)
    )
    assert list(found) == [household]
    client = Client()
    client.force_login(county_user)
    assert "年度收支" in client.get("/households/quality/").content.decode()


# --- the property ---------------------------------------------------------------------------------------

DAY = st.integers(min_value=-400, max_value=400)  # days around 31 December
MEMBER = st.tuples(
    st.sampled_from(["户主", "配偶", "之子", "之女", "其他"]), DAY, st.one_of(st.none(), st.integers(0, 800))
)
# fen; each amount is non-negative (a database constraint), but a business cost above the income makes the
# net income negative, and all zeros is a household with no income at all
AMOUNT = st.one_of(st.just(0), st.integers(min_value=0, max_value=50_000_000))


@settings(
    max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    members=st.lists(MEMBER, max_size=4),
    years=st.lists(st.sampled_from([2023, 2024, 2025]), min_size=0, max_size=3, unique=True),
    amounts=st.lists(AMOUNT, min_size=len(INCOME_FIELDS), max_size=len(INCOME_FIELDS)),
)
def test_no_registry_state_makes_a_page_or_an_evaluation_fail(
    county_user: User,
    shipped_data: None,
    members: list[tuple[str, int, int | None]],
    years: list[int],
    amounts: list[int],
) -> None:
    # given an arbitrary household: members joining and leaving around year ends, maybe none, odd incomes
    _given_household.counter += 1  # type: ignore[attr-defined]
    household = _given_household(members, years, amounts, _given_household.counter)  # type: ignore[attr-defined]
    client = Client()
    client.force_login(county_user)
    # when every page about it is opened, then none fails
    for url in (
        f"/households/{household.pk}/",
        f"/households/{household.pk}/history/",
        f"/cases/sector/{household.pk}/",
        f"/cases/trace/{household.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # and every evaluation either judges the year or says why it cannot
    for record in HouseholdYear.objects.filter(household=household):
        try:
            evaluation = evaluate_with_parameters(facts.policy_household(household, record), year=record.year)
        except InvalidInput as error:
            assert error.errors()[0].message
        else:
            assert evaluation.verdict.household_size > 0
    decision = policy_decision(household)
    assert decision.get("verdict") is not None or decision.get("note")


def _given_household(
    members: list[tuple[str, int, int | None]], years: list[int], amounts: list[int], n: int
) -> Any:
    household = services.household_create(
        actor=None, village=division(VILLAGE), kind="一般农户", code=f"{VILLAGE}{80000 + n:05d}"
    )
    year_end = datetime.date(2025, 12, 31)
    for index, (relation, joined, stayed) in enumerate(members):
        joined_on = year_end + datetime.timedelta(days=joined)
        birth = datetime.date(1960 + index, 5, 17)
        relation = relation if index == 0 or relation != "户主" else "其他"
        membership = services.person_add_to_household(
            actor=None, household=household, relation=relation, joined_on=joined_on, name=f"成员{index}", sex="女",
            birth_date=birth, id_number=id_number_for(COUNTY, birth, (n * 7 + index) % 999 + 1),
            ethnicity="汉族", education="初中", health="健康", labour="普通劳动力",
        )  # fmt: skip
        if stayed is not None:
            services.membership_end(
                actor=None,
                membership=membership,
                left_on=joined_on + datetime.timedelta(days=stayed),
                reason="move_out",
            )
    for year in years:
        record = services.household_year_upsert(
            actor=None, household=household, year=year, values=dict.fromkeys(INCOME_FIELDS[:5], 0)
        )
        HouseholdYear.objects.filter(pk=record.pk).update(**dict(zip(INCOME_FIELDS, amounts, strict=True)))
    return household


_given_household.counter = 0  # type: ignore[attr-defined]
