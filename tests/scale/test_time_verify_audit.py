"""``manage.py time_verify_audit``: a long sealed chain, verified since its checkpoint."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from rapport.core.models import AuditChain, AuditEvent
from rapport.scale import audit_chain

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY: PostgreSQL only")


def test_it_appends_a_sealed_chain_that_both_checks_find_intact(db) -> None:
    out = StringIO()
    call_command("time_verify_audit", "--rows", "500", verbosity=0, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Appended 500 sealed events")
    assert "verify_audit --incremental: " in lines[1]
    assert "500 sealed events verified since the last checkpoint" in lines[1]
    assert "--key-stays-local" in lines[2]
    assert "500 sealed events verified since the last checkpoint" in lines[2]
    chain = AuditChain.objects.get(chain__gt=0)
    assert (chain.head_seq, chain.checkpoint_seq) == (500, 500)


def test_a_second_run_continues_the_chain_and_checks_only_the_new_rows(db) -> None:
    audit_chain.append(300)
    out = StringIO()
    call_command("time_verify_audit", "--rows", "200", "--skip-local", verbosity=0, stdout=out)
    assert "200 sealed events verified since the last checkpoint" in out.getvalue()
    assert AuditEvent.objects.filter(seq__isnull=False).count() == 500
    # The full check walks both runs' rows as one chain.
    full = StringIO()
    call_command("verify_audit", stdout=full)
    assert "intact: 500 sealed events verified in full" in full.getvalue()
