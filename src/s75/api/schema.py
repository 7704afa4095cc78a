"""The OpenAPI description: every operation also lists the refusals it can answer with, in the one error shape
(``errors.py``), so that a client (and the fuzzing in the test suite) knows every answer it may get."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .serializers import ErrorSerializer

REFUSALS = {
    "400": "The request has problems (each listed where it is); nothing was changed.",
    "401": "No token, or a token revoked, expired or unknown.",
    "403": "The token may not do this: it is read only, or you lack the right.",
    "404": "Nothing of that id that you may see.",
    "429": "Too many requests with this token: wait as Retry-After says.",
}
BODY_REFUSALS = {"415": "The body is not of a media type the operation reads (see its request body)."}


class S75AutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        refusals = {**REFUSALS, **(BODY_REFUSALS if self.method in {"POST", "PUT", "PATCH"} else {})}
        for code, description in refusals.items():
            if code not in responses:
                responses[code] = {**self._get_response_for_code(ErrorSerializer, code, direction=direction),
                                   "description": description}
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "s75.api.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal API token, made on your account page: `s75_…`."}
