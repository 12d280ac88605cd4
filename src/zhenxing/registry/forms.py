from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from zhenxing.policy.rules.money import yuan_to_fen
from zhenxing.policy.rules.quality import CHECKS, ERROR, PersonFacts, person_issues
from zhenxing.policy.vocab import DISASTER_KINDS, HOUSEHOLD_KINDS, HOUSING_GRADES
from zhenxing.registry.enums import IdConflictOutcome
from zhenxing.registry.models import HouseholdYear, Person
from zhenxing.registry.phones import normalised_phone

EMPTY = [("", "—")]


class SearchForm(forms.Form):
    name = forms.CharField(label="姓名", required=False, max_length=50)
    code = forms.CharField(label="户编号", required=False, max_length=32)
    village = forms.CharField(label="区划代码（村、乡镇或县）", required=False, max_length=12)
    kind = forms.ChoiceField(
        label="户类型", required=False, choices=EMPTY + [(k, k) for k in HOUSEHOLD_KINDS]
    )
    relocated = forms.NullBooleanField(
        label="易地搬迁",
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", "是"), ("false", "否")]),
    )
    dibao = forms.NullBooleanField(
        label="有低保人员",
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", "是"), ("false", "否")]),
    )
    disability = forms.NullBooleanField(
        label="有残疾人员",
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", "是"), ("false", "否")]),
    )


class IdLookupForm(forms.Form):
    """Sent by POST, so that a full ID number never appears in a URL or an access log."""

    id_number = forms.CharField(label="完整身份证号", max_length=20)


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看理由（将记入审计日志）", max_length=200, min_length=2)


class IdConflictResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[(o.value, o.label) for o in IdConflictOutcome if o != IdConflictOutcome.SUPERSEDED],
    )
    resolution = forms.CharField(
        label="处理说明（核实经过，将记入审计日志）",
        min_length=4,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


MONEY_LABELS = {
    "wage": "工资性收入",
    "business": "生产经营性收入",
    "property": "财产性收入",
    "transfer": "转移性收入",
    "assistance_benefit": "其中低保金、特困供养金",
    "business_cost": "生产经营性支出",
    "insurance_payouts": "理赔收入",
    "medical_expense": "合规自付医疗支出",
    "education_expense": "教育支出",
    "rehabilitation_expense": "残疾康复支出",
    "accident_expense": "意外事故支出",
    "disaster_expense": "灾害支出",
}


class HouseholdYearForm(forms.Form):
    """Yuan on screen, fen in the database."""

    housing_grade = forms.ChoiceField(
        label="住房安全等级", required=False, choices=EMPTY + [(g, g) for g in HOUSING_GRADES]
    )
    water_supply_cut_days = forms.IntegerField(label="全年断水天数", min_value=0, max_value=366, initial=0)
    water_quality_ok = forms.BooleanField(label="水质达标", required=False, initial=True)
    water_access_ok = forms.BooleanField(label="取水便利", required=False, initial=True)
    disaster = forms.ChoiceField(
        label="自然灾害", required=False, choices=EMPTY + [(d, d) for d in DISASTER_KINDS]
    )
    accident = forms.BooleanField(label="意外事故", required=False)
    industry_failure = forms.BooleanField(label="产业项目失败", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, label in reversed(MONEY_LABELS.items()):
            self.fields = {
                field: forms.DecimalField(
                    label=f"{label}（元）", min_value=Decimal(0), decimal_places=2, max_digits=14, initial=0
                ),
                **self.fields,
            }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        benefit, transfer = data.get("assistance_benefit"), data.get("transfer")
        if benefit is not None and transfer is not None and benefit > transfer:
            self.add_error("assistance_benefit", "低保金、特困供养金是转移性收入的一部分，不能超过转移性收入")
        return data

    @staticmethod
    def initial_from(record: HouseholdYear | None) -> dict[str, Any]:
        if record is None:
            return {}
        values: dict[str, Any] = {field: Decimal(getattr(record, field)) / 100 for field in MONEY_LABELS}
        for field in (
            "housing_grade",
            "water_supply_cut_days",
            "water_quality_ok",
            "water_access_ok",
            "disaster",
            "accident",
            "industry_failure",
        ):
            values[field] = getattr(record, field)
        return values

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {field: yuan_to_fen(data[field]) for field in MONEY_LABELS}
        values.update(
            {
                field: data[field]
                for field in (
                    "water_supply_cut_days",
                    "water_quality_ok",
                    "water_access_ok",
                    "accident",
                    "industry_failure",
                )
            }
        )
        values["housing_grade"] = data.get("housing_grade") or ""
        values["disaster"] = data.get("disaster") or ""
        return values


# Where a P1 error (decided in policy/rules/quality.py) is shown on the person form, and how it is asked for.
ISSUE_FIELD = {
    "education_xor_schooling": ("schooling", "文化程度与在校生状况应有且只有一项"),
    "work_place_months": ("work_months", "务工所在地与务工时间应同时填写或同时为空"),
    "phone_format": ("new_phone", "联系电话应为11位数字"),
    "health_empty": ("health_states", "请选择健康状况"),
    "insurance_both": ("employee_medical_insurance", "不能同时参加城乡居民和职工基本医疗保险"),
}


class PersonForm(forms.ModelForm):
    """Edit one member's collection-form fields (P1). The ID number and the phone are kept encrypted and shown
    masked: each is changed only by typing a new one (the phone may also be removed)."""

    new_id_number = forms.CharField(label="更正证件号码（留空则不变）", required=False, max_length=20)
    new_phone = forms.CharField(label="更正联系电话（留空则不变）", required=False, max_length=20)
    clear_phone = forms.BooleanField(label="删除联系电话", required=False)
    health_states = forms.MultipleChoiceField(
        label="健康状况",
        choices=[(h, h) for h in ("健康", "长期慢性病", "患有大病", "残疾")],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = (
            "name", "sex", "birth_date", "ethnicity", "political_status", "education", "schooling", "out_of_school",
            "education_exempt", "disability_category", "disability_grade", "has_disability_certificate", "labour",
            "work_place", "work_months", "welfare_job_months", "resident_medical_insurance", "employee_medical_insurance",
            "pension_insurance", "dibao", "tekun",
        )  # fmt: skip
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["health_states"] = [h for h in self.instance.health.split("、") if h]
            if self.instance.phone_masked:
                masked = self.instance.phone_masked
                self.fields["new_phone"].label = f"更正联系电话（现登记 {masked}，留空则不变）"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("birth_date") and cleaned.get("labour"):
            # P1 checks live in policy/rules/quality.py; errors block saving, suspicious values do not
            facts = PersonFacts(
                sex=cleaned.get("sex") or "", birth_date=cleaned["birth_date"], relation="", education=cleaned.get("education") or "",
                schooling=cleaned.get("schooling") or "", health="、".join(cleaned.get("health_states") or []),
                labour=cleaned["labour"], work_place=cleaned.get("work_place") or "", work_months=cleaned.get("work_months") or 0,
                phone=normalised_phone(cleaned.get("new_phone") or ""), resident_insurance=bool(cleaned.get("resident_medical_insurance")),
                employee_insurance=bool(cleaned.get("employee_medical_insurance")),
            )  # fmt: skip
            for code in person_issues(facts, today=timezone.localdate()):
                if CHECKS[code][0] == ERROR:
                    field, message = ISSUE_FIELD.get(code, (None, CHECKS[code][1]))
                    self.add_error(field, f"{message}（P1）")
        if cleaned.get("clear_phone") and cleaned.get("new_phone"):
            self.add_error("new_phone", "不能同时填写新号码和删除联系电话")
        elif (
            self.instance.phone_malformed and not cleaned.get("new_phone") and not cleaned.get("clear_phone")
        ):
            # a number stored before the format was checked on write: P1 errors block saving, as on any field
            self.add_error("new_phone", "现登记的联系电话不是11位数字，请更正或删除（P1）")
        if (cleaned.get("disability_category") is None) != (cleaned.get("disability_grade") is None):
            self.add_error("disability_grade", "残疾类别和残疾等级应同时填写")
        return cleaned

    def changes(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["health"] = "、".join(
            h for h in ("健康", "长期慢性病", "患有大病", "残疾") if h in self.cleaned_data["health_states"]
        )
        if self.cleaned_data.get("new_id_number"):
            data["id_number"] = self.cleaned_data["new_id_number"].strip()
        if self.cleaned_data.get("new_phone"):
            data["phone"] = self.cleaned_data["new_phone"]
        elif self.cleaned_data.get("clear_phone"):
            data["phone"] = ""
        return data
