"""Turning read rows into a preview: client found, date checked, scored by the one engine.

Every row is checked however many errors came before it, so the preview lists all
of them at once (row, column, message). A preview with no error is what ``commit``
writes; it reads and checks the same input again there, in its transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone, translation

from rapport.clients.models import Client
from rapport.interop.imports.matching import ClientFinder
from rapport.interop.imports.rows import Candidate, RowError
from rapport.ipt.models import Episode
from rapport.measures import engine, instruments
from rapport.measures.imported import is_recent, score_imported
from rapport.measures.instruments.base import Instrument
from rapport.measures.models import Response

IMPORTABLE = ("phq9", "gad7")
# A date before the questionnaire was published is a typing mistake: the PHQ-9 came
# with PRIME-MD in 1999, the GAD-7 in 2006 (Spitzer et al.; measures.md §2.2, §2.3).
PUBLISHED = {"phq9": date(1999, 1, 1), "gad7": date(2006, 1, 1)}
NAME_COLUMNS = ("family_name", "given_name", "date_of_birth")
# A date without a time is stored at noon in the clinic's zone: the same day everywhere.
NOON = time(12, 0)


@dataclass
class PreviewRow:
    candidate: Candidate
    client: Client
    instrument: Instrument
    submitted_at: datetime
    result: engine.Result
    context_id: uuid.UUID | None = None

    @property
    def row(self) -> int:
        return self.candidate.row

    @property
    def total_only(self) -> bool:
        return not self.candidate.answers

    @property
    def stated_total_ignored(self) -> bool:
        """Item values and a stated total that disagree: the engine's total is kept."""
        stated = self.candidate.stated_total
        return not self.total_only and stated is not None and stated != self.result.total

    @property
    def safety_items(self) -> list[engine.SafetyHit]:
        return list(self.result.hits)

    @property
    def safety_text(self) -> str:
        """The positive answers in words: "item 9 answered 2"."""
        return ", ".join(
            f"{_item_name(self.instrument, hit.item)} answered {hit.value}"
            for hit in self.result.hits
        )

    @property
    def raises_alert(self) -> bool:
        """A positive answer recent enough to describe today's risk (measures.imported)."""
        return bool(self.result.hits) and is_recent(self.submitted_at)

    @property
    def day(self) -> date:
        return timezone.localtime(self.submitted_at, self.client.clinic.zone).date()


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    read: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def safety_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.result.hits]

    @property
    def total_only_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.total_only and row.instrument.safety]

    @property
    def clients(self) -> list[Client]:
        seen: dict[int, Client] = {}
        for row in self.rows:
            seen.setdefault(row.client.pk, row.client)
        return sorted(seen.values(), key=lambda c: (c.family_name, c.given_name))


def instrument_for(text: str) -> str | None:
    """The catalogue code named by a CSV cell or a FHIR canonical (PHQ-9, phq9, 44249-1 …)."""
    folded = text.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    for code in IMPORTABLE:
        instrument = instruments.get(code)
        names = {code, instrument.loinc_panel.replace("-", "")}
        if folded in names or any(name in folded for name in names):
            return code
    return None


def check(user: Any, candidates: list[Candidate], errors: list[RowError] | None = None) -> Preview:
    """The preview of ``candidates`` for ``user`` (``errors``: problems of the input as a whole)."""
    preview = Preview(errors=list(errors or []), read=len(candidates))
    finder = ClientFinder(user, [c.client for c in candidates])
    pending: list[tuple[Candidate, Client, Instrument, datetime]] = []
    for candidate in candidates:
        client, message = finder.find(candidate.client)
        said = {e.column for e in candidate.errors} & {candidate.client_column, *NAME_COLUMNS}
        if client is None and not said:  # a birth date already refused is reason enough
            candidate.refuse(candidate.client_column, message)
        instrument = _instrument(candidate)
        submitted_at = _when(candidate, client, instrument)
        if client is not None and instrument is not None and submitted_at is not None:
            pending.append((candidate, client, instrument, submitted_at))
    known = _already_recorded(pending)
    contexts = _episodes_running(pending)
    seen: set[tuple[int, str, datetime]] = set()
    for candidate, client, instrument, submitted_at in pending:
        key = (client.pk, instrument.code, submitted_at)
        if key in known or key in seen:
            where = "in Rapport" if key in known else "earlier in this import"
            candidate.refuse(
                candidate.date_column,
                f"This client already has a {instrument.short_title} at this date and time "
                f"{where}.",
            )
        if not candidate.errors:
            seen.add(key)  # only a row that could be stored makes a later one a repeat
        # A value already refused is not reported again as missing.
        result = None if candidate.errors else _score(candidate, instrument)
        if result is not None and not candidate.errors:
            context_id = _episode_on(contexts.get(client.pk, []), submitted_at, client)
            preview.rows.append(
                PreviewRow(candidate, client, instrument, submitted_at, result, context_id)
            )
    for candidate in candidates:
        preview.errors.extend(candidate.errors)
    preview.errors.sort(key=lambda error: error.row)
    return preview


