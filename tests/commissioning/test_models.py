"""No personal identifier is stored: a package is known by its pseudonymous reference only."""

import re

from django.apps import apps

PERSONAL = re.compile(r"nhs|birth|dob|first_name|last_name|surname|forename|person_name|patient|client_name")


def test_no_commissioning_table_has_a_field_for_a_personal_identifier():
    fields = {f"{model.__name__}.{field.name}" for model in apps.get_app_config("commissioning").get_models()
              for field in model._meta.get_fields()}
    assert "Package.reference" in fields
    assert not {field for field in fields if PERSONAL.search(field.lower())}


def test_only_a_provider_has_a_name():
    named = {model.__name__ for model in apps.get_app_config("commissioning").get_models()
             for field in model._meta.get_fields() if field.name == "name"}
    assert named == {"Provider"}
