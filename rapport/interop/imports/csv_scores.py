"""A CSV of historical scores: one response per row.

Columns (``TEMPLATE_COLUMNS``, the downloadable template): the client, by
``client_id`` (the identifier Rapport shows on the client record) or by
``family_name``, ``given_name`` and ``date_of_birth``; ``date`` (YYYY-MM-DD);
``instrument`` (PHQ-9 or GAD-7); the item values ``item_1`` … ``item_9`` (0–3; a
GAD-7 uses items 1–7) and the optional ``difficulty`` item; or, where a record kept
only the score, ``total`` alone. A total beside item values is compared and ignored.
Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from rapport.interop.imports.checking import instrument_for
from rapport.interop.imports.rows import Candidate, ClientRef, RowError
from rapport.measures import instruments

ITEM_COLUMNS = [f"item_{n}" for n in range(1, 10)]
CLIENT_COLUMNS = ["client_id", "family_name", "given_name", "date_of_birth"]
TEMPLATE_COLUMNS = [*CLIENT_COLUMNS, "date", "instrument", *ITEM_COLUMNS, "difficulty", "total"]
MAX_ROWS = 5000  # one request writes them all, ~1 ms a row: bounded (docs/fhir.md, "Imports")
MAX_BYTES = 2 * 1024 * 1024


def template() -> str:
    """The template: the header row only (an example row could be imported by mistake)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    return out.getvalue()


def read(text: str) -> tuple[list[Candidate], list[RowError]]:
    """Every data row as a Candidate, and the problems of the file as a whole (row 1: header)."""
    if not text.strip():
        return [], [RowError(1, "", "The file is empty.")]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    problems = _header_problems(header)
    if problems:
        return [], problems
    candidates = []
    for index, raw in enumerate(reader):
        row_number = index + 2
        if row_number - 1 > MAX_ROWS:
            return [], [RowError(row_number, "", f"At most {MAX_ROWS} rows per import.")]
        cells = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            extra = Candidate(row=row_number, source=f"CSV row {row_number}")
            extra.refuse("", "This row has more cells than the header has columns.")
            candidates.append(extra)
            continue
        if not any(cells.values()):
            continue  # a blank line in a spreadsheet export
        candidates.append(_candidate(row_number, cells))
    if not candidates:
        return [], [RowError(2, "", "The file has a header but no rows.")]
    return candidates, []


def _header_problems(header: list[str]) -> list[RowError]:
    problems = []
    known = set(TEMPLATE_COLUMNS)
    for name in header:
        if name not in known:
            problems.append(RowError(1, name or "(blank)", "Unknown column: see the template."))
    for name in ("date", "instrument"):
        if name not in header:
            problems.append(RowError(1, name, "This column is needed."))
    if "client_id" not in header and not {"family_name", "given_name", "date_of_birth"} <= set(
        header
    ):
        problems.append(
            RowError(
                1,
                "client_id",
                "Name the client: a client_id column, or family_name, given_name and "
                "date_of_birth.",
            )
        )
    if not set(ITEM_COLUMNS) & set(header) and "total" not in header:
        problems.append(RowError(1, "item_1", "Give item columns (item_1 …) or a total column."))
    return problems


def _date(candidate: Candidate, column: str, text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        pass
    candidate.refuse(column, f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2024-03-18.")
    return None


def _whole_number(candidate: Candidate, column: str, text: str, highest: int) -> int | None:
    if text.isdigit() and int(text) <= highest:
        return int(text)
    candidate.refuse(column, f"“{text}” is not a whole number from 0 to {highest}.")
    return None


def _candidate(row_number: int, cells: dict[str, str]) -> Candidate:
    candidate = Candidate(row=row_number, source=f"CSV row {row_number}")
    identifier = cells.get("client_id", "")
    birth_text = cells.get("date_of_birth", "")
    birth = _date(candidate, "date_of_birth", birth_text) if birth_text else None
    candidate.client = ClientRef(
        identifiers=(identifier,) if identifier else (),
        family_name=cells.get("family_name", ""),
        given_name=cells.get("given_name", ""),
        date_of_birth=birth,
    )
    if not identifier and not candidate.client.by_name and not candidate.errors:
        candidate.refuse("client_id", "Give the client_id, or the name and date of birth.")
    day_text = cells.get("date", "")
    if not day_text:
        candidate.refuse("date", "Give the date it was answered (YYYY-MM-DD).")
    else:
        candidate.when = _date(candidate, "date", day_text)
    name = cells.get("instrument", "")
    code = instrument_for(name) if name else None
    if name and code is None:
        candidate.refuse(
            "instrument", f"“{name}” is not a questionnaire Rapport imports: PHQ-9 or GAD-7."
        )
    candidate.instrument_code = code or ""
    if code:
        _items(candidate, cells, code)
    return candidate


def _items(candidate: Candidate, cells: dict[str, str], code: str) -> None:
    instrument = instruments.get(code)
    scored = [item for item in instrument.items if item.scored]
    for number, column in enumerate(ITEM_COLUMNS, start=1):
        text = cells.get(column, "")
        if not text:
            continue
        if number > len(scored):
            candidate.refuse(
                column,
                f"The {instrument.short_title} has {len(scored)} items: leave {column} empty.",
            )
            continue
        item = scored[number - 1]
        highest = max(option.value for option in item.options)
        value = _whole_number(candidate, column, text, highest)
        if value is not None:
            candidate.answers[item.key] = value
    difficulty = cells.get("difficulty", "")
    if difficulty:
        value = _whole_number(candidate, "difficulty", difficulty, 3)
        if value is not None:
            candidate.answers["difficulty"] = value
    total = cells.get("total", "")
    if total:
        candidate.stated_total = _whole_number(candidate, "total", total, instrument.max_total)
    elif not candidate.answers and not candidate.errors:
        candidate.refuse("item_1", "Give the item values (item_1 …) or the total.")
