from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "zhenxing.common"
    label = "common"
    verbose_name = "公共"
