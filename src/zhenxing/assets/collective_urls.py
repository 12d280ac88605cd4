"""The asset pages' collective routes (assets/urls.py includes them): the villages' collective economy (P11)."""

from django.urls import URLPattern, path

from zhenxing.assets.views import collective

urlpatterns: list[URLPattern] = [
    path("collective/", collective.collective, name="collective"),
    path("collective/record/", collective.record, name="collective_record"),
    path("collective/tiers/", collective.tiers, name="collective_tiers"),
    path("collective/tiers.xlsx", collective.tiers_xlsx, name="collective_tiers_xlsx"),
]
