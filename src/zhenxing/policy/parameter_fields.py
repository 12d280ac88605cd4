"""How each parameter kind's value reads on screen and is edited: one labelled field per part of the value.

The layout of a kind is declared once here (KIND_LAYOUTS, one entry per ParameterKind: a test iterates the
enum, so a new kind cannot ship without its fields). Validation of the assembled value stays in values.py
(`clean_value`, called by the services); the form only turns labelled inputs into that value.
Money parameters are stored in yuan (P4 publishes them so); the decisions turn them into fen (lines.py, P3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django import forms

from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.policy.enums import ParameterKind, StandardGap
from zhenxing.policy.values import COMPOSITE_KEYS, MONITORING_TYPE_MAX_LENGTH, REGIME_KEYS


class Shape(StrEnum):
    SCALAR = "scalar"  # the value is one number
    OBJECT = "object"  # a dict of named numbers
    LIST = "list"  # a fixed-length list of numbers
    COUNTIES = "counties"  # a set of county codes (P17)
    REGIME = "regime"  # names, a type vocabulary and two settings (P17)


class Unit(StrEnum):
    YUAN = "yuan"  # up to two decimals
    WHOLE_YUAN = "whole_yuan"
    NUMBER = "number"  # a non-negative whole number of `suffix`
    TENTHS = (
        "tenths"  # points to one decimal, stored as a whole number of tenths (the assessment's 0.5 分 is 5)
    )


@dataclass(frozen=True)
class FieldSpec:
    key: str | int | None  # dict key, list index, or None for a scalar value
    label: str
    unit: Unit
    text: str  # how the number reads: "{} 元/人·年", "每月 {} 日"
    max_value: int | None = None
    min_value: int = 0
    unit_label: str = ""  # the input's unit when the text's does not read well alone ("每月第几日")

    @property
    def name(self) -> str:
        return "value" if self.key is None else f"value_{self.key}"


@dataclass(frozen=True)
class KindLayout:
    shape: Shape
    fields: tuple[FieldSpec, ...] = ()
    empty_text: str = ""


def _object(
    kind: str, unit: Unit, text: str, overrides: dict[str, dict[str, Any]] | None = None
) -> KindLayout:
    """A dict kind's fields, labelled as values.py names its keys; `overrides` per key (another text, bounds)."""
    extra = overrides or {}
    return KindLayout(
        Shape.OBJECT,
        tuple(
            # values.py's labels carry the unit ("（月）"), which the text says already
            FieldSpec(
                key,
                label.removesuffix("（月）")
                .removesuffix("（岁）")
                .removesuffix("（0.1分）")
                .removesuffix("（%）"),
                **{"unit": unit, "text": text, **extra.get(key, {})},
            )
            for key, label in COMPOSITE_KEYS[kind].items()
        ),
    )


# a day of the month every month has (the screening round computes dates with it)
DAY_OF_MONTH: dict[str, Any] = {
    "text": "每月 {} 日",
    "min_value": 1,
    "max_value": 28,
    "unit_label": "每月第几日，1至28",
}


# a yes/no setting kept as 1 or 0 in a composite of whole numbers
FLAG: dict[str, Any] = {"text": "{}（1是，0否）", "min_value": 0, "max_value": 1, "unit_label": "1是，0否"}

