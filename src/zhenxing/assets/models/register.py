"""The asset register (P15): the catalogue of asset types, each asset with its fund-source shares, its
inspections, its yearly income and its files.

Money is integer fen. An asset never leaves the register: every foreign key to it protects it, and the database
refuses a DELETE on the asset table (a trigger, migration 0002), so that 处置 is only ever a recorded, approved
change of status (disposals.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.assets.enums import AssetCategory, AssetForm, AssetStatus, Condition, OwnerKind
from zhenxing.funds.enums import FundSource
from zhenxing.policy.rules.projects import MAX_FEN

_USER = settings.AUTH_USER_MODEL


class AssetType(models.Model):
    """The catalogue of asset types kept as data (P15: 公益性 roads, water supply, schools …; 经营性 production
    bases, cold storage, photovoltaic stations …; 到户类 livestock, equipment, houses), each with its category
    and the county sector department that supervises it (谁主管、谁负责)."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("资产类型", max_length=40)
    category = models.CharField("资产类别", max_length=12, choices=AssetCategory.choices)
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name="主管行业部门", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField("计量单位", max_length=10, default="项")
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "资产类型"
        verbose_name_plural = "资产类型"
        ordering = ["category", "sort", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=AssetCategory.values), name="asset_type_category_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class Asset(models.Model):
    code = models.CharField("资产编号", max_length=32, unique=True)
    name = models.CharField("资产名称", max_length=100)
    asset_type = models.ForeignKey(
        AssetType, verbose_name="资产类型", on_delete=models.PROTECT, related_name="assets"
    )
    category = models.CharField(
        "资产类别", max_length=12, choices=AssetCategory.choices
    )  # the type's, copied for the lists' filters
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name="主管行业部门", on_delete=models.PROTECT, related_name="+"
    )
    form = models.CharField("资产形态", max_length=12, choices=AssetForm.choices, default=AssetForm.PHYSICAL)
    equity_exit_method = models.TextField("股权退出方式", blank=True)
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=2)
    unit = models.CharField("计量单位", max_length=10)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    # where it stands: the administrative village (or the township, the county for a county-wide asset)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    natural_village = models.ForeignKey(
        "registry.NaturalVillage", verbose_name="自然村", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    location = models.CharField("具体位置", max_length=200, blank=True)
    # the accepted project it came from; an older asset entered with its documents has none
    project = models.ForeignKey(
        "projects.Project", verbose_name="来源项目", null=True, blank=True, on_delete=models.PROTECT,
        related_name="assets",
    )  # fmt: skip
    source_document = models.CharField("形成依据（文件或项目）", max_length=200, blank=True)
    formed_on = models.DateField("形成日期")
    value_fen = models.BigIntegerField("资产价值（分）")
    status = models.CharField("状态", max_length=12, choices=AssetStatus.choices)
    # 确权
    owner_kind = models.CharField("所有权人类型", max_length=12, choices=OwnerKind.choices, blank=True)
    owner_name = models.CharField("所有权人", max_length=100, blank=True)
    owner_household = models.ForeignKey(
        "registry.Household", verbose_name="所有权农户", null=True, blank=True, on_delete=models.PROTECT,
        related_name="assets",
    )  # fmt: skip
    ownership_document = models.CharField("确权文书", max_length=200, blank=True)
    owned_on = models.DateField("确权日期", null=True, blank=True)
    # 移交
    handed_over_on = models.DateField("移交日期", null=True, blank=True)
    receiver = models.CharField("接收方", max_length=100, blank=True)
    # 管护 (谁主管、谁负责): an asset without a responsible unit is on the county's data-quality list
    care_unit = models.CharField("管护责任单位", max_length=100, blank=True)
    care_person = models.CharField("管护责任人", max_length=50, blank=True)
    care_phone = models.CharField("责任人电话", max_length=20, blank=True)
    care_rules = models.TextField("管护制度", blank=True)
    # the latest inspection's outcome and the next one's due day (the asset_care parameter's interval)
    condition = models.CharField("资产状况", max_length=12, choices=Condition.choices, blank=True)
    last_inspected_on = models.DateField("最近巡查", null=True, blank=True)
    inspection_due = models.DateField("下次巡查期限", null=True, blank=True)
    # a mortgage approved up the chain (the asset stays held), with its legal basis
    mortgaged = models.BooleanField("已抵押", default=False)
    mortgage_basis = models.TextField("抵押法律依据", blank=True)
    # left the register's held assets: by an approved disposal, or a 到户类 asset's change recorded by the village
    ended_on = models.DateField("退出日期", null=True, blank=True)
    ended_reason = models.TextField("退出原因", blank=True)
    created_by = models.ForeignKey(_USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目资产"
        verbose_name_plural = "项目资产"
        ordering = ["code"]  # the code starts with the county's: county order without a join
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=AssetCategory.values), name="asset_category_known"
            ),
            models.CheckConstraint(condition=Q(status__in=AssetStatus.values), name="asset_status_known"),
            models.CheckConstraint(condition=Q(form__in=AssetForm.values), name="asset_form_known"),
            models.CheckConstraint(
                condition=Q(value_fen__gt=0, value_fen__lte=MAX_FEN), name="asset_value_in_range"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="asset_quantity_positive"),
            # P15: an equity share records its exit method
            models.CheckConstraint(
                condition=~Q(form=AssetForm.EQUITY) | ~Q(equity_exit_method=""), name="asset_equity_has_exit"
            ),
            models.CheckConstraint(
                condition=~Q(mortgaged=True) | ~Q(mortgage_basis=""), name="asset_mortgage_has_basis"
            ),
            # registered from a project, or entered with its documents
            models.CheckConstraint(
                condition=Q(project__isnull=False) | ~Q(source_document=""), name="asset_has_source"
            ),
            # past 登记 an asset has its owner; a household owner is a household of the registry
            models.CheckConstraint(
                condition=Q(status=AssetStatus.REGISTERED) | ~Q(owner_kind="") & ~Q(owner_name=""),
                name="asset_owned_has_owner",
            ),
            models.CheckConstraint(
                condition=~Q(owner_kind=OwnerKind.HOUSEHOLD) | Q(owner_household__isnull=False),
                name="asset_household_owner_named",
            ),
            # 移交 records its date and receiver (an asset disposed of before its 移交 has neither)
            models.CheckConstraint(
                condition=~Q(status=AssetStatus.HANDED_OVER)
                | Q(handed_over_on__isnull=False) & ~Q(receiver=""),
                name="asset_handed_over_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=(AssetStatus.DISPOSED, AssetStatus.WRITTEN_OFF, AssetStatus.ENDED))
                | Q(ended_on__isnull=False) & ~Q(ended_reason=""),
                name="asset_ended_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status", "category"], name="asset_county_status_cat"),
            models.Index(fields=["division", "status"], name="asset_division_status"),
            models.Index(fields=["status", "inspection_due"], name="asset_status_due"),
            models.Index(fields=["county", "condition"], name="asset_county_condition"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssetFundShare(models.Model):
    """The part of an asset's value paid from one fund source (P15: from the project's payments)."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="shares")
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    amount_fen = models.BigIntegerField("金额（分）")

    class Meta:
        verbose_name = "资产资金构成"
        verbose_name_plural = "资产资金构成"
        ordering = ["asset", "source"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "source"], name="asset_share_unique_source"),
            models.CheckConstraint(
                condition=Q(source__in=FundSource.values), name="asset_share_source_known"
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_FEN), name="asset_share_amount_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id}:{self.source} {self.amount_fen}"


class Inspection(models.Model):
    """A 管护 inspection (P15): its outcome sets the asset's condition and the next due day."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField("巡查日期")
    outcome = models.CharField("巡查结果", max_length=12, choices=Condition.choices)
    notes = models.TextField("情况说明", blank=True)
    inspector = models.ForeignKey(_USER, verbose_name="巡查人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资产管护巡查"
        verbose_name_plural = "资产管护巡查"
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Condition.values), name="inspection_outcome_known"
            ),
            # a problem found is described
            models.CheckConstraint(
                condition=Q(outcome=Condition.GOOD) | ~Q(notes=""), name="inspection_problem_described"
            ),
        ]
        indexes = [models.Index(fields=["asset", "inspected_on"], name="inspection_asset_day")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.inspected_on} {self.outcome}"


