from __future__ import annotations

from django import forms

from zhenxing.audit.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.CharField(label="操作", required=False, max_length=64)
    target_type = forms.CharField(label="对象类型", required=False, max_length=64)
    target_id = forms.CharField(label="对象编号", required=False, max_length=64)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        return cleaned

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilter(
            actor=data.get("actor", "").strip(),
            action=data.get("action", "").strip(),
            target_type=data.get("target_type", "").strip(),
            target_id=data.get("target_id", "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
