"""What an import reads from its input, before any client is looked up or any score made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class RowError:
    """One problem, where it is: the row (CSV line or FHIR entry number) and the column
    (a CSV header or a FHIR element), in words a person can act on."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ClientRef:
    """How a row names its client: the client's identifier in Rapport, or name and birth date."""

    identifiers: tuple[str, ...] = ()
    family_name: str = ""
    given_name: str = ""
    date_of_birth: date | None = None

    @property
    def by_name(self) -> bool:
        return bool(self.family_name and self.given_name and self.date_of_birth)


@dataclass
class Candidate:
    """One response as read from the input; ``errors`` holds what could not be read."""

    row: int
    source: str  # "CSV row 4", "FHIR entry 2": kept on the stored response, no PHI
    client: ClientRef = field(default_factory=ClientRef)
    client_column: str = "client_id"
    instrument_code: str = ""
    instrument_column: str = "instrument"
    when: date | datetime | None = None
    date_column: str = "date"
    answers: dict[str, int] = field(default_factory=dict)
    # A total the input states: alone (a record that kept only totals), or beside the
    # item values, where it is only compared with the engine's total and then ignored.
    stated_total: int | None = None
    total_column: str = "total"
    notes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def refuse(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))
