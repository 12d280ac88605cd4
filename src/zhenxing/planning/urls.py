"""The planning pages (P12, P16, P11), one namespace: indicators, targets, periods and frozen values
(indicator_urls), reported values and their review (report_urls), the county assessment with its findings, what-if
and 约谈/督办 (assessment_urls), village flags and work teams (team_urls)."""

from zhenxing.planning import assessment_urls, indicator_urls, report_urls, team_urls

app_name = "planning"
urlpatterns = [
    *indicator_urls.urlpatterns,
    *report_urls.urlpatterns,
    *assessment_urls.urlpatterns,
    *team_urls.urlpatterns,
]
