"""Safety plans (safety.md §5.1 step 4; Stanley & Brown's six steps plus means safety).

A plan belongs to a person: a client, or, before there is a client (a self-screen
on a consultation request), the opaque ``subject_id`` its alert carries. Versions
are immutable rows: creating, updating, or reviewing without changes each adds
one, so the newest version says both what the plan is and when someone last
went through it with the person. An acknowledgement relies on a plan that was
created, updated or reviewed in the acknowledgement itself or in the last
``RECENT`` (seven days).

The functions here take no request and check no access: views reach plans and
alerts through the access layer first, then call them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core.models import Clinic, User
from rapport.measures.models import SafetyAlert, SafetyPlan

RECENT = timedelta(days=7)
# The six steps every plan fills in (Stanley & Brown 2012, step 6 = means safety).
STEPS = (
    "warning_signs",
    "coping_strategies",
    "social_distractions",
    "people_to_ask",
    "professionals",
    "means_safety",
)
CONTENT = (*STEPS, "reasons_for_living")


@dataclass(frozen=True)
class Person:
    """Whose plan: a client, or the opaque subject of a clientless alert."""

    clinic: Clinic
    client: Client | None = None
    subject_id: uuid.UUID | None = None

    @classmethod
    def of_client(cls, client: Client) -> Person:
        return cls(clinic=client.clinic, client=client)

    @classmethod
    def of_alert(cls, alert: SafetyAlert) -> Person:
        if alert.client_id:
            return cls.of_client(alert.client)
        return cls(clinic=alert.clinic, subject_id=alert.subject_id)

    def owns(self, plan: SafetyPlan) -> bool:
        if self.client is not None:
            return plan.client_id == self.client.pk
        return plan.client_id is None and plan.subject_id == self.subject_id


class PlanConflict(Exception):
    """Someone saved a version since the editor's: nothing was written."""

    def __init__(self, current: SafetyPlan | None) -> None:
        super().__init__("the safety plan has a newer version")
        self.current = current


def versions(person: Person) -> QuerySet[SafetyPlan]:
    """Every version of the person's plan, newest first (no access check: see above)."""
    if person.client is not None:
        return SafetyPlan.objects.filter(client=person.client)
    return SafetyPlan.objects.filter(client__isnull=True, subject_id=person.subject_id)


def current(person: Person) -> SafetyPlan | None:
    return versions(person).select_related("created_by").order_by("-version").first()


def is_recent(plan: SafetyPlan | None, now: datetime | None = None) -> bool:
    """Created, updated or reviewed within the last seven days."""
    if plan is None:
        return False
    return plan.created_at >= (now or timezone.now()) - RECENT


def content_of(plan: SafetyPlan | None) -> dict[str, str]:
    return {name: getattr(plan, name) if plan else "" for name in CONTENT}


def first_draft(person: Person) -> dict[str, str]:
    """A new plan's starting text: step 5 from the clinic's crisis resources and therapist."""
    lines = []
    therapist = person.client.assigned_therapist if person.client else None
    if therapist is not None:
        lines.append(
            _("My therapist at %(clinic)s: %(name)s")
            % {"clinic": person.clinic.name, "name": therapist.get_full_name()}
        )
    lines += [
        f"{resource['label']}: {resource['contact']}"
        for resource in person.clinic.crisis_resources or []
    ]
    return dict.fromkeys(CONTENT, "") | {"professionals": "\n".join(lines)}


def normalised(text: str) -> str:
    """Browsers send CRLF from text areas; store and compare plain newlines."""
    return text.replace("\r\n", "\n").strip()


def changed_steps(plan: SafetyPlan | None, content: dict[str, str]) -> list[str]:
    before = content_of(plan)
    return [name for name in CONTENT if normalised(content[name]) != before[name]]


def save_version(
    person: Person,
    content: dict[str, str],
    *,
    by: User,
    based_on: int | None,
    made_in: uuid.UUID | None = None,
) -> SafetyPlan:
    """A new version with ``content``: created, updated, or reviewed when nothing changed.

    ``based_on`` is the version the editor started from (0: none existed). If the
    plan moved on since, or another save wins the race for the next number,
    ``PlanConflict`` is raised and nothing is written.
    """
    with transaction.atomic():
        latest = current(person)
        if based_on != (latest.version if latest else 0):
            raise PlanConflict(latest)
        if latest is None:
            change = SafetyPlan.Change.CREATED
        elif changed_steps(latest, content):
            change = SafetyPlan.Change.UPDATED
        else:
            change = SafetyPlan.Change.REVIEWED
        try:
            with transaction.atomic():  # a savepoint: the race's loser stays usable
                return SafetyPlan.objects.create(
                    clinic=person.clinic,
                    client=person.client,
                    subject_id=None if person.client else person.subject_id,
                    version=(latest.version if latest else 0) + 1,
                    change=change,
                    created_by=by,
                    created_at=timezone.now(),
                    made_in=made_in,
                    **{name: normalised(content[name]) for name in CONTENT},
                )
        except IntegrityError:
            raise PlanConflict(current(person)) from None


def review(
    person: Person, *, by: User, based_on: int | None, made_in: uuid.UUID | None = None
) -> SafetyPlan:
    """Gone through with the person, nothing changed: a "reviewed" version of the same text."""
    latest = current(person)
    if latest is None:
        raise PlanConflict(None)
    return save_version(person, content_of(latest), by=by, based_on=based_on, made_in=made_in)


def audit_fields(plan: SafetyPlan, previous: SafetyPlan | None) -> list[str]:
    """The field names a version wrote (never their text): the audit log's ``fields``."""
    if plan.change == SafetyPlan.Change.REVIEWED:
        return ["change"]
    return ["change", *changed_steps(previous, content_of(plan))]


def may_rely_on(plan: SafetyPlan | None, alert: SafetyAlert, now: datetime | None = None) -> bool:
    """An acknowledgement may rest on this plan: the alert's person's, and recent."""
    return plan is not None and Person.of_alert(alert).owns(plan) and is_recent(plan, now)


def parts(plan: SafetyPlan) -> list[tuple[str, str]]:
    """(heading, text) of each part, in the plan's order, for pages and the printout."""
    return [
        (str(SafetyPlan._meta.get_field(name).verbose_name), getattr(plan, name))
        for name in CONTENT
    ]
