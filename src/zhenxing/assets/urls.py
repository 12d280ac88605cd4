"""The asset register's pages (P15), one namespace: the register and each asset's life (register_urls), disposals
(disposal_urls), income-distribution plans (plan_urls), the county's oversight lists (county_urls), the
villages' collective economy (collective_urls) and the workbooks (workbook_urls)."""

from zhenxing.assets import (
    collective_urls,
    county_urls,
    disposal_urls,
    plan_urls,
    register_urls,
    workbook_urls,
)

app_name = "assets"
urlpatterns = [
    *register_urls.urlpatterns,
    *disposal_urls.urlpatterns,
    *plan_urls.urlpatterns,
    *county_urls.urlpatterns,
    *collective_urls.urlpatterns,
    *workbook_urls.urlpatterns,
]
