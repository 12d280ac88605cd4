from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length

from zhenxing.divisions.enums import DivisionLevel

# Lets the constraints below say code__length; registered before any query or migration resolves them.
models.CharField.register_lookup(Length)


class Division(models.Model):
    """One unit of the NBS division tree of Dali.

    `code` is the NBS code at its own length (4, 6, 9 or 12 digits), so each code is a prefix of every
    descendant's code: a subtree is `code LIKE '<code>%'`, which both databases answer from the index.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=80)
    short_name = models.CharField("简称", max_length=80)
    level = models.CharField("层级", max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    edition = models.CharField(
        "代码版本", max_length=16, help_text="例如 NBS2023: 国家统计局2023年统计用区划代码"
    )
    is_tuopin_county = models.BooleanField("脱贫县", default=False)
    is_key_county = models.BooleanField("省级乡村振兴重点帮扶县", default=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class unless the collation is C.
            models.Index(fields=["code"], name="division_code_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "code"], name="division_level_code"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=DivisionLevel.values), name="division_level_known"),
            models.CheckConstraint(
                condition=(
                    Q(level=DivisionLevel.PREFECTURE, code__length=4)
                    | Q(level=DivisionLevel.COUNTY, code__length=6)
                    | Q(level=DivisionLevel.TOWNSHIP, code__length=9)
                    | Q(level=DivisionLevel.VILLAGE, code__length=12)
                ),
                name="division_code_length_matches_level",
            ),
            # P2: the two flags belong to counties, and every 重点帮扶县 is a 脱贫县.
            models.CheckConstraint(
                condition=Q(level=DivisionLevel.COUNTY) | Q(is_tuopin_county=False, is_key_county=False),
                name="division_county_flags_only_on_counties",
            ),
            models.CheckConstraint(
                condition=Q(is_key_county=False) | Q(is_tuopin_county=True),
                name="division_key_county_is_tuopin",
            ),
            models.CheckConstraint(
                condition=Q(level=DivisionLevel.PREFECTURE) | Q(parent__isnull=False),
                name="division_has_parent_below_prefecture",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def nbs_code(self) -> str:
        """The 12-digit NBS form (upper levels padded with zeros)."""
        return self.code.ljust(12, "0")
