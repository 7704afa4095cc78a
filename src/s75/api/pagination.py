"""Lists come in pages, each with a link to the next (a cursor): a page stays right while lines are posted."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .endpoint import Endpoint


class IdCursorPagination(CursorPagination):
    # The order rows were made in: unique and indexed, so a page is read from the index and never repeats a row.
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_cursor_message = "The cursor is not one this list gave: follow the list's ‘next’ link"

    def decode_cursor(self, request):
        """The cursor of the page asked for; one this list did not give is the request's mistake, a 400 (DRF's own
        answers 404, as if the list were not there)."""
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: self.invalid_cursor_message}) from exc

    def get_page_size(self, request) -> int:
        """The page size asked for, or 100; a size that is not a whole number from 1 to 1,000 is refused (DRF's own
        would quietly use 100)."""
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: f"Give a whole number from 1 to {self.max_page_size:,}"})
        return int(text)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = "How many rows a page holds: 1 to 1,000 (100 unless asked)."
        return parameters


# An endpoint that answers with a list, in pages. (No docstring: the schema would give it to every such endpoint.)
class ListEndpoint(Endpoint):
    pagination_class = IdCursorPagination
    common_parameters = frozenset({"cursor", "page_size"})

    def page(self, queryset, serializer_class) -> Response:
        self.paginator = self.pagination_class()
        rows = self.paginator.paginate_queryset(queryset, self.request, view=self)
        return self.paginator.get_paginated_response(serializer_class(rows, many=True).data)
