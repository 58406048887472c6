"""Every clinic-scoped table carries the clinic key, so it can be a distribution column.

A multi-clinic host may shard by clinic on Citus (docs/scaling.md): each table
then either carries ``clinic_id`` (distributed and co-located by it) or is a
small table every node holds whole (a reference table). These tests walk every
model of the project's apps, so a new model must take one side on purpose.
"""

from __future__ import annotations

from collections import deque

from django.apps import apps
from django.apps.registry import Apps
from django.db import models

from rapport.core.models import Clinic, User

# Tables that are not split by clinic, and why. Every other model carries `clinic`.
GLOBAL = {
    # The tenant table itself: its id is the distribution value (a reference table).
    "core.clinic": "the tenant table",
    # Sign-in finds a staff member by username before any clinic is known, and
    # usernames are unique across the installation; every request checks roles.
    # Staff and what hangs off an account are few rows: reference tables.
    "core.user": "accounts are looked up by username, across clinics",
    "core.staffrole": "part of the account, read on every request",
    "core.supervision": "part of the account (who supervises whom)",
    "core.recoverycodedevice": "part of the account's two-step sign-in",
    "core.recoverycode": "part of the account's two-step sign-in",
    "core.secondfactorreset": "part of the account's two-step sign-in",
    # A portal sign-in is found by e-mail before any clinic is known, and by its
    # user on every request: part of the account, like staff roles.
    "portal.portalaccount": "part of a client's or guardian's sign-in, found by e-mail",
    # One row per audit chain, keyed by the clinic's id in `chain` (0 for events
    # outside any clinic), locked by the sealing worker: kept on the coordinator.
    "core.auditchain": "chain heads, keyed by clinic id (0: no clinic)",
    # Which worker processes are alive: operational, no clinic.
    "core.workerheartbeat": "worker liveness",
}

# Rows written outside any clinic today (sign-in events, staff e-mail before a
# clinic exists); a sharded database needs a clinic for them (docs/scaling.md).
KNOWN_NULLABLE_KEY = {"core.auditevent", "core.outboundemail"}


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("rapport.") and not model._meta.proxy
    ]


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _clinic_key(model: type[models.Model]) -> models.ForeignKey | None:
    field = next((f for f in model._meta.concrete_fields if f.name == "clinic"), None)
    if isinstance(field, models.ForeignKey) and field.related_model is Clinic:
        return field
    return None


def _path_to_clinic(model: type[models.Model]) -> list[str] | None:
    """The shortest chain of foreign keys from ``model`` to Clinic (field names), or None.

    Not through accounts: a row's author or therapist says who, not whose clinic.
    """
    queue: deque[tuple[type[models.Model], list[str]]] = deque([(model, [])])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is Clinic:
                return [*path, field.name]
            if target is not None and target not in seen and _label(target) not in GLOBAL:
                seen.add(target)
                queue.append((target, [*path, field.name]))
    return None


def test_it_finds_the_clinic_behind_a_parent_row() -> None:
    # The walk the messages below rely on, on two throwaway models kept out of the
    # project's registry (a private Apps), so they exist only in this test.
    probe = Apps()

    class Visit(models.Model):  # noqa: DJ008 (throwaway, never shown)
        clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")

        class Meta:
            apps, app_label = probe, "probe"

    class VisitNote(models.Model):  # noqa: DJ008 (throwaway, never shown)
        author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
        visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+")

        class Meta:
            apps, app_label = probe, "probe"

    assert _clinic_key(Visit) is not None
    assert _clinic_key(VisitNote) is None
    # Through the visit, not the author's account.
    assert _path_to_clinic(VisitNote) == ["visit", "clinic"]


def test_every_clinic_scoped_table_carries_the_clinic_key() -> None:
    without = {
        _label(m): _path_to_clinic(m)
        for m in _project_models()
        if _clinic_key(m) is None and _label(m) not in GLOBAL
    }
    assert not without, (
        "Give these models the clinic key (subclass rapport.core.models.ClinicKeyed and name "
        "the parent in `clinic_from`), or, if they are truly not clinic data, add them to "
        f"GLOBAL with the reason. Path to the clinic today: {without}"
    )


def test_the_global_list_names_real_models_that_need_no_key() -> None:
    labels = {_label(m) for m in _project_models()}
    assert set(GLOBAL) <= labels
    # A table that gained the key could be distributed instead: only accounts may keep it.
    keyed = {label for label in GLOBAL if _clinic_key(apps.get_model(label))}
    assert keyed == {"core.user", "portal.portalaccount"}


def test_the_clinic_key_is_required_where_it_is_carried() -> None:
    # A distribution column cannot be NULL: each row must live in one clinic's shard.
    nullable = {
        _label(m)
        for m in _project_models()
        if (key := _clinic_key(m)) is not None and key.null and _label(m) not in GLOBAL
    }
    assert nullable == KNOWN_NULLABLE_KEY


def _unique_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    sets = [(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    sets += [tuple(u) for u in model._meta.unique_together]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            sets.append(tuple(constraint.fields) or (f"<expression {constraint.name}>",))
    return sets


def _holds_within_a_clinic(model: type[models.Model], names: tuple[str, ...]) -> bool:
    """True when adding ``clinic`` to this unique set keeps its meaning, as Citus requires.

    So it is when the set names the clinic, a row of a clinic-scoped table (which
    has one clinic), or a random identifier (UUID, token hash) that never repeats.
    """
    for name in names:
        field = next((f for f in model._meta.concrete_fields if f.name == name), None)
        if field is None:
            continue
        if name == "clinic" or isinstance(field, models.UUIDField) or name.endswith("_hash"):
            return True
        target = field.related_model if field.is_relation else None
        if target is not None and _label(target) not in GLOBAL:
            return True
    return False


def test_unique_constraints_of_clinic_scoped_tables_hold_within_one_clinic() -> None:
    # Citus enforces a unique constraint only if it includes the distribution
    # column; one that means "unique across all clinics" (an e-mail address, a
    # slug) would silently change meaning. Such a table belongs in GLOBAL.
    global_meaning = {
        _label(m): names
        for m in _project_models()
        if _label(m) not in GLOBAL
        for names in _unique_sets(m)
        if not _holds_within_a_clinic(m, names)
    }
    assert not global_meaning


def test_a_child_row_takes_its_parents_clinic_however_it_is_written(cast) -> None:
    from rapport.ipt.models import EpisodeTask

    assert cast.episode.clinic_id == cast.note.clinic_id == cast.process_note.clinic_id
    assert cast.process_note.clinic_id == cast.clinic.pk
    EpisodeTask.objects.bulk_create([EpisodeTask(episode=cast.episode, code="bulk")])
    assert EpisodeTask.objects.get(code="bulk").clinic_id == cast.clinic.pk
