"""Forms of the assistance part of the case page: measures, their states, per-person items, the 帮扶责任人."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from zhenxing.monitoring.enums import MeasureStatus, PersonItemKind
from zhenxing.monitoring.web import date_field
from zhenxing.policy.parameter_fields import YuanField
from zhenxing.policy.vocab import MEASURES


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=[(c, c) for c in MEASURES])
    content = forms.CharField(label="内容", max_length=300)
    started_on = date_field("开始日期")
    ends_on = date_field("结束日期", required=False)
    motivation = forms.BooleanField(label="扶志扶智", required=False)
    responsible_unit = forms.CharField(label="责任单位", max_length=100, required=False)
    responsible_username = forms.CharField(label="帮扶责任人（账号，可不填）", max_length=150, required=False)
    funds = forms.DecimalField(
        label="资金（元）", required=False, min_value=0, decimal_places=2, max_digits=12
    )
    funds_source = forms.CharField(label="资金来源", max_length=100, required=False)
    continues_after_elimination = forms.BooleanField(
        label="风险消除后继续实施（小额信贷、资产收益、公益岗位、雨露计划等）", required=False
    )


class MeasureDetailForm(forms.Form):
    """细化 a planned measure: everything but its category and state. Prefixed per measure (one per row)."""

    content = forms.CharField(
        label="内容", max_length=300, error_messages={"required": "请填写措施内容"},
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    started_on = date_field("计划开始日期")
    ends_on = date_field("结束日期", required=False)
    responsible_unit = forms.CharField(label="责任单位", max_length=100, required=False)
    responsible_username = forms.CharField(label="帮扶责任人（账号，可不填）", max_length=150, required=False)
    funds = YuanField(  # 1,500.50 as people write it
        label="资金（元）", required=False, min_value=0, decimal_places=2, max_digits=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "资金应为数字（元）", "min_value": "资金不能为负数",
                        "max_decimal_places": "资金最多两位小数（元、角、分）"},
    )  # fmt: skip
    funds_source = forms.CharField(label="资金来源", max_length=100, required=False)
    motivation = forms.BooleanField(label="扶志扶智", required=False)
    continues_after_elimination = forms.BooleanField(
        label="风险消除后继续实施（小额信贷、资产收益、公益岗位、雨露计划等）", required=False
    )

    @classmethod
    def for_measure(cls, measure: Any, data: Any = None) -> MeasureDetailForm:
        person = measure.responsible_person
        return cls(
            data, prefix=f"m{measure.pk}",
            initial={
                "content": measure.content, "started_on": measure.started_on, "ends_on": measure.ends_on,
                "responsible_unit": measure.responsible_unit,
                "responsible_username": person.username if person else "",
                "funds": Decimal(measure.funds_fen) / 100 if measure.funds_fen else None,
                "funds_source": measure.funds_source, "motivation": measure.motivation,
                "continues_after_elimination": measure.continues_after_elimination,
            },
        )  # fmt: skip


class MeasureMoveForm(forms.Form):
    to = forms.ChoiceField(choices=MeasureStatus.choices, widget=forms.HiddenInput)
    outcome = forms.CharField(label="成效或终止原因", max_length=2000, required=False)


class PersonItemForm(forms.Form):
    person = forms.IntegerField(label="家庭成员")
    kind = forms.ChoiceField(label="类型", choices=PersonItemKind.choices)
    detail = forms.CharField(label="内容", max_length=200)
    amount = forms.DecimalField(
        label="金额（元）", required=False, min_value=0, decimal_places=2, max_digits=12
    )
    started_on = date_field("开始日期")
    ends_on = date_field("结束日期", required=False)


class HelperForm(forms.Form):
    username = forms.CharField(label="帮扶责任人账号", max_length=150)
    starts_on = date_field("开始日期")
    ends_on = date_field("结束日期", required=False)
