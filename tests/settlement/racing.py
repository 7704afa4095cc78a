"""Two finance leads approving the same settlement run at the same moment, each in a thread of its own with its own
database connection, against the database ``DATABASE_URL`` names (a test's scratch database):

    python -m tests.settlement.racing

It loads the reference data and the Luton demo, computes the 2013-14 settlement, has the council's finance lead
approve, then releases two of the ICB's finance leads at once to give the last approval. It prints, as JSON, what
each thread was told (``final``, ``draft`` or the refusal) and how long the race took."""

import json
import threading
import time

import django


def race() -> dict:
    from django.core.management import call_command
    from django.db import connection

    from s75.accounts.services import roles_sync
    from s75.agreements.models import Agreement
    from s75.core.fiscal import FinancialYear
    from s75.demo.services import demo_load
    from s75.organisations.selectors import organisation_get_by_code
    from s75.settlement.services import SettlementRefused, settlement_approve, settlement_run_create
    from tests.factories import UserFactory

    call_command("load_reference_data", verbosity=0)
    roles_sync()
    demo_load()
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    council, ccg = luton.parties.order_by("position")
    run = settlement_run_create(actor=None, agreement=luton, year=FinancialYear(2013))
    settlement_approve(actor=UserFactory(role="Partner finance lead", organisation=council.organisation), run=run,
                       party=council)
    icb = organisation_get_by_code(code="QHG")
    leads = [UserFactory(role="Partner finance lead", organisation=icb) for _ in range(2)]
    connection.close()
    start = threading.Barrier(len(leads))
    told: list[str] = [""] * len(leads)

    def approve(number: int) -> None:
        start.wait()
        try:
            told[number] = settlement_approve(actor=leads[number], run=run, party=ccg).status
        except SettlementRefused as refused:
            told[number] = f"refused: {refused}"
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(number,)) for number in range(len(leads))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"run": run.pk, "told": told, "seconds": time.monotonic() - started}


if __name__ == "__main__":
    django.setup()
    print(json.dumps(race()))
