from django.urls import path

from zhenxing.monitoring.assistance import continuing_views as continuing
from zhenxing.monitoring.assistance import views as assistance
from zhenxing.monitoring.elimination import views as elimination
from zhenxing.monitoring.housing import views as housing
from zhenxing.monitoring.identification import views as identification
from zhenxing.monitoring.lowincome import views as lowincome
from zhenxing.monitoring.notices import views as notices
from zhenxing.monitoring.tracing import views as tracing

app_name = "monitoring"
urlpatterns = [
    path("", identification.case_list, name="list"),
    path("<int:pk>/", identification.case_detail, name="case"),
    path("<int:pk>/move/", identification.case_move, name="move"),
    path("<int:pk>/applicant/reveal/", identification.applicant_reveal, name="applicant_reveal"),
    path("<int:pk>/household/", identification.case_link_household, name="link_household"),
    path("from-lead/<int:pk>/", identification.case_open_from_lead, name="open_from_lead"),
    path("<int:pk>/visits/", identification.visit_create, name="visit"),
    path("<int:pk>/meeting/", identification.meeting_record, name="meeting"),
    path("<int:pk>/green-channel/", identification.green_channel, name="green_channel"),
    path("<int:pk>/measures/", assistance.measure_create, name="measure"),
    path("<int:pk>/evaluate/", elimination.evaluate, name="evaluate"),
    path("<int:pk>/consent/", elimination.consent, name="consent"),
    path("<int:pk>/helper/", assistance.helper_assign, name="helper"),
    path("measures/<int:pk>/move/", assistance.measure_move, name="measure_move"),
    path("measures/<int:pk>/detail/", assistance.measure_detail, name="measure_detail"),
    path("<int:pk>/items/", assistance.person_item_create, name="person_item"),
    path("mine/", assistance.my_households, name="mine"),
    path("report/", identification.report, name="report"),
    path("report.xlsx", identification.report_export, name="report_export"),
    path("trace/<int:household_pk>/", tracing.household_trace, name="trace"),
    path("trace/<int:household_pk>.xlsx", tracing.household_trace_export, name="trace_export"),
    path("sector/<int:household_pk>/", assistance.household_sector_panel, name="sector"),
    path("continuing/<int:household_pk>/", continuing.household_continuing_panel, name="continuing"),
    path("housing/", housing.housing_ledger, name="housing"),
    path("housing/<int:pk>/close/", housing.housing_close, name="housing_close"),
    path("new/<int:household_pk>/", identification.case_open, name="open"),
    path("attachments/<int:pk>/", identification.attachment_download, name="attachment"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice"),
    path("notices/<int:pk>/print/", notices.notice_print, name="notice_print"),
    path("notices/<int:pk>/pdf/", notices.notice_download, name="notice_pdf"),
    path("notices/<int:pk>/post/", notices.notice_post, name="notice_post"),
    path("notices/<int:pk>/objections/", notices.objection_create, name="objection"),
    path("objections/<int:pk>/resolve/", notices.objection_resolve, name="objection_resolve"),
    path("roster.xlsx", identification.roster_export, name="roster"),
    # 民政低收入人口比对 (P17)
    path("lowincome/", lowincome.overview, name="lowincome"),
    path("lowincome/<str:code>/", lowincome.county_detail, name="lowincome_county"),
    path("lowincome/<str:code>/compare/", lowincome.compare, name="lowincome_compare"),
    path("lowincome/<str:code>/export/", lowincome.export_outcomes, name="lowincome_export"),
    path("lowincome/leads/<int:pk>/close/", lowincome.close_lead, name="lowincome_close"),
]
