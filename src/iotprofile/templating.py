"""One way to make a Jinja2 environment for iotprofile's templates (reports, profiles, documents, web pages).

Every template set renders with the same rules: an undefined name is an error (a typo never renders as empty
text), block tags leave no blank lines, the final newline is kept, and output is HTML-escaped unless the caller
renders Markdown with its own escaping filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2


def template_environment(
    loader: jinja2.BaseLoader, *, autoescape: bool = True, filters: Mapping[str, Any] | None = None
) -> jinja2.Environment:
    """An environment on ``loader`` with the project's rules and ``filters`` added."""
    env = jinja2.Environment(
        loader=loader,
        autoescape=autoescape,  # noqa: S701 (on unless a Markdown caller escapes with its own filter)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters or {})
    return env
