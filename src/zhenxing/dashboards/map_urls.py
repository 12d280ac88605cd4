from django.urls import path

from zhenxing.dashboards import map_views

urlpatterns = [
    path("", map_views.county_map, name="map"),
]