PER_PERSON_YEAR = "{} 元/人·年"
K = ParameterKind
KIND_LAYOUTS: dict[str, KindLayout] = {
    K.MONITORING_LINE: KindLayout(Shape.SCALAR, (FieldSpec(None, "标准", Unit.YUAN, PER_PERSON_YEAR),)),
    K.DIBAO_STANDARD: KindLayout(Shape.SCALAR, (FieldSpec(None, "标准", Unit.YUAN, PER_PERSON_YEAR),)),
    K.MEDICAL_SUBSIDY: _object(K.MEDICAL_SUBSIDY, Unit.WHOLE_YUAN, PER_PERSON_YEAR),
    K.ELIMINATION_MIN_MONTHS: KindLayout(
        Shape.SCALAR, (FieldSpec(None, "最短监测时间", Unit.NUMBER, "{} 个月", 120),)
    ),
    K.TRANSPORT_SUBSIDY_MIN_MONTHS: KindLayout(
        Shape.SCALAR, (FieldSpec(None, "县外务工最短时间", Unit.NUMBER, "{} 个月", 120),)
    ),
    K.STEP_DEADLINES: _object(
        K.STEP_DEADLINES, Unit.NUMBER, "{} 个工作日", {"application_settle_days": {"text": "{} 天"}}
    ),
    K.SCREENING_WINDOWS: _object(
        K.SCREENING_WINDOWS,
        Unit.NUMBER,
        DAY_OF_MONTH["text"],
        {
            "village_check_day": DAY_OF_MONTH,
            "township_recheck_day": DAY_OF_MONTH,
            "round_cutoff_day": DAY_OF_MONTH,
            "dismissal_suppression_days": {"text": "{} 天"},
        },
    ),
    K.WORK_TEAM: _object(
        K.WORK_TEAM,
        Unit.NUMBER,
        "{} 人",
        {"large_village_people": {"text": "{} 人以上为大村", "unit_label": "人"}},
    ),
    K.COLLECTIVE_TIERS: KindLayout(
        Shape.LIST,
        (
            FieldSpec(0, "第一档分界（低于此为最低档）", Unit.WHOLE_YUAN, "{} 元"),
            FieldSpec(1, "第二档分界", Unit.WHOLE_YUAN, "{} 元"),
            FieldSpec(2, "第三档分界（达到此为最高档）", Unit.WHOLE_YUAN, "{} 元"),
        ),
    ),
    K.ASSISTANCE_CHECKS: _object(K.ASSISTANCE_CHECKS, Unit.NUMBER, "{} 个月"),
    K.PROJECT_PROCEDURE: _object(
        K.PROJECT_PROCEDURE,
        Unit.NUMBER,
        "{} 个工作日",
        {
            "notice_days": {"text": "{} 天"},
            "proposal_notice_before_township": FLAG,
            "emergency_prefecture_filing": FLAG,
        },
    ),
    K.FUND_SCHEDULE: _object(K.FUND_SCHEDULE, Unit.NUMBER, "{}%", {}),
    K.FUND_INDUSTRY_SHARE: _object(
        K.FUND_INDUSTRY_SHARE,
        Unit.NUMBER,
        "{}",
        {
            "target_percent": {"text": "{}%", "max_value": 100},
            "count_central": FLAG,
            "count_province": FLAG,
            "count_prefecture": FLAG,
            "count_county": FLAG,
        },
    ),
    K.FUND_PERFORMANCE: _object(K.FUND_PERFORMANCE, Unit.NUMBER, "权重 {}", {}),
    K.ASSET_CARE: _object(
        K.ASSET_CARE,
        Unit.NUMBER,
        "{}",
        {
            "inspection_interval_days": {"text": "{} 天"},
            "government_above_wan": {"text": "{} 万元"},
            "even_handout_percent": {"text": "{}%", "max_value": 100},
        },
    ),
    K.PLANNING_RULES: _object(
        K.PLANNING_RULES,
        Unit.NUMBER,
        "{} 岁",
        {
            "transfer_min_months": {"text": "{} 个月", "min_value": 1, "max_value": 12},
            "transfer_outside_township": FLAG,
            "large_scale_return_people": {"text": "{} 人", "min_value": 1},
            "freeze_grace_days": {"text": "{} 天"},
            **{key: {"max_value": 120} for key in COMPOSITE_KEYS[K.PLANNING_RULES] if key.endswith("_age")},
        },
    ),
    K.POVERTY_STANDARD: _object(K.POVERTY_STANDARD, Unit.WHOLE_YUAN, PER_PERSON_YEAR),
    K.ASSESSMENT: _object(
        K.ASSESSMENT,
        Unit.TENTHS,
        "{} 分",
        {
            **{
                key: {"unit": Unit.NUMBER, "text": "{}%", "max_value": 100}
                for key in COMPOSITE_KEYS[K.ASSESSMENT]
                if key.startswith("weight_")
            },
            "good_from": {"unit": Unit.NUMBER, "text": "{} 分", "max_value": 100},
            "fair_from": {"unit": Unit.NUMBER, "text": "{} 分", "max_value": 100},
        },
    ),
    K.NOTICE_RISK_TYPES: KindLayout(
        Shape.COUNTIES,
        (FieldSpec(None, "公示中显示风险类型的县", Unit.NUMBER, "{}"),),
        empty_text="无（各县公示均不显示风险类型）",
    ),
    K.REGIME: KindLayout(
        Shape.REGIME, tuple(FieldSpec(key, label, Unit.NUMBER, "{}") for key, label in REGIME_KEYS.items())
    ),
}
# a whole-number part of a value must fit the JSON integer every database stores
_MAX_WHOLE = 10**9


def _money_text(amount: Any) -> str:
    return f"{Decimal(str(amount)):,.2f}"


def _number_text(spec: FieldSpec, raw: Any) -> str:
    if raw is None:
        return "未设置"
    if spec.unit == Unit.TENTHS:
        shown = f"{Decimal(str(raw)) / 10:.1f}"
    else:
        shown = _money_text(raw) if spec.unit in (Unit.YUAN, Unit.WHOLE_YUAN) else str(raw)
    return spec.text.format(shown)


