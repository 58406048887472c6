"""Rows of the session-notes feature for the authorization matrix.

The object is cast.note: the therapist's draft note on cast.client's episode.
"""

from tests.authz import CLINICAL_READ, POST_ONLY, Row, episode, note, outcomes

# Process notes are their author's alone: everyone else gets 404, even the supervisor.
AUTHOR_ONLY = outcomes(therapist=200, default=404)

EXPECTED = {
    "ipt:notes": Row(CLINICAL_READ, episode),
    "ipt:note_new": Row(POST_ONLY, episode),
    "ipt:note": Row(CLINICAL_READ, note),
    "ipt:note_autosave": Row(POST_ONLY, note),
    "ipt:note_sign": Row(POST_ONLY, note),
    # A draft needs no addendum: its editor is sent back to the note (302).
    "ipt:addendum_new": Row(
        outcomes(therapist=302, supervisor=403, intake=403, admin=403, default=404), note
    ),
    "ipt:fidelity": Row(POST_ONLY, note),
    "ipt:note_review": Row(POST_ONLY, note),
    "ipt:process_note": Row(AUTHOR_ONLY, note, shows_process_note=frozenset({"therapist"})),
    "ipt:process_note_autosave": Row(POST_ONLY, note),
    "ipt:cosign_queue": Row(outcomes(default=403, supervisor=200)),
}
