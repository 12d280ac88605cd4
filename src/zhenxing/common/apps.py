from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "zhenxing.common"
    label = "common"
    verbose_name = "公共"

    def ready(self) -> None:
        from zhenxing.common.vendor_apps import name_listed_by_name

        name_listed_by_name()
