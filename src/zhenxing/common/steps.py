"""The step record of the workflow kernel (common/workflow.py): one step done — who, in which role, when,
against which deadline, whether late, with what opinion, and for a decision a snapshot of its inputs, the
parameter versions and the verdict (P8, P13). Each workflow's concrete model adds the foreign key to its
subject, named by `subject_field`; its attachments point at the step (related_name "attachments")."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class StepRecord(models.Model):
    subject_field: ClassVar[str]  # the concrete model's foreign key to the subject that moved

    step = models.CharField("环节", max_length=20)
    outcome = models.CharField("结果", max_length=20)
    action = models.CharField("操作", max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField("办理角色", max_length=16, blank=True)
    done_at = models.DateTimeField("办理时间")
    started_on = models.DateField("环节开始")
    due_on = models.DateField("环节期限", null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    overdue = models.BooleanField("超期办理", default=False)  # done after its due day (workflow.past_due)
    findings = models.TextField("意见", blank=True)
    decision = models.JSONField("决定依据", default=dict)

    class Meta:
        abstract = True
        ordering = ["done_at", "pk"]
