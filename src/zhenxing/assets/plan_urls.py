"""The asset pages' plan routes (assets/urls.py includes them): 四议两公开 (P15)."""

from django.urls import URLPattern, path

from zhenxing.assets.views import plan_forms, plans

urlpatterns: list[URLPattern] = [
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plan_forms.plan_new, name="plan_new"),
    path("plans/report/", plans.plan_report, name="plan_report"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/move/", plans.plan_move, name="plan_move"),
    path("plans/<int:pk>/revise/", plan_forms.plan_revise, name="plan_revise"),
    path("plans/<int:pk>/payroll.xlsx", plans.plan_payroll_xlsx, name="plan_payroll_xlsx"),
]
