"""Financial years (1 April to 31 March, written ``2024-25``) and their periods ``M01``..``M12``."""

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
