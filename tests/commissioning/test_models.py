"""No personal identifier is stored (a package is known by its pseudonymous reference only), and what a posted
recharge read is never changed, whatever writes to the database."""

import re
from datetime import date

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from s75.commissioning.models import PackageFunding, Recharge
from s75.commissioning.recharges import recharge_post, recharge_reverse
from s75.core.fiscal import FinancialMonth, FinancialYear

from .conftest import place

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


@pytest.fixture
def posted(fund, package, nhs):
    """PKG-0001's April recharged to the NHS partner: 85,715p."""
    return recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=FinancialMonth(FinancialYear(2024), 1),
                         today=date(2024, 7, 1))


@pytest.mark.parametrize("statement", [
    "UPDATE commissioning_packageversion SET pence_per_unit = 1",
    "UPDATE commissioning_rechargeline SET amount_pence = 1",
    "DELETE FROM commissioning_rechargeline",
    "DELETE FROM commissioning_recharge",
    "UPDATE commissioning_recharge SET total_pence = 1",
])
def test_versions_and_posted_recharges_cannot_be_changed_in_the_database(posted, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert posted.lines.get().amount_pence == 85715


def test_a_recharge_is_reversed_once_in_the_database_too(posted):
    recharge_reverse(actor=None, recharge=posted, reason="Invoice corrected")
    with pytest.raises(DatabaseError), transaction.atomic():
        Recharge.objects.filter(pk=posted.pk).update(reversal=None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no deferred triggers; the service holds it")
def test_postgresql_refuses_shares_that_do_not_make_the_whole(contract, council, nhs):
    """On SQLite the same rule is the service's (test_services); here the database holds it too, at commit."""
    joint = place(contract, "PKG-J", [(council, 4000), (nhs, 6000)])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the shares the service wrote make the whole
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with pytest.raises(DatabaseError, match="add up to 15000 basis points"), transaction.atomic():
        PackageFunding.objects.filter(package=joint, party=council).update(share_basis_points=9000)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
