"""The evaluate page's form: the contract's household, laid out for a phone. It only collects input;
the verdict comes from the same contract function the API and the CLI call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from zhenxing.policy.enums import KIND_YEAR_RULE, YUNNAN, ParameterKind, YearRule
from zhenxing.policy.parameter_fields import county_choices
from zhenxing.policy.vocab import (
    DISABILITY_CATEGORIES,
    DISASTER_KINDS,
    HEALTH_STATES,
    HOUSEHOLD_KINDS,
    HOUSING_GRADES,
    LABOUR_CAPACITIES,
    RELATIONS,
    SCHOOLING,
    WORK_PLACES,
)

EMPTY = [("", "—")]


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(0), decimal_places=2, max_digits=14, initial=0
    )


class HouseholdForm(forms.Form):
    year = forms.IntegerField(label="评估年度", min_value=2000, max_value=2100)
    # P17: the decision date chooses the regime; the line still follows the year of the income
    decided_on = forms.DateField(
        label="决定日期（按其适用政策阶段，留空为今天）",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    monitoring_line = forms.DecimalField(
        label="监测范围（元/人·年，留空用已配置的当年标准）",
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        max_digits=10,
    )
    kind = forms.ChoiceField(label="户类型", choices=_choices(HOUSEHOLD_KINDS))
    is_monitoring_object = forms.BooleanField(label="已是监测对象（未消除风险）", required=False)
    monitoring_months = forms.IntegerField(
        label="纳入监测月数", min_value=0, max_value=1200, required=False, initial=0
    )
    wage = _money("工资性收入")
    business = _money("生产经营性收入")
    property = _money("财产性收入")
    transfer = _money("转移性收入")
    business_cost = _money("生产经营性支出")
    insurance_payouts = _money("理赔收入（防贫保险等）")
    medical = _money("合规自付医疗费用")
    education = _money("教育支出")
    rehabilitation = _money("残疾康复支出")
    accident = _money("意外事故支出")
    disaster_cost = _money("灾害损失支出")
    housing_grade = forms.ChoiceField(
        label="住房安全等级", choices=EMPTY + _choices(HOUSING_GRADES), required=False
    )
    supply_cut_days = forms.IntegerField(
        label="全年断水天数", min_value=0, max_value=366, required=False, initial=0
    )
    water_quality_bad = forms.BooleanField(label="水质不达标", required=False)
    water_access_bad = forms.BooleanField(label="取水距离远或耗时长", required=False)
    disaster = forms.ChoiceField(
        label="当年自然灾害", choices=EMPTY + _choices(DISASTER_KINDS), required=False
    )
    accident_flag = forms.BooleanField(label="发生意外事故", required=False)
    industry_failure = forms.BooleanField(label="产业项目失败", required=False)

    def name_objects(self, object_name: str) -> None:
        """P17: the checkbox names the objects as the regime of the form's 决定日期 (or today) does."""
        label = f"已是{object_name}（未消除风险）"
        self.fields["is_monitoring_object"].label = label
        self["is_monitoring_object"].label = label  # the bound field a validation already made keeps its own

    def contract_household(self) -> dict[str, Any]:
        data = self.cleaned_data

        def money(name: str) -> Decimal:
            return data.get(name) or Decimal(0)

        return {
            "kind": data["kind"],
            "is_monitoring_object": data["is_monitoring_object"],
            "monitoring_months": data.get("monitoring_months") or 0,
            "income": {k: money(k) for k in ("wage", "business", "property", "transfer", "business_cost")},
            "insurance_payouts": money("insurance_payouts"),
            "rigid_expenses": {
                "medical": money("medical"),
                "education": money("education"),
                "rehabilitation": money("rehabilitation"),
                "accident": money("accident"),
                "disaster": money("disaster_cost"),
            },
            "housing_grade": data.get("housing_grade") or None,
            "water": {
                "supply_cut_days": data.get("supply_cut_days") or 0,
                "quality_ok": not data["water_quality_bad"],
                "access_ok": not data["water_access_bad"],
            },
            "disaster": data.get("disaster") or None,
            "accident": data["accident_flag"],
            "industry_failure": data["industry_failure"],
        }


