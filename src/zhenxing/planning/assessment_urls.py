"""Routes of the county assessment pages (P16, P11; planning/urls.py includes them): the counties' scores of a
year with the prefecture's 计算 and the .xlsx, one assessment explained item by item down to its records, the
what-if, the assessors' field findings with their evidence, and 约谈提醒 / 挂牌督办 with their rectification tasks."""

from django.urls import URLPattern, path

from zhenxing.planning.views import assessment, supervision

urlpatterns: list[URLPattern] = [
    path("assessment/", assessment.assessment_list, name="assessments"),
    path("assessment/compute/", assessment.assessment_compute, name="assessment_compute"),
    path("assessment/export.xlsx", assessment.assessment_xlsx, name="assessment_xlsx"),
    path("assessment/what-if/", assessment.what_if, name="what_if"),
    path("assessment/<int:pk>/", assessment.assessment_detail, name="assessment"),
    path("assessment/<int:pk>/items/<slug:key>/", assessment.assessment_item, name="assessment_item"),
    path("findings/", supervision.finding_list, name="findings"),
    path("findings/new/", supervision.finding_add, name="finding_add"),
    path("findings/<int:pk>/withdraw/", supervision.finding_withdraw, name="finding_withdraw"),
    path("findings/files/<int:pk>/", supervision.finding_file, name="finding_file"),
    path("supervision/", supervision.supervision_list, name="supervisions"),
    path("supervision/<int:pk>/record/", supervision.supervision_record, name="supervision_record"),
    path("supervision/<int:pk>/tasks/new/", supervision.task_add, name="task_add"),
    path("supervision/tasks/<int:pk>/", supervision.task_detail, name="task"),
    path("supervision/tasks/<int:pk>/move/", supervision.task_move, name="task_move"),
    path("supervision/tasks/files/<int:pk>/", supervision.task_file, name="task_file"),
]
