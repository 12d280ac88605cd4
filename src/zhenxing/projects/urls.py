"""The project library's pages, one namespace: the library and its steps (library_urls), the announcements and
objections (notice_urls), the workbook export and import (workbook_urls)."""

from zhenxing.projects import library_urls, notice_urls, workbook_urls

app_name = "projects"
urlpatterns = [*library_urls.urlpatterns, *notice_urls.urlpatterns, *workbook_urls.urlpatterns]
