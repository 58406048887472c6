"""Between-session practice, staff side: assigning and stopping are POSTs from the note
and the practice page; the episode's practice page reads like any clinical page."""

from tests.authz import CLINICAL_READ, POST_ONLY, Row, episode, note
from tests.portal.authz_practice import assignment

EXPECTED = {
    "ipt:practice_assign": Row(POST_ONLY, note),
    "ipt:practice_stop": Row(POST_ONLY, lambda cast: {"public_id": assignment(cast).public_id}),
    "ipt:practice": Row(CLINICAL_READ, episode),
}
