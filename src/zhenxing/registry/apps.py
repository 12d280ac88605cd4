from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhenxing.registry"
    label = "registry"
    verbose_name = "农户台账"
