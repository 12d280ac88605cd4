"""The performance pages of the fund ledger (funds/urls.py includes them): 绩效评价 (P14)."""

from django.urls import URLPattern, path

from zhenxing.funds.views import performance

urlpatterns: list[URLPattern] = [
    path("performance/", performance.overview, name="performance"),
    path("performance/<int:year>/ranking.xlsx", performance.ranking_xlsx, name="performance_ranking_xlsx"),
    path("performance/<str:code>/<int:year>/", performance.county, name="performance_county"),
    path("performance/<str:code>/<int:year>/xlsx", performance.county_xlsx, name="performance_county_xlsx"),
    path("projects/<int:pk>/performance.xlsx", performance.project_xlsx, name="performance_project_xlsx"),
]
