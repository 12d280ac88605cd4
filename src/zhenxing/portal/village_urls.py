"""The public village page's short URLs (/v/<village code>/), the address printed under a notice's QR code."""

from django.urls import path

from zhenxing.portal import village

app_name = "village"
urlpatterns = [
    path("<str:code>/", village.village_page, name="page"),
    path("<str:code>/notices/<int:pk>/", village.village_notice, name="notice"),
]
