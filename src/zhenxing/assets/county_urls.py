"""The asset pages' county routes (assets/urls.py includes them): the county's oversight of its assets (P15)."""

from django.urls import URLPattern, path

from zhenxing.assets.views import county

urlpatterns: list[URLPattern] = [
    path("oversight/", county.overview, name="oversight"),
    path("county/<str:code>/", county.county, name="county"),
    path("county/<str:code>/quality/", county.quality, name="quality"),
    path("county/<str:code>/quality.xlsx", county.quality_xlsx, name="quality_xlsx"),
    path("county/<str:code>/responsibility/", county.responsibility, name="responsibility"),
    path("county/<str:code>/responsibility.xlsx", county.responsibility_xlsx, name="responsibility_xlsx"),
    path("county/<str:code>/idle/", county.idle, name="idle"),
    path("county/<str:code>/idle.xlsx", county.idle_xlsx, name="idle_xlsx"),
]
