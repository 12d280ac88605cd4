from django.urls import include, path

from zhenxing.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("figures/<slug:key>/", views.figure_table, name="figure"),
    path("figures/<slug:key>.xlsx", views.figure_xlsx, name="figure_xlsx"),
    path("data.json", views.dashboard_data, name="data"),
    path("map/", include("zhenxing.dashboards.map_urls")),
]
