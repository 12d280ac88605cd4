from django.urls import path

from zhenxing.policy import views

app_name = "policy"
urlpatterns = [
    path("evaluate/", views.evaluate, name="evaluate"),
    path("parameters/", views.parameter_list, name="parameters"),
    path("parameters/new/", views.parameter_create, name="parameter_create"),
    path("parameters/<int:pk>/", views.parameter_detail, name="parameter_detail"),
]
