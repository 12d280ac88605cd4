"""Entering a C/D house in the ledger, and closing its entry (P11)."""

from __future__ import annotations

from django import forms

from zhenxing.monitoring.enums import HousingWay


class HousingOpenForm(forms.Form):
    household_code = forms.CharField(label="户编号", max_length=32)
    grade = forms.ChoiceField(label="鉴定等级", choices=[("C", "C级"), ("D", "D级")])
    way = forms.ChoiceField(label="改造方式", choices=HousingWay.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)


class HousingCloseForm(forms.Form):
    completion = forms.CharField(label="竣工验收情况", max_length=2000)
