"""P12/P16 parameters as data: planning_rules and assessment ship unverified, poverty_standard ships empty (the
返贫 count says 未配置 until an administrator enters it); each value is checked before it is stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import InvalidInput
from zhenxing.policy import selectors, services
from zhenxing.policy.enums import KIND_YEAR_RULE, ParameterKind, YearRule
from zhenxing.policy.models import Parameter
from zhenxing.policy.parameter_fields import ParameterValueForm, value_rows
from zhenxing.policy.rules.assessment import scheme_from_values
from zhenxing.policy.values import clean_value

pytestmark = pytest.mark.django_db


def _messages(error: InvalidInput) -> str:
    return " ".join(detail.message for detail in error.details)


def test_p12_p16_planning_rules_ship_unverified_for_all_years() -> None:
    assert KIND_YEAR_RULE[ParameterKind.PLANNING_RULES] == YearRule.ALL_YEARS
    rules = selectors.parameter_for(ParameterKind.PLANNING_RULES, year=2023)
    assert rules.year is None
    assert not rules.verified
    assert rules.value == {
        "transfer_min_months": 3,
        "transfer_outside_township": 1,
        "labour_min_age": 16,
        "labour_max_age": 64,
        "two_after_min_age": 15,
        "two_after_max_age": 22,
        "new_labour_min_age": 15,
        "new_labour_max_age": 18,
        "large_scale_return_people": 30,
        "freeze_grace_days": 10,
    }
    assert selectors.parameter_for(ParameterKind.PLANNING_RULES, year=2030).pk == rules.pk


def test_p16_poverty_standard_ships_empty_so_returns_are_not_configured() -> None:
    assert KIND_YEAR_RULE[ParameterKind.POVERTY_STANDARD] == YearRule.EXACT
    assert not Parameter.objects.filter(kind=ParameterKind.POVERTY_STANDARD).exists()
    with pytest.raises(selectors.ParameterMissing):
        selectors.parameter_for(ParameterKind.POVERTY_STANDARD, year=2023)


def test_p16_assessment_ships_from_2021_unverified_in_force_after() -> None:
    assert KIND_YEAR_RULE[ParameterKind.ASSESSMENT] == YearRule.IN_FORCE
    assessment = selectors.parameter_for(ParameterKind.ASSESSMENT, year=2025)
    assert assessment.year == 2021
    assert not assessment.verified
    scheme = scheme_from_values(assessment.value)
    assert dict(scheme.weights) == {"responsibility": 20, "policy": 25, "work": 25, "results": 30}
    assert (scheme.good_from, scheme.fair_from) == (90, 80)
    assert scheme.per["overdue_leads"] == Decimal("0.5")
    with pytest.raises(selectors.ParameterMissing):
        selectors.parameter_for(ParameterKind.ASSESSMENT, year=2020)


def test_p16_poverty_standard_entered_and_audited(admin_user: User) -> None:
    # when the administrator enters the 2023 standard from its document
    parameter = services.parameter_create(
        actor=admin_user,
        kind=ParameterKind.POVERTY_STANDARD,
        year=2023,
        value={"yuan": "4000"},
        document="国家扶贫标准（示例文件）",
        verified=True,
    )
    # then it answers for 2023 only, stored as a whole number, and the write is audited
    assert selectors.parameter_for(ParameterKind.POVERTY_STANDARD, year=2023).value == {"yuan": 4000}
    with pytest.raises(selectors.ParameterMissing):
        selectors.parameter_for(ParameterKind.POVERTY_STANDARD, year=2024)
    assert AuditEvent.objects.filter(action="parameter.create", target_id=str(parameter.pk)).count() == 1
    assert value_rows(ParameterKind.POVERTY_STANDARD, parameter.value) == [("标准", "4,000.00 元/人·年")]


@pytest.mark.parametrize(("yuan", "message"), [(0, "应大于0元"), (-1, "非负整数"), ("四千", "应为数字")])
def test_p16_poverty_standard_must_be_a_positive_whole_yuan(yuan: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        clean_value(ParameterKind.POVERTY_STANDARD, {"yuan": yuan})
    assert message in _messages(error.value)


def _assessment(**changes: int) -> dict[str, int]:
    value = dict(Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True).value)
    value.update(changes)
    return value


def test_p16_assessment_weights_must_add_up_to_100() -> None:
    with pytest.raises(InvalidInput) as error:
        clean_value(ParameterKind.ASSESSMENT, _assessment(weight_work=30))
    assert "四项权重合计应为100，现为 105" in _messages(error.value)


@pytest.mark.parametrize("fair_from", [90, 95])
def test_p16_assessment_fair_threshold_below_good(fair_from: int) -> None:
    with pytest.raises(InvalidInput) as error:
        clean_value(ParameterKind.ASSESSMENT, _assessment(fair_from=fair_from))
    assert "“较好”最低分 < “好”最低分" in _messages(error.value)


def test_p16_assessment_missing_key_refused() -> None:
    value = _assessment()
    del value["overdue_leads_per"]
    with pytest.raises(InvalidInput) as error:
        clean_value(ParameterKind.ASSESSMENT, value)
    assert "缺少 overdue_leads_per（逾期线索每条扣分（0.1分））" in _messages(error.value)


def test_p16_assessment_revised_through_the_service_refuses_bad_weights(admin_user: User) -> None:
    current = Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True)
    with pytest.raises(InvalidInput):
        services.parameter_revise(
            actor=admin_user,
            parameter=current,
            value=_assessment(weight_results=10),
            document=current.document,
            verified=False,
            reason="试算",
        )
    assert Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True).pk == current.pk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"transfer_min_months": 0}, "1到12个月"),
        ({"transfer_min_months": 13}, "1到12个月"),
        ({"transfer_outside_township": 2}, "1（是）或0（否）"),
        ({"two_after_min_age": 23}, "两后生最低年龄（岁）应不大于两后生最高年龄（岁）"),
        ({"large_scale_return_people": 0}, "规模性返贫预警人数应大于0"),
    ],
)
def test_p12_planning_rules_checked(changes: dict[str, int], message: str) -> None:
    value = dict(Parameter.objects.get(kind=ParameterKind.PLANNING_RULES, is_current=True).value)
    value.update(changes)
    with pytest.raises(InvalidInput) as error:
        clean_value(ParameterKind.PLANNING_RULES, value)
    assert message in _messages(error.value)


def test_p16_assessment_form_shows_points_and_stores_tenths() -> None:
    # given the shipped assessment
    current = Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True)
    rows = dict(value_rows(current.kind, current.value))
    # then deductions read in points, weights in percent
    assert rows["逾期线索每条扣分"] == "0.5 分"
    assert rows["数据质量问题每条扣分"] == "0.1 分"
    assert rows["衔接资金支出进度满分"] == "10.0 分"
    assert rows["工作落实权重"] == "25%"
    assert rows["“好”等次最低总分"] == "90 分"
    # and the form takes 1.5 points for a lead, stored as 15 tenths
    form = ParameterValueForm(
        kind=current.kind, initial=ParameterValueForm.initial_for(current.kind, current.value)
    )
    assert form.initial["value_overdue_leads_per"] == Decimal("0.5")
    data = {name: str(value) for name, value in form.initial.items()}
    data["value_overdue_leads_per"] = "1.5"
    posted = ParameterValueForm(data, kind=current.kind)
    assert posted.is_valid(), posted.errors
    assert clean_value(current.kind, posted.value())["overdue_leads_per"] == 15


def test_p16_assessment_form_refuses_hundredths() -> None:
    current = Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True)
    form = ParameterValueForm(
        kind=current.kind, initial=ParameterValueForm.initial_for(current.kind, current.value)
    )
    data = {name: str(value) for name, value in form.initial.items()}
    data["value_overdue_leads_per"] = "0.25"
    posted = ParameterValueForm(data, kind=current.kind)
    assert not posted.is_valid()
    assert "逾期线索每条扣分最多一位小数（如0.5分）" in str(posted.errors)


def test_p16_assessment_page_edits_in_points(client: Client, admin_user: User) -> None:
    # given the administrator on the assessment's page
    current = Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True)
    client.force_login(admin_user)
    page = client.get(f"/policy/parameters/{current.pk}/").content.decode()
    assert "县级考核评估权重、扣分与等次" in page
    assert "逾期线索每条扣分（分）" in page
    # when posting 工作落实 30 and 巩固成效 25, 好 from 92
    form = ParameterValueForm(
        kind=current.kind, initial=ParameterValueForm.initial_for(current.kind, current.value)
    )
    data: dict[str, Any] = {name: str(value) for name, value in form.initial.items()}
    data.update(value_weight_work="30", value_weight_results="25", value_good_from="92")
    data.update(document=current.document, reason="州考核办调整")
    response = client.post(f"/policy/parameters/{current.pk}/", data)
    # then a new version is current with the tenths unchanged
    assert response.status_code == 302
    revised = Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True)
    assert revised.pk != current.pk
    assert (revised.value["weight_work"], revised.value["good_from"]) == (30, 92)
    assert revised.value["overdue_leads_per"] == 5
    assert AuditEvent.objects.filter(action="parameter.revise", actor=admin_user).count() == 1


def test_p16_assessment_page_refuses_weights_not_adding_up(client: Client, admin_user: User) -> None:
    current = Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True)
    client.force_login(admin_user)
    form = ParameterValueForm(
        kind=current.kind, initial=ParameterValueForm.initial_for(current.kind, current.value)
    )
    data: dict[str, Any] = {name: str(value) for name, value in form.initial.items()}
    data.update(value_weight_work="30", document=current.document, reason="x")
    html = client.post(f"/policy/parameters/{current.pk}/", data).content.decode()
    assert "四项权重合计应为100，现为 105" in html
    assert Parameter.objects.get(kind=ParameterKind.ASSESSMENT, is_current=True).pk == current.pk


def test_p12_planning_rules_read_in_chinese() -> None:
    current = Parameter.objects.get(kind=ParameterKind.PLANNING_RULES, is_current=True)
    rows = dict(value_rows(current.kind, current.value))
    assert rows["转移就业务工最短时间"] == "3 个月"
    assert rows["转移就业只计乡镇外务工"] == "1（1是，0否）"
    assert rows["两后生最高年龄"] == "22 岁"
    assert rows["规模性返贫预警人数（县内当年返贫人数达到）"] == "30 人"
    assert rows["报送截止（期末后天数）"] == "10 天"
