from django.urls import path

from zhenxing.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("what-if/", views.what_if_page, name="what_if"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/", views.lead_detail, name="lead"),
    path("<int:pk>/dismiss/", views.lead_dismiss, name="dismiss"),
]
