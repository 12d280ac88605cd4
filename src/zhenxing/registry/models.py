"""The registry (P1): households, people, dated membership, and one record per household and year."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from zhenxing.policy.vocab import (
    DISASTER_KINDS,
    EDUCATION_LEVELS,
    HOUSEHOLD_KINDS,
    HOUSING_GRADES,
    LABOUR_CAPACITIES,
    RELATIONS,
    SCHOOLING,
    WORK_PLACES,
)
from zhenxing.registry.enums import (
    IdConflictOutcome,
    IdConflictSource,
    IdConflictStatus,
    IdType,
    JoinReason,
    LeaveReason,
    Sex,
    SyncStatus,
)


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class NaturalVillage(models.Model):
    """自然村 under an administrative village; NBS codes stop above them, so imports and users create them."""

    village = models.ForeignKey(
        "divisions.Division", verbose_name="行政村", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("自然村", max_length=60)

    class Meta:
        verbose_name = "自然村"
        verbose_name_plural = "自然村"
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="natural_village_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    code = models.CharField("户编号", max_length=32, null=True, blank=True, unique=True)
    sync_status = models.CharField(
        "同步状态", max_length=16, choices=SyncStatus.choices, default=SyncStatus.LOCAL
    )
    # Keyed by the division code (to_field) so that scoping — code LIKE '5329xx%' — needs no join.
    village = models.ForeignKey(
        "divisions.Division",
        verbose_name="行政村",
        to_field="code",
        db_column="village_code",
        on_delete=models.PROTECT,
        related_name="+",
    )
    natural_village = models.ForeignKey(
        NaturalVillage,
        verbose_name="自然村",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField("家庭住址", max_length=200, blank=True)
    kind = models.CharField("户类型", max_length=8, choices=_choices(HOUSEHOLD_KINDS))
    is_relocated = models.BooleanField("易地扶贫搬迁户", default=False)
    resettlement_site = models.CharField("安置区", max_length=100, blank=True)
    moved_from = models.ForeignKey(
        "divisions.Division",
        verbose_name="搬迁前所在村",
        to_field="code",
        db_column="moved_from_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the phone only encrypted, like ID numbers (registry/phones.py)
    contact_phone_encrypted = models.BinaryField("联系电话（密文）", null=True, blank=True, editable=False)
    contact_phone_masked = models.CharField("联系电话（脱敏）", max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = "农户"
        indexes = [
            models.Index(fields=["village", "kind", "id"], name="household_village_kind"),
            models.Index(fields=["moved_from"], name="household_moved_from"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HOUSEHOLD_KINDS), name="household_kind_known"),
            models.CheckConstraint(
                condition=Q(is_relocated=True) | Q(moved_from__isnull=True, resettlement_site=""),
                name="household_relocation_fields_only_when_relocated",
            ),
            models.CheckConstraint(
                condition=Q(contact_phone_encrypted__isnull=True, contact_phone_masked="")
                | Q(contact_phone_encrypted__isnull=False) & ~Q(contact_phone_masked=""),
                name="household_contact_phone_cipher_and_mask_together",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"户{self.pk}"


class Person(models.Model):
    """One person, with every field of the national collection form (P1). The ID number is kept only
    encrypted (AES-GCM), with a keyed blind index for exact lookup and a masked form for display; the phone
    encrypted and masked (no index: nothing searches by phone).

    An ID number entered while another person outside the user's scope holds it is kept *disputed*: cipher
    and mask as entered, no index (the index is unique), and an IdConflict for the county to resolve."""

    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=2, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_encrypted = models.BinaryField("证件号码（密文）", null=True, blank=True, editable=False)
    id_number_index = models.CharField(
        "证件号码索引", max_length=64, null=True, blank=True, unique=True, editable=False
    )
    id_number_masked = models.CharField("证件号码（脱敏）", max_length=24, blank=True, editable=False)
    id_number_disputed = models.BooleanField("证件号码待县级核实", default=False, editable=False)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    political_status = models.CharField("政治面貌", max_length=10, blank=True)
    education = models.CharField("文化程度", max_length=10, blank=True, choices=_choices(EDUCATION_LEVELS))
    schooling = models.CharField("在校生状况", max_length=12, blank=True, choices=_choices(SCHOOLING))
    out_of_school = models.BooleanField("失学辍学或未入学", default=False)
    education_exempt = models.BooleanField("经评估不能就学", default=False)
    # The 健康状况 set (P1) joined by "、" in the order of HEALTH_STATES, so that reports can filter on it.
    health = models.CharField("健康状况", max_length=40, blank=True)
    disability_category = models.PositiveSmallIntegerField("残疾类别", null=True, blank=True)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    has_disability_certificate = models.BooleanField("持残疾人证", default=False)
    labour = models.CharField("劳动技能", max_length=12, choices=_choices(LABOUR_CAPACITIES))
    work_place = models.CharField("务工所在地", max_length=8, blank=True, choices=_choices(WORK_PLACES))
    work_months = models.PositiveSmallIntegerField("务工时间（月）", default=0)
    welfare_job_months = models.PositiveSmallIntegerField("公益性岗位（月）", default=0)
    resident_medical_insurance = models.BooleanField("城乡居民基本医疗保险", default=False)
    employee_medical_insurance = models.BooleanField("职工基本医疗保险", default=False)
    pension_insurance = models.BooleanField("基本养老保险", default=False)
    dibao = models.BooleanField("低保", default=False)
    tekun = models.BooleanField("特困供养", default=False)
    phone_encrypted = models.BinaryField("联系电话（密文）", null=True, blank=True, editable=False)
    phone_masked = models.CharField("联系电话（脱敏）", max_length=20, blank=True, editable=False)
    # P1 "联系电话不是11位数字", decided when the number was written (a regex cannot read ciphertext); every
    # writer refuses such a number, so only rows from before the encryption can carry it
    phone_malformed = models.BooleanField("联系电话格式有误", default=False, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        indexes = [
            # name LIKE '杨%' on PostgreSQL needs the pattern operator class unless the collation is C.
            models.Index(fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(work_months__lte=12), name="person_work_months_max_12"),
            models.CheckConstraint(
                condition=Q(welfare_job_months__lte=12), name="person_welfare_months_max_12"
            ),
            models.CheckConstraint(
                condition=Q(disability_category__isnull=True)
                | Q(disability_category__gte=1, disability_category__lte=7),
                name="person_disability_category_1_7",
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_4",
            ),
            models.CheckConstraint(
                condition=Q(
                    id_number_encrypted__isnull=True, id_number_index__isnull=True, id_number_disputed=False
                )
                | Q(
                    id_number_encrypted__isnull=False, id_number_index__isnull=False, id_number_disputed=False
                )
                | Q(id_number_encrypted__isnull=False, id_number_index__isnull=True, id_number_disputed=True),
                name="person_id_cipher_and_index_together_unless_disputed",
            ),
            models.CheckConstraint(
                condition=Q(phone_encrypted__isnull=True, phone_masked="", phone_malformed=False)
                | Q(phone_encrypted__isnull=False) & ~Q(phone_masked=""),
                name="person_phone_cipher_and_mask_together",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's stay in a household, dated (P1): history is kept, never overwritten."""

    household = models.ForeignKey(
        Household, verbose_name="户", on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField("与户主关系", max_length=8, choices=_choices(RELATIONS))
    joined_on = models.DateField("加入日期")
    joined_reason = models.CharField(
        "加入原因", max_length=16, choices=JoinReason.choices, default=JoinReason.REGISTERED
    )
    left_on = models.DateField("离开日期", null=True, blank=True)
    left_reason = models.CharField("离开原因", max_length=16, choices=LeaveReason.choices, blank=True)

    class Meta:
        verbose_name = "家庭成员关系"
        verbose_name_plural = "家庭成员关系"
        indexes = [models.Index(fields=["household", "left_on"], name="membership_household_current")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(left_on__isnull=True), name="membership_one_current_household"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(left_on__isnull=True, relation="户主"),
                name="membership_one_current_head",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, left_reason="")
                | Q(left_on__isnull=False) & ~Q(left_reason=""),
                name="membership_left_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.household}"


class HouseholdYear(models.Model):
    """What the policy rules need for one household and year (P3, P6). Money in integer fen."""

    household = models.ForeignKey(
        Household, verbose_name="户", on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField("年度")
    wage = models.BigIntegerField("工资性收入（分）", default=0)
    business = models.BigIntegerField("生产经营性收入（分）", default=0)
    property = models.BigIntegerField("财产性收入（分）", default=0)
    transfer = models.BigIntegerField("转移性收入（分）", default=0)
    # the part of `transfer` that is 低保金 or 特困供养金: not counted as income in a 低保 test (P3, P17)
    assistance_benefit = models.BigIntegerField("低保金、特困供养金（分）", default=0)
    business_cost = models.BigIntegerField("生产经营性支出（分）", default=0)
    insurance_payouts = models.BigIntegerField("理赔收入（分）", default=0)
    medical_expense = models.BigIntegerField("合规自付医疗支出（分）", default=0)
    education_expense = models.BigIntegerField("教育支出（分）", default=0)
    rehabilitation_expense = models.BigIntegerField("残疾康复支出（分）", default=0)
    accident_expense = models.BigIntegerField("意外事故支出（分）", default=0)
    disaster_expense = models.BigIntegerField("灾害支出（分）", default=0)
    housing_grade = models.CharField(
        "住房安全等级", max_length=1, blank=True, choices=_choices(HOUSING_GRADES)
    )
    water_supply_cut_days = models.PositiveSmallIntegerField("断水天数", default=0)
    water_quality_ok = models.BooleanField("水质达标", default=True)
    water_access_ok = models.BooleanField("取水便利", default=True)
    disaster = models.CharField("自然灾害", max_length=4, blank=True, choices=_choices(DISASTER_KINDS))
    accident = models.BooleanField("意外事故", default=False)
    industry_failure = models.BooleanField("产业项目失败", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    MONEY_FIELDS = (
        "wage", "business", "property", "transfer", "assistance_benefit", "business_cost", "insurance_payouts",
        "medical_expense", "education_expense", "rehabilitation_expense", "accident_expense", "disaster_expense",
    )  # fmt: skip

    class Meta:
        verbose_name = "年度收支"
        verbose_name_plural = "年度收支"
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="household_year_unique"),
            models.CheckConstraint(
                condition=Q(
                    wage__gte=0,
                    business__gte=0,
                    property__gte=0,
                    transfer__gte=0,
                    business_cost__gte=0,
                    insurance_payouts__gte=0,
                    medical_expense__gte=0,
                    education_expense__gte=0,
                    rehabilitation_expense__gte=0,
                    accident_expense__gte=0,
                    disaster_expense__gte=0,
                ),
                name="household_year_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(assistance_benefit__gte=0, assistance_benefit__lte=F("transfer")),
                name="household_year_assistance_benefit_within_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class IdConflict(models.Model):
    """An ID number entered on a person (edit, add, import) while another person the user cannot see already
    holds it (P1: one person, one record). Telling the user would reveal that the number is registered
    somewhere in the prefecture, so the entry is accepted as *disputed* (Person.id_number_disputed) and the
    conflict waits here for the county of either side to resolve it. No plaintext: index and mask only, and
    the person's previous number sealed, so that a withdrawal can put it back."""

    status = models.CharField(
        "状态", max_length=12, choices=IdConflictStatus.choices, default=IdConflictStatus.PENDING
    )
    source = models.CharField("来源", max_length=12, choices=IdConflictSource.choices)
    person = models.ForeignKey(
        Person, verbose_name="录入号码的人员", on_delete=models.PROTECT, related_name="id_conflicts"
    )
    household = models.ForeignKey(
        Household, verbose_name="录入时所在户", on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(Person, verbose_name="原登记人", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="录入方所在县", on_delete=models.PROTECT, related_name="+"
    )
    holder_county = models.ForeignKey(
        "divisions.Division",
        verbose_name="原登记人所在县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    id_number_encrypted = models.BinaryField("证件号码（密文）", editable=False)
    id_number_index = models.CharField("证件号码索引", max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField("证件号码（脱敏）", max_length=24, editable=False)
    previous_id_encrypted = models.BinaryField("原证件号码（密文）", null=True, blank=True, editable=False)
    previous_id_index = models.CharField(
        "原证件号码索引", max_length=64, null=True, blank=True, editable=False
    )
    previous_id_masked = models.CharField("原证件号码（脱敏）", max_length=24, blank=True, editable=False)
    reported_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField("发现时间")
    outcome = models.CharField("处理结果", max_length=12, choices=IdConflictOutcome.choices, blank=True)
    resolution = models.TextField("处理说明", blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User",
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "证件号码冲突"
        verbose_name_plural = "证件号码冲突"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=IdConflictStatus.PENDING, outcome="", resolved_at__isnull=True)
                | Q(status=IdConflictStatus.RESOLVED, resolved_at__isnull=False) & ~Q(outcome=""),
                name="id_conflict_outcome_when_resolved",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=IdConflictStatus.PENDING),
                name="id_conflict_one_pending_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"证件号码冲突 {self.pk}（{self.id_number_masked}）"
