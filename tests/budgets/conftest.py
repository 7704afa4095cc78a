import pytest

# Luton's agreement and the people at its council, as the agreement pages' tests have them.
from tests.agreements.conftest import board_client, board_member, luton, luton_manager, manager_client  # noqa: F401
from tests.factories import UserFactory, complete_agreement


@pytest.fixture
def agreement(db):
    """A council hosting a pooled fund with one NHS partner; each puts £535,000 into one schedule in 2024-25."""
    return complete_agreement()


@pytest.fixture
def council(agreement):
    return agreement.parties.get(is_host=True)


@pytest.fixture
def nhs(agreement):
    return agreement.parties.get(is_host=False)


@pytest.fixture
def finance_officer(council):
    return UserFactory(role="Pooled fund manager", organisation=council.organisation)
