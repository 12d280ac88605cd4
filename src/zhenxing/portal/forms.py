from __future__ import annotations

from django import forms

from zhenxing.monitoring.enums import Difficulty


class ApplicationForm(forms.Form):
    village = forms.CharField(label="行政村", max_length=12)
    name = forms.CharField(label="需要帮助的人（姓名）", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label="联系电话", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    difficulties = forms.MultipleChoiceField(
        label="遇到的困难", choices=Difficulty.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label="困难情况说明", max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # a plain file field: the portal service decides what the bytes are (common/uploads.py), in one place
    photo = forms.FileField(
        label="照片（可不传）", required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip
    on_behalf = forms.BooleanField(label="我是替别人申请（他人代举）", required=False)
    reporter_name = forms.CharField(label="代举人姓名", max_length=50, required=False)
    reporter_relation = forms.CharField(label="与需要帮助的人的关系", max_length=20, required=False)
    answer = forms.CharField(label="验证", max_length=4)
    token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


class StatusForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=12)
    tail = forms.CharField(label="身份证号后四位", min_length=4, max_length=4)
