from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "zhenxing.divisions"
    label = "divisions"
    verbose_name = "行政区划"
