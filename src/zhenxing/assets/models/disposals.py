"""A disposal (处置, P15): the owner applies with a valuation and a reason → 乡镇审核 → 县行业主管部门审批 (→ 县人民政府
above the asset_care parameter's value), each step a record of the workflow kernel. An approved 报废/转让/拍卖/核销
takes the asset off the held register (never out of the table); a mortgage keeps it, with its legal basis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.assets.enums import (
    OPEN_DISPOSAL_STATES,
    DisposalKind,
    DisposalStatus,
    ProceedsUse,
)
from zhenxing.assets.models.register import Asset
from zhenxing.common.steps import StepRecord
from zhenxing.policy.rules.projects import MAX_FEN

_USER = settings.AUTH_USER_MODEL


class Disposal(models.Model):
    asset = models.ForeignKey(Asset, verbose_name="资产", on_delete=models.PROTECT, related_name="disposals")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )  # the asset's, copied for the lists
    kind = models.CharField("处置方式", max_length=12, choices=DisposalKind.choices)
    reason = models.TextField("处置理由")
    valuation_fen = models.BigIntegerField("评估价值（分）")
    valuation_basis = models.CharField("评估依据", max_length=200)
    legal_basis = models.TextField("抵押法律依据", blank=True)  # a mortgage's (P15)
    status = models.CharField("状态", max_length=12, choices=DisposalStatus.choices)
    step_started_on = models.DateField("环节开始", null=True, blank=True)
    step_due = models.DateField("环节期限", null=True, blank=True)
    step_due_provisional = models.BooleanField(default=False)
    # the value compared with the asset_care parameter when the sector approved: the decision's input (P13)
    needs_government = models.BooleanField("须县人民政府审批", default=False)
    decided_on = models.DateField("批准日期", null=True, blank=True)
    # proceeds of a village collective's asset, re-allocated to 巩固拓展 / 乡村振兴 use (recorded after approval)
    proceeds_fen = models.BigIntegerField("处置收入（分）", null=True, blank=True)
    proceeds_use = models.CharField("收入用途", max_length=16, choices=ProceedsUse.choices, blank=True)
    proceeds_note = models.TextField("收入使用说明", blank=True)
    applied_by = models.ForeignKey(_USER, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField("申请日期")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资产处置"
        verbose_name_plural = "资产处置"
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DisposalKind.values), name="disposal_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=DisposalStatus.values), name="disposal_status_known"
            ),
            models.CheckConstraint(
                condition=Q(valuation_fen__gte=0, valuation_fen__lte=MAX_FEN),
                name="disposal_valuation_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DisposalKind.MORTGAGE) | ~Q(legal_basis=""),
                name="disposal_mortgage_has_basis",
            ),
            models.CheckConstraint(
                condition=Q(proceeds_fen__isnull=True) | Q(proceeds_fen__gte=0) & ~Q(proceeds_use=""),
                name="disposal_proceeds_have_use",
            ),
            # one disposal under way per asset
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(status__in=OPEN_DISPOSAL_STATES),
                name="disposal_one_open_per_asset",
            ),
        ]
        indexes = [models.Index(fields=["county", "status"], name="disposal_county_status")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.get_kind_display()} {self.get_status_display()}"


class DisposalStep(StepRecord):
    subject_field = "disposal"

    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="steps")

    class Meta(StepRecord.Meta):
        verbose_name = "资产处置审批环节"
        verbose_name_plural = "资产处置审批环节"

    def __str__(self) -> str:
        return f"{self.disposal_id}:{self.step}→{self.outcome}"
