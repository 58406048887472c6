"""Logs carry opaque ids only: no names, contact details or clinical text."""

from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace

from django.urls import reverse

from rapport.core.logging import RedactFilter
from tests.factories import csrf_post, signed_in


def test_it_logs_no_personal_data_through_a_working_day(cast: SimpleNamespace, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    http = signed_in(cast.therapist)
    detail = reverse("clients:detail", args=[cast.client.public_id])
    http.get(detail)
    http.get(reverse("clients:detail", args=[cast.colleague_client.public_id]))  # 404, logged
    http.get(reverse("core:audit_log"))  # 403, logged
    csrf_post(
        http,
        reverse("clients:clinical_edit", args=[cast.client.public_id]),
        {"background": "Sleeping badly since the divorce", "version": 1},
    )
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "expected the 403/404 warnings to be logged"
    for secret in [
        cast.client.given_name,
        cast.client.family_name,
        cast.client.email,
        cast.colleague_client.family_name,
        "divorce",
        "Grief",
    ]:
        assert secret not in text


def test_it_writes_structured_json_and_masks_stray_addresses() -> None:
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactFilter())
    logger = logging.getLogger("rapport.test")
    logger.addHandler(handler)
    try:
        logger.warning("bounce from %s", "jo.client@example.com", extra={"email": "e-1"})
    finally:
        logger.removeHandler(handler)
    record = json.loads(stream.getvalue())
    assert record["message"] == "bounce from [email]"
    assert record["email"] == "e-1"
