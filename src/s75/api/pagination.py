"""Lists come in pages, each with a link to the next (a cursor): a page stays right while lines are posted."""

from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView


class IdCursorPagination(CursorPagination):
    # The order rows were made in: unique and indexed, so a page is read from the index and never repeats a row.
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_cursor_message = "The cursor is not one this list gave: follow the list's ‘next’ link"


# An endpoint that answers with a list, in pages. (No docstring: the schema would give it to every such endpoint.)
class ListEndpoint(APIView):
    pagination_class = IdCursorPagination

    def page(self, queryset, serializer_class) -> Response:
        self.paginator = self.pagination_class()
        rows = self.paginator.paginate_queryset(queryset, self.request, view=self)
        return self.paginator.get_paginated_response(serializer_class(rows, many=True).data)
