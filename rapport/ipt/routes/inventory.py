"""The interpersonal inventory, closeness circle and timeline (§1.3 tasks 5–6, §1.6)."""

from django.urls import path

from rapport.ipt.views import inventory, timeline

urlpatterns = [
    path("<uuid:public_id>/inventory/", inventory.inventory, name="inventory"),
    path("<uuid:public_id>/inventory/add/", inventory.person_add, name="inventory_person_add"),
    path(
        "<uuid:public_id>/inventory/<uuid:person_id>/",
        inventory.person_detail,
        name="inventory_person",
    ),
    path(
        "<uuid:public_id>/inventory/<uuid:person_id>/edit/",
        inventory.person_edit,
        name="inventory_person_edit",
    ),
    path(
        "<uuid:public_id>/inventory/<uuid:person_id>/remove/",
        inventory.person_remove,
        name="inventory_person_remove",
    ),
    path("<uuid:public_id>/closeness/", inventory.closeness, name="closeness"),
    path(
        "<uuid:public_id>/closeness/<slug:occasion>/",
        inventory.closeness_rate,
        name="closeness_rate",
    ),
    path(
        "<uuid:public_id>/closeness/<slug:occasion>/place/",
        inventory.closeness_place,
        name="closeness_place",
    ),
    path("<uuid:public_id>/timeline/", timeline.timeline, name="timeline"),
    path("<uuid:public_id>/timeline/add/", timeline.event_add, name="timeline_event_add"),
    path(
        "<uuid:public_id>/timeline/<uuid:event_id>/edit/",
        timeline.event_edit,
        name="timeline_event_edit",
    ),
    path(
        "<uuid:public_id>/timeline/<uuid:event_id>/delete/",
        timeline.event_delete,
        name="timeline_event_delete",
    ),
]
