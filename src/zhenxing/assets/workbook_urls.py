"""The asset pages' workbook routes (assets/urls.py includes them): the register export, the import template,
the import of a county's existing register (P15)."""

from django.urls import path

from zhenxing.assets.views import workbook

urlpatterns = [
    path("export.xlsx", workbook.register_xlsx, name="register_xlsx"),
    path("import/template.xlsx", workbook.import_template, name="import_template"),
    path("import/", workbook.import_list, name="import"),
    path("import/<int:pk>/", workbook.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", workbook.import_confirm, name="import_confirm"),
]
