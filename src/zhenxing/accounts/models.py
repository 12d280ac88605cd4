from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from zhenxing.accounts.enums import TERRITORIAL_ROLES, AssignmentKind, Role
from zhenxing.common.enums import Department


class Sector(models.Model):
    """A county sector (行业, P14: 农业农村, 水利, 交通 …) as data: the project categories map to one each, and a
    county sector department's users belong to one."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("行业部门", max_length=30, unique=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "行业部门（县级）"
        verbose_name_plural = "行业部门（县级）"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. A territorial role has one jurisdiction; a department user has a department."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        "divisions.Division",
        verbose_name="管辖区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.CharField("部门", max_length=32, choices=Department.choices, blank=True, default="")
    sector = models.ForeignKey(
        Sector, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    REQUIRED_FIELDS = ["role"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=sorted(TERRITORIAL_ROLES),
                        jurisdiction__isnull=False,
                        department="",
                        sector=None,
                    )
                    | Q(
                        role=Role.DEPARTMENT,
                        jurisdiction__isnull=True,
                        department__in=Department.values,
                        sector=None,
                    )
                    | Q(
                        role=Role.COUNTY_SECTOR,
                        jurisdiction__isnull=False,
                        department="",
                        sector__isnull=False,
                    )
                    | Q(role=Role.FINANCE, jurisdiction__isnull=False, department="", sector=None)
                    | Q(role=Role.ADMIN, jurisdiction__isnull=True, department="", sector=None)
                ),
                name="user_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class DepartmentApiKey(models.Model):
    """A key a department's system uses to push feeds. Only a hash is stored; the key is shown once."""

    department = models.CharField("部门", max_length=32, choices=Department.choices)
    name = models.CharField("用途说明", max_length=100)
    prefix = models.CharField("前缀", max_length=12, unique=True)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "部门接口密钥"
        verbose_name_plural = "部门接口密钥"
        constraints = [
            models.CheckConstraint(
                condition=Q(department__in=Department.values), name="apikey_department_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()} {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Assignment(models.Model):
    """A dated assignment that widens a user's scope beyond their jurisdiction: a 帮扶责任人 from a county
    bureau to households elsewhere, a 驻村工作队 member to one village. Active on starts_on..ends_on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT, related_name="assignments"
    )
    kind = models.CharField("类型", max_length=16, choices=AssignmentKind.choices)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name="区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="农户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "帮扶/驻村安排"
        verbose_name_plural = "帮扶/驻村安排"
        indexes = [models.Index(fields=["user", "starts_on"], name="assignment_user_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(division__isnull=False, household__isnull=True)
                | Q(division__isnull=True, household__isnull=False),
                name="assignment_one_target",
            ),
            models.CheckConstraint(condition=Q(kind__in=AssignmentKind.values), name="assignment_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.division or self.household} ({self.starts_on}–{self.ends_on or ''})"
