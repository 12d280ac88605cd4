from django.urls import include, path

from zhenxing.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("data.json", views.dashboard_data, name="data"),
    path("map/", include("zhenxing.dashboards.map_urls")),
]
