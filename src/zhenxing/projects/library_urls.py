"""library pages of the project library (projects/urls.py composes them)."""

from django.urls import URLPattern, path

from zhenxing.projects.views import county, library, targets

urlpatterns: list[URLPattern] = [
    path("", library.project_list, name="list"),
    path("new/", library.project_new, name="new"),
    path("new/households/", library.household_picker, name="household_picker"),
    path("batches/", county.batches, name="batches"),
    path("summary/", county.summary, name="summary"),
    path("<int:pk>/", library.project_detail, name="detail"),
    path("<int:pk>/move/", library.project_move, name="move"),
    path("<int:pk>/adjust/", library.project_adjust, name="adjust"),
    path("<int:pk>/revise/", library.project_revise, name="revise"),
    path("<int:pk>/file/", county.file_emergency, name="file_emergency"),
    path("targets/<int:pk>/result/", targets.target_result, name="target_result"),
    path("attachments/<int:pk>/", library.attachment_download, name="attachment"),
    path("households/<int:household_pk>/panel/", library.household_panel, name="household_panel"),
]
