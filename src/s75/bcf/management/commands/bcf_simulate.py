"""`s75 bcf-simulate --areas all|CODE,CODE --year 2025-26 --seed N`: simulated plans of the HWB areas of England."""

from django.core.management.base import BaseCommand, CommandError

from s75.bcf.models import BcfYear
from s75.bcf.services import BcfError
from s75.bcf.simulate import bcf_simulate
from s75.core.fiscal import FinancialYear


def bcf_year_named(text: str) -> BcfYear:
    """The BCF year written ``2025-26``, or a ``CommandError`` that says what is wrong."""
    try:
        start = FinancialYear.parse(text).start_year
    except ValueError as error:
        raise CommandError(str(error)) from error
    year = BcfYear.objects.filter(financial_year=start).first()
    if year is None:
        raise CommandError(f"{text} is not a Better Care Fund year: load its lists with `s75 bcf-lists` first")
    return year


class Command(BaseCommand):
    help = ("Simulate Better Care Fund agreements, allocations and plans with seeded figures for the HWB areas of "
            "the reference data. A second run keeps the plans already there and adds the missing ones.")

    def add_arguments(self, parser):
        parser.add_argument("--areas", default="all", help="all, or ONS codes of upper-tier areas, comma-separated.")
        parser.add_argument("--year", default="2025-26", help="The financial year, e.g. 2025-26.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same figures.")

    def handle(self, *args, **options):
        year = bcf_year_named(options["year"])
        codes = None if options["areas"] == "all" else [code.strip().upper() for code in options["areas"].split(",")
                                                         if code.strip()]

        def progress(number: int, total: int, name: str) -> None:
            self.stdout.write(f"\r{number}/{total} {name}".ljust(60), ending="")
            self.stdout.flush()

        try:
            result = bcf_simulate(year=year, seed=options["seed"], codes=codes, progress=progress)
        except BcfError as error:
            raise CommandError("nothing was simulated:\n" + "\n".join(f"  - {p}" for p in error.problems)) from error
        self.stdout.write("")
        self.stdout.write(f"Better Care Fund plans for {year}: {len(result.created)} simulated, "
                          f"{len(result.kept)} already there and kept as they were.")
