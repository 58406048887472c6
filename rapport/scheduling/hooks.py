"""Registers the scheduling app's jobs, panels and demo loader (imported in ready())."""

from rapport.scheduling import (
    cancellations,  # noqa: F401  (the cancellation .ics attachment)
    confirmations,  # noqa: F401  (the booking .ics attachment)
    demo,  # noqa: F401  (closure days of the demo clinic)
    hub,  # noqa: F401  (the next appointment in the client record's header)
    reminders,  # noqa: F401  (the appointment_reminders job)
    requests,  # noqa: F401  (clients' reschedule requests: dashboard panel and count)
)
from rapport.scheduling.views import calendar as _calendar  # noqa: F401  (schedule dashboard panel)