class AssetIncome(models.Model):
    """An operating asset's income for one year (P15 收益), with its evidence."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField("年度")
    amount_fen = models.BigIntegerField("收益（分）")
    evidence = models.CharField("依据（合同、凭证）", max_length=200)
    entered_by = models.ForeignKey(_USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "经营性资产收益"
        verbose_name_plural = "经营性资产收益"
        ordering = ["asset", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "year"], name="asset_income_unique_year"),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0, amount_fen__lte=MAX_FEN), name="asset_income_in_range"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="asset_income_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.year} {self.amount_fen}"


class AssetAttachment(models.Model):
    """Papers and photos (确权文书, 移交签字记录, 巡查照片, 处置评估, 会议记录, 公开照片, 收入凭证): kept under
    var/media, accepted by their bytes (common/uploads.py), served by a scoped view."""

    file = models.FileField(upload_to="asset_attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    purpose = models.CharField("用途", max_length=20)
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    disposal = models.ForeignKey(
        "assets.Disposal", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    plan = models.ForeignKey(
        "assets.DistributionPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    collective_income = models.ForeignKey(
        "assets.CollectiveIncome", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "资产附件"
        verbose_name_plural = "资产附件"
        constraints = [
            models.CheckConstraint(
                condition=Q(asset__isnull=False) | Q(plan__isnull=False) | Q(collective_income__isnull=False),
                name="asset_attachment_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name
