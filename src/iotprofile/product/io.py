"""Reading and writing product files (YAML or JSON), with errors that name the file and the place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from iotprofile.catalog.source import Located, first_error, read_located
from iotprofile.errors import ProductError
from iotprofile.product.model import Product

_LIST_PROBLEM = re.compile(r"(components|connections|applicability)\[(\d+)\]: (.*)")


def product_from(located: Located) -> Product:
    """Validate parsed data as a product; the first problem is raised with its place."""
    if located.is_csv or not isinstance(located.data, dict):
        raise ProductError(
            "a product file is a YAML or JSON mapping (see 'iotprofile product init')", where=located.where()
        )
    try:
        return Product.model_validate(located.data)
    except ValidationError as exc:
        loc, message = first_error(exc)
        problem = _LIST_PROBLEM.match(message)
        if not loc and problem:
            loc, message = (problem.group(1), int(problem.group(2))), problem.group(3)
        raise located.error(ProductError, loc, message) from None


def load_product(path: Path) -> Product:
    """Read and validate a product file."""
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        raise ProductError("a product file is .yaml, .yml or .json", where=str(path))
    return product_from(read_located(path, ProductError))


def product_to_yaml(product: Product) -> str:
    """The canonical YAML form: fields in model order, defaults left out.

    Reading it back gives an equal product, and writing that gives the same text.
    """
    data = json.loads(product.model_dump_json(exclude_defaults=True))
    data = {"format": product.format, **data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def product_to_json(product: Product) -> str:
    """The canonical JSON form (same content as the YAML)."""
    data = json.loads(product.model_dump_json(exclude_defaults=True))
    return json.dumps({"format": product.format, **data}, indent=2, ensure_ascii=False) + "\n"
