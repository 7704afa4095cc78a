"""Financial years (1 April to 31 March, written ``2024-25``), their months ``M01`` (April) to ``M12`` (March), a
month of a year (``2024-25/M06``) and their quarters (``2024-25/Q2``: Q1 ends at M03, June; Q4 at M12, March). The
report of Q1 to Q3 is the quarterly report; that of Q4 is the annual return."""

import re
from dataclasses import dataclass
from datetime import date

_YEAR = re.compile(r"^(?P<start>\d{4})[-/](?P<end>\d{2}|\d{4})$")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year, identified by the calendar year in which it starts."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> "FinancialYear":
        """Read ``2024-25``, ``2024/25`` or ``2024-2025``; anything else is a ``ValueError`` saying so."""
        match = _YEAR.match(str(text).strip())
        if not match:
            raise ValueError(f"{text!r} is not a financial year: write it like 2024-25")
        start = int(match["start"])
        end = int(match["end"])
        if (len(match["end"]) == 2 and end != (start + 1) % 100) or (len(match["end"]) == 4 and end != start + 1):
            raise ValueError(f"{text!r} is not a financial year: the second year must follow the first")
        return cls(start)

    @classmethod
    def containing(cls, day: date) -> "FinancialYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def __str__(self) -> str:
        return self.label


def financial_years_between(start: date, end: date) -> list[FinancialYear]:
    """Every financial year that the term ``start``..``end`` touches, in order."""
    first, last = FinancialYear.containing(start), FinancialYear.containing(end)
    return [FinancialYear(year) for year in range(first.start_year, last.start_year + 1)]


# The months of a financial year, M01 to M12.
MONTH_NAMES = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


def month_label(month: int) -> str:
    """``M06`` for the sixth month of a financial year (September)."""
    return f"M{month:02d}"


def month_problem(month) -> str:
    """What is wrong with ``month`` as the number of a month of a financial year, or ``""``."""
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        return "the month is M01 (April) to M12 (March)"
    return ""


def month_parse(text: str) -> int:
    """Read ``M06`` (or ``m6``) as 6; anything else is a ``ValueError`` that says how to write it."""
    written = str(text).strip().upper()
    digits = written.removeprefix("M")
    if not (written.startswith("M") and digits.isdigit() and 1 <= int(digits) <= 12):
        raise ValueError(f"{text!r} is not a month: write it M01 (April) to M12 (March)")
    return int(digits)


@dataclass(frozen=True, order=True)
class FinancialMonth:
    """A month of a financial year, written ``2024-25/M06``: a ledger's period, a monitoring report's month."""

    year: FinancialYear
    month: int

    @classmethod
    def parse(cls, text: str) -> "FinancialMonth":
        """Read ``2024-25/M06``; anything else is a ``ValueError`` that says how to write it."""
        year_text, _, month_text = str(text).strip().partition("/")
        try:
            month = month_parse(month_text)
        except ValueError:
            raise ValueError(f"{text!r} is not a period: write it like 2024-25/M06") from None
        return cls(FinancialYear.parse(year_text), month)

    @classmethod
    def containing(cls, day: date) -> "FinancialMonth":
        return cls(FinancialYear.containing(day), (day.month - 4) % 12 + 1)

    @property
    def label(self) -> str:
        return f"{self.year.label}/{month_label(self.month)}"

    @property
    def month_name(self) -> str:
        return MONTH_NAMES[self.month - 1]

    def __str__(self) -> str:
        return self.label


QUARTER_ENDS = {1: "June", 2: "September", 3: "December", 4: "March"}


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a financial year."""

    year: FinancialYear
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """Read ``2024-25/Q2``; anything else is a ``ValueError`` that says how to write it."""
        year_text, _, quarter_text = str(text).strip().partition("/")
        quarter_text = quarter_text.upper()
        if not (quarter_text.startswith("Q") and quarter_text[1:] in {"1", "2", "3", "4"}):
            raise ValueError(f"{text!r} is not a quarter: write it like 2024-25/Q2")
        return cls(FinancialYear.parse(year_text), int(quarter_text[1:]))

    @property
    def label(self) -> str:
        return f"{self.year.label}/Q{self.number}"

    @property
    def month(self) -> int:
        """The last month of the quarter: the monitoring period the report is as at."""
        return self.number * 3

    @property
    def is_annual(self) -> bool:
        return self.number == 4

    @property
    def ends_on(self) -> date:
        calendar_year = self.year.start_year + (1 if self.number == 4 else 0)
        return {1: date(calendar_year, 6, 30), 2: date(calendar_year, 9, 30), 3: date(calendar_year, 12, 31),
                4: date(calendar_year, 3, 31)}[self.number]

    @property
    def months_covered(self) -> str:
        """``April to September 2013``; the year: ``April 2013 to March 2014``."""
        if self.is_annual:
            return f"April {self.year.start_year} to March {self.ends_on.year}"
        return f"April to {QUARTER_ENDS[self.number]} {self.ends_on.year}"

    def __str__(self) -> str:
        return self.label
