from django.urls import path

from zhenxing.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("lookup/", views.lookup_by_id, name="lookup"),
    path("quality/", views.quality_report, name="quality"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.household_detail, name="household"),
    path("<int:pk>/history/", views.household_history, name="history"),
    path("<int:pk>/years/<int:year>/", views.household_year_edit, name="year_edit"),
    path("<int:pk>/persons/<int:person_pk>/reveal/", views.person_reveal, name="reveal"),
    path("<int:pk>/persons/<int:person_pk>/edit/", views.person_edit, name="person_edit"),
]
