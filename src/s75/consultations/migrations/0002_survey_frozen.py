"""The database itself refuses to change a survey's questions or options once the consultation has a response: the
answers given would no longer match them. (The services refuse earlier, from the moment the consultation opens; the
database holds the rule that needs no clock.)"""

from django.db import migrations

MESSAGE = "the consultation has responses, so its survey questions and options can no longer change"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION consultations_survey_frozen() RETURNS trigger AS $$
DECLARE
    row_question_id bigint;
    survey_id bigint;
BEGIN
    IF TG_TABLE_NAME = 'consultations_question' THEN
        IF TG_OP = 'DELETE' THEN survey_id := OLD.consultation_id; ELSE survey_id := NEW.consultation_id; END IF;
    ELSE
        IF TG_OP = 'DELETE' THEN row_question_id := OLD.question_id; ELSE row_question_id := NEW.question_id; END IF;
        SELECT consultation_id INTO survey_id FROM consultations_question WHERE id = row_question_id;
    END IF;
    IF EXISTS (SELECT 1 FROM consultations_response WHERE consultation_id = survey_id) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_CONDITIONS = {
    "consultations_question": "EXISTS (SELECT 1 FROM consultations_response WHERE consultation_id = {row}.consultation_id)",
    "consultations_option": (
        "EXISTS (SELECT 1 FROM consultations_response JOIN consultations_question "
        "ON consultations_question.consultation_id = consultations_response.consultation_id "
        "WHERE consultations_question.id = {row}.question_id)"
    ),
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table in SQLITE_CONDITIONS:
            schema_editor.execute(f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                                  f"FOR EACH ROW EXECUTE FUNCTION consultations_survey_frozen();")
    elif vendor == "sqlite":
        for table, condition in SQLITE_CONDITIONS.items():
            for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table} "
                    f"WHEN {condition.format(row=row)} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in SQLITE_CONDITIONS:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen_{event};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS consultations_survey_frozen();")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
