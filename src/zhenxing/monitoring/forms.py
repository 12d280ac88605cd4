from __future__ import annotations

import uuid

from django import forms

from zhenxing.policy.vocab import MEASURES, MONITORING_TYPES, RISK_TYPES


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
    place = forms.CharField(label="地点", max_length=200)
    findings = forms.CharField(label="核实情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    authorization_signed = forms.BooleanField(label="农户已签署家庭经济状况核查授权书", required=False)


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label="评议会日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    minutes = forms.CharField(
        label="会议记录（参会人员、评议意见）", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=[(c, c) for c in MEASURES])
    content = forms.CharField(label="内容", max_length=300)
    started_on = forms.DateField(
        label="开始日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


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
