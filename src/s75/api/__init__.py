"""The REST API under ``/api/v1/`` and the personal API tokens that open it (docs/adr/0009-rest-api.md)."""
