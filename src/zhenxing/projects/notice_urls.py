"""Announcement pages of the project library (projects/urls.py composes them): the list, a new announcement,
one announcement with its printable page and PDF, posting it, and the objections recorded and answered."""

from django.urls import path

from zhenxing.projects.views import notices

urlpatterns = [
    path("notices/", notices.notice_list, name="notices"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/print/", notices.notice_print, name="notice_print"),
    path("notices/<int:pk>/pdf/", notices.notice_download, name="notice_pdf"),
    path("notices/<int:pk>/post/", notices.notice_post, name="notice_post"),
    path("notices/<int:pk>/objections/", notices.objection_create, name="objection_record"),
    path("objections/<int:pk>/answer/", notices.objection_answer, name="objection_answer"),
]
