from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "zhenxing.transfer"
    label = "transfer"
    verbose_name = "Excel 导入导出"
