"""The rhythm diary: the episode's page reads like any clinical page and is written by
its therapist (POSTs); the portal's is the client's own (a guardian gets 403; another
client, whose episodes keep no diary, gets an empty page or 404 on a week)."""

from tests.authz import CLINICAL_READ, POST_ONLY, Row, portal_outcomes
from tests.rhythms.helpers import portal_home, portal_week, rhythm_episode, rhythm_week

EXPECTED = {
    "rhythms:page": Row(CLINICAL_READ, rhythm_episode),
    "rhythms:week": Row(CLINICAL_READ, rhythm_week),
    "rhythms:week_save": Row(POST_ONLY, rhythm_week),
    "rhythms:targets": Row(POST_ONLY, rhythm_episode),
    "rhythms:mood": Row(POST_ONLY, rhythm_episode),
    "rhythms:event": Row(POST_ONLY, rhythm_episode),
    "portal_rhythms:home": Row(portal_outcomes(guardian=403), portal_home),
    "portal_rhythms:week": Row(portal_outcomes(guardian=403, other=404), portal_week),
    "portal_rhythms:mood": Row(POST_ONLY),
    "portal_rhythms:event": Row(POST_ONLY),
}
