"""Forms of the case pages: a step, the county's confirmation, a visit, a review meeting."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from zhenxing.monitoring.identification.services import VISIT_FINDINGS_MAX, VISIT_PLACE_MAX
from zhenxing.policy.vocab import RISK_TYPES


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    findings = forms.CharField(
        label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    """The county's confirmation (P8). The types offered are the regime's vocabulary for the decision date
    (P17: data, so a Yunnan document replacing the P5 types needs no code), under the regime's object name."""

    to = forms.CharField(widget=forms.HiddenInput, initial="confirmed")
    monitoring_type = forms.ChoiceField(
        label="对象类型",
        error_messages={"required": "请选择对象类型", "invalid_choice": "请选择现行对象类型"},
    )
    risk_types = forms.MultipleChoiceField(
        label="风险类型（至多5项）", choices=[(r, r) for r in RISK_TYPES], widget=forms.CheckboxSelectMultiple
    )
    change_reason = forms.CharField(label="与系统研判结果不同时的调整理由", required=False, max_length=500)
    findings = forms.CharField(label="意见", required=False, max_length=2000)

    def __init__(
        self, *args: Any, monitoring_types: tuple[str, ...], object_name: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["monitoring_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "请选择"), *((t, t) for t in monitoring_types)]
        field.label = f"{object_name}类型"
        field.error_messages = {
            "required": f"请选择{object_name}类型",
            "invalid_choice": f"请选择现行{object_name}类型：{'、'.join(monitoring_types)}",
        }


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
