"""The asset pages' register routes (assets/urls.py includes them): the register, registration from an accepted
project, an older asset, an asset's page with the forms of its life (P15), and its files."""

from django.urls import URLPattern, path

from zhenxing.assets.views import asset_detail, register

urlpatterns: list[URLPattern] = [
    path("", register.asset_list, name="list"),
    path("new/", register.enter_legacy, name="enter_legacy"),
    path("projects/<int:pk>/register/", register.register_from_project, name="register_from_project"),
    path("files/<int:pk>/", register.attachment, name="attachment"),
    path("<int:pk>/", asset_detail.asset_detail, name="detail"),
    path("<int:pk>/confirm/", asset_detail.asset_confirm, name="confirm"),
    path("<int:pk>/hand-over/", asset_detail.asset_hand_over, name="hand_over"),
    path("<int:pk>/care/", asset_detail.asset_care, name="care"),
    path("<int:pk>/inspect/", asset_detail.asset_inspect, name="inspect"),
    path("<int:pk>/income/", asset_detail.asset_income, name="income"),
    path("<int:pk>/household-end/", asset_detail.asset_household_end, name="household_end"),
]
