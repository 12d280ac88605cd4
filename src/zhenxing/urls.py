from django.contrib import admin
from django.urls import include, path

from zhenxing import views
from zhenxing.api import api

admin.site.site_header = "振兴 · 系统管理"
admin.site.site_title = "振兴"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("zhenxing.accounts.urls")),
    path("divisions/", include("zhenxing.divisions.urls")),
    path("audit/", include("zhenxing.audit.urls")),
    path("policy/", include("zhenxing.policy.urls")),
    path("households/", include("zhenxing.registry.urls")),
    path("imports/", include("zhenxing.transfer.urls")),
    path("feeds/", include("zhenxing.feeds.urls")),
    path("leads/", include("zhenxing.screening.urls")),
    path("cases/", include("zhenxing.monitoring.urls")),
    path("projects/", include("zhenxing.projects.urls")),
    path("funds/", include("zhenxing.funds.urls")),
    path("assets/", include("zhenxing.assets.urls")),
    path("planning/", include("zhenxing.planning.urls")),
    path("dashboards/", include("zhenxing.dashboards.urls")),
    path("apply/", include("zhenxing.portal.urls")),
    # a village's public page: the short URL printed under a project notice's QR code
    path("v/", include("zhenxing.portal.village_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
