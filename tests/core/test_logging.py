"""Logs carry opaque ids only: no names, contact details or clinical text."""

from __future__ import annotations

import io
import json
import logging
import secrets
from types import SimpleNamespace

from django.test import Client as HttpClient
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter

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


# Routes whose path carries a secret: whoever reads the log could use the link.
TOKEN_URLS = [
    ("questionnaires:form", {}),
    ("scheduling:feed", {}),
    ("scheduling:reminder_reply", {}),
    ("core:set_password", {"public_id": "7f1c9a1e-2b7b-4c43-9c53-0d6a1f9e8b21"}),
    ("core:second_factor_reenrol", {}),
]


def _formatted(records: list[logging.LogRecord]) -> str:
    """The records as the configured JSON console handler writes them, extras included."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    return "\n".join(handler.formatter.format(record) for record in records)


def test_it_masks_link_tokens_in_logged_paths(cast: SimpleNamespace, caplog) -> None:
    caplog.set_level(logging.INFO)
    http = HttpClient()
    tokens = []
    for name, kwargs in TOKEN_URLS:
        token = f"Zq{secrets.token_urlsafe(24)}"
        tokens.append(token)
        response = http.get(reverse(name, kwargs=kwargs | {"token": token}))
        assert 400 <= response.status_code < 500, name
    http.get(f"/q/{tokens[0]}/trailing/")  # unrouted: a long opaque segment is masked too
    # A form posted without its CSRF token is refused by another logger, with the path.
    HttpClient(enforce_csrf_checks=True).post(reverse("questionnaires:form", args=[tokens[0]]))
    logged = [r for r in caplog.records if r.name in ("django.request", "django.security.csrf")]
    assert len(logged) == len(TOKEN_URLS) + 2, "expected each refusal to be logged"
    text = "\n".join(r.getMessage() for r in logged) + _formatted(logged)
    assert "/q/[token]/" in text
    for token in tokens:
        assert token not in text


def test_it_masks_tokens_in_the_development_server_access_log(caplog) -> None:
    token = f"Zq{secrets.token_urlsafe(24)}"
    caplog.set_level(logging.INFO)
    # The shape django.core.servers.basehttp gives its access lines.
    logging.getLogger("django.server").warning(
        '"%s" %s %s', f"GET /q/{token}/?from=mail HTTP/1.1", "404", "179"
    )
    message = caplog.records[-1].getMessage()
    assert token not in message
    assert "/q/[token]/" in message


# URL arguments that are free text but no secret: the log keeps them.
# "name" is a bulk export file's resource type ("Patient.ndjson"), never a secret.
# "start" is a rhythm diary week's Monday, beside the episode's opaque id.
NOT_SECRET = {"code", "slug", "index", "occasion", "kind", "name", "start"}


def _route_arguments(resolver: URLResolver) -> set[str]:
    found = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found |= _route_arguments(pattern)
        converters = getattr(pattern.pattern, "converters", {})
        found |= {name for name, conv in converters.items() if not isinstance(conv, UUIDConverter)}
    return found


def test_every_secret_in_a_url_is_an_argument_the_log_mask_knows() -> None:
    # The mask finds a link's secret by its argument's name: a new link route must call it *token*.
    unknown = {name for name in _route_arguments(get_resolver()) if "token" not in name}
    assert unknown <= NOT_SECRET
