"""Routes of the planning pages (owned by one area; see planning/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
