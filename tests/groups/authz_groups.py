"""Rows for Group IPT: the group is reached through its facilitators (docs/groups.md).

cast.therapist facilitates a group whose member is cast.client (cast.episode); the
supervisor reads it; the colleague and outsider never reach it (404); intake and admin
hold no clinical capability (403). A member's part lives in the member's record and
is covered by the ipt:note rows; tests/groups/test_access.py covers the facilitator
who is not the member's therapist.
"""

from types import SimpleNamespace
from typing import Any

from rapport.groups import services
from rapport.groups.models import Facilitator, Membership, TherapyGroup
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, POST_ONLY, Row, outcomes


def _group(cast: SimpleNamespace) -> TherapyGroup:
    if not hasattr(cast, "group_row"):
        group = TherapyGroup.objects.create(
            name="Matrix group", variant=services.group_formats()[0].code, created_by=cast.therapist
        )
        Facilitator.objects.create(group=group, user=cast.therapist)
        member = Membership.objects.create(
            group=group, episode=cast.episode, code="M1", added_by=cast.therapist
        )
        session = services.start_note(services.next_unnoted(group), cast.therapist)
        cast.group_row = SimpleNamespace(group=group, member=member, session=session)
    return cast.group_row


def group(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": _group(cast).group.public_id}


def member(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": _group(cast).member.public_id}


def session(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": _group(cast).session.public_id}


EXPECTED = {
    "groups:list": Row(outcomes(intake=403, admin=403)),
    "groups:create": Row(outcomes(supervisor=403, intake=403, admin=403)),
    "groups:detail": Row(CLINICAL_READ, group),
    "groups:member_add": Row(POST_ONLY, group),
    "groups:book": Row(POST_ONLY, group),
    "groups:session_start": Row(POST_ONLY, group),
    "groups:meeting": Row(CLINICAL_WRITE, member),
    "groups:member_leave": Row(POST_ONLY, member),
    "groups:session": Row(CLINICAL_READ, session),
    "groups:session_autosave": Row(POST_ONLY, session),
    "groups:session_sign": Row(POST_ONLY, session),
    # A draft has no addendum: its facilitator is sent back to the note.
    "groups:session_addendum": Row(
        outcomes(therapist=302, supervisor=403, intake=403, admin=403, colleague=404, outsider=404),
        session,
    ),
}
