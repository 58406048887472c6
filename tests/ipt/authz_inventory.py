"""Matrix rows for the interpersonal inventory, the closeness circle and the timeline."""

from datetime import date
from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, POST_ONLY, Row, episode


def _person(cast: SimpleNamespace) -> dict[str, Any]:
    from rapport.ipt.models import InventoryPerson

    person = InventoryPerson.objects.create(episode=cast.episode, name="Sam", relationship="friend")
    return {"public_id": cast.episode.public_id, "person_id": person.public_id}


def _event(cast: SimpleNamespace) -> dict[str, Any]:
    from rapport.ipt.models import TimelineEvent

    event = TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 3, 1), title="Moved city"
    )
    return {"public_id": cast.episode.public_id, "event_id": event.public_id}


def _occasion(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "occasion": "intake"}


EXPECTED = {
    "ipt:inventory": Row(CLINICAL_READ, episode),
    "ipt:inventory_person_add": Row(CLINICAL_WRITE, episode),
    "ipt:inventory_person": Row(CLINICAL_READ, _person),
    "ipt:inventory_person_edit": Row(CLINICAL_WRITE, _person),
    "ipt:inventory_person_remove": Row(POST_ONLY, _person),
    "ipt:closeness": Row(CLINICAL_READ, episode),
    "ipt:closeness_rate": Row(CLINICAL_WRITE, _occasion),
    "ipt:closeness_place": Row(POST_ONLY, _occasion),
    "ipt:timeline": Row(CLINICAL_READ, episode),
    "ipt:timeline_event_add": Row(CLINICAL_WRITE, episode),
    "ipt:timeline_event_edit": Row(CLINICAL_WRITE, _event),
    "ipt:timeline_event_delete": Row(POST_ONLY, _event),
}