def _instrument(candidate: Candidate) -> Instrument | None:
    code = candidate.instrument_code
    if not code:
        if not any(e.column == candidate.instrument_column for e in candidate.errors):
            candidate.refuse(candidate.instrument_column, "Name the questionnaire: PHQ-9 or GAD-7.")
        return None
    return instruments.get(code)


def _when(
    candidate: Candidate, client: Client | None, instrument: Instrument | None
) -> datetime | None:
    when = candidate.when
    if when is None:
        return None  # the reader has said why
    zone = client.clinic.zone if client is not None else timezone.get_current_timezone()
    if isinstance(when, datetime):
        submitted_at, day = when, timezone.localtime(when, zone).date()
    else:
        submitted_at, day = datetime.combine(when, NOON, tzinfo=zone), when
    column = candidate.date_column
    if submitted_at > timezone.now() or day > timezone.localdate(timezone=zone):
        candidate.refuse(
            column, f"{day.isoformat()} is in the future: give the day it was answered."
        )
        return None
    if instrument is not None and day < PUBLISHED[instrument.code]:
        year = PUBLISHED[instrument.code].year
        candidate.refuse(
            column,
            f"{day.isoformat()} is before the {instrument.short_title} was published "
            f"({year}): check the year.",
        )
        return None
    if client is not None and day < client.date_of_birth:
        candidate.refuse(column, f"{day.isoformat()} is before the client's date of birth.")
        return None
    return submitted_at


def _score(candidate: Candidate, instrument: Instrument) -> engine.Result | None:
    """The engine's result; each problem it finds becomes an error on its own column."""
    total = None if candidate.answers else candidate.stated_total
    try:
        # The catalogue's own band label (as stored): the import writes this result.
        with translation.override(None):
            return score_imported(instrument, candidate.answers, total)
    except engine.InvalidAnswers as invalid:
        for key, message in invalid.errors.items():
            column = candidate.total_column if key == engine.ALL_ITEMS else _column(key)
            text = message
            if key in invalid.unanswered:
                text = f"{instrument.short_title} {_item_name(instrument, key)} is missing; "
                text += "every scored item is needed (never estimated)."
            candidate.refuse(column, str(text))
        return None


def _column(key: str) -> str:
    return f"item_{key[1:]}" if key.startswith("q") and key[1:].isdigit() else key


def _item_name(instrument: Instrument, key: str) -> str:
    return f"item {key[1:]}" if key.startswith("q") and key[1:].isdigit() else key


def _already_recorded(pending: list[tuple[Candidate, Client, Instrument, datetime]]) -> set:
    """(client, instrument, time) of responses already stored: an import run twice is refused."""
    if not pending:
        return set()
    found = Response.objects.filter(
        client__in=[client.pk for _c, client, _i, _t in pending],
        instrument__in={instrument.code for _c, _cl, instrument, _t in pending},
        submitted_at__in={when for _c, _cl, _i, when in pending},
    ).values_list("client_id", "instrument", "submitted_at")
    return set(found)


def _episodes_running(pending: list[tuple[Candidate, Client, Instrument, datetime]]) -> dict:
    """Each client's episodes (one query), to file a response under the one running then."""
    by_client: dict[int, list[Episode]] = {}
    clients = {client.pk for _c, client, _i, _t in pending}
    if clients:
        episodes = Episode.objects.filter(client__in=clients).only(
            "public_id", "client_id", "started_on", "closed_on"
        )
        for episode in episodes:
            by_client.setdefault(episode.client_id, []).append(episode)
    return by_client


def _episode_on(episodes: list[Episode], when: datetime, client: Client) -> uuid.UUID | None:
    """The episode running on the response's day, if any (history before it stays apart)."""
    day = timezone.localtime(when, client.clinic.zone).date()
    for episode in sorted(episodes, key=lambda e: e.started_on, reverse=True):
        if episode.started_on <= day and (episode.closed_on is None or day <= episode.closed_on):
            return episode.public_id
    return None
