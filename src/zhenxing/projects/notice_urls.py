"""notice pages of the project library (projects/urls.py composes them)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
