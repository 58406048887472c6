"""Registers the measures app's jobs, panels and demo loader (imported in ready())."""

from rapport.measures import appointments as _appointments  # noqa: F401
from rapport.measures import clinic_settings as _settings  # noqa: F401  (settings page groups)
from rapport.measures import escalation as _escalation  # noqa: F401  (safety_escalations job)
from rapport.measures import hub as _hub  # noqa: F401  (the client record's header)
from rapport.measures import invitations  # noqa: F401  (the questionnaire_invitations job)
from rapport.measures import panels as _panels  # noqa: F401  (safety alert banners)
from rapport.measures import settings_risk_phrases as _phrases  # noqa: F401  (settings page group)
from rapport.measures.views import charts as _charts  # noqa: F401  (client + dashboard panels)
from rapport.measures.views import observations as _observations  # noqa: F401  (client panel)
from rapport.measures.views import safety_plans as _plans  # noqa: F401  (client panel)
