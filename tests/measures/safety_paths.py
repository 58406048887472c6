"""No path stores a positive safety answer without its alert (safety.md §5.1): shared checks.

A *path* is any way answers reach ``services.record_response``: the e-mailed link,
in-session entry, their completions, a self-screen. A property test over a path

1. draws answer sets with ``answer_sets(instrument)`` (random subsets of answered
   questions, random values on the scale, the first safety item positive or not);
2. submits each through the path inside a ``SafetyWitness`` — on a transactional
   database (``pytest.mark.django_db(transaction=True)``), because the witness
   checks each response at the moment the transaction that stored it commits;
3. calls ``witness.verify()`` and, when a safety answer was positive,
   ``assert_kept(witness.stored_since(mark), code)``: something was stored with
   that answer and its alert (never "errors, nothing stored").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import strategies as st

from rapport.core.outbox import send_due_emails
from rapport.measures import engine, instruments, invitations
from rapport.measures.instruments.base import Instrument
from rapport.measures.models import Response
from rapport.measures.services import alerted_answers
from tests.measures.admin_helpers import LINK, post_data, schedule_invitation, token_from


def answer_sets(instrument: Instrument) -> st.SearchStrategy[dict[str, int]]:
    """Answer sets a person could send, values on the scale: every question answered
    half the time, otherwise any of them left out.

    The instrument's first safety item is drawn positive half the time; otherwise it
    is answered negatively (or, in a set with gaps, possibly left out).
    """

    @st.composite
    def draw(pick: Any) -> dict[str, int]:
        answers = {}
        every = pick(st.booleans())
        for item in instrument.items:
            if every or pick(st.booleans()):
                answers[item.key] = pick(st.sampled_from([o.value for o in item.options]))
        if instrument.safety:
            trigger = instrument.safety[0]
            item = instrument.item(trigger.item)
            positive = pick(st.booleans())
            values = [
                o.value
                for o in item.options
                if (engine.item_score(item, o.value) >= trigger.minimum) == positive
            ]
            answers.pop(item.key, None)
            if positive or every or pick(st.booleans()):
                answers[item.key] = pick(st.sampled_from(values))
        return answers

    return draw()


def positive(instrument: Instrument, answers: dict[str, int]) -> bool:
    """The answers carry a safety answer (the engine's own verdict)."""
    return bool(engine.safety_hits(instrument, answers))


def unalerted(response: Response) -> list[engine.SafetyHit]:
    """The response's positive safety answers that have no alert, on it or on the
    incomplete response it completes (whose alert it repeats, see services.new_hits)."""
    instrument = instruments.get(response.instrument)
    alerted = alerted_answers(response)
    hits = engine.safety_hits(instrument, response.answers)
    return [hit for hit in hits if (hit.item, hit.value) not in alerted]


class SafetyWitness:
    """Checks each stored response when the transaction that stored it commits.

    At that moment its positive safety answers must already have their alerts: an
    alert made in a later transaction (or never) is a response that sat unseen.
    """

    def __init__(self) -> None:
        self.stored: list[int] = []
        self.checked: set[int] = set()
        self.problems: list[str] = []

    def __enter__(self) -> SafetyWitness:
        post_save.connect(self._saved, sender=Response, weak=False, dispatch_uid=id(self))
        return self

    def __exit__(self, *exc: object) -> None:
        post_save.disconnect(sender=Response, dispatch_uid=id(self))

    def _saved(self, sender: Any, instance: Response, created: bool, **kwargs: Any) -> None:
        if created:
            self.stored.append(instance.pk)
            pk = instance.pk
            transaction.on_commit(lambda: self._check(pk))

    def _check(self, pk: int) -> None:
        self.checked.add(pk)
        response = Response.objects.get(pk=pk)
        for hit in unalerted(response):
            self.problems.append(
                f"{response.instrument} {hit.item}={hit.value} stored without its alert"
            )

    def mark(self) -> int:
        return len(self.stored)

    def stored_since(self, mark: int) -> list[Response]:
        """Responses stored (and committed) since ``mark``."""
        return list(Response.objects.filter(pk__in=self.stored[mark:]).order_by("pk"))

    def verify(self) -> None:
        kept = set(Response.objects.filter(pk__in=self.stored).values_list("pk", flat=True))
        unchecked = kept - self.checked
        assert not unchecked, (
            "responses committed without the check: use django_db(transaction=True)"
        )
        assert not self.problems, self.problems


def assert_kept(stored: Iterable[Response], code: str) -> None:
    """A positive safety answer was kept: a response of ``code`` carrying it, alerted."""
    instrument = instruments.get(code)
    carrying = [r for r in stored if r.instrument == code and positive(instrument, r.answers)]
    assert carrying, f"a positive {code} safety answer was sent and nothing was stored"
    assert all(not unalerted(r) for r in carrying)


# ---------------------------------------------------------------- the paths Rapport has


def csrf_client() -> HttpClient:
    http = HttpClient(enforce_csrf_checks=True)
    http.get(reverse("core:login"))  # any form page sets the CSRF cookie
    return http


def post(http: HttpClient, url: str, data: dict[str, Any]) -> Any:
    return http.post(url, data | {"csrfmiddlewaretoken": http.cookies["csrftoken"].value})


def new_link(client: Any, episode: Any) -> str:
    """A PHQ-9 and GAD-7 link sent through the real jobs (other e-mails may go out too)."""
    mail.outbox.clear()
    schedule_invitation(client, episode)
    invitations.send_due_invitations("safety-paths")
    send_due_emails("safety-paths")
    bodies = [message.body for message in mail.outbox if LINK.search(message.body)]
    assert len(bodies) == 1, [message.subject for message in mail.outbox]
    return reverse("questionnaires:form", args=[token_from(bodies[0])])


def submit_link(url: str, answers_by_code: dict[str, dict[str, int]]) -> Any:
    """The e-mailed questionnaire link, as the phone's browser posts it."""
    return post(csrf_client(), url, post_data(answers_by_code))


def submit_in_session(
    http: HttpClient, episode: Any, code: str, answers: dict[str, int], session: int = 1
) -> Any:
    """In-session entry by the clinician (``http`` signed in, CSRF cookie set)."""
    url = reverse("ipt:measures_enter", args=[episode.public_id, code])
    return post(http, url, post_data({code: answers}) | {"session_number": session})


def complete_in_session(
    http: HttpClient, episode: Any, pending: Response, answers: dict[str, int]
) -> Any:
    url = reverse("ipt:measures_complete", args=[episode.public_id, pending.public_id])
    return post(http, url, post_data({pending.instrument: answers}))
