"""The ledger pages of the fund ledger (funds/urls.py includes them): documents, lines, splits, payments and a
project's money (P14)."""

from django.urls import URLPattern, path

from zhenxing.funds.views import ledger, payments, splits

urlpatterns: list[URLPattern] = [
    path("", ledger.allocation_list, name="allocations"),
    path("allocations/new/", ledger.allocation_create, name="allocation_create"),
    path("allocations/<int:pk>/", ledger.allocation_detail, name="allocation_detail"),
    path("allocations/<int:pk>/lines/", ledger.allocation_lines_add, name="allocation_lines_add"),
    path("lines/<int:pk>/", splits.line_detail, name="line_detail"),
    path("lines/<int:pk>/splits/", splits.split_create, name="split_create"),
    path("splits/", splits.split_list, name="splits"),
    path("splits/<int:pk>/", splits.split_detail, name="split_detail"),
    path("splits/<int:pk>/confirm/", splits.split_confirm, name="split_confirm"),
    path("splits/<int:pk>/refuse/", splits.split_refuse, name="split_refuse"),
    path("splits/<int:pk>/payments/", payments.payment_create, name="payment_create"),
    path("payments/<int:pk>/reverse/", payments.payment_reverse, name="payment_reverse"),
    path("projects/<int:pk>/", payments.project_money, name="project_money"),
]
