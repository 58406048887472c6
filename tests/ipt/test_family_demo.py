"""The demo's family work (issue 15 item 8): an FB-IPT child of 9 with her mother, and an
IPT-A adolescent with his father, each with sessions, attendance and a parent contact."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from rapport.ipt import variants
from rapport.ipt.demo_family import load_family
from rapport.ipt.models import (
    CaregiverContact,
    Episode,
    ParticipantAttendance,
    ResponseRespondent,
    SessionNote,
)
from rapport.measures.models import Response


def test_the_demo_adds_an_fb_ipt_and_an_ipt_a_episode(cast: SimpleNamespace) -> None:
    load_family(cast.clinic, {"therapist": cast.therapist})
    child = Episode.objects.get(variant=variants.for_age_group("child"))
    teen = Episode.objects.get(variant=variants.for_age_group("adolescent"))
    assert child.client.age_on(timezone.localdate()) == 9
    assert teen.client.age_on(timezone.localdate()) == 15
    assert variants.of(child).session_formats
    notes = list(SessionNote.objects.filter(episode=child).order_by("number"))
    assert [n.session_format for n in notes] == [
        "parent_child",
        "parent_child",
        "parent_child",
        "parent_only",
    ]
    assert notes[3].sections == {
        "caregiver_alone": "Parent tips: praise small steps, one calm talk a day (demo)."
    }
    assert ParticipantAttendance.objects.filter(note__episode=child, present=True).count() == 4
    assert ParticipantAttendance.objects.get(note__episode=teen, note__number=1).joint
    assert CaregiverContact.objects.filter(episode__in=[child, teen]).count() == 2
    parent_report = Response.objects.get(client=child.client, instrument="smfq_p")
    assert ResponseRespondent.objects.get(response=parent_report).participant.name == (
        "Grace Madeup"
    )
    assert Response.objects.get(client=child.client, instrument="smfq_c").total == 13
