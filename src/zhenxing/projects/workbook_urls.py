"""The library workbook: its export (the list's filters) and the import of an existing library workbook
(projects/urls.py composes them)."""

from django.urls import path

from zhenxing.projects.views import workbook

urlpatterns = [
    path("export.xlsx", workbook.export, name="export"),
    path("import/", workbook.import_list, name="import"),
    path("import/<int:pk>/", workbook.import_batch, name="import_batch"),
    path("import/<int:pk>/errors.xlsx", workbook.import_errors, name="import_errors"),
    path("import/<int:pk>/confirm/", workbook.import_confirm, name="import_confirm"),
]
