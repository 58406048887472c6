"""Registers the scheduling app's jobs, panels and demo loader (imported in ready())."""

from rapport.scheduling import reminders  # noqa: F401  (the appointment_reminders job)
from rapport.scheduling.views import calendar as _calendar  # noqa: F401  (schedule dashboard panel)
