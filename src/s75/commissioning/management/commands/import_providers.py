"""`s75 import-providers FILE [--dry-run] [--map FIELD=HEADING ...]`: register a lead commissioner's providers from
a CSV or XLSX file, all or nothing."""

from s75.commissioning.contract_importing import PROVIDER_MAPPING, providers_import
from s75.commissioning.management import ImportCommand


class Command(ImportCommand):
    help = "Register providers from a CSV or XLSX file: every row or none, each bad row named."
    what, fields, load, under_agreement = "providers", PROVIDER_MAPPING, staticmethod(providers_import), False

    def summary(self, result) -> str:
        return f"providers registered {result.loaded:,}, already registered {result.already_loaded:,}"
