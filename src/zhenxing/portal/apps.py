from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhenxing.portal"
    verbose_name = "群众自主申报"
