"""`s75 import-packages FILE --agreement ID [--dry-run] [--map FIELD=HEADING ...]`: load care packages from a CSV or
XLSX file, all or nothing."""

from s75.commissioning.importing import DEFAULT_MAPPING, packages_import
from s75.commissioning.management import ImportCommand


class Command(ImportCommand):
    help = "Load care packages from a CSV or XLSX file: every row or none, each bad row named."
    what, fields, load = "packages", DEFAULT_MAPPING, staticmethod(packages_import)

    def summary(self, result) -> str:
        return (f"packages placed {result.packages_placed:,}, changes {result.changes:,}, ends {result.ends:,}, "
                f"rows already loaded {result.rows_already_loaded:,}")
