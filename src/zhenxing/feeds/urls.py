from django.urls import path

from zhenxing.feeds import views

app_name = "feeds"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/quarantine.xlsx", views.quarantine_report, name="quarantine"),
]
