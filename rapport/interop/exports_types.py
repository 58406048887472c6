"""The resource types bulk export and the full record write, from the API's registry.

One registry (``rapport.interop.resources``) says which rows make which resource
and how to build it, so the read API, the NDJSON files and the record's Bundle
always agree; this module only names the order they are written in.
"""

from __future__ import annotations

from typing import Any


def registry() -> dict[str, Any]:
    """Every exportable resource type by name, in a stable order."""
    from rapport.interop.resources import REGISTRY

    return dict(REGISTRY)
