from django.urls import path

from zhenxing.audit import views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="list")]
