"""The ledger pages of the fund ledger (funds/urls.py includes them)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
