"""The audit log is append-only in the database too, and chain heads are exported.

On PostgreSQL a trigger refuses every UPDATE and DELETE of an audit row, for
every role, except the one change sealing makes: ``seq``, ``prev_hash`` and
``hash`` set once, from empty, with every other column unchanged. Only the
table's owner can drop the trigger, so the application connects as a role
that does not own the tables (docs/operations.md, "Audit log").

SQLite has no roles, so a trigger there would bind nobody who can open the file;
the ORM's refusals (rapport.core.models.audit) stand in for it.
"""

from django.db import migrations, models

# Columns a seal must leave exactly as they were written.
_WRITTEN = (
    "id, clinic_id, at, actor_id, action, object_type, object_id, subject_id, fields, address"
)
_NEW = ", ".join(f"NEW.{c.strip()}" for c in _WRITTEN.split(","))
_OLD = ", ".join(f"OLD.{c.strip()}" for c in _WRITTEN.split(","))

CREATE = f"""
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.seq IS NULL AND OLD.prev_hash = '' AND OLD.hash = ''
       AND NEW.seq IS NOT NULL AND NEW.prev_hash <> '' AND NEW.hash <> ''
       AND ({_NEW}) IS NOT DISTINCT FROM ({_OLD})
    THEN
        RETURN NEW;  -- sealing: the chain fields, set once from empty
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no interpolation: RAISE uses %

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0005_separation_of_duties")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
        migrations.AddField(
            model_name="auditchain",
            name="exported_seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchain",
            name="exported_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