def county_names(codes: list[str]) -> dict[str, str]:
    """Reference data (no personal data): the names of counties by code."""
    return dict(Division.objects.filter(code__in=codes).values_list("code", "name"))


def county_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{name}（{code}）")
        for code, name in Division.objects.filter(level=DivisionLevel.COUNTY)
        .order_by("code")
        .values_list("code", "name")
    ]


def _regime_rows(value: Any) -> list[tuple[str, str]]:
    value = value if isinstance(value, dict) else {}
    gap = dict(StandardGap.choices).get(value.get("standard_gap", ""), "未设置")
    return [
        (REGIME_KEYS["name"], str(value.get("name") or "未设置")),
        (REGIME_KEYS["object_name"], str(value.get("object_name") or "未设置")),
        (REGIME_KEYS["monitoring_types"], "、".join(value.get("monitoring_types") or []) or "未设置"),
        (REGIME_KEYS["standard_gap"], gap),
        (REGIME_KEYS["dynamic_exit"], "是" if value.get("dynamic_exit") else "否"),
    ]


def _regime_fields() -> dict[str, forms.Field]:
    """P17: a regime is edited as words, one type per line, and two settings."""
    text = {"autocomplete": "off"}
    return {
        "name": forms.CharField(
            label=REGIME_KEYS["name"], max_length=40, widget=forms.TextInput(attrs=text),
            error_messages={"required": "请填写政策阶段名称", "max_length": "政策阶段名称最多40个字"},
        ),
        "object_name": forms.CharField(
            label=REGIME_KEYS["object_name"] + "（如：防止返贫致贫对象）", max_length=20,
            widget=forms.TextInput(attrs=text),
            error_messages={"required": "请填写对象名称", "max_length": "对象名称最多20个字"},
        ),
        "monitoring_types": forms.CharField(
            label=f"{REGIME_KEYS['monitoring_types']}（每行一种，每种最多{MONITORING_TYPE_MAX_LENGTH}个字）",
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={"required": "请至少填写一种对象类型"},
        ),
        "standard_gap": forms.ChoiceField(
            label=REGIME_KEYS["standard_gap"], choices=StandardGap.choices,
            error_messages={"required": "请选择当年标准未公布时的处理", "invalid_choice": "请选择列表中的处理方式"},
        ),
        "dynamic_exit": forms.BooleanField(label=REGIME_KEYS["dynamic_exit"], required=False),
    }  # fmt: skip


def value_rows(kind: str, value: Any) -> list[tuple[str, str]]:
    """The value as (Chinese label, text) lines: [("标准", "8,700.00 元/人·年")]."""
    layout = KIND_LAYOUTS[kind]
    if layout.shape == Shape.REGIME:
        return _regime_rows(value)
    if layout.shape == Shape.COUNTIES:
        codes = list(value or [])
        if not codes:
            return [(layout.fields[0].label, layout.empty_text)]
        names = county_names(codes)
        return [(layout.fields[0].label, "、".join(f"{names.get(c, '未知县')}（{c}）" for c in codes))]
    rows = []
    for spec in layout.fields:
        if layout.shape == Shape.SCALAR:
            raw = value
        elif layout.shape == Shape.LIST:
            index = int(spec.key or 0)
            raw = value[index] if isinstance(value, list) and len(value) > index else None
        else:
            raw = value.get(spec.key) if isinstance(value, dict) else None
        rows.append((spec.label, _number_text(spec, raw)))
    return rows


def value_summary(kind: str, value: Any) -> str:
    """One line for a list cell: "标准 8,700.00 元/人·年"."""
    return "；".join(f"{label} {text}" for label, text in value_rows(kind, value))


