"""The one place that parses, formats and splits money.

Money is whole pence in ``int`` everywhere below the presentation layer; weights and rates are ``Decimal``.
Floats are refused outright, because a float cannot hold most amounts in pence exactly.

Every page, PDF and spreadsheet shows a negative amount in brackets, ``(1,234.56)`` or ``(£1,234.56)``, never with
a minus sign; a sentence says which way an amount goes in words (:func:`describe_variance`). Only files for other
systems (:func:`format_plain`) carry a minus sign.
"""

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

PENCE_PER_POUND = 100
# The largest amount s75 reads: £1 trillion, more than any agreement holds, so that the sums of a fund's amounts stay
# far inside the 64-bit whole pence both databases hold (a sum of 92,000 such amounts would still fit).
MAX_PENCE = 10**14

# Digits are the ASCII 0 to 9 only: Arabic-Indic or full-width digits are not read as an amount.
_AMOUNT = re.compile(
    r"""^(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)?   # 1,234,567 or 1234567 (optional when there are decimals)
        (?:\.(?P<pence>\d*))?$""",
    re.VERBOSE | re.ASCII,
)


class MoneyError(ValueError):
    """An amount that cannot be read as money; the message says what is wrong and what to write instead."""


def parse_pence(text: str) -> int:
    """Read an amount as finance systems write it and return whole pence.

    Accepts ``£1,234.56``, ``1234.5``, ``-1,234.56``, ``(1,234.56)`` (negative), ``£-5`` and ``-£5``.
    A blank, a third decimal place that is not zero, more than ``MAX_PENCE``, or anything else is a
    :class:`MoneyError`.
    """
    if type(text) is str and text.isascii() and len(text) <= 18:
        # Fast path for the plain ``1234.56`` and ``-1234.56`` that ledger exports carry a million times over;
        # anything else goes to the general reading, which gives the same result for these (a property test says so).
        pounds, dot, pence = text.partition(".")
        digits = pounds[1:] if pounds[:1] == "-" else pounds
        if digits.isdigit() and (not dot or (len(pence) == 2 and pence.isdigit())):
            value = int(digits) * PENCE_PER_POUND + (int(pence) if dot else 0)
            if value <= MAX_PENCE:
                return -value if len(digits) < len(pounds) else value
    return _parse_pence_general(text)


def _parse_pence_general(text: str) -> int:
    if isinstance(text, float):
        raise MoneyError("floats are not accepted for money: pass the amount as text or integer pence")
    original = text
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        raise MoneyError("the amount is blank: enter a figure such as 1,234.56 or 0")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    for _ in range(2):  # a sign and a pound sign, in either order
        if text[:1] in "-\u2212":
            if negative:
                raise MoneyError(f"{original!r} has two minus signs")
            negative, text = True, text[1:]
        elif text[:1] == "+":
            text = text[1:]
        if text.startswith("£"):
            text = text[1:]
    if len(text) > 40:
        raise MoneyError("the amount is longer than any sum of money: check it")
    match = _AMOUNT.match(text)
    if not match or not (match["pounds"] or match["pence"]):
        raise MoneyError(f"{original!r} is not an amount: write it like £1,234.56, 1234.56 or (1,234.56)")
    pounds = int((match["pounds"] or "0").replace(",", ""))
    pence_digits = (match["pence"] or "").ljust(2, "0")
    if len(pence_digits) > 2 and set(pence_digits[2:]) != {"0"}:
        raise MoneyError(f"{original!r} has fractions of a penny: give at most two decimal places")
    pence = pounds * PENCE_PER_POUND + int(pence_digits[:2])
    if pence > MAX_PENCE:
        raise MoneyError(f"{original!r} is more than £1,000,000,000,000, the most s75 holds in one amount: check it")
    return -pence if negative else pence


def pence_from_pounds(pounds: int | str | Decimal) -> int:
    """Whole pence from an exact number of pounds (``Decimal``, ``int`` or text); refuses floats and part-pence."""
    if isinstance(pounds, float):
        raise MoneyError("floats are not accepted for money: pass a Decimal, an int or text")
    try:
        exact = Decimal(str(pounds)) * PENCE_PER_POUND
    except InvalidOperation as exc:
        raise MoneyError(f"{pounds!r} is not a number of pounds") from exc
    if exact != exact.to_integral_value():
        raise MoneyError(f"{pounds!r} has fractions of a penny")
    if abs(exact) > MAX_PENCE:
        raise MoneyError("the amount is more than £1,000,000,000,000, the most s75 holds in one amount: check it")
    return int(exact)


