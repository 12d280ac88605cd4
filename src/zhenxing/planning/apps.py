from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "zhenxing.planning"
    verbose_name = "规划指标与考核"
