from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "zhenxing.monitoring"
    verbose_name = "监测识别"

    def ready(self) -> None:
        # at start-up, once the models are loaded: the CJK font check registers itself on import
        from zhenxing.monitoring.notices import checks  # noqa: F401
