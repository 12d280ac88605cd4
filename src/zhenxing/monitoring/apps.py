from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "zhenxing.monitoring"
    verbose_name = "监测识别"
