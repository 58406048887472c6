"""Convert a consultation request into a client and an IPT episode, in one step.

One transaction creates the client record (contact details carried over from
the request), assigns the therapist, opens the episode (baseline PHQ-9 from the
self-screen), links the request, marks it accepted and takes it off the
waitlist. A request converts once: the link is set by a conditional UPDATE, so
two coordinators converting at the same moment produce one client.

The same transaction hands measures' rows about the person to the new client
(``measures.services.adopt``): the self-screen joins the episode as its baseline
and the client's charts, and an open safety alert passes from intake to the
assigned therapist, still open and on the same escalation clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core.models import User
from rapport.intake import services, waitlist
from rapport.intake.models import ConsultationRequest
from rapport.ipt import variants
from rapport.ipt.services import open_episode
from rapport.measures import services as measures
from rapport.scheduling.models import Appointment


class ConversionError(Exception):
    """The request cannot be converted; ``str(error)`` is fit to show the coordinator."""


@dataclass(frozen=True)
class Converted:
    client: Client
    episode: object


def split_name(name: str) -> tuple[str, str]:
    """A sensible first guess at given and family name; the coordinator confirms it."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


def convert(
    request: ConsultationRequest,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    therapist: User,
    started_on: dt.date,
    variant: str = "",
    by: User | None = None,
) -> Converted:
    """Create the client and open their episode; raise ConversionError if already converted.

    ``by``: the coordinator converting (the actor of the audited hand-over).
    ``variant``: the IPT manual chosen; by default the one the request's age group suggests.
    """
    if request.client_id is not None:
        raise ConversionError(_("This request was already converted into a client record."))
    with transaction.atomic():
        client = Client.objects.create(
            clinic=request.clinic,
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
            email=request.email,
            phone=request.phone,
            preferred_channel=request.preferred_channel,
            assigned_therapist=therapist,
            background=_referral_background(request),
        )
        linked = ConsultationRequest.objects.filter(pk=request.pk, client__isnull=True).update(
            client=client, status=ConsultationRequest.Status.ACCEPTED, version=F("version") + 1
        )
        if not linked:  # someone converted it since we looked: undo everything
            raise ConversionError(_("This request was already converted into a client record."))
        screen = services.self_screen(request)
        episode = open_episode(
            client,
            therapist=therapist,
            started_on=started_on,
            variant=variant or variants.for_age_group(request.age_group),
            baseline_phq9=screen.total if screen is not None else None,
        )
        measures.adopt(request.public_id, client, episode.public_id, by=by)
        waitlist.remove(request, reason=waitlist.CONVERTED)
        # The consultation booked before the record existed now belongs to the client.
        Appointment.objects.filter(request_id=request.public_id, client__isnull=True).update(
            client=client
        )
    request.refresh_from_db()
    return Converted(client, episode)


def _referral_background(request: ConsultationRequest) -> str:
    """The person's own words become the start of the therapist-only background."""
    when = timezone.localdate(request.created_at).isoformat()
    return _("From the consultation request of %(date)s:") % {"date": when} + "\n" + request.concern
