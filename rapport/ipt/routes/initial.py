"""The initial phase: workspace, settings, formulation with goals, and the contract."""

from django.urls import path

from rapport.ipt.views import contract, formulation, initial

urlpatterns = [
    path("<uuid:public_id>/initial_phase/", initial.initial_phase, name="initial_phase"),
    path("<uuid:public_id>/initial_phase/<slug:code>/", initial.task_save, name="initial_task"),
    path("<uuid:public_id>/settings/", initial.episode_settings, name="episode_settings"),
    path("<uuid:public_id>/formulation/", formulation.formulation, name="formulation"),
    path(
        "<uuid:public_id>/formulation/save/",
        formulation.formulation_save,
        name="formulation_save",
    ),
    path("<uuid:public_id>/goals/add/", formulation.goal_add, name="goal_add"),
    path("<uuid:public_id>/goals/<uuid:goal_id>/", formulation.goal_save, name="goal_save"),
    path(
        "<uuid:public_id>/goals/<uuid:goal_id>/remove/",
        formulation.goal_remove,
        name="goal_remove",
    ),
    path(
        "<uuid:public_id>/dispute_stage/", formulation.dispute_stage_add, name="dispute_stage_add"
    ),
    path("<uuid:public_id>/contract/", contract.contract, name="contract"),
    path("<uuid:public_id>/contract/new/", contract.contract_create, name="contract_create"),
    path(
        "<uuid:public_id>/contract/renegotiate/",
        contract.contract_renegotiate,
        name="contract_renegotiate",
    ),
    path(
        "<uuid:public_id>/contract/acknowledge/",
        contract.contract_acknowledge,
        name="contract_acknowledge",
    ),
]
