# Luton's agreement and its council's pooled fund manager, as the agreement pages' tests have them.
from tests.agreements.conftest import luton, luton_manager, manager_client  # noqa: F401
