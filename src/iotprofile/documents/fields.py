"""Field types shared by the support record and the advisory files: web URLs, contact URIs, lines of text."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field


def _web_url(value: str) -> str:
    """An absolute ``https`` URL (RFC 9116 section 2.5.3 forbids plain http for web URIs in security.txt)."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or any(char.isspace() for char in value):
        msg = f"{value!r} is not an https URL"
        raise ValueError(msg)
    return value


def _contact_uri(value: str) -> str:
    """A contact URI (RFC 3986): an https URL, a ``mailto:`` address or a ``tel:`` number."""
    parts = urlsplit(value)
    if parts.scheme == "https":
        return _web_url(value)
    if parts.scheme == "mailto" and "@" in parts.path and not any(char.isspace() for char in value):
        return value
    if parts.scheme == "tel" and parts.path.lstrip("+").replace("-", "").isdigit():
        return value
    msg = f"{value!r} is not a contact URI: use https://..., mailto:name@example.com or tel:+1-555-0100"
    raise ValueError(msg)


#: An absolute https URL.
WebUrl = Annotated[str, AfterValidator(_web_url)]
#: A contact URI: https, mailto or tel.
ContactUri = Annotated[str, AfterValidator(_contact_uri)]
Lines = tuple[Annotated[str, Field(min_length=1)], ...]
