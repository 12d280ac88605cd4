from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    """One write or reveal, recorded in the same transaction as the write. Never updated, never deleted:
    the model refuses, and on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002)."""

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who acted, as text at the time: a user name, "apikey:<prefix>" or "system". Survives renames.
    actor_label = models.CharField("操作人标识", max_length=150)
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.CharField("对象类型", max_length=64)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    old_values = models.JSONField("原值", null=True, blank=True)
    new_values = models.JSONField("新值", null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            # the newest event per target type in one index probe (the screening snapshot's data mark)
            models.Index(fields=["target_type", "id"], name="audit_target_type_id"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["division", "created_at"], name="audit_division_time"),
        ]

    def __str__(self) -> str:
        moment = timezone.localtime(self.created_at) if self.created_at else None
        return f"{moment:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"

    # Guards, not logic: the log is append-only, whatever path tries to change it.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能删除")
