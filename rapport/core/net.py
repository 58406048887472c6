from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The caller's address; behind RAPPORT_PROXY_COUNT trusted proxies, from X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies:
            return _normalised(forwarded[-proxies])
    return _normalised(request.META.get("REMOTE_ADDR", ""))


def _normalised(address: str) -> str | None:
    try:
        return ipaddress.ip_address(address).compressed
    except ValueError:
        return None
