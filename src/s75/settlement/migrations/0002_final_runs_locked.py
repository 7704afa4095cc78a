"""The database itself keeps settlement runs as they were computed: a run's figures never change, a final run
never changes at all, no run is removed, and approvals are neither changed, removed nor added to a final run."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION settlement_run_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'settlement runs are kept: a run is never removed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status = 'final' THEN
        RAISE EXCEPTION 'settlement run % is final: it cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.agreement_id, NEW.financial_year, NEW.version, NEW.outturn_basis, NEW.inputs::text, NEW.results::text)
       IS DISTINCT FROM
       (OLD.agreement_id, OLD.financial_year, OLD.version, OLD.outturn_basis, OLD.inputs::text, OLD.results::text)
    THEN
        RAISE EXCEPTION 'settlement run %: its inputs and figures never change; compute a new version', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER settlement_run_guard BEFORE UPDATE OR DELETE ON settlement_settlementrun
FOR EACH ROW EXECUTE FUNCTION settlement_run_guard();

CREATE OR REPLACE FUNCTION settlement_approval_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'settlement approvals are never changed or removed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM settlement_settlementrun WHERE id = NEW.run_id AND status = 'final') THEN
        RAISE EXCEPTION 'settlement run % is final: it takes no more approvals', NEW.run_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER settlement_approval_guard BEFORE INSERT OR UPDATE OR DELETE ON settlement_settlementapproval
FOR EACH ROW EXECUTE FUNCTION settlement_approval_guard();
"""

SQLITE = [
    """CREATE TRIGGER settlement_run_no_delete BEFORE DELETE ON settlement_settlementrun
       BEGIN SELECT RAISE(ABORT, 'settlement runs are kept: a run is never removed'); END;""",
    """CREATE TRIGGER settlement_run_final_locked BEFORE UPDATE ON settlement_settlementrun
       WHEN OLD.status = 'final'
       BEGIN SELECT RAISE(ABORT, 'the settlement run is final: it cannot be changed'); END;""",
    """CREATE TRIGGER settlement_run_figures_fixed BEFORE UPDATE ON settlement_settlementrun
       WHEN NEW.agreement_id IS NOT OLD.agreement_id OR NEW.financial_year IS NOT OLD.financial_year
         OR NEW.version IS NOT OLD.version OR NEW.outturn_basis IS NOT OLD.outturn_basis
         OR NEW.inputs IS NOT OLD.inputs OR NEW.results IS NOT OLD.results
       BEGIN SELECT RAISE(ABORT, 'a settlement run''s inputs and figures never change; compute a new version'); END;""",
    """CREATE TRIGGER settlement_approval_no_update BEFORE UPDATE ON settlement_settlementapproval
       BEGIN SELECT RAISE(ABORT, 'settlement approvals are never changed or removed'); END;""",
    """CREATE TRIGGER settlement_approval_no_delete BEFORE DELETE ON settlement_settlementapproval
       BEGIN SELECT RAISE(ABORT, 'settlement approvals are never changed or removed'); END;""",
    """CREATE TRIGGER settlement_approval_not_final BEFORE INSERT ON settlement_settlementapproval
       WHEN (SELECT status FROM settlement_settlementrun WHERE id = NEW.run_id) = 'final'
       BEGIN SELECT RAISE(ABORT, 'the settlement run is final: it takes no more approvals'); END;""",
]
SQLITE_NAMES = ["settlement_run_no_delete", "settlement_run_final_locked", "settlement_run_figures_fixed",
                "settlement_approval_no_update", "settlement_approval_no_delete", "settlement_approval_not_final"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("""
            DROP TRIGGER IF EXISTS settlement_run_guard ON settlement_settlementrun;
            DROP TRIGGER IF EXISTS settlement_approval_guard ON settlement_settlementapproval;
            DROP FUNCTION IF EXISTS settlement_run_guard();
            DROP FUNCTION IF EXISTS settlement_approval_guard();
        """, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
