"""A self-application from the public portal (P8 群众自主申报). The ID number is kept as the registry keeps
it: ciphertext, blind index, mask; the phone is kept encrypted too. The IP address only as a keyed hash."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Application(models.Model):
    tracking_code = models.CharField("查询码", max_length=12, unique=True)
    village = models.ForeignKey(
        "divisions.Division", verbose_name="行政村", to_field="code", db_column="village_code",
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    name = models.CharField("申请人姓名", max_length=50)
    id_number_encrypted = models.BinaryField(editable=False)
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField("证件号码（脱敏）", max_length=24, editable=False)
    phone_encrypted = models.BinaryField(editable=False)
    phone_masked = models.CharField("联系电话（脱敏）", max_length=20, editable=False)
    difficulties = models.JSONField("困难类型", default=list)
    description = models.TextField("困难情况")
    on_behalf = models.BooleanField("他人代举", default=False)
    reporter_name = models.CharField("代举人姓名", max_length=50, blank=True)
    reporter_relation = models.CharField("代举人与申请人关系", max_length=20, blank=True)
    photo = models.FileField(upload_to="applications/%Y/%m/", null=True, blank=True)
    ip_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # several applications may land on one open case (a household and a neighbour both ask)
    case = models.ForeignKey(
        "monitoring.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    created_at = models.DateTimeField("提交时间", db_index=True)

    class Meta:
        verbose_name = "自主申报"
        verbose_name_plural = "自主申报"

    def __str__(self) -> str:
        return f"申报 {self.tracking_code}"


class LookupFailure(models.Model):
    """A failed status lookup, counted per client address and per tracking code (each a keyed hash, never
    the value) so that neither an address nor a code can try many ID tails. Rows in the database, so that
    every gunicorn worker counts the same failures."""

    key = models.CharField(max_length=64, editable=False)
    failed_at = models.DateTimeField(editable=False)

    class Meta:
        verbose_name = "进度查询失败记录"
        verbose_name_plural = "进度查询失败记录"
        indexes = [
            models.Index(fields=["key", "failed_at"], name="portal_lookup_failure_key"),
            models.Index(fields=["failed_at"], name="portal_lookup_failure_time"),
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]} {timezone.localtime(self.failed_at):%Y-%m-%d %H:%M}"


class ChallengeUse(models.Model):
    """A challenge answered (right or wrong): its nonce, unique, so that a replayed form is refused."""

    nonce = models.CharField(max_length=32, unique=True, editable=False)
    used_at = models.DateTimeField(db_index=True, editable=False)

    class Meta:
        verbose_name = "已使用的验证题"
        verbose_name_plural = "已使用的验证题"

    def __str__(self) -> str:
        return self.nonce
