"""The asset pages' workbook routes (assets/urls.py includes them)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
