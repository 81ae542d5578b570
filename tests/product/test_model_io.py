from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from tests.factories import router_product

from iotprofile.errors import ProductError
from iotprofile.product.io import load_product, product_to_json, product_to_yaml
from iotprofile.product.model import ProductType, product_json_schema


def test_yaml_round_trip_is_a_fixpoint(tmp_path: Path) -> None:
    product = router_product()
    text = product_to_yaml(product)
    path = tmp_path / "product.yaml"
    path.write_text(text, encoding="utf-8")
    again = load_product(path)
    assert again == product
    assert product_to_yaml(again) == text
    json_path = tmp_path / "product.json"
    json_path.write_text(product_to_json(product), encoding="utf-8")
    assert load_product(json_path) == product


def test_schema_validates_canonical_files_and_rejects_bad_ones() -> None:
    schema = product_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(product_to_yaml(router_product())), schema)
    bad = json.loads(product_to_json(router_product()))
    bad["components"][0]["kind"] = "toaster"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_product_type_picks_the_profile() -> None:
    assert router_product().profile_id == "nist-ir-8425a"
    assert ProductType.CONSUMER_IOT_PRODUCT.default_profile == "nist-ir-8425"
    assert router_product(profile="nist-ir-8425").profile_id == "nist-ir-8425"


@pytest.mark.parametrize(
    ("edit", "line", "words"),
    [
        (lambda text: text.replace("kind: mobile_app", "kind: toaster"), 24, "components[1].kind: 'toaster'"),
        (lambda text: text.replace("target: router", "target: fridge"), 38, "unknown component 'fridge'"),
        (lambda text: text.replace("id: app\n", "id: router\n"), 22, "duplicate component ID 'router'"),
        (lambda text: text.replace("model: AX-1", "modle: AX-1"), 1, "model: Field required"),
        (lambda text: text + "  oops: [\n", 44, "invalid YAML"),
    ],
)
def test_bad_product_files_name_the_place(tmp_path: Path, edit: object, line: int, words: str) -> None:
    path = tmp_path / "product.yaml"
    path.write_text(edit(product_to_yaml(router_product())), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(ProductError) as caught:
        load_product(path)
    assert caught.value.where == f"{path}:{line}"
    assert words in caught.value.one_line()


def test_wrong_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "product.csv"
    path.write_text("id\nx\n", encoding="utf-8")
    with pytest.raises(ProductError, match=r"\.yaml"):
        load_product(path)


def test_published_schema_file_is_current() -> None:
    from importlib.resources import files

    shipped = json.loads(files("iotprofile.product").joinpath("product.schema.json").read_text(encoding="utf-8"))
    assert shipped == product_json_schema(), "regenerate: iotprofile product schema > src/iotprofile/product/..."
