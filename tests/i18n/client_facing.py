"""Where client-facing strings live: every msgid used here needs its Spanish translation.

Clients read the portal, the public site and consultation form, questionnaire links,
the reminder reply page and the e-mails sent to them (issue 11 item 10). Staff pages
stay English. Clinic-written text (public page content, crisis line labels) is data,
shown as the clinic wrote it, and is not in the catalogue.
"""

from __future__ import annotations

# Source paths (as the catalogue's references give them) that clients read.
PREFIXES = (
    "rapport/portal/",
    "rapport/intake/templates/intake/public/",
    "rapport/intake/templates/intake/emails/request_received/",
    "rapport/measures/templates/measures/public/",
    "rapport/measures/templates/measures/emails/invitation/",
    "rapport/scheduling/templates/scheduling/emails/booking_confirmation/",
    "rapport/scheduling/templates/scheduling/emails/cancellation/",
    "rapport/scheduling/templates/scheduling/emails/reminder/",
    "rapport/interop/templates/interop/emails/record_ready/",
    "rapport/scheduling/templates/scheduling/appointments/reply.html",
    "rapport/templates/base.html",
    "rapport/templates/includes/",
    "rapport/intake/forms.py",
    "rapport/measures/engine.py",
    "rapport/ipt/practice.py",  # the practice worksheets' questions, asked in the portal
    "rapport/scheduling/ics.py",  # the calendar file a client downloads
    # IPSRT's rhythm diary in the portal: its pages, forms, activity names and chart words.
    "rapport/rhythms/templates/rhythms/portal/",
    "rapport/rhythms/templates/rhythms/shared/",
    "rapport/rhythms/activities.py",
    "rapport/rhythms/forms.py",
    "rapport/rhythms/views_portal.py",
    "rapport/rhythms/charts.py",
)

# Staff pages that sit beside client-facing ones.
EXCLUDED = (
    "rapport/intake/templates/intake/public/page_edit.html",
    "rapport/intake/templates/intake/public/page_list.html",
    "/staff/",
    "staff",
)


def is_client_facing(path: str) -> bool:
    if not path.startswith(PREFIXES):
        return False
    if path.startswith("rapport/portal/") and ("staff" in path or "/migrations/" in path):
        return False
    return not any(path.startswith(excluded) for excluded in EXCLUDED[:2])
