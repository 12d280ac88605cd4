"""Routes of the reported indicator values (P16): the list in scope, entering a value with its evidence, a
report's page with the review steps the user may take, and its evidence files (planning/urls.py includes them)."""

from django.urls import URLPattern, path

from zhenxing.planning.views import reports

urlpatterns: list[URLPattern] = [
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/files/<int:pk>/", reports.report_file, name="report_file"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/move/", reports.report_move, name="report_move"),
    path("reports/<int:pk>/revise/", reports.report_revise, name="report_revise"),
    path("reports/<int:pk>/files/", reports.report_files_add, name="report_files_add"),
]
