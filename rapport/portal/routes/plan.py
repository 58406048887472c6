from django.urls import path

from rapport.portal import views_plan

urlpatterns: list = [
    path("plan/", views_plan.my_plan, name="plan"),
    path("plan/acknowledge/", views_plan.acknowledge_contract, name="plan_acknowledge"),
    path("plan/safety-plan/", views_plan.safety_plan, name="plan_safety_plan"),
]
