"""The workbook pages of the fund ledger (funds/urls.py includes them): the exports and the import."""

from django.urls import URLPattern, path

from zhenxing.funds.views import workbook

urlpatterns: list[URLPattern] = [
    path("allocations/<int:pk>/ledger.xlsx", workbook.allocation_xlsx, name="allocation_xlsx"),
    path("payments/<str:county>/<int:year>.xlsx", workbook.payments_xlsx, name="payments_xlsx"),
    # county "all": every county under the user (a prefecture's 支出进度 of all 12 counties)
    path("progress/<str:county>/<int:year>.xlsx", workbook.progress_xlsx, name="progress_xlsx"),
    path("import/", workbook.import_ledger, name="import"),
    path("import/template.xlsx", workbook.import_template, name="import_template"),
]
