"""The error every service raises when it refuses an act, and the problems it lists.

Each app's error (``AgreementError``, ``LedgerError``, …) extends :class:`ServiceError`, so a page, a command or
the agreement-file loader handles any of them alike. A problem names the service's argument it concerns (its
``field``), so that a form puts it beside the input it came from and a file loader at the path it came from,
without reading the words.
"""

from collections.abc import Iterable


class Problem(str):
    """One reason an act was refused, in words a user can act on; ``field`` is the service's keyword argument it
    concerns (``end_date``), or ``None`` for the act as a whole.

    It is the text itself (a ``str``), so that callers that only show the words need not know it carries more.
    """

    field: str | None

    def __new__(cls, message: str, field: str | None = None) -> "Problem":
        problem = super().__new__(cls, message)
        problem.field = field
        return problem

    def __reduce__(self):
        return Problem, (str(self), self.field)


class ServiceError(Exception):
    """A refused act; ``problems`` lists every reason, each a :class:`Problem`.

    ``ServiceError("the amount must be more than nothing", field="amount_pence")`` refuses for one reason;
    ``ServiceError([Problem(…, field=…), "…"])`` for several (plain text concerns the act as a whole).
    """

    def __init__(self, problems: str | Iterable[str], field: str | None = None):
        listed = [problems] if isinstance(problems, str) else list(problems)
        self.problems: list[Problem] = [
            problem if isinstance(problem, Problem) else Problem(problem, field) for problem in listed
        ]
        super().__init__("; ".join(self.problems))
