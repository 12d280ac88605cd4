from __future__ import annotations

import uuid

from django import forms

from zhenxing.monitoring.enums import HousingWay, MeasureStatus, PersonItemKind
from zhenxing.monitoring.services import VISIT_FINDINGS_MAX, VISIT_PLACE_MAX
from zhenxing.policy.vocab import MEASURES, MONITORING_TYPES, RELATIONS, RISK_TYPES


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    findings = forms.CharField(
        label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput, initial="confirmed")
    monitoring_type = forms.ChoiceField(label="监测对象类型", choices=[(t, t) for t in MONITORING_TYPES])
    risk_types = forms.MultipleChoiceField(
        label="风险类型（至多5项）", choices=[(r, r) for r in RISK_TYPES], widget=forms.CheckboxSelectMultiple
    )
    change_reason = forms.CharField(label="与系统研判结果不同时的调整理由", required=False, max_length=500)
    findings = forms.CharField(label="意见", required=False, max_length=2000)


class VisitForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    visited_at = forms.DateTimeField(
        label="走访时间",
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label="地点", max_length=VISIT_PLACE_MAX)
    findings = forms.CharField(
        label="核实情况", max_length=VISIT_FINDINGS_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    authorization_signed = forms.BooleanField(label="农户已签署家庭经济状况核查授权书", required=False)


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label="评议会日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    minutes = forms.CharField(
        label="会议记录（参会人员、评议意见）", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=[(c, c) for c in MEASURES])
    content = forms.CharField(label="内容", max_length=300)
    started_on = _date("开始日期")
    ends_on = _date("结束日期", required=False)
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
    started_on = _date("开始日期")
    ends_on = _date("结束日期", required=False)


class ConsentForm(forms.Form):
    consent_by = forms.CharField(label="签字同意的家庭成员", max_length=50)
    relation = forms.ChoiceField(label="与户主关系", choices=[(r, r) for r in RELATIONS])
    consent_on = _date("同意日期")


class HelperForm(forms.Form):
    username = forms.CharField(label="帮扶责任人账号", max_length=150)
    starts_on = _date("开始日期")
    ends_on = _date("结束日期", required=False)


class HousingOpenForm(forms.Form):
    household_code = forms.CharField(label="户编号", max_length=32)
    grade = forms.ChoiceField(label="鉴定等级", choices=[("C", "C级"), ("D", "D级")])
    way = forms.ChoiceField(label="改造方式", choices=HousingWay.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)


class HousingCloseForm(forms.Form):
    completion = forms.CharField(label="竣工验收情况", max_length=2000)


class NoticeForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100, required=False)
    object_to = forms.CharField(label="异议受理（单位、电话）", max_length=200)


class ObjectionForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    raised_by = forms.CharField(label="提出人（可填匿名）", max_length=50, required=False)
    content = forms.CharField(label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    received_on = forms.DateField(
        label="收到日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="核实处理结果", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
