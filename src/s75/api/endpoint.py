"""What every endpoint shares: the query string read by the endpoint's ``query_class``, and any parameter the
endpoint does not read refused with a 400 (a mistyped filter would otherwise quietly list everything), as is one
holding what is not text."""

from rest_framework import serializers
from rest_framework.views import APIView

from s75.core.files import NOT_TEXT


class Endpoint(APIView):
    query_class: type[serializers.Serializer] | None = None
    # The parameters every endpoint of a kind reads besides its query's (a list's page).
    common_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = set(self.common_parameters) | (set(self.query_class().fields) if self.query_class else set())
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise serializers.ValidationError({name: "The operation has no such parameter" for name in unknown})
        # What no database stores (PostgreSQL refuses a NUL) is refused before any query reads it.
        not_text = {name: "Remove the characters that are not text (a NUL, a control character)"
                    for name, values in request.query_params.lists() if any(NOT_TEXT.search(v) for v in values)}
        if not_text:
            raise serializers.ValidationError(not_text)

    def query(self) -> dict:
        """The query string read by ``query_class``; a 400 naming each parameter that is wrong."""
        reading = self.query_class(data=self.request.query_params)
        # DRF reads a parameter given empty (``?status=``) as one left out; the description says it may not be.
        blank = {name: "Give a value, or leave the parameter out" for name, field in reading.fields.items()
                 if self.request.query_params.get(name) == "" and not getattr(field, "allow_blank", False)}
        if blank:
            raise serializers.ValidationError(blank)
        reading.is_valid(raise_exception=True)
        return reading.validated_data
