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


texts = st.text(alphabet=st.one_of(st.sampled_from(bulk.WHITESPACE), st.sampled_from("ab1-~!é€\u200b"),
                                   st.characters(codec="utf-8", exclude_characters="\x00")), max_size=8)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL reads a CSV's cells itself")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
@example(text=" 5010")
@example(text="Rent\u3000")
@example(text="\x1fS1")
@example(text="~")
def test_a_text_the_database_trims_is_the_text_str_strip_leaves(text):
    with transaction.atomic(), bulk.Stage() as stage:
        stage.create_cells(width=4, limits={"subjective": 1000, "description": 1000, "source_line_id": 1000},
                           columns=bulk.Columns(posting_date=0, cost_centre=1, amount=2, debit=None, credit=None,
                                                subjective=3, description=None, source_line_id=None))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {bulk.CELLS} (c0, c1, c2, c3) VALUES ('2024-04-01', 'CC1', '1', %s)", [text])
            stage.map_dates([("2024-04-01", "2024-04-01", 1)])
            stage.map_centres([("CC1", "CC1", 1)])
            assert stage.vouch() == (1, 0)
            cursor.execute(f"SELECT subjective FROM {bulk.ROWS}")  # noqa: S608 - a constant
            assert cursor.fetchone()[0] == text.strip()
