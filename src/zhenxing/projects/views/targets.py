"""Recording a project's 绩效目标 results from its page (P14 绩效评价): one small form per target, for the
project's county once the work is done (projects/targets.py says who and when)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability
from zhenxing.common.errors import not_found
from zhenxing.projects import selectors
from zhenxing.projects.models import ProjectTarget
from zhenxing.projects.targets import NOTE_MAX, RESULT_MAX, target_result_record
from zhenxing.projects.views.common import attempt, require


class TargetResultForm(forms.Form):
    result_value = forms.CharField(
        label="实际完成值", max_length=RESULT_MAX, error_messages={"required": "请填写实际完成值"}
    )
    achieved = forms.TypedChoiceField(
        label="是否完成", choices=(("yes", "已完成"), ("no", "未完成")), coerce=lambda v: v == "yes",
        error_messages={"required": "请选择是否完成目标", "invalid_choice": "请选择是否完成目标"},
    )  # fmt: skip
    result_note = forms.CharField(label="完成情况说明", max_length=NOTE_MAX, required=False)


@login_required
@require_POST
def target_result(request: HttpRequest, pk: int) -> HttpResponse:
    """POST a result for target `pk` of a project the user can see; back to the project's page."""
    user = require(request, Capability.ACT_ON_PROJECT)
    target = (
        ProjectTarget.objects.filter(
            pk=pk, project__in=selectors.project_list_for_user(user=user).values("pk")
        )
        .select_related("project")
        .first()
    )
    if target is None:
        raise not_found()
    form = TargetResultForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{target.indicator}：{error}")
        return redirect("projects:detail", pk=target.project_id)
    data = form.cleaned_data
    attempt(
        request,
        lambda: target_result_record(
            actor=user, target=target, result_value=data["result_value"], achieved=data["achieved"],
            note=data.get("result_note") or "",
        ),
        f"已填报：{target.indicator}",
    )  # fmt: skip
    return redirect("projects:detail", pk=target.project_id)
