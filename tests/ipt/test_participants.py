"""IPT-A parent involvement (issue 15 item 2, variants.md §1): participants, consent and
assent, what is shared, the confidentiality limits, and attendance per session."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.catalogue import Variant
from rapport.ipt.models import (
    ConfidentialityAgreement,
    ConsentRecord,
    Participant,
    ParticipantAttendance,
)
from tests.factories import csrf_post, make_client, make_episode, make_note, signed_in


@pytest.fixture
def teen(cast: SimpleNamespace) -> SimpleNamespace:
    client = make_client(cast.clinic, cast.therapist, given_name="Lena")
    episode = make_episode(client, variant=Variant.ADOLESCENT)
    return SimpleNamespace(client=client, episode=episode, note=make_note(episode))


def _url(name: str, teen: SimpleNamespace, *more: object) -> str:
    return reverse(name, args=[teen.episode.public_id, *more])


def _parent(**data: object) -> dict[str, object]:
    return {
        "person-role": "parent_caregiver",
        "person-name": "Marta Ortiz",
        "person-relationship": "mother",
        "person-contact": "marta@example.com, 555 0100",
        "person-has_legal_authority": "on",
        "person-may_receive_attendance": "on",
        "person-may_receive_safety_plan": "on",
    } | data


def _add_parent(cast: SimpleNamespace, teen: SimpleNamespace, **data: object) -> Participant:
    csrf_post(signed_in(cast.therapist), _url("ipt:participant_add", teen), _parent(**data))
    return Participant.objects.get(episode=teen.episode)


def test_a_parent_is_added_with_name_and_contact_encrypted(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    parent = _add_parent(cast, teen)
    assert parent.relationship == "mother"
    assert parent.has_legal_authority
    assert [str(label) for label in parent.shared()] == ["attendance", "the safety plan"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, relationship, contact FROM ipt_participant WHERE id = %s", [parent.pk]
        )
        stored = cursor.fetchone()
    assert "Marta" not in stored[0]
    assert "mother" not in stored[1]
    assert "555" not in stored[2]
    event = AuditEvent.objects.get(action="ipt.participant.added")
    assert "Marta" not in str(event.__dict__)
    page = signed_in(cast.therapist).get(_url("ipt:participants", teen)).content.decode()
    assert "Marta Ortiz" in page
    assert "marta@example.com" in page


def test_a_parent_needs_a_name_relationship_and_contact(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    url = _url("ipt:participant_add", teen)
    response = csrf_post(signed_in(cast.therapist), url, _parent(**{"person-contact": ""}))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert "Marta Ortiz" in response.content.decode()  # what was typed stays
    assert not Participant.objects.exists()


def test_consent_comes_from_a_parent_with_authority_and_assent_from_the_client(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    parent = _add_parent(cast, teen, **{"person-has_legal_authority": ""})
    url, http = _url("ipt:consent_add", teen), signed_in(cast.therapist)
    base = {"consent-given_on": "2026-09-01", "consent-document_version": "v2"}
    refused = csrf_post(http, url, base | {"consent-kind": "consent"})
    assert "A parent or legal guardian consents" in refused.content.decode()
    refused = csrf_post(http, url, base | {"consent-kind": "consent", "consent-signer": parent.pk})
    assert "not recorded as having legal authority" in refused.content.decode()
    refused = csrf_post(http, url, base | {"consent-kind": "assent", "consent-signer": parent.pk})
    assert "Assent is given by the client" in refused.content.decode()
    assert not ConsentRecord.objects.exists()

    Participant.objects.filter(pk=parent.pk).update(has_legal_authority=True)
    csrf_post(http, url, base | {"consent-kind": "consent", "consent-signer": parent.pk})
    csrf_post(http, url, base | {"consent-kind": "assent"})
    kinds = {(c.kind, c.signer_id) for c in ConsentRecord.objects.all()}
    assert kinds == {("consent", parent.pk), ("assent", None)}
    assent = ConsentRecord.objects.get(kind="assent")
    csrf_post(http, _url("ipt:consent_withdraw", teen, assent.public_id))
    assent.refresh_from_db()
    assert assent.withdrawn_on is not None
    assert AuditEvent.objects.filter(action="ipt.consent.withdrawn").exists()


def test_the_confidentiality_agreement_records_to_whom_and_its_limits(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    url, http = _url("ipt:confidentiality_record", teen), signed_in(cast.therapist)
    refused = csrf_post(http, url, {"confidentiality-explained_on": "2026-09-01"})
    assert "Say to whom the agreement was explained." in refused.content.decode()
    csrf_post(
        http,
        url,
        {
            "confidentiality-explained_on": "2026-09-01",
            "confidentiality-explained_to_client": "on",
            "confidentiality-explained_to_guardians": "on",
            "confidentiality-breaks_for_self_harm": "on",
            "confidentiality-breaks_for_harm_to_others": "on",
            "confidentiality-breaks_for_abuse": "on",
            "confidentiality-breaks_for_law": "on",
            "confidentiality-shares_attendance": "on",
            "confidentiality-shares_safety_plan": "on",
        },
    )
    agreement = ConfidentialityAgreement.objects.get(episode=teen.episode)
    assert [str(x) for x in agreement.shared_labels()] == ["attendance", "the safety plan"]
    page = http.get(_url("ipt:participants", teen)).content.decode()
    assert "risk of serious harm to self" in page


def test_attendance_per_session_with_the_parts_attended(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    parent = _add_parent(cast, teen)
    url, http = (
        reverse("ipt:note_attendance", args=[teen.note.public_id]),
        signed_in(cast.therapist),
    )
    field = str(parent.public_id)
    refused = csrf_post(http, url, {f"{field}-joint": "on"})
    assert refused.status_code == 400
    assert "is marked in a part of the session but not present" in refused.content.decode()
    assert not ParticipantAttendance.objects.exists()
    csrf_post(http, url, {f"{field}-present": "on", f"{field}-joint": "on"})
    row = ParticipantAttendance.objects.get(note=teen.note, participant=parent)
    assert (row.present, row.joint, row.seen_alone) == (True, True, False)
    page = http.get(_url("ipt:participants", teen)).content.decode()
    assert "Marta Ortiz" in page.split("Attendance by session")[1]


def test_another_episodes_participant_cannot_be_reached(
    cast: SimpleNamespace, teen: SimpleNamespace
) -> None:
    parent = _add_parent(cast, teen)
    # Through the cast's own episode, the teen's parent is not found.
    url = reverse("ipt:participant_remove", args=[cast.episode.public_id, parent.public_id])
    assert csrf_post(signed_in(cast.therapist), url).status_code == 404
    # The colleague does not see the episode at all.
    page = signed_in(cast.colleague).get(_url("ipt:participants", teen))
    assert page.status_code == 404
    parent.refresh_from_db()
    assert parent.removed_at is None


def test_removing_a_parent_keeps_their_record(cast: SimpleNamespace, teen: SimpleNamespace) -> None:
    parent = _add_parent(cast, teen)
    url = _url("ipt:participant_remove", teen, parent.public_id)
    csrf_post(signed_in(cast.therapist), url)
    assert not Participant.objects.filter(pk=parent.pk).exists()
    assert Participant.with_removed.get(pk=parent.pk).removed_by == cast.therapist


def test_an_empty_page_says_what_to_do(cast: SimpleNamespace, teen: SimpleNamespace) -> None:
    body = signed_in(cast.therapist).get(_url("ipt:participants", teen)).content.decode()
    assert "No one besides the client takes part yet." in body
    assert "This manual involves a parent or caregiver" in body
    assert "No consent or assent is recorded yet." in body
