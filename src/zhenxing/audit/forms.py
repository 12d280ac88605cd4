from __future__ import annotations

from django import forms
from django.apps import apps

from zhenxing.audit.actions import action_choices
from zhenxing.audit.selectors import AuditFilter

# A date picker in the browser's Chinese calendar; typed dates are read in the Chinese forms too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d"]


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "lang": "zh-CN"}),
    )


def target_type_choices() -> list[tuple[str, str]]:
    choices = [
        (f"{model._meta.app_label}.{model._meta.model_name}", str(model._meta.verbose_name))
        for config in apps.get_app_configs()
        if config.name.startswith("zhenxing.")
        for model in config.get_models()
    ]
    return [("", "全部"), *sorted(choices, key=lambda choice: choice[1])]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=action_choices)
    target_type = forms.ChoiceField(label="对象类型", required=False, choices=target_type_choices)
    target_id = forms.CharField(label="对象编号", required=False, max_length=64)
    date_from = _date_field("起始日期")
    date_to = _date_field("截止日期")

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
