"""`s75 packages [--agreement ID] [--json]`: the care packages a user may see, with their cost to date and to the
year's end."""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from s75.agreements.management import add_user_argument, command_agreement, command_user
from s75.commissioning.selectors import package_figures, packages_visible_to
from s75.core.money import format_gbp


def package_document(package, figures) -> dict:
    """A package as plain data, every amount in pence and no personal identifier (there is none to give)."""
    versions = list(package.versions.all())
    return {
        "agreement": package.agreement.reference,
        "reference": package.reference,
        "contract": package.contract.reference,
        "provider": package.contract.provider.name,
        "unit": package.unit,
        "funding": {share.party.name_in_agreement: share.share_basis_points for share in package.funding.all()},
        "versions": [{"effective_from": version.effective_from.isoformat(), "pence_per_unit": version.pence_per_unit,
                      "units_per_week": str(version.units_per_week)} for version in versions],
        "end_date": package.end_date.isoformat() if package.end_date else None,
        "end_reason": package.end_reason,
        "cost_to_date_pence": figures.to_date_pence,
        "committed_to_year_end_pence": figures.to_year_end_pence,
    }


class Command(BaseCommand):
    help = "The care packages placed on the partners' behalf, with their cost to date and to the year's end."

    def add_arguments(self, parser):
        parser.add_argument("--agreement", help="Only this agreement's packages (its id or reference).")
        parser.add_argument("--json", action="store_true", help="Write the packages as JSON, amounts in pence.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        packages = packages_visible_to(user=user).select_related("agreement").order_by("agreement", "reference")
        if options["agreement"]:
            packages = packages.filter(agreement=command_agreement(user, options["agreement"]))
        today = timezone.localdate()
        rows = [(package, package_figures(package=package, as_at=today)) for package in packages]
        if options["json"]:
            self.stdout.write(json.dumps([package_document(package, figures) for package, figures in rows],
                                         indent=2))
            return
        for package, figures in rows:
            self.stdout.write(f"{package.agreement.reference}  {package.reference:<20} {package.contract.reference:<16}"
                              f" to date {format_gbp(figures.to_date_pence, show_pence=True):>14}"
                              f"  to year end {format_gbp(figures.to_year_end_pence, show_pence=True):>14}")
        self.stdout.write(f"{len(rows):,} package{'' if len(rows) == 1 else 's'}.")
