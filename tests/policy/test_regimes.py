"""P17: the regime of a decision is data with an effective date, chosen by the decision date."""

from __future__ import annotations

import datetime

import pytest

from zhenxing.accounts.models import User
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import InvalidInput
from zhenxing.policy import services
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.models import Parameter
from zhenxing.policy.regimes import RegimeNotConfigured, regime_for

pytestmark = pytest.mark.django_db

THREE_TYPES = ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]


def _regime_value(**changes: object) -> dict[str, object]:
    value: dict[str, object] = {
        "name": "常态化防止返贫致贫",
        "object_name": "防止返贫致贫对象",
        "monitoring_types": THREE_TYPES,
        "standard_gap": "provisional",
        "dynamic_exit": True,
    }
    return {**value, **changes}


def test_p17_shipped_regimes_follow_the_decision_date() -> None:
    # given: the two shipped regimes
    # when / then: the last day of 2025 is the transition period's, the first of 2026 the normalised rules'
    transition = regime_for(datetime.date(2025, 12, 31))
    normalised = regime_for(datetime.date(2026, 1, 1))
    assert (transition.object_name, transition.standard_gap, transition.dynamic_exit) == (
        "监测对象", "refuse", False,
    )  # fmt: skip
    assert (normalised.object_name, normalised.standard_gap, normalised.dynamic_exit) == (
        "防止返贫致贫对象", "provisional", True,
    )  # fmt: skip
    # the three P5 types stay until a Yunnan document replaces them
    assert list(normalised.monitoring_types) == list(transition.monitoring_types) == THREE_TYPES
    assert normalised.effective_from == datetime.date(2026, 1, 1)
    assert normalised.as_dict()["version"] == 1
    assert normalised.parameter.verified is False  # the 2026 documents are known from press reports only


def test_p17_a_date_before_any_regime_is_a_clear_error() -> None:
    with pytest.raises(RegimeNotConfigured) as raised:
        regime_for(datetime.date(2020, 12, 31))
    assert "未配置2020-12-31适用的政策阶段" in raised.value.message


def test_p17_a_new_regime_is_entered_as_data_and_takes_effect_on_its_date(admin_user: User) -> None:
    # given: a Yunnan document replacing the type vocabulary from 1 March 2027
    created = services.parameter_create(
        actor=admin_user,
        kind=ParameterKind.REGIME,
        year=2027,
        effective_from=datetime.date(2027, 3, 1),
        value=_regime_value(monitoring_types=["防止返贫对象", "防止致贫对象"]),
        document="云南省测试文件〔2027〕1号",
        verified=True,
    )
    # when / then: decisions before the date keep the 2026 regime, from the date the new vocabulary applies
    assert list(regime_for(datetime.date(2027, 2, 28)).monitoring_types) == THREE_TYPES
    assert list(regime_for(datetime.date(2027, 3, 1)).monitoring_types) == ["防止返贫对象", "防止致贫对象"]
    event = AuditEvent.objects.get(action="parameter.create", target_id=str(created.pk))
    assert event.new_values["effective_from"] == "2027-03-01"


def test_p17_a_regime_starts_in_its_own_year_on_1_january_by_default(admin_user: User) -> None:
    created = services.parameter_create(
        actor=admin_user, kind=ParameterKind.REGIME, year=2028, value=_regime_value(),
        document="测试文件", verified=False,
    )  # fmt: skip
    assert created.effective_from == datetime.date(2028, 1, 1)
    with pytest.raises(InvalidInput) as raised:
        services.parameter_create(
            actor=admin_user, kind=ParameterKind.REGIME, year=2029, effective_from=datetime.date(2030, 1, 1),
            value=_regime_value(), document="测试文件", verified=False,
        )  # fmt: skip
    assert "执行日期应在2029年内" in raised.value.message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"monitoring_types": []}, "请至少填写一种对象类型"),
        ({"monitoring_types": ["边缘易致贫户", "边缘易致贫户"]}, "对象类型不能重复"),
        ({"monitoring_types": ["一个超过十个字的对象类型名称"]}, "对象类型最多10个字"),
        ({"object_name": " "}, "请填写对象名称"),
        ({"standard_gap": "ignore"}, "当年标准未公布时的处理应为"),
        ({"dynamic_exit": "yes"}, "风险消除后动态退出应为"),
    ],
)
def test_p17_a_regime_value_is_checked_in_chinese(
    admin_user: User, changes: dict[str, object], message: str
) -> None:
    # given: the shipped 2026 regime; when: an administrator revises it with a bad value
    current = Parameter.objects.get(kind=ParameterKind.REGIME, year=2026, is_current=True)
    with pytest.raises(InvalidInput) as raised:
        services.parameter_revise(
            actor=admin_user, parameter=current, value=_regime_value(**changes), document="测试文件",
            verified=False, reason="测试",
        )  # fmt: skip
    # then: it is refused with the reason, and the regime in force is unchanged
    assert message in raised.value.message
    assert regime_for(datetime.date(2026, 6, 1)).parameter.pk == current.pk