def round_half_away(numerator: int, denominator: int) -> int:
    """Integer division rounding half away from zero (the convention finance tables use)."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return -quotient if numerator < 0 else quotient


def _bracketed(text: str, negative: bool) -> str:
    """The one sign convention of every page, PDF and spreadsheet: a negative in brackets, never a minus sign. An
    amount that shows as nought (a negative of under half a pound, rounded) has no brackets."""
    return f"({text})" if negative and text.strip("£0.,") else text


def _digits(pence: int, show_pence: bool) -> str:
    """The size of an amount in grouped pounds: ``1,234,567`` (rounded half away from zero) or ``1,234,567.89``."""
    _require_int(pence)
    if show_pence:
        pounds, rest = divmod(abs(pence), PENCE_PER_POUND)
        return f"{pounds:,}.{rest:02d}"
    return f"{abs(round_half_away(pence, PENCE_PER_POUND)):,}"


def format_gbp(pence: int, *, show_pence: bool = False) -> str:
    """``£1,234,567`` (rounded to the pound) or ``£1,234,567.89``; a negative in brackets: ``(£1,234)``."""
    return _bracketed(f"£{_digits(pence, show_pence)}", pence < 0)


def format_finance(pence: int, *, show_pence: bool = False) -> str:
    """The finance-table form: ``1,234`` and ``(1,234)`` for negatives, no pound sign."""
    return _bracketed(_digits(pence, show_pence), pence < 0)


def format_short(pence: int) -> str:
    """A chart's axis label, to at most two places of its unit: ``£6.5m``, ``£250k``, ``£800``, ``(£1.2m)``."""
    _require_int(pence)
    unit, suffix = next((unit, suffix) for unit, suffix in ((100_000_000, "m"), (100_000, "k"), (100, ""))
                        if abs(pence) >= unit or unit == 100)
    whole, part = divmod(round_half_away(abs(pence) * 100, unit), 100)
    fraction = f".{part:02d}".rstrip("0") if part else ""
    return _bracketed(f"£{whole:,}{fraction}{suffix}", pence < 0)


def describe_variance(pence: int, *, show_pence: bool = False) -> str:
    """A variance (spend less budget) in words, as a sentence carries it: ``an overspend of £5,667``, ``an
    underspend of £5,667`` or ``on budget``; never a signed figure."""
    size = format_gbp(abs(pence), show_pence=show_pence)
    if not size.strip("£0.,"):
        return "on budget"
    return f"an {'overspend' if pence > 0 else 'underspend'} of {size}"


def format_plain(pence: int) -> str:
    """Exact pounds with no pound sign or grouping, as files carry them: ``44500.00``, ``-0.05``."""
    _require_int(pence)
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), PENCE_PER_POUND)
    return f"{sign}{pounds}.{rest:02d}"


def format_percent(value: Decimal) -> str:
    """A percentage as few digits as it needs: ``60``, ``12.5``, ``33.3333``."""
    return format(value.normalize(), "f")


def split_largest_remainder(amount: int, weights: Sequence[int | Decimal | Fraction]) -> list[int]:
    """Split ``amount`` pence by ``weights`` so the shares add up to ``amount`` exactly.

    Each share is first floored; the pennies left over go one each to the largest fractional parts, ties going
    to the larger weight and then to the one listed first. A negative amount is split as its absolute value and
    negated, so the same partners bear the odd pennies of an overspend and of an underspend.
    """
    _require_int(amount)
    if not weights:
        raise MoneyError("cannot split an amount between nobody")
    exact_weights = []
    for weight in weights:
        if isinstance(weight, float):
            raise MoneyError("floats are not accepted as weights: use Decimal or int")
        exact = Fraction(weight)
        if exact < 0:
            raise MoneyError(f"weights must not be negative (got {weight})")
        exact_weights.append(exact)
    total_weight = sum(exact_weights)
    if total_weight == 0:
        raise MoneyError("cannot split by weights that add up to zero")
    magnitude = abs(amount)
    exact_shares = [magnitude * weight / total_weight for weight in exact_weights]
    shares = [share.numerator // share.denominator for share in exact_shares]
    leftover = magnitude - sum(shares)
    order = sorted(
        range(len(shares)),
        key=lambda i: (-(exact_shares[i] - shares[i]), -exact_weights[i], i),
    )
    for i in order[:leftover]:
        shares[i] += 1
    assert sum(shares) == magnitude, "largest remainder lost a penny"
    return [-share for share in shares] if amount < 0 else shares


def split_keeping_whole_pounds(amount: int, weights: Sequence[int | Decimal | Fraction]) -> list[int]:
    """Split ``amount`` pence by ``weights`` as :func:`split_largest_remainder` does, but in whole pounds when the
    amount is whole pounds: a budget of £68,000 spread flat over twelve months is eight months of £5,667 and four
    of £5,666 (adding up to £68,000), not months of £5,666.67 and £5,666.66."""
    _require_int(amount)
    if amount % PENCE_PER_POUND:
        return split_largest_remainder(amount, weights)
    return [share * PENCE_PER_POUND for share in split_largest_remainder(amount // PENCE_PER_POUND, weights)]


def is_pence(value) -> bool:
    """Whether ``value`` is an amount as the services take it: an ``int`` of pence (not a ``bool``, a float or text)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _require_int(pence: int) -> None:
    if not is_pence(pence):
        raise MoneyError(f"money must be whole pence as int, not {type(pence).__name__}")
