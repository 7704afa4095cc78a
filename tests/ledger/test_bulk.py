"""The staging tables of a general-ledger import: what the database converts itself is what Python would read."""

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from s75.core.money import parse_pence
from s75.ledger import bulk

pytestmark = pytest.mark.django_db

amounts = st.one_of(
    st.from_regex(r"\A-?[0-9]{1,19}(\.[0-9]{0,3})?\Z"),
    st.text(alphabet="0123456789.-+£,() ", max_size=12),
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL reads a CSV's cells itself")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=amounts)
@example(text="1234.56")
@example(text="-12")
@example(text="0.01")
def test_an_amount_the_database_converts_is_the_pence_parse_pence_reads(text):
    with transaction.atomic(), bulk.Stage() as stage:
        stage.create_cells(width=3, limits={}, columns=bulk.Columns(
            posting_date=0, cost_centre=1, amount=2, debit=None, credit=None, subjective=None, description=None,
            source_line_id=None))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {bulk.CELLS} (c0, c1, c2) VALUES ('2024-04-01', 'CC1', %s)", [text])
        stage.map_dates([("2024-04-01", "2024-04-01", 1)])
        stage.map_centres([("CC1", "CC1", 1)])
        rows, doubtful = stage.vouch()
        converted = None if doubtful else stage.totals()[0][3]
    assert rows == 1
    if converted is not None:  # the database vouched for the amount: Python reads the same, and it is not zero
        assert parse_pence(text) == converted != 0
    else:  # left to the row checker, which reads it or says what is wrong
        assert text not in {"1234.56", "-12", "0.01"}
