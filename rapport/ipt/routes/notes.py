"""Session notes, co-signature, process notes and fidelity (issue items 7 and 8)."""

from django.urls import path

from rapport.ipt.views import cosign, note_risk, notes, practice, process

urlpatterns = [
    path("<uuid:public_id>/notes/", notes.note_list, name="notes"),
    path("<uuid:public_id>/notes/new/", notes.note_new, name="note_new"),
    path("notes/<uuid:public_id>/", notes.note_detail, name="note"),
    path("notes/<uuid:public_id>/autosave/", notes.note_autosave, name="note_autosave"),
    path("notes/<uuid:public_id>/sign/", notes.note_sign, name="note_sign"),
    path("notes/<uuid:public_id>/addendum/", notes.addendum_new, name="addendum_new"),
    path("notes/<uuid:public_id>/fidelity/", notes.fidelity, name="fidelity"),
    path(
        "notes/<uuid:public_id>/alerts/<uuid:alert_id>/acknowledge/",
        note_risk.note_alert_acknowledge,
        name="note_alert_acknowledge",
    ),
    path(
        "notes/<uuid:public_id>/safety-plan/", note_risk.note_safety_plan, name="note_safety_plan"
    ),
    path("notes/<uuid:public_id>/review/", cosign.note_review, name="note_review"),
    path("notes/<uuid:public_id>/process/", process.process_note, name="process_note"),
    path(
        "notes/<uuid:public_id>/process/autosave/",
        process.process_note_autosave,
        name="process_note_autosave",
    ),
    path("cosign/", cosign.cosign_queue, name="cosign_queue"),
    # Between-session practice, assigned from a note (issue 11 item 5).
    path("notes/<uuid:public_id>/practice/", practice.practice_assign, name="practice_assign"),
    path("practice/<uuid:public_id>/stop/", practice.practice_stop, name="practice_stop"),
    path("<uuid:public_id>/practice/", practice.practice_list, name="practice"),
]
