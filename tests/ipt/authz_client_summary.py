"""The summary for the client and guardian sharing: form posts on the formulation page."""

from tests.authz import POST_ONLY, Row, episode

EXPECTED = {
    "ipt:client_summary_save": Row(POST_ONLY, episode),
    "ipt:client_summary_approve": Row(POST_ONLY, episode),
    "ipt:guardian_sharing_save": Row(POST_ONLY, episode),
}
