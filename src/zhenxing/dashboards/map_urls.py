from django.urls import path

from zhenxing.dashboards import map_views

urlpatterns = [
    path("", map_views.county_map, name="map"),
    path("geometry.json", map_views.county_map_geometry, name="map_geometry"),
    path("export.xlsx", map_views.county_map_xlsx, name="map_xlsx"),
]
