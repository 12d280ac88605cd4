from django.urls import path

from zhenxing.monitoring import notice_views, views

app_name = "monitoring"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/move/", views.case_move, name="move"),
    path("<int:pk>/household/", views.case_link_household, name="link_household"),
    path("<int:pk>/visits/", views.visit_create, name="visit"),
    path("<int:pk>/meeting/", views.meeting_record, name="meeting"),
    path("<int:pk>/green-channel/", views.green_channel, name="green_channel"),
    path("<int:pk>/measures/", views.measure_create, name="measure"),
    path("new/<int:household_pk>/", views.case_open, name="open"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("notices/", notice_views.notice_list, name="notices"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice"),
    path("notices/<int:pk>/print/", notice_views.notice_print, name="notice_print"),
    path("notices/<int:pk>/pdf/", notice_views.notice_download, name="notice_pdf"),
    path("notices/<int:pk>/post/", notice_views.notice_post, name="notice_post"),
    path("notices/<int:pk>/objections/", notice_views.objection_create, name="objection"),
    path("objections/<int:pk>/resolve/", notice_views.objection_resolve, name="objection_resolve"),
    path("roster.xlsx", notice_views.roster_export, name="roster"),
]
