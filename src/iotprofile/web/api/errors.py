"""The API's error body, for the ``responses`` of every route's OpenAPI description."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ValidationErrorOut(BaseModel):
    """One invalid parameter of a 422 answer."""

    loc: list[str] = Field(description="Where: body, query or path, then the field.")
    msg: str


class ErrorOut(BaseModel):
    """A refused request: one line saying what was wrong and where (and, for a typing mistake, the closest IDs)."""

    detail: str
    errors: list[ValidationErrorOut] | None = Field(default=None, description="Each invalid parameter (422 only).")
