"""A notice, an objection raised against it, and its resolution."""

from __future__ import annotations

from django import forms


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
