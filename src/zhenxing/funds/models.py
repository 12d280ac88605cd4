"""Linkage funds (P14): an allocation document (资金下达) with its lines per county and source, the splits of a
line to library projects, the payments drawn on a split, and what was released when a project left the library.

Money is integer fen. Nothing is overwritten: a reversed payment is a negative payment pointing at the one it
corrects, with its reason; a split's unpaid part given back at 出库 or 终止 is a release row. The balances are
sums over these rows (selectors.py); the services check them under row locks (services.py) and the constraints
below hold what one row can say."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.funds.enums import AllocationLevel, FundSource, ReleaseKind, SplitStatus
from zhenxing.policy.rules.projects import MAX_FEN

_USER = settings.AUTH_USER_MODEL


class Allocation(models.Model):
    """One allocation document (资金下达文件): 文号, date, issuing level, budget year, 提前下达 or not."""

    doc_number = models.CharField("文号", max_length=60, unique=True)
    title = models.CharField("文件标题", max_length=200, blank=True)
    issued_on = models.DateField("下达日期")
    level = models.CharField("下达层级", max_length=12, choices=AllocationLevel.choices)
    budget_year = models.PositiveSmallIntegerField("预算年度")
    advance = models.BooleanField("提前下达", default=False)
    # the division of the finance bureau that entered it (a county, or the prefecture)
    entered_in = models.ForeignKey(
        "divisions.Division", verbose_name="录入单位区划", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(_USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金下达文件"
        verbose_name_plural = "资金下达文件"
        ordering = ["-budget_year", "-issued_on", "doc_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AllocationLevel.values), name="allocation_level_known"
            ),
            models.CheckConstraint(
                condition=Q(budget_year__gte=2000, budget_year__lte=2100), name="allocation_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.doc_number


class AllocationLine(models.Model):
    """A document's amount for one county and one source (P14: unique on 文号, county, source)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="lines")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    amount_fen = models.BigIntegerField("下达金额（分）")
    created_by = models.ForeignKey(_USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金指标"
        verbose_name_plural = "资金指标"
        ordering = ["allocation", "county__code", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "county", "source"], name="allocation_line_unique_county_source"
            ),
            models.CheckConstraint(
                condition=Q(source__in=FundSource.values), name="allocation_line_source_known"
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_FEN), name="allocation_line_amount_in_range"
            ),
        ]
        indexes = [models.Index(fields=["county", "source"], name="allocation_line_county_source")]

    def __str__(self) -> str:
        return f"{self.allocation_id}:{self.county_id}:{self.source}"


class Split(models.Model):
    """Part of a line given to one library project (P14: only to a project in the library, never above its
    planned amount for the line's source, never above the line's remaining balance)."""

    line = models.ForeignKey(AllocationLine, on_delete=models.PROTECT, related_name="splits")
    # the version the split was made to; an adjustment's later versions keep its money (selectors: by code)
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="fund_splits"
    )
    # copied from the line, so that the ledger's sums by county and source read one table
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    budget_year = models.PositiveSmallIntegerField(
        "预算年度"
    )  # the line's document's, copied like the county
    amount_fen = models.BigIntegerField("分配金额（分）")
    status = models.CharField("状态", max_length=12, choices=SplitStatus.choices)
    proposed_by = models.ForeignKey(_USER, verbose_name="提出人", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        _USER, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("确认日期", null=True, blank=True)
    refusal_reason = models.TextField("退回理由", blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金分配"
        verbose_name_plural = "资金分配"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SplitStatus.values), name="split_status_known"),
            models.CheckConstraint(condition=Q(source__in=FundSource.values), name="split_source_known"),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_FEN), name="split_amount_in_range"
            ),
            models.CheckConstraint(
                condition=~Q(status=SplitStatus.REFUSED) | ~Q(refusal_reason=""),
                name="split_refusal_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["county", "budget_year", "source", "status"], name="split_county_year_source"
            ),
            models.Index(fields=["project", "status"], name="split_project_status"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}→{self.project_id} {self.amount_fen}"


class Payment(models.Model):
    """A payment (支付) drawn on one split, to a named payee with its voucher; a reversal (冲销) is a negative
    payment pointing at the payment it corrects, with its reason and its own voucher."""

    split = models.ForeignKey(Split, on_delete=models.PROTECT, related_name="payments")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    # the split's source and budget year, copied (with the county) so that 支出进度's sums read this table alone
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    budget_year = models.PositiveSmallIntegerField("预算年度")
    amount_fen = models.BigIntegerField("支付金额（分）")
    paid_on = models.DateField("支付日期")
    payee = models.CharField("收款单位", max_length=100)
    voucher = models.CharField("凭证号", max_length=60)
    reverses = models.ForeignKey(
        "self", verbose_name="冲销的支付", null=True, blank=True, on_delete=models.PROTECT,
        related_name="reversals",
    )  # fmt: skip
    reason = models.TextField("冲销原因", blank=True)
    created_by = models.ForeignKey(_USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金支付"
        verbose_name_plural = "资金支付"
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["split", "voucher"], name="payment_voucher_unique_per_split"),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_FEN, reverses__isnull=True, reason="")
                | Q(amount_fen__lt=0, amount_fen__gte=-MAX_FEN, reverses__isnull=False) & ~Q(reason=""),
                name="payment_positive_or_reasoned_reversal",
            ),
            models.CheckConstraint(
                condition=~Q(payee="") & ~Q(voucher=""), name="payment_names_payee_voucher"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "paid_on"], name="payment_county_paid_on"),
            models.Index(fields=["county", "budget_year", "source"], name="payment_county_year_source"),
            models.Index(fields=["split", "amount_fen"], name="payment_split_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} {self.amount_fen}"


class Release(models.Model):
    """A split's unpaid part given back when its project left the library (P14): 出库 returns it to the line (its
    balance counts it again, to be split anew); 终止 records it as 收回, taken back by the finance bureau (off the
    line: selectors.LineBalance)."""

    split = models.OneToOneField(Split, on_delete=models.PROTECT, related_name="release")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)  # the split's, copied
    budget_year = models.PositiveSmallIntegerField("预算年度")
    kind = models.CharField("类型", max_length=12, choices=ReleaseKind.choices)
    amount_fen = models.BigIntegerField("金额（分）")
    released_on = models.DateField("日期")
    reason = models.TextField("原因")
    created_by = models.ForeignKey(_USER, verbose_name="办理人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("办理时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金退回与收回"
        verbose_name_plural = "资金退回与收回"
        ordering = ["-released_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReleaseKind.values), name="release_kind_known"),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_FEN), name="release_amount_in_range"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "budget_year", "source"], name="release_county_year_source")
        ]

    def __str__(self) -> str:
        return f"{self.split_id} {self.kind} {self.amount_fen}"
