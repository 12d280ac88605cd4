from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "zhenxing.feeds"
    label = "feeds"
    verbose_name = "部门数据"
