"""Safety plans (safety.md §5.1 step 4): a client's plan, a new version, a printable page."""

from django.urls import path

from rapport.measures.views import safety_plans

urlpatterns = [
    path("clients/<uuid:public_id>/safety-plan/", safety_plans.safety_plan, name="safety_plan"),
    path(
        "clients/<uuid:public_id>/safety-plan/edit/",
        safety_plans.safety_plan_edit,
        name="safety_plan_edit",
    ),
    path(
        "safety-plans/<uuid:public_id>/print/",
        safety_plans.safety_plan_print,
        name="safety_plan_print",
    ),
]
