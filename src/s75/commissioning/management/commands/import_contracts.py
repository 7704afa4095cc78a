"""`s75 import-contracts FILE --agreement ID [--dry-run] [--map FIELD=HEADING ...]`: place contracts, with their
rates (a row per rate), under an agreement's schedules from a CSV or XLSX file, all or nothing."""

from s75.commissioning.contract_importing import CONTRACT_MAPPING, contracts_import
from s75.commissioning.management import ImportCommand


class Command(ImportCommand):
    help = "Place contracts and their rates from a CSV or XLSX file: every row or none, each bad row named."
    what, fields, load = "contracts", CONTRACT_MAPPING, staticmethod(contracts_import)

    def summary(self, result) -> str:
        return f"contracts placed {result.loaded:,}, already placed {result.already_loaded:,}"
