"""Registers the intake app's panels, demo loader and hooks (imported in ready())."""

from rapport.intake import demo as _demo  # noqa: F401  (the public pages' demo loader)
from rapport.intake import panels as _panels  # noqa: F401  (intake queue dashboard panel)
from rapport.intake import reminders as _reminders  # noqa: F401  (consultation reminders)
from rapport.intake import subjects as _subjects  # noqa: F401  (requests named on alert pages)
