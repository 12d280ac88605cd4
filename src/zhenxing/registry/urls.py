from django.urls import path

from zhenxing.registry import conflict_views, views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("lookup/", views.lookup_by_id, name="lookup"),
    path("quality/", views.quality_report, name="quality"),
    path("export.xlsx", views.export, name="export"),
    path("id-conflicts/", conflict_views.id_conflict_list, name="id_conflicts"),
    path("id-conflicts/<int:pk>/resolve/", conflict_views.id_conflict_resolve, name="id_conflict_resolve"),
    path("<int:pk>/", views.household_detail, name="household"),
    path("<int:pk>/history/", views.household_history, name="history"),
    path("<int:pk>/years/<int:year>/", views.household_year_edit, name="year_edit"),
    path("<int:pk>/persons/<int:person_pk>/reveal/", views.person_reveal, name="reveal"),
    path("<int:pk>/persons/<int:person_pk>/reveal-phone/", views.person_reveal_phone, name="reveal_phone"),
    path("<int:pk>/reveal-phone/", views.household_reveal_phone, name="reveal_contact_phone"),
    path("<int:pk>/persons/<int:person_pk>/edit/", views.person_edit, name="person_edit"),
]
