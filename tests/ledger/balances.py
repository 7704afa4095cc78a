"""A fund's balances as the tests compare them."""

from s75.ledger.models import Balance


def balances_by_code(fund, month=None) -> dict[str, int]:
    """Each account code's balance, over 2024-25 or in one of its months, leaving out those at nil."""
    rows = Balance.objects.filter(fund=fund)
    if month is not None:
        rows = rows.filter(period__financial_year=2024, period__number=month)
    totals = {}
    for code, amount in rows.values_list("account__code", "amount_pence"):
        totals[code] = totals.get(code, 0) + amount
    return {code: amount for code, amount in totals.items() if amount}
