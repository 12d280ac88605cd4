"""The linkage funds' pages (P14), one namespace: the ledger — documents, lines, splits, payments
(ledger_urls); 支出进度 and the warnings (watch_urls); 绩效评价 (performance_urls); the workbooks (workbook_urls)."""

from zhenxing.funds import ledger_urls, performance_urls, watch_urls, workbook_urls

app_name = "funds"
urlpatterns = [
    *ledger_urls.urlpatterns,
    *watch_urls.urlpatterns,
    *performance_urls.urlpatterns,
    *workbook_urls.urlpatterns,
]
