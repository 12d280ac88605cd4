from django.urls import path

from zhenxing.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("<int:pk>/", views.lead_detail, name="lead"),
    path("<int:pk>/confirm/", views.lead_confirm, name="confirm"),
    path("<int:pk>/dismiss/", views.lead_dismiss, name="dismiss"),
]
