"""People and agreements for the page tests (the budgets and accounts pages' tests use them too): Luton's agreement, a
manager at the council, a board member there with no right to change anything, and (``manager`` in tests/conftest.py)
a manager at another council."""

import pytest

from s75.organisations.selectors import organisation_get_by_code
from tests.factories import UserFactory

from .luton import COUNCIL_CODE, luton_bring_into_force, luton_build


@pytest.fixture
def luton_manager(db):
    return UserFactory(role="Pooled fund manager", organisation=organisation_get_by_code(code=COUNCIL_CODE),
                       first_name="Maud", last_name="O'Leary")


@pytest.fixture
def board_member(db):
    return UserFactory(role="Board member", organisation=organisation_get_by_code(code=COUNCIL_CODE))


@pytest.fixture
def luton(luton_manager):
    return luton_build(actor=luton_manager)


@pytest.fixture
def luton_in_force(luton, luton_manager):
    return luton_bring_into_force(actor=luton_manager, agreement=luton)


@pytest.fixture
def manager_client(client, luton_manager):
    client.force_login(luton_manager)
    return client


@pytest.fixture
def board_client(client, board_member):
    client.force_login(board_member)
    return client


@pytest.fixture
def outsider_client(client, manager):
    """A pooled fund manager at another council, which is not party to Luton's agreement."""
    client.force_login(manager)
    return client
