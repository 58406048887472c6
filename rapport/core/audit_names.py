"""Audit event codes in words, for the audit log page and its CSV export.

Codes stay as they are in the log (``ipt.note.signed``): they are chained and
hashed, so the words live here. A code missing from the table still reads well:
``ipt.goal.created`` becomes "Goal created".
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.utils.translation import gettext_lazy as _

NAMES: dict[str, str] = {
    # Signing in and accounts
    "core.login.failed": _("Sign-in failed"),
    "core.login.password_ok": _("Password accepted"),
    "core.login.second_factor_ok": _("Signed in"),
    "core.login.second_factor_failed": _("Two-step code refused"),
    "core.logout": _("Signed out"),
    "core.session.expired_idle": _("Signed out after inactivity"),
    "core.session.expired_absolute": _("Signed out at the session's time limit"),
    "core.password.set": _("Password set"),
    "core.password.reset_requested": _("Password reset asked for"),
    "core.two_factor.enrolled": _("Two-step sign-in set up"),
    "core.two_factor.reenrolled": _("Two-step sign-in set up again"),
    "core.two_factor.reenrol_failed": _("Two-step set-up again refused"),
    "core.two_factor.recovery_codes_replaced": _("Recovery codes replaced"),
    "core.access.forbidden": _("Access refused"),
    "core.access.not_found": _("Page not found (or out of reach)"),
    # Staff and clinic
    "core.staff.invited": _("Staff member invited"),
    "core.staff.invitation_resent": _("Invitation sent again"),
    "core.staff.updated": _("Staff member changed"),
    "core.staff.email_changed": _("Staff e-mail changed"),
    "core.staff.deactivated": _("Staff member deactivated"),
    "core.staff.reactivated": _("Staff member reactivated"),
    "core.staff.role_change_refused": _("Own role change refused"),
    "core.staff.role_grant_requested": _("Clinical role asked for"),
    "core.staff.role_grant_approved": _("Clinical role approved"),
    "core.staff.role_grant_declined": _("Clinical role declined"),
    "core.staff.second_factor_reset_started": _("Two-step sign-in reset"),
    "core.clinic.updated": _("Clinic details changed"),
    "core.audit.viewed": _("Audit log viewed"),
    "core.audit.exported": _("Audit log exported"),
    # Clients
    "clients.client.created": _("Client added"),
    "clients.client.viewed": _("Client record opened"),
    "clients.client.updated": _("Client details changed"),
    "clients.client.listed": _("Client list viewed"),
    "clients.caseload.viewed": _("Caseload viewed"),
    "clients.background.viewed": _("Background opened"),
    "clients.background.updated": _("Background changed"),
    "clients.break_glass.opened": _("Emergency access opened"),
    "clients.break_glass.refused": _("Emergency access refused"),
    "clients.break_glass.ended": _("Emergency access ended"),
    "clients.break_glass.view": _("Page read under emergency access"),
    "clients.break_glass.listed": _("Emergency accesses listed"),
    "clients.break_glass.reviewed": _("Emergency access reviewed"),
    "clients.paperwork.published": _("New version of an intake document published"),
    "clients.paperwork.downloaded": _("Signed intake document downloaded"),
    # Intake
    "intake.request.submitted": _("Consultation requested"),
    "intake.request.viewed": _("Consultation request opened"),
    "intake.request.listed": _("Consultation requests listed"),
    "intake.request.updated": _("Consultation request changed"),
    "intake.request.status_changed": _("Consultation request status changed"),
    "intake.request.contact_attempted": _("Contact attempt recorded"),
    "intake.request.consultation_booked": _("Consultation booked"),
    "intake.request.slot_confirmed": _("Picked time confirmed"),
    "intake.request.converted": _("Request converted to a client"),
    "intake.request.waitlisted": _("Put on the waitlist"),
    "intake.request.unwaitlisted": _("Taken off the waitlist"),
    "intake.waitlist.viewed": _("Waitlist viewed"),
    "intake.page.updated": _("Public page changed"),
    # IPT
    "ipt.episode.created": _("Episode started"),
    "ipt.episode.viewed": _("Episode opened"),
    "ipt.episode.closed": _("Episode closed"),
    "ipt.note.created": _("Session note started"),
    "ipt.note.viewed": _("Session note opened"),
    "ipt.note.saved": _("Session note saved"),
    "ipt.note.autosaved": _("Session note draft saved"),
    "ipt.note.signed": _("Session note signed"),
    "ipt.note.cosigned": _("Session note co-signed"),
    "ipt.note.returned": _("Session note returned for changes"),
    "ipt.note.conflict": _("Session note edit conflict"),
    "ipt.note.listed": _("Session notes listed"),
    "ipt.process_note.viewed": _("Process note opened"),
    "ipt.process_note.saved": _("Process note saved"),
    "ipt.process_note.autosaved": _("Process note draft saved"),
    "ipt.addendum.created": _("Addendum added"),
    "ipt.formulation.viewed": _("Formulation opened"),
    "ipt.formulation.updated": _("Formulation changed"),
    "ipt.contract.created": _("Treatment contract agreed"),
    "ipt.contract.renegotiated": _("Treatment contract renegotiated"),
    "ipt.contract.viewed": _("Treatment contract opened"),
    "ipt.fidelity.saved": _("Fidelity rating saved"),
    "ipt.episode.settings_viewed": _("Episode settings opened"),
    "ipt.episode.settings_updated": _("Episode settings changed"),
    "ipt.contract.acknowledged": _("Treatment contract acknowledged"),
    "ipt.cosign_queue.viewed": _("Co-signature queue viewed"),
    "ipt.dashboard.viewed": _("Clinical dashboard viewed"),
    "ipt.today.viewed": _("Today viewed"),
    "ipt.initial_phase.viewed": _("Initial phase opened"),
    "ipt.task.updated": _("Phase task changed"),
    "ipt.termination.viewed": _("Termination opened"),
    "ipt.termination_tasks.updated": _("Termination task changed"),
    "ipt.dispute_stage.assessed": _("Dispute stage assessed"),
    "ipt.goal.created": _("Goal added"),
    "ipt.goal.updated": _("Goal changed"),
    "ipt.goal.removed": _("Goal removed"),
    "ipt.inventory_person.created": _("Person added to the inventory"),
    "ipt.inventory_person.viewed": _("Inventory person opened"),
    "ipt.inventory_person.updated": _("Inventory person changed"),
    "ipt.inventory_person.removed": _("Person removed from the inventory"),
    "ipt.inventory_person.listed": _("Interpersonal inventory viewed"),
    "ipt.closeness_rating.created": _("Closeness rated"),
    "ipt.closeness_rating.updated": _("Closeness rating changed"),
    "ipt.closeness_rating.deleted": _("Closeness rating removed"),
    "ipt.closeness_rating.viewed": _("Closeness rating opened"),
    "ipt.closeness_rating.listed": _("Closeness circle viewed"),
    "ipt.timeline_event.created": _("Timeline event added"),
    "ipt.timeline_event.updated": _("Timeline event changed"),
    "ipt.timeline_event.deleted": _("Timeline event removed"),
    "ipt.timeline_event.viewed": _("Timeline event opened"),
    "ipt.timeline_event.listed": _("Timeline viewed"),
    "ipt.maintenance_plan.created": _("Maintenance plan written"),
    "ipt.maintenance_plan.updated": _("Maintenance plan changed"),
    "ipt.maintenance_plan.viewed": _("Maintenance plan opened"),
    "ipt.client_summary.drafted": _("Summary for the client drafted"),
    "ipt.client_summary.approved": _("Summary for the client approved and shared"),
    "ipt.guardian_sharing.updated": _("What a guardian sees changed"),
    # Portal: access and sign-in
    "portal.account.opened": _("Portal account opened"),
    "portal.account.invited": _("Portal invitation or sign-in link sent"),
    "portal.account.consent_recorded": _("Guardian's consent recorded for the portal"),
    "portal.account.revoked": _("Portal access ended"),
    "portal.sign_in.requested": _("Portal sign-in link asked for"),
    "portal.sign_in.link_sent": _("Portal sign-in link sent"),
    "portal.sign_in.completed": _("Signed in to the portal"),
    # Portal: my plan
    "portal.plan.viewed": _("Plan opened in the portal"),
    "portal.contract.acknowledged": _("Treatment contract acknowledged in the portal"),
    "portal.safety_plan.viewed": _("Safety plan opened in the portal"),
    # Portal: practice and messages
    "portal.practice.viewed": _("Practice opened in the portal"),
    "portal.practice.entry_written": _("Practice entry written in the portal"),
    "portal.practice.entry_viewed": _("Practice entry opened in the portal"),
    "portal.messages.viewed": _("Secure messages opened"),
    "portal.message.sent": _("Secure message sent by the client"),
    "portal.message.replied": _("Secure message sent to the client"),
    "portal.settings.updated": _("Portal settings changed"),
    "portal.appointments.viewed": _("Appointments opened in the portal"),
    "portal.appointment.downloaded": _("Appointment added to a calendar from the portal"),
    "portal.paperwork.viewed": _("Forms to sign opened in the portal"),
    "portal.paperwork.signed": _("Intake document signed in the portal"),
    "portal.paperwork.downloaded": _("Signed intake document downloaded in the portal"),
    "ipt.practice.assigned": _("Between-session practice assigned"),
    "ipt.practice.stopped": _("Between-session practice stopped"),
    "ipt.practice.viewed": _("Practice entries opened"),
    "ipt.practice.reviewed": _("Practice entries shown in a session note"),
    # Measures and safety
    "measures.response.entered": _("Questionnaire entered"),
    "measures.response.viewed": _("Questionnaire answers opened"),
    "measures.response.listed": _("Questionnaires listed"),
    "measures.response.corrected": _("Questionnaire corrected"),
    "measures.response.self_screened": _("Self-screen completed"),
    "measures.response.submitted_remotely": _("Questionnaire completed by link"),
    "measures.alert.raised": _("Safety alert raised"),
    "measures.alert.viewed": _("Safety alert opened"),
    "measures.alert.listed": _("Safety alerts listed"),
    "measures.alert.acknowledged": _("Safety alert acknowledged"),
    "measures.alert.escalated": _("Safety alert escalated"),
    "measures.safety_plan.viewed": _("Safety plan opened"),
    "measures.safety_plan.printed": _("Safety plan printed"),
    "measures.outcomes.viewed": _("Outcomes viewed"),
    "measures.settings.updated": _("Questionnaire or safety settings changed"),
    "measures.response.adopted": _("Self-screen filed under the new client"),
    "measures.alert.adopted": _("Safety alert filed under the new client"),
    "measures.alert.handed_over": _("Safety alert handed to the therapist"),
    "measures.safety_plan.adopted": _("Safety plan filed under the new client"),
    "measures.flags.viewed": _("Outcome flags viewed"),
    "measures.schedule.updated": _("Questionnaire schedule changed"),
    "measures.schedule.removed": _("Questionnaire removed from the schedule"),
    "measures.invitation.created": _("Questionnaire link scheduled"),
    "measures.invitation.sent": _("Questionnaire link sent"),
    "measures.invitation.opened": _("Questionnaire link opened"),
    "measures.invitation.cancelled": _("Questionnaire link cancelled"),
    "measures.response.submitted_in_portal": _("Questionnaire completed in the portal"),
    "measures.outcomes.viewed_in_portal": _("Own scores viewed in the portal"),
    "measures.self_check.taken": _("Check-in after the course taken"),
    "measures.self_check.seen": _("Check-in after the course seen"),
    "measures.self_check.booster_requested": _("Booster session asked for"),
    "measures.self_check.booster_handled": _("Booster request taken in hand"),
    "ipt.maintenance_plan.viewed_in_portal": _("Maintenance plan opened in the portal"),
    # Scheduling
    "scheduling.appointment.booked": _("Appointment booked"),
    "scheduling.appointment.viewed": _("Appointment opened"),
    "scheduling.appointment.moved": _("Appointment moved"),
    "scheduling.appointment.cancelled": _("Appointment cancelled"),
    "scheduling.appointment.attendance": _("Attendance recorded"),
    "scheduling.appointment.confirmed": _("Appointment confirmed by the client"),
    "scheduling.appointment.reschedule_requested": _("Client asked to reschedule"),
    "scheduling.appointment.changed": _("Appointment changed"),
    "scheduling.appointment.listed": _("Appointments listed"),
    "scheduling.series.viewed": _("Course of sessions opened"),
    "scheduling.calendar.viewed": _("Calendar viewed"),
    "scheduling.reminder.sent": _("Reminder sent"),
    "scheduling.settings.updated": _("Scheduling settings changed"),
    "scheduling.reschedule_request.listed": _("Requests to reschedule listed"),
    "scheduling.reschedule_request.viewed": _("Request to reschedule opened"),
    "scheduling.reschedule_request.handled": _("Request to reschedule handled"),
    "scheduling.closure.added": _("Closure day added"),
    "scheduling.closure.removed": _("Closure day removed"),
    "scheduling.feed.created": _("Calendar feed created"),
    "scheduling.feed.revoked": _("Calendar feed revoked"),
    "scheduling.hours.updated": _("Working hours changed"),
    # Interoperability: bulk export and a client's full record
    "interop.export.requested": _("FHIR bulk export asked for"),
    "interop.export.downloaded": _("FHIR bulk export file downloaded"),
    "interop.export.deleted": _("FHIR bulk export deleted"),
    "interop.record.generated": _("Full record made"),
    "interop.record.requested": _("Copy of the record asked for in the portal"),
    "interop.record.released": _("Copy of the record released to the client"),
    "interop.record.declined": _("Request for a copy of the record declined"),
    "interop.record.downloaded": _("Copy of the record downloaded in the portal"),
    "interop.record.listed": _("Copies of the record opened in the portal"),
}


def event_name(code: str) -> str:
    """The words for an event code; an unknown code reads as "<object> <verb>"."""
    known = NAMES.get(code)
    if known is not None:
        return str(known)
    parts = [p.replace("_", " ").strip() for p in code.split(".") if p.strip()]
    words = " ".join(parts[1:] if len(parts) > 1 else parts) or code
    return words[:1].upper() + words[1:]


def event_choices() -> list[tuple[str, str]]:
    """The filter's event types, alphabetical by their words."""
    return sorted(((code, str(name)) for code, name in NAMES.items()), key=lambda c: c[1])


@cache
def object_name(object_type: str) -> str:
    """A model label (``ipt.sessionnote``) as its name ("session note"); a page as its path."""
    if object_type.startswith("url:"):
        return object_type[4:]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type.replace("_", " ")
    return str(model._meta.verbose_name)
