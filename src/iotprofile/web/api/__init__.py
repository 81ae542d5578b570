"""The REST API under ``/api/v1``: JSON in and out, described by the OpenAPI document at ``/api/v1/openapi.json``."""
