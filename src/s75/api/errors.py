"""Every refusal answers in one shape: ``{"detail": "what went wrong", "problems": [{"field": …, "message": …}]}``.
A service's problems keep the field (or the path in a file, or the row) each concerns; nothing from the database or
a traceback is ever in the answer (an unexpected error is a plain 500, and its detail goes to the log)."""

from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from s75.core.errors import ServiceError


class Refused(exceptions.APIException):
    """An act refused, with its problems: a 400 unless said otherwise."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str, problems: list[tuple[str | None, str]] | None = None,
                 status_code: int | None = None):
        super().__init__(detail)
        self.problems = [{"field": field, "message": message} for field, message in problems or []]
        if status_code is not None:
            self.status_code = status_code


def refused_by_service(error: ServiceError, detail: str) -> Refused:
    return Refused(detail, [(problem.field, problem[0].upper() + problem[1:]) for problem in error.problems])


def _problems(detail, where: str | None = None) -> list[tuple[str | None, str]]:
    """A validation error's details, each with the parameter or field (``columns.amount``) it concerns."""
    if isinstance(detail, dict):
        return [found for key, value in detail.items()
                for found in _problems(value, None if key == "non_field_errors" else
                                       f"{where}.{key}" if where else str(key))]
    if isinstance(detail, list):
        return [found for item in detail for found in _problems(item, where)]
    return [(where, str(detail))]


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "The request has problems: nothing was changed",
                         "problems": [{"field": field, "message": message}
                                      for field, message in _problems(exc.detail)]}
    elif isinstance(exc, Refused):
        response.data = {"detail": str(exc.detail), "problems": exc.problems}
    else:
        response.data = {"detail": str(response.data.get("detail", "")) if isinstance(response.data, dict)
                         else str(response.data)}
    return response
