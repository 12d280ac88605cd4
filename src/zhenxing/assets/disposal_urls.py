"""The asset pages' disposal routes (assets/urls.py includes them): apply for an asset, the list with 待我审批,
one application with its chain and forms, a step of the chain, the proceeds, and the log as .xlsx (P15)."""

from django.urls import URLPattern, path

from zhenxing.assets.views import disposals

urlpatterns: list[URLPattern] = [
    path("<int:pk>/disposals/new/", disposals.disposal_new, name="disposal_new"),
    path("disposals/", disposals.disposal_list, name="disposals"),
    path("disposals/export.xlsx", disposals.disposal_log_xlsx, name="disposal_log_xlsx"),
    path("disposals/<int:pk>/", disposals.disposal_detail, name="disposal_detail"),
    path("disposals/<int:pk>/move/", disposals.disposal_move, name="disposal_move"),
    path("disposals/<int:pk>/proceeds/", disposals.disposal_proceeds, name="disposal_proceeds"),
]
