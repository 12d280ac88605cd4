from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhenxing.audit"
    label = "audit"
    verbose_name = "审计日志"
