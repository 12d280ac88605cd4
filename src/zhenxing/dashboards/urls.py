from django.urls import path

from zhenxing.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("data.json", views.dashboard_data, name="data"),
]
