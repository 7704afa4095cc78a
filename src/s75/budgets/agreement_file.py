"""Each schedule's contributions in the agreement file (``docs/agreement-file.md``): how they are written into the
agreement's document, checked in a file and loaded. Registered with the agreements app, which sits below budgets,
by ``BudgetsConfig.ready`` (``s75.agreements.file_parts``)."""

from s75.agreements import file_checks
from s75.agreements.file_checks import FileChecks
from s75.agreements.file_loading import Loading
from s75.agreements.file_parts import FilePart
from s75.agreements.models import Schedule
from s75.core.fiscal import FinancialYear
from s75.core.money import format_plain

from .models import FundingStream
from .services import contribution_set

# ``contribution_set``'s arguments → the fields of a contribution in the file.
CONTRIBUTION_PATHS = {"party": "party", "financial_year": "year", "funding_stream": "stream", "amount_pence": "amount"}


def contributions_write(*, owner: Schedule, code_of: dict[int, str]) -> list[dict]:
    positions = list(code_of)
    return [
        {
            "party": code_of[contribution.party_id],
            "year": contribution.year.label,
            "stream": contribution.funding_stream.code,
            "amount": format_plain(contribution.amount_pence),
        }
        for contribution in sorted(
            owner.contributions.all(),
            key=lambda c: (c.financial_year, positions.index(c.party_id), c.funding_stream.code),
        )
    ]


def contributions_check(*, checks: FileChecks, path: str, entries) -> None:
    streams = set(FundingStream.objects.values_list("code", flat=True))
    seen: dict[tuple, int] = {}
    for index, contribution in file_checks.entries(entries):
        at = f"{path}[{index}]"
        party, stream = contribution.get("party"), contribution.get("stream")
        checks.party(f"{at}.party", party)
        year = checks.year(f"{at}.year", contribution.get("year"))
        if isinstance(stream, str) and stream and stream not in streams:
            checks.add(f"{at}.stream", f"{stream!r} is not a funding stream: use one of {', '.join(sorted(streams))}")
        amount = checks.pence(f"{at}.amount", contribution.get("amount"))
        if amount == 0:
            checks.add(f"{at}.amount", "a contribution must be more than zero: leave out a party that contributes "
                       "nothing")
        elif amount is not None and amount < 0:
            checks.add(f"{at}.amount", "a contribution cannot be negative")
        key = (party, year, stream)
        if isinstance(party, str) and isinstance(stream, str) and year is not None:
            if key in seen:
                checks.add(at, f"contributions[{seen[key]}] already gives {party}'s {FinancialYear(year).label} "
                           f"{stream} contribution to this schedule")
            else:
                seen[key] = index


def contributions_load(*, loading: Loading, path: str, entries: list, owner: Schedule) -> None:
    streams = {stream.code: stream for stream in FundingStream.objects.all()}
    for index, contribution in enumerate(entries):
        with loading.at(f"{path}[{index}]", CONTRIBUTION_PATHS):
            contribution_set(
                actor=loading.actor, schedule=owner, party=loading.parties[contribution["party"]],
                financial_year=FinancialYear.parse(contribution["year"]).start_year,
                funding_stream=streams[contribution["stream"]], amount_pence=file_checks.pence(contribution["amount"]),
            )


CONTRIBUTIONS = FilePart(key="contributions", in_schedule=True, write=contributions_write,
                         check=contributions_check, load=contributions_load)