class MemberForm(forms.Form):
    relation = forms.ChoiceField(label="与户主关系", choices=EMPTY + _choices(RELATIONS), required=False)
    id_number = forms.CharField(label="身份证号", required=False, max_length=18)
    birth_date = forms.DateField(
        label="出生日期（无身份证号时填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    labour = forms.ChoiceField(label="劳动技能", choices=_choices(LABOUR_CAPACITIES), required=False)
    health = forms.MultipleChoiceField(
        label="健康状况",
        choices=_choices(HEALTH_STATES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=["健康"],
    )
    disability_category = forms.TypedChoiceField(
        label="残疾类别",
        choices=EMPTY + [(str(k), f"{k} {v}") for k, v in DISABILITY_CATEGORIES.items()],
        required=False,
        coerce=int,
        empty_value=None,
    )
    disability_grade = forms.TypedChoiceField(
        label="残疾等级",
        choices=EMPTY + [(str(g), f"{g}级") for g in (1, 2, 3, 4)],
        required=False,
        coerce=int,
        empty_value=None,
    )
    schooling = forms.ChoiceField(label="在校生状况", choices=EMPTY + _choices(SCHOOLING), required=False)
    out_of_school = forms.BooleanField(label="失学辍学或未入学", required=False)
    education_exempt = forms.BooleanField(label="经县残疾儿童教育专家委员会评估不能就学", required=False)
    work_place = forms.ChoiceField(label="务工所在地", choices=EMPTY + _choices(WORK_PLACES), required=False)
    work_months = forms.IntegerField(label="务工月数", min_value=0, max_value=12, required=False, initial=0)
    welfare_job_months = forms.IntegerField(
        label="公益性岗位月数", min_value=0, max_value=12, required=False, initial=0
    )
    medical_insurance = forms.BooleanField(label="参加基本医疗保险", required=False, initial=True)

    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("relation"))

    def contract_member(self) -> dict[str, Any]:
        data = self.cleaned_data
        category, grade = data.get("disability_category"), data.get("disability_grade")
        birth = data.get("birth_date")
        return {
            "id_number": (data.get("id_number") or "").strip() or None,
            "birth_date": birth.isoformat() if birth else None,
            "relation": data["relation"],
            "labour": data.get("labour") or "无劳动力",
            "health": data.get("health") or [],
            "disability": {"category": category, "grade": grade} if category and grade else None,
            "schooling": data.get("schooling") or None,
            "out_of_school": data["out_of_school"],
            "education_exempt": data["education_exempt"],
            "work_place": data.get("work_place") or None,
            "work_months": data.get("work_months") or 0,
            "welfare_job_months": data.get("welfare_job_months") or 0,
            "medical_insurance": data["medical_insurance"],
        }


MemberFormSet = forms.formset_factory(MemberForm, extra=0, min_num=1, max_num=20, absolute_max=20)


class ParameterCreateForm(forms.Form):
    """Provenance of a new parameter; its value comes from the kind's ParameterValueForm beside it."""

    kind = forms.ChoiceField(label="参数类型", choices=ParameterKind.choices, widget=forms.HiddenInput)
    year = forms.IntegerField(
        label="年度（不分年度的参数留空）",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "年度应为四位数字，例如 2026",
            "min_value": "年度应在2000至2100之间",
            "max_value": "年度应在2000至2100之间",
        },
    )
    # P17: only the 低保 standard may be set per county; the field is shown for that kind alone
    region = forms.ChoiceField(
        label="适用区域（全省，或大理州的一个县）",
        required=False,
        error_messages={"invalid_choice": "“%(value)s”不是大理州12个县（市）的县级区划代码"},
    )
    # P17: a regime starts on a date (1 January of its year when left empty); shown for that kind alone
    effective_from = forms.DateField(
        label="执行日期（留空为该年1月1日）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "执行日期应为 YYYY-MM-DD 格式的日期"},
    )
    document = forms.CharField(
        label="依据文件（文件名称和文号，如《……》云农办通〔2025〕1号）",
        max_length=200,
        error_messages={"required": "请填写依据文件（文件名称和文号）"},
    )
    verified = forms.BooleanField(label="已核实（见过正式文件）", required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        if kind == ParameterKind.DIBAO_STANDARD and isinstance(region, forms.ChoiceField):
            region.choices = [(YUNNAN, "云南省（全省）"), *county_choices()]
            region.initial = YUNNAN
        else:
            del self.fields["region"]
        if kind is None or KIND_YEAR_RULE[kind] != YearRule.FROM_DATE:
            del self.fields["effective_from"]
        else:  # P17: a regime has no "year" of its own: it applies from its 执行日期 on
            self.fields["year"].label = "起始年度"
            self.fields["year"].help_text = "本政策阶段自执行日期起适用，直到下一个政策阶段的执行日期"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "region" in self.fields:
            cleaned["region"] = cleaned.get("region") or YUNNAN
        kind = cleaned.get("kind")
        if kind and KIND_YEAR_RULE[kind] != YearRule.ALL_YEARS and not cleaned.get("year"):
            self.add_error("year", "该参数按年度设置，请填写年度")
        return cleaned


class ParameterReviseForm(forms.Form):
    """Provenance and reason of a new version; the value comes from the kind's ParameterValueForm."""

    document = forms.CharField(
        label="依据文件（文件名称和文号）",
        max_length=200,
        error_messages={"required": "请填写依据文件（文件名称和文号）"},
    )
    verified = forms.BooleanField(label="已核实（见过正式文件）", required=False)
    reason = forms.CharField(
        label="修改理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写修改理由"},
    )
