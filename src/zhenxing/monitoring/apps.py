from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "zhenxing.monitoring"
    verbose_name = "监测识别"

    def ready(self) -> None:
        # at start-up, once the models are loaded: the CJK font check registers itself on import, and a lead
        # confirmed in screening (below monitoring, which it cannot import) opens the household's case
        from zhenxing.monitoring.identification.services import case_open_from_lead
        from zhenxing.monitoring.notices import checks  # noqa: F401
        from zhenxing.screening.transitions import lead_confirmed

        lead_confirmed.connect(case_open_from_lead, dispatch_uid="monitoring.case_open_from_lead")
