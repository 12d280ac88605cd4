from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "zhenxing.dashboards"
    verbose_name = "图表与地图"
