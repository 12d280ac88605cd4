from django.urls import path

from zhenxing.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.apply, name="apply"),
    path("done/", views.done, name="done"),
    path("status/", views.status, name="status"),
    path("divisions/", views.divisions, name="divisions"),
]
