"""Group IPT (issue 15 item 4; variants.md §3): the group note's two parts, signed as
one act, each member's part filed in their own record, and nothing of one member in
another member's record."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.core.outbox import send_due_emails
from rapport.groups import services
from rapport.groups.models import GroupSession, MemberEntry, Membership, TherapyGroup
from rapport.ipt.models import Addendum, SessionNote
from rapport.measures import invitations
from rapport.measures.models import Invitation, SafetyAlert
from rapport.scheduling.models import Appointment
from tests.factories import csrf_post, signed_in
from tests.groups.helpers import (
    NAMES,
    SHARED,
    make_group,
    member,
    member_part,
    outsider_therapist,
    signed_note,
    written_note,
)
from tests.measures.admin_helpers import LINK, phq9, token_from
from tests.measures.safety_paths import submit_link
from tests.page_cost import page_cost

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast: SimpleNamespace) -> SimpleNamespace:
    return make_group(cast)


def _texts(code: str) -> list[str]:
    return [v for v in member_part(code).values() if isinstance(v, str) and code in v]


# --- the note -----------------------------------------------------------------------------


def test_signing_locks_the_shared_part_and_files_each_part_in_its_members_record(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = signed_note(cast, setup)
    assert session.status == GroupSession.Status.SIGNED
    for membership in setup.members:
        entry = MemberEntry.objects.get(session=session, membership=membership)
        note = entry.note
        # The member's own episode holds it, signed with its snapshot, with only their text.
        assert note.episode_id == membership.episode_id
        assert note.status == SessionNote.Status.SIGNED
        assert note.signed_by == cast.therapist
        assert note.signed_snapshot
        assert note.symptom_review == f"Symptoms of {membership.code}: sleeping badly"
        assert note.held_on == SHARED["held_on"]
    assert Membership.objects.filter(status=Membership.Status.ACTIVE).count() == 4


def test_signing_refuses_every_part_while_one_member_lacks_the_suicidality_check(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = written_note(cast, setup)
    parts = {m.code: member_part(m.code) for m in setup.members}
    parts["M3"]["suicidality"] = ""
    services.save_draft(session, session.version, SHARED, parts)
    with pytest.raises(services.GroupError) as refused:
        services.sign(session, cast.therapist)
    assert set(refused.value.errors) == {"M3-suicidality"}
    assert not SessionNote.objects.filter(status=SessionNote.Status.SIGNED).exists()
    # An absent member needs no check: the rest can then be signed.
    parts["M3"]["attendance"] = "absent"
    session.refresh_from_db()
    services.save_draft(session, session.version, SHARED, parts)
    services.sign(session, cast.therapist)
    entry = MemberEntry.objects.get(session=session, membership=member(setup, "M3"))
    assert entry.note.attendance == "no_show"
    assert entry.note.status == SessionNote.Status.SIGNED


def test_a_save_from_an_old_version_is_a_conflict_not_an_overwrite(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = written_note(cast, setup)
    old = session.version
    parts = {m.code: member_part(m.code) for m in setup.members}
    services.save_draft(session, old, SHARED | {"themes": "Mine"}, parts)
    stale = GroupSession.objects.get(pk=session.pk)
    stale.version = old
    with pytest.raises(services.Conflict) as conflict:
        services.save_draft(stale, old, SHARED | {"themes": "Theirs"}, parts)
    assert "themes" in conflict.value.fields
    assert GroupSession.objects.get(pk=session.pk).themes == "Mine"


def test_a_signed_note_changes_only_by_addenda_filed_where_each_part_lives(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = signed_note(cast, setup)
    http = signed_in(cast.therapist)
    url = reverse("groups:session", args=[session.public_id])
    refused = csrf_post(http, url, {"version": session.version, "themes": "Changed"})
    assert refused.status_code == 409
    assert GroupSession.objects.get(pk=session.pk).themes == SHARED["themes"]
    addendum = reverse("groups:session_addendum", args=[session.public_id])
    csrf_post(http, addendum, {"part": "M2", "reason": "Late detail", "text": "Added for M2"})
    added = Addendum.objects.get()
    assert added.note.episode == member(setup, "M2").episode
    csrf_post(http, addendum, {"part": "shared", "reason": "Typo", "text": "Shared fix"})
    assert session.addenda.get().text == "Shared fix"


def test_autosave_answers_with_the_new_version_and_audits_each_members_part(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = written_note(cast, setup)
    data = _form_data(session, setup) | {"M1-symptom_review": "Autosaved for M1"}
    url = reverse("groups:session_autosave", args=[session.public_id])
    saved = csrf_post(signed_in(cast.therapist), url, data)
    assert saved.status_code == 200
    assert saved.json()["version"] == session.version + 1
    event = AuditEvent.objects.filter(action="groups.member_part.saved").get()
    assert event.subject_id == member(setup, "M1").episode.client.public_id
    assert event.fields == ["symptom_review"]
    stale = csrf_post(signed_in(cast.therapist), url, data | {"M1-symptom_review": "Other"})
    assert stale.status_code == 409
    assert "Autosaved for M1" in stale.content.decode()


def _form_data(session: GroupSession, setup: SimpleNamespace) -> dict[str, object]:
    data: dict[str, object] = {
        "version": session.version,
        "held_on": SHARED["held_on"].isoformat(),
        "themes": SHARED["themes"],
        "group_process": SHARED["group_process"],
        "techniques": SHARED["techniques"],
        "reflections": SHARED["reflections"],
    }
    for m in setup.members:
        for name, value in member_part(m.code).items():
            data[f"{m.code}-{name}"] = value
    return data


# --- privacy and access -----------------------------------------------------------------------


def _record_pages(membership: Membership, note: SessionNote) -> list[str]:
    client, episode = membership.episode.client, membership.episode
    return [
        reverse("clients:detail", args=[client.public_id]),
        reverse("clients:clinical", args=[client.public_id]),
        reverse("ipt:episode", args=[episode.public_id]),
        reverse("ipt:notes", args=[episode.public_id]),
        reverse("ipt:note", args=[note.public_id]),
        reverse("ipt:measures", args=[episode.public_id]),
    ]


def test_each_members_record_shows_only_their_own_part(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = signed_note(cast, setup)
    for membership in setup.members:
        entry = MemberEntry.objects.get(session=session, membership=membership)
        http = signed_in(membership.episode.therapist)
        own = "".join(
            http.get(url).content.decode() for url in _record_pages(membership, entry.note)
        )
        assert f"Symptoms of {membership.code}" in own  # their own part is there
        for other in setup.members:
            if other == membership:
                continue
            given, family, _who = NAMES[setup.members.index(other)]
            assert given not in own
            assert family not in own
            for text in _texts(other.code):
                assert text not in own
        for shared in ("themes", "group_process", "reflections"):
            assert SHARED[shared] not in own


def test_a_facilitator_who_is_not_the_members_therapist_sees_only_the_group_part(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = signed_note(cast, setup)
    theirs = member(setup, "M1")  # the lead's client; the colleague co-facilitates
    entry = MemberEntry.objects.get(session=session, membership=theirs)
    colleague = signed_in(cast.colleague)
    for url in _record_pages(theirs, entry.note):
        assert colleague.get(url).status_code == 404, url
    group_page = colleague.get(reverse("groups:detail", args=[setup.group.public_id]))
    note_page = colleague.get(reverse("groups:session", args=[session.public_id]))
    assert group_page.status_code == note_page.status_code == 200
    assert SHARED["themes"] in note_page.content.decode()


def test_a_members_therapist_who_does_not_facilitate_reads_the_part_only_in_the_record(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = signed_note(cast, setup)
    stranger = outsider_therapist(cast)
    joined = member(setup, "M2")
    # The member moves to a therapist who does not facilitate.
    client = joined.episode.client
    client.assigned_therapist = stranger
    client.save(update_fields=["assigned_therapist"])
    http = signed_in(stranger)
    entry = MemberEntry.objects.get(session=session, membership=joined)
    page = http.get(reverse("ipt:note", args=[entry.note.public_id]))
    assert page.status_code == 200
    assert "Symptoms of M2" in page.content.decode()
    assert http.get(reverse("groups:detail", args=[setup.group.public_id])).status_code == 404
    assert http.get(reverse("groups:session", args=[session.public_id])).status_code == 404


def test_reading_the_group_note_is_audited_in_each_members_trail(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = signed_note(cast, setup)
    signed_in(cast.colleague).get(reverse("groups:session", args=[session.public_id]))
    assert AuditEvent.objects.filter(action="groups.note.viewed").count() == 1
    subjects = set(
        AuditEvent.objects.filter(action="groups.member_part.viewed").values_list(
            "subject_id", flat=True
        )
    )
    assert subjects == {m.episode.client.public_id for m in setup.members}


# --- meetings, booking and measures ---------------------------------------------------------------


def test_the_pre_group_meeting_is_a_signed_session_of_the_members_episode(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    joined = member(setup, "M4")
    url = reverse("groups:meeting", args=[joined.public_id])
    http = signed_in(cast.colleague)
    data = {
        "kind": "pre_group",
        "held_on": "2026-09-02",
        "symptom_review": "Inventory for M4",
        "problem_area_work": "",
        "between_session_plan": "",
        "suicidality": "",
        "agreement_signed": "on",
        "_confirmed": "1",
    }
    refused = csrf_post(http, url, data)
    assert refused.status_code == 400  # the suicidality check comes first
    assert not joined.episode.notes.exists()
    csrf_post(http, url, data | {"suicidality": "none"})
    note = joined.episode.notes.get()
    assert note.status == SessionNote.Status.SIGNED
    assert note.symptom_review == "Inventory for M4"
    joined.refresh_from_db()
    assert joined.status == Membership.Status.PRE_GROUP_DONE
    assert joined.agreement_signed_at == dt.date(2026, 9, 2)


def test_booking_gives_each_member_an_appointment_and_their_own_questionnaires(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    first = timezone.localdate() + dt.timedelta(days=3)
    booked = services.book_series(
        setup.group, by=cast.therapist, first=first, at=dt.time(18, 0), zone="UTC", minutes=90
    )
    planned = services.definition(setup.group).planned_sessions
    assert len(booked.sessions) == planned
    assert booked.appointments == planned * 4
    for membership in setup.members:
        rows = Appointment.objects.filter(client=membership.episode.client)
        assert rows.count() == planned
        assert set(rows.values_list("context_id", flat=True)) == {membership.episode.public_id}
    # The measures engine invited each member, in their own episode, before session 1.
    invited = Invitation.objects.filter(session_number=1)
    assert {i.client_id for i in invited} == {m.episode.client_id for m in setup.members}


def test_a_members_positive_item_9_opens_the_alert_for_their_own_therapist(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    first = timezone.localdate() + dt.timedelta(days=3)
    services.book_series(
        setup.group, by=cast.therapist, first=first, at=dt.time(18, 0), zone="UTC", minutes=90
    )
    joined = member(setup, "M3")  # the colleague's client
    Invitation.objects.filter(client=joined.episode.client, session_number=1).update(
        send_at=timezone.now()
    )
    mail.outbox.clear()
    invitations.send_due_invitations("groups-test")
    send_due_emails("groups-test")
    body = next(m.body for m in mail.outbox if LINK.search(m.body))
    url = reverse("questionnaires:form", args=[token_from(body)])
    submit_link(url, {"phq9": phq9(item9=2, rest=1)})
    alert = SafetyAlert.objects.get()
    assert alert.client == joined.episode.client
    assert alert.owner == cast.colleague
    page = signed_in(cast.therapist).get(reverse("groups:detail", args=[setup.group.public_id]))
    assert page.status_code == 200
    assert "<td><strong>1</strong></td>" in page.content.decode()  # M3's open alert


def test_the_group_view_costs_the_same_after_more_sessions(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    http = signed_in(cast.therapist)
    url = reverse("groups:detail", args=[setup.group.public_id])
    signed_note(cast, setup)
    after_one = page_cost(http, url)
    for _number in range(2):
        session = services.start_note(services.next_unnoted(setup.group), cast.therapist)
        parts = {m.code: member_part(m.code) for m in setup.members}
        services.save_draft(session, session.version, SHARED, parts)
        services.sign(session, cast.therapist)
    assert page_cost(http, url) == after_one
    assert after_one.decrypted == 0  # the view prints no note text


def test_the_demo_has_a_who_group_of_four_with_a_signed_note() -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    group = TherapyGroup.objects.get()
    assert group.members.count() == 4
    session = group.sessions.get()
    assert session.status == GroupSession.Status.SIGNED
    assert MemberEntry.objects.filter(note__status=SessionNote.Status.SIGNED).count() == 4


def test_a_facilitator_cannot_add_a_client_they_do_not_treat(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    from rapport.ipt.services import open_episode

    client = cast.colleague_client  # the colleague's client, not the lead's
    episode = open_episode(
        client,
        therapist=cast.colleague,
        started_on=dt.date(2026, 9, 1),
        variant=setup.group.variant,
    )
    url = reverse("groups:member_add", args=[setup.group.public_id])
    refused = csrf_post(signed_in(cast.therapist), url, {"episode": episode.pk})
    assert refused.status_code == 400
    assert not Membership.objects.filter(episode=episode).exists()


def test_a_supervisor_reads_the_group_but_writes_nothing(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = written_note(cast, setup)
    http = signed_in(cast.supervisor)  # supervises the lead facilitator
    page = http.get(reverse("groups:session", args=[session.public_id]))
    assert page.status_code == 200
    assert SHARED["themes"] in page.content.decode()
    start = csrf_post(http, reverse("groups:session_start", args=[setup.group.public_id]))
    sign = csrf_post(http, reverse("groups:session_sign", args=[session.public_id]), {})
    assert start.status_code == sign.status_code == 403
    assert GroupSession.objects.get(pk=session.pk).status == GroupSession.Status.DRAFT


def test_a_member_part_signed_on_its_own_page_stops_the_group_autosave(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    session = written_note(cast, setup)
    entry = MemberEntry.objects.get(session=session, membership=member(setup, "M1"))
    SessionNote.objects.filter(pk=entry.note.pk).update(status=SessionNote.Status.SIGNED)
    data = _form_data(session, setup) | {"M1-symptom_review": "Too late"}
    url = reverse("groups:session_autosave", args=[session.public_id])
    refused = csrf_post(signed_in(cast.therapist), url, data)
    assert refused.status_code == 409
    assert GroupSession.objects.get(pk=session.pk).version == session.version


def test_a_member_who_leaves_is_left_out_of_later_notes(
    cast: SimpleNamespace, setup: SimpleNamespace
) -> None:
    signed_note(cast, setup)
    leaving = member(setup, "M4")
    url = reverse("groups:member_leave", args=[leaving.public_id])
    http = signed_in(cast.colleague)
    assert csrf_post(http, url, {"reason": "", "_confirmed": "1"}).status_code == 400
    csrf_post(http, url, {"reason": "Moved to another city", "_confirmed": "1"})
    leaving.refresh_from_db()
    assert leaving.status == Membership.Status.DROPPED
    assert leaving.exit_reason == "Moved to another city"
    session = services.start_note(services.next_unnoted(setup.group), cast.therapist)
    assert [e.membership.code for e in services.entries(session)] == ["M1", "M2", "M3"]
