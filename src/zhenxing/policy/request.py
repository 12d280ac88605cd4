"""The evaluate request (issue contract), as pydantic models whose errors are Chinese and point at the
request's own keys. Money arrives as JSON numbers (yuan, at most 2 decimals) and leaves as integer fen."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from zhenxing.policy.rules.money import MAX_YUAN
from zhenxing.policy.vocab import (
    DISASTER_KINDS,
    HEALTH_STATES,
    HOUSEHOLD_KINDS,
    HOUSING_GRADES,
    LABOUR_CAPACITIES,
    RELATIONS,
    SCHOOLING,
    WORK_PLACES,
)


def choice(label: str, allowed: Sequence[str]) -> Any:
    def check(value: object) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise PydanticCustomError(
                "unknown_value",
                "{label}的取值“{value}”无效，允许的值：{allowed}",
                {"label": label, "value": value, "allowed": "、".join(allowed)},
            )
        return value

    return Annotated[
        str,
        BeforeValidator(check),
        WithJsonSchema({"type": "string", "enum": list(allowed), "description": label}),
    ]


def whole_number(label: str, low: int, high: int) -> Any:
    def check(value: object) -> int:
        integral = isinstance(value, int) or (
            isinstance(value, Decimal) and value == value.to_integral_value()
        )
        if isinstance(value, bool) or not integral:
            raise PydanticCustomError("type", "{label}应为整数", {"label": label})
        number = int(value)  # type: ignore[call-overload]
        if not low <= number <= high:
            raise PydanticCustomError(
                "out_of_range",
                "{label}应在{low}到{high}之间，收到{value}",
                {"label": label, "low": low, "high": high, "value": number},
            )
        return number

    return Annotated[
        int,
        BeforeValidator(check),
        WithJsonSchema({"type": "integer", "minimum": low, "maximum": high, "description": label}),
    ]


def flag(label: str) -> Any:
    def check(value: object) -> bool:
        if not isinstance(value, bool):
            raise PydanticCustomError("type", "{label}应为 true 或 false", {"label": label})
        return value

    return Annotated[bool, BeforeValidator(check), WithJsonSchema({"type": "boolean", "description": label})]


def _money(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("type", "金额应为数字（元）")
    amount = Decimal(value)
    if not amount.is_finite():
        raise PydanticCustomError("type", "金额应为数字（元）")
    if amount < 0:
        raise PydanticCustomError("negative_money", "金额不能为负数，收到{value}", {"value": str(amount)})
    if amount > MAX_YUAN:
        raise PydanticCustomError(
            "out_of_range",
            "金额过大（上限 {limit} 元），收到{value}",
            {"limit": MAX_YUAN, "value": str(amount)},
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise PydanticCustomError(
            "money_precision", "金额最多保留两位小数（到分），收到{value}", {"value": str(amount)}
        )
    return amount


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_YUAN, "description": "元，最多两位小数"}),
]
_DATE_SCHEMA = WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD"})


def _date(value: object) -> datetime.date:
    if not isinstance(value, str):
        raise PydanticCustomError("invalid_date", "日期应为 YYYY-MM-DD 格式的字符串")
    try:
        return datetime.date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> datetime.date:
    raise PydanticCustomError("invalid_date", "日期“{value}”无效，应为 YYYY-MM-DD", {"value": value})


def _id_text(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("type", "身份证号应为字符串")
    return value


def _health(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise PydanticCustomError(
            "health_required", "健康状况应为非空数组，取值：{allowed}", {"allowed": "、".join(HEALTH_STATES)}
        )
    for item in value:
        if item not in HEALTH_STATES:
            raise PydanticCustomError(
                "unknown_value",
                "健康状况的取值“{value}”无效，允许的值：{allowed}",
                {"value": item, "allowed": "、".join(HEALTH_STATES)},
            )
    return list(dict.fromkeys(value))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DisabilityIn(Strict):
    category: whole_number("残疾类别", 1, 7)  # type: ignore[valid-type]
    grade: whole_number("残疾等级", 1, 4)  # type: ignore[valid-type]


class MemberIn(Strict):
    id_number: (
        Annotated[
            str, BeforeValidator(_id_text), WithJsonSchema({"type": "string", "description": "18位身份证号"})
        ]
        | None
    ) = None
    birth_date: Annotated[datetime.date, BeforeValidator(_date), _DATE_SCHEMA] | None = None
    relation: choice("与户主关系", RELATIONS)  # type: ignore[valid-type]
    labour: choice("劳动技能", LABOUR_CAPACITIES)  # type: ignore[valid-type]
    health: Annotated[
        list[str],
        BeforeValidator(_health),
        WithJsonSchema(
            {"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(HEALTH_STATES)}}
        ),
    ]
    disability: DisabilityIn | None = None
    schooling: choice("在校生状况", SCHOOLING) | None = None  # type: ignore[valid-type]
    out_of_school: flag("失学辍学") = False  # type: ignore[valid-type]
    education_exempt: flag("经评估不能就学") = False  # type: ignore[valid-type]
    work_place: choice("务工所在地", WORK_PLACES) | None = None  # type: ignore[valid-type]
    work_months: whole_number("务工时间（月）", 0, 12) = 0  # type: ignore[valid-type]
    welfare_job_months: whole_number("公益性岗位（月）", 0, 12) = 0  # type: ignore[valid-type]
    medical_insurance: flag("参加基本医疗保险") = True  # type: ignore[valid-type]


class IncomeIn(Strict):
    wage: Money = Decimal(0)
    business: Money = Decimal(0)
    property: Money = Decimal(0)
    transfer: Money = Decimal(0)
    business_cost: Money = Decimal(0)


class RigidExpensesIn(Strict):
    medical: Money = Decimal(0)
    education: Money = Decimal(0)
    rehabilitation: Money = Decimal(0)
    accident: Money = Decimal(0)
    disaster: Money = Decimal(0)


class WaterIn(Strict):
    supply_cut_days: whole_number("断水天数", 0, 366) = 0  # type: ignore[valid-type]
    quality_ok: flag("水质达标") = True  # type: ignore[valid-type]
    access_ok: flag("取水便利") = True  # type: ignore[valid-type]


class HouseholdIn(Strict):
    kind: choice("户类型", HOUSEHOLD_KINDS)  # type: ignore[valid-type]
    is_monitoring_object: flag("已是监测对象") = False  # type: ignore[valid-type]
    monitoring_months: whole_number("纳入监测月数", 0, 1200) = 0  # type: ignore[valid-type]
    members: list[MemberIn]
    income: IncomeIn = Field(default_factory=IncomeIn)
    insurance_payouts: Money = Decimal(0)
    rigid_expenses: RigidExpensesIn = Field(default_factory=RigidExpensesIn)
    housing_grade: choice("住房安全等级", HOUSING_GRADES) | None = None  # type: ignore[valid-type]
    water: WaterIn = Field(default_factory=WaterIn)
    disaster: choice("自然灾害类型", DISASTER_KINDS) | None = None  # type: ignore[valid-type]
    accident: flag("意外事故") = False  # type: ignore[valid-type]
    industry_failure: flag("产业项目失败") = False  # type: ignore[valid-type]


def _line(value: object) -> Decimal | None:
    if value is None:
        return None
    amount = _money(value)
    if amount == 0:
        raise PydanticCustomError("out_of_range", "监测范围应大于0")
    return amount


CONTRACT_VERSION = 2  # 2: decided_on, the regime, the provisional line and the sector rules' status (P17)


class EvaluateRequest(Strict):
    """Version 1 requests (no `decided_on`, no `contract_version`) stay valid: decided today."""

    contract_version: whole_number("接口版本", 1, CONTRACT_VERSION) | None = None  # type: ignore[valid-type]
    year: whole_number("年度", 2000, 2100)  # type: ignore[valid-type]
    decided_on: (
        Annotated[
            datetime.date,
            BeforeValidator(_date),
            WithJsonSchema(
                {
                    "type": "string",
                    "format": "date",
                    "description": "决定日期 YYYY-MM-DD（选择政策阶段，P17；不填为今天）",
                }
            ),
        ]
        | None
    ) = None
    monitoring_line: Annotated[
        Decimal | None,
        BeforeValidator(_line),
        WithJsonSchema(
            {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": MAX_YUAN}, {"type": "null"}]}
        ),
    ] = None
    household: HouseholdIn
