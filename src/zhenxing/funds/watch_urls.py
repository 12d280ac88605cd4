"""The watch pages of the fund ledger (funds/urls.py includes them): 支出进度, the industry share, the
per-脱贫-person comparison and the warnings."""

from django.urls import URLPattern, path

from zhenxing.funds.views import watch

urlpatterns: list[URLPattern] = [
    path("progress/", watch.progress, name="progress"),
    path("progress/<str:code>/", watch.county_progress, name="county_progress"),
]
