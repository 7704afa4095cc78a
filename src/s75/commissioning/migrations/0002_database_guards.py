"""Commissioning's rules, held by the database itself.

Both databases: a package's versions are never edited (a change is a new version); a posted recharge's lines are
never changed or deleted; a recharge is never deleted, and the only change to it is its reversal, once.
PostgreSQL also: a package's funding shares add up to 10,000 basis points (a deferred constraint trigger, checked
at commit, so that a package's shares can be written in several statements); on SQLite the services check it.
"""

from django.db import migrations

RECHARGE_CHANGED = ("OLD.reversal_id IS NOT NULL OR NEW.reversal_id IS NULL OR NEW.total_pence <> OLD.total_pence "
                    "OR NEW.entry_id <> OLD.entry_id OR NEW.party_id <> OLD.party_id "
                    "OR NEW.agreement_id <> OLD.agreement_id OR NEW.financial_year <> OLD.financial_year "
                    "OR NEW.month <> OLD.month")

POSTGRES = [
    """
    CREATE FUNCTION s75_commissioning_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: record a new version, or reverse the recharge', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER commissioning_version_append_only BEFORE UPDATE ON commissioning_packageversion
    FOR EACH STATEMENT EXECUTE FUNCTION s75_commissioning_refuse_change();
    """,
    """
    CREATE TRIGGER commissioning_rechargeline_append_only BEFORE UPDATE OR DELETE ON commissioning_rechargeline
    FOR EACH STATEMENT EXECUTE FUNCTION s75_commissioning_refuse_change();
    """,
    """
    CREATE TRIGGER commissioning_recharge_not_deleted BEFORE DELETE ON commissioning_recharge
    FOR EACH STATEMENT EXECUTE FUNCTION s75_commissioning_refuse_change();
    """,
    f"""
    CREATE FUNCTION s75_commissioning_recharge_only_reversed() RETURNS trigger AS $$
    BEGIN
        IF {RECHARGE_CHANGED} THEN
            RAISE EXCEPTION 'a posted recharge is never changed: it is only reversed, once'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER commissioning_recharge_only_reversed BEFORE UPDATE ON commissioning_recharge
    FOR EACH ROW EXECUTE FUNCTION s75_commissioning_recharge_only_reversed();
    """,
    """
    CREATE FUNCTION s75_commissioning_shares_whole() RETURNS trigger AS $$
    DECLARE
        pkg bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.package_id ELSE NEW.package_id END;
        total bigint;
    BEGIN
        IF EXISTS (SELECT 1 FROM commissioning_package WHERE id = pkg) THEN
            SELECT COALESCE(SUM(share_basis_points), 0) INTO total
              FROM commissioning_packagefunding WHERE package_id = pkg;
            IF total <> 10000 THEN
                RAISE EXCEPTION 'package %''s funding shares add up to % basis points, not 10000', pkg, total
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER commissioning_shares_whole AFTER INSERT OR UPDATE OR DELETE
    ON commissioning_packagefunding DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION s75_commissioning_shares_whole();
    """,
]

POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS commissioning_shares_whole ON commissioning_packagefunding",
    "DROP TRIGGER IF EXISTS commissioning_recharge_only_reversed ON commissioning_recharge",
    "DROP TRIGGER IF EXISTS commissioning_recharge_not_deleted ON commissioning_recharge",
    "DROP TRIGGER IF EXISTS commissioning_rechargeline_append_only ON commissioning_rechargeline",
    "DROP TRIGGER IF EXISTS commissioning_version_append_only ON commissioning_packageversion",
    "DROP FUNCTION IF EXISTS s75_commissioning_shares_whole()",
    "DROP FUNCTION IF EXISTS s75_commissioning_recharge_only_reversed()",
    "DROP FUNCTION IF EXISTS s75_commissioning_refuse_change()",
]

SQLITE = [
    "CREATE TRIGGER commissioning_packageversion_no_update BEFORE UPDATE ON commissioning_packageversion "
    "BEGIN SELECT RAISE(ABORT, 'commissioning_packageversion is append-only: record a new version'); END",
    *[
        f"CREATE TRIGGER commissioning_rechargeline_no_{event.lower()} BEFORE {event} ON commissioning_rechargeline "
        "BEGIN SELECT RAISE(ABORT, 'commissioning_rechargeline is append-only: reverse the recharge'); END"
        for event in ("UPDATE", "DELETE")
    ],
    "CREATE TRIGGER commissioning_recharge_no_delete BEFORE DELETE ON commissioning_recharge "
    "BEGIN SELECT RAISE(ABORT, 'commissioning_recharge is append-only: reverse the recharge'); END",
    f"CREATE TRIGGER commissioning_recharge_only_reversed BEFORE UPDATE ON commissioning_recharge "
    f"WHEN {RECHARGE_CHANGED} "
    "BEGIN SELECT RAISE(ABORT, 'a posted recharge is never changed: it is only reversed, once'); END",
]

SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS commissioning_packageversion_no_update",
    "DROP TRIGGER IF EXISTS commissioning_rechargeline_no_update",
    "DROP TRIGGER IF EXISTS commissioning_rechargeline_no_delete",
    "DROP TRIGGER IF EXISTS commissioning_recharge_no_delete",
    "DROP TRIGGER IF EXISTS commissioning_recharge_only_reversed",
]


def forwards(apps, schema_editor):
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    statements = {"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
