from django.urls import path

from zhenxing.transfer import views

app_name = "transfer"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/errors.xlsx", views.batch_errors, name="errors"),
    path("<int:pk>/confirm/", views.batch_confirm, name="confirm"),
]