class YuanField(forms.DecimalField):
    """Yuan as people write it: thousands separators (8,700 or 8，700) are accepted."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: DecimalField is an IntegerField
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").replace(" ", "")
        return super().to_python(value)


def _form_field(spec: FieldSpec) -> forms.Field:
    label = spec.label
    unit = spec.unit_label or (
        "元" if spec.unit in (Unit.YUAN, Unit.WHOLE_YUAN) else spec.text.replace("{}", "").strip()
    )
    messages = {
        "required": f"请填写{label}",
        "invalid": f"{label}应为数字",
        "min_value": f"{label}应为正数"
        if spec.unit == Unit.YUAN
        else f"{label}不能小于 %(limit_value)s"
        if spec.min_value
        else f"{label}不能为负数",
        "max_value": f"{label}不能大于 %(limit_value)s",
        "max_decimal_places": f"{label}最多两位小数（元、角、分）",
        "max_digits": f"{label}数额过大",
        "max_whole_digits": f"{label}数额过大",
    }
    full_label = f"{label}（{unit}）" if unit else label
    attrs = {"inputmode": "decimal" if spec.unit == Unit.YUAN else "numeric", "autocomplete": "off"}
    if spec.unit == Unit.YUAN:
        return YuanField(
            label=full_label,
            min_value=Decimal("0.01"),
            max_digits=14,
            decimal_places=2,
            error_messages=messages,
            widget=forms.TextInput(attrs=attrs),
        )
    if spec.unit == Unit.TENTHS:
        return forms.DecimalField(
            label=full_label,
            min_value=Decimal(0),
            max_digits=9,
            decimal_places=1,
            error_messages={**messages, "max_decimal_places": f"{label}最多一位小数（如0.5分）"},
            widget=forms.TextInput(attrs={**attrs, "inputmode": "decimal"}),
        )
    if spec.unit == Unit.WHOLE_YUAN:
        return YuanField(
            label=full_label,
            min_value=Decimal(0),
            max_digits=12,
            decimal_places=0,
            error_messages={**messages, "max_decimal_places": f"{label}应为整数元"},
            widget=forms.TextInput(attrs=attrs),
        )
    return forms.IntegerField(
        label=full_label,
        min_value=spec.min_value,
        max_value=spec.max_value or _MAX_WHOLE,
        error_messages={**messages, "invalid": f"{label}应为整数"},
        widget=forms.TextInput(attrs=attrs),
    )


class ParameterValueForm(forms.Form):
    """One labelled input per part of a kind's value; `value()` assembles what `clean_value` checks."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.layout = KIND_LAYOUTS[kind]
        if self.layout.shape == Shape.COUNTIES:
            self.fields["counties"] = forms.MultipleChoiceField(
                label=self.layout.fields[0].label + "（不选则各县都不显示）",
                choices=county_choices(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "请选择列表中的县"},
            )
            return
        if self.layout.shape == Shape.REGIME:
            self.fields.update(_regime_fields())
            return
        for spec in self.layout.fields:
            self.fields[spec.name] = _form_field(spec)

    @classmethod
    def initial_for(cls, kind: str, value: Any) -> dict[str, Any]:
        layout = KIND_LAYOUTS[kind]
        if layout.shape == Shape.COUNTIES:
            return {"counties": list(value or [])}
        if layout.shape == Shape.REGIME:
            value = value if isinstance(value, dict) else {}
            return {**value, "monitoring_types": "\n".join(value.get("monitoring_types") or [])}
        if layout.shape == Shape.SCALAR:
            return {"value": value}
        if layout.shape == Shape.LIST:
            return {spec.name: value[int(spec.key or 0)] for spec in layout.fields if isinstance(value, list)}
        return {
            spec.name: _shown(spec, value.get(spec.key)) for spec in layout.fields if isinstance(value, dict)
        }

    def value(self) -> Any:
        data = self.cleaned_data
        if self.layout.shape == Shape.COUNTIES:
            return list(data.get("counties") or [])
        if self.layout.shape == Shape.REGIME:
            lines = [line.strip() for line in str(data.get("monitoring_types") or "").splitlines()]
            return {
                "name": data.get("name", ""),
                "object_name": data.get("object_name", ""),
                "monitoring_types": [line for line in lines if line],
                "standard_gap": data.get("standard_gap", ""),
                "dynamic_exit": bool(data.get("dynamic_exit")),
            }
        numbers = {spec.name: _stored(spec, data[spec.name]) for spec in self.layout.fields}
        if self.layout.shape == Shape.SCALAR:
            return numbers["value"]
        if self.layout.shape == Shape.LIST:
            return [numbers[spec.name] for spec in self.layout.fields]
        return {str(spec.key): numbers[spec.name] for spec in self.layout.fields}


def _shown(spec: FieldSpec, raw: Any) -> Any:
    """A stored number as its input shows it: tenths as points (5 → 0.5)."""
    if spec.unit == Unit.TENTHS and raw is not None:
        return Decimal(str(raw)) / 10
    return raw


def _stored(spec: FieldSpec, number: Decimal | int) -> int | Decimal:
    """An input's number as stored: points as whole tenths (0.5 → 5)."""
    if spec.unit == Unit.TENTHS:
        return int(Decimal(number) * 10)
    return _plain(number)


def _plain(number: Decimal | int) -> int | Decimal:
    """8700.00 → 8700 (stored as a JSON integer, as the shipped values are); 8700.50 stays a Decimal."""
    if isinstance(number, Decimal) and number == number.to_integral_value():
        return int(number)
    return number
