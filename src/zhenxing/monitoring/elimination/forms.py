"""The household's informed consent to risk elimination (P9)."""

from __future__ import annotations

from django import forms

from zhenxing.monitoring.web import date_field
from zhenxing.policy.vocab import RELATIONS


class ConsentForm(forms.Form):
    consent_by = forms.CharField(label="签字同意的家庭成员", max_length=50)
    relation = forms.ChoiceField(label="与户主关系", choices=[(r, r) for r in RELATIONS])
    consent_on = date_field("同意日期")
