from django.urls import path

from zhenxing.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("what-if/", views.what_if_page, name="what_if"),
    path("<int:pk>/", views.lead_detail, name="lead"),
    path("<int:pk>/dismiss/", views.lead_dismiss, name="dismiss"),
]
