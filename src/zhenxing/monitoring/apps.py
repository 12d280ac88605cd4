from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "zhenxing.monitoring"
    verbose_name = "监测识别"

    def ready(self) -> None:
        from zhenxing.monitoring import checks  # noqa: F401 - registers the CJK font check
