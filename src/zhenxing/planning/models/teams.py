"""Village work teams (P11): the village flags that decide which villages need a first secretary and a team,
as data, and the teams themselves with their dates (驻村第一书记和工作队)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from zhenxing.planning.enums import TeamRole

_USER = settings.AUTH_USER_MODEL


class VillageProfile(models.Model):
    village = models.OneToOneField(
        "divisions.Division", verbose_name="行政村", on_delete=models.PROTECT, related_name="planning_profile"
    )
    is_tuopin_village = models.BooleanField("脱贫村", default=False)
    is_relocation_village = models.BooleanField("易地扶贫搬迁安置村(社区)", default=False)
    is_haixi_key_village = models.BooleanField("海西片区重点村（大理市）", default=False)
    weak_party_organisation = models.BooleanField("党组织软弱涣散村", default=False)
    red_village_pilot = models.BooleanField("红色村试点", default=False)
    border_defence = models.BooleanField("强边固防村", default=False)
    updated_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "村分类标识"
        verbose_name_plural = "村分类标识"

    def __str__(self) -> str:
        return str(self.village_id)


class WorkTeamMember(models.Model):
    village = models.ForeignKey(
        "divisions.Division", verbose_name="驻村", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )  # the village's, copied for the county's list
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("职务", max_length=16, choices=TeamRole.choices)
    unit = models.CharField("派出单位", max_length=100)
    starts_on = models.DateField("驻村开始")
    ends_on = models.DateField("驻村结束", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "驻村工作队队员"
        verbose_name_plural = "驻村工作队队员"
        ordering = ["village__code", "role", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=TeamRole.values), name="team_member_role_known"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")) & ~Q(end_reason=""),
                name="team_member_end_after_start_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["county", "village"], name="team_member_county_village")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"
