"""Routes of the indicator pages (P12, P16): the catalogue, an indicator with its targets, the periods and their
frozen values, a value with its provenance and corrections, and the yearly statistics .xlsx."""

from django.urls import URLPattern, path

from zhenxing.planning.views import indicators, indicators_values

urlpatterns: list[URLPattern] = [
    path("", indicators.indicator_list, name="indicators"),
    path("indicators/<slug:code>/", indicators.indicator_detail, name="indicator"),
    path("periods/", indicators.period_list, name="periods"),
    path("periods/<int:pk>/", indicators_values.period_detail, name="period"),
    path("periods/<int:pk>/xlsx/", indicators_values.period_xlsx, name="period_xlsx"),
    path("values/<int:pk>/", indicators_values.value_detail, name="value"),
    path("stats/", indicators_values.stats_xlsx, name="stats"),
]
