from django.urls import path

from zhenxing.monitoring import assistance_views, notice_views, views

app_name = "monitoring"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/move/", views.case_move, name="move"),
    path("<int:pk>/household/", views.case_link_household, name="link_household"),
    path("<int:pk>/visits/", views.visit_create, name="visit"),
    path("<int:pk>/meeting/", views.meeting_record, name="meeting"),
    path("<int:pk>/green-channel/", views.green_channel, name="green_channel"),
    path("<int:pk>/measures/", assistance_views.measure_create, name="measure"),
    path("<int:pk>/evaluate/", assistance_views.evaluate, name="evaluate"),
    path("<int:pk>/consent/", assistance_views.consent, name="consent"),
    path("<int:pk>/helper/", assistance_views.helper_assign, name="helper"),
    path("measures/<int:pk>/move/", assistance_views.measure_move, name="measure_move"),
    path("<int:pk>/items/", assistance_views.person_item_create, name="person_item"),
    path("mine/", assistance_views.my_households, name="mine"),
    path("report/", assistance_views.report, name="report"),
    path("report.xlsx", assistance_views.report_export, name="report_export"),
    path("trace/<int:household_pk>/", assistance_views.household_trace, name="trace"),
    path("trace/<int:household_pk>.xlsx", assistance_views.household_trace_export, name="trace_export"),
    path("sector/<int:household_pk>/", assistance_views.household_sector_panel, name="sector"),
    path("housing/", assistance_views.housing_ledger, name="housing"),
    path("housing/<int:pk>/close/", assistance_views.housing_close, name="housing_close"),
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
