"""The product editor: create (form and file), the product page, edits, and refusals (403, 404, 422, 409)."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import OTHER_ADMIN, PLUG, ROOT, ROUTER, USERS, Browser, WebEnv

from iotprofile.product.io import load_product, product_to_json, product_to_yaml

NEW_FORM = {
    "id": "acme-cam-c1",
    "name": "Acme C1 camera",
    "manufacturer": "Acme Networks, Inc.",
    "model": "C1",
    "version": "1.0.0",
    "product_type": "consumer_iot_product",
    "component_id": "camera",
    "component_name": "C1 camera",
    "component_kind": "device",
    "component_updatable": "on",
}


def _audit_actions(web_env: WebEnv, product_id: str) -> list[str]:
    from sqlalchemy import select

    from iotprofile.storage.tables import AuditEventRow

    with web_env.repository() as repository, repository.transaction("read audit", write=False) as connection:
        rows = connection.execute(select(AuditEventRow.action).where(AuditEventRow.object_id == product_id)).all()
    return [row[0] for row in rows]


def _stored(web_env: WebEnv, product_id: str) -> Any:
    with web_env.repository() as repository:
        if repository.product_organisation(product_id) is None:
            return None
        return repository.get_product(product_id)


def test_create_product_with_the_form(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    form = browser.client.get("/o/acme/products/new")
    assert form.status_code == 200
    assert "Create product" in form.text
    response = browser.post("/o/acme/products/new", NEW_FORM)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/o/acme/products/acme-cam-c1"
    stored = _stored(web_env, "acme-cam-c1")
    assert stored.components[0].id == "camera"
    assert stored.components[0].updatable is True
    page = browser.client.get("/o/acme/products/acme-cam-c1")
    assert page.status_code == 200
    for text in ("Acme C1 camera", "Assessment matrix", "HTML report", "PDF report", "Export YAML",
                 "OSCAL assessment results", "/o/acme/products/acme-cam-c1/assessment"):  # fmt: skip
        assert text in page.text
    assert "product.create" in _audit_actions(web_env, "acme-cam-c1")


def test_create_product_from_a_file(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    product = load_product(ROOT / "examples" / "router" / "product.yaml").model_copy(update={"id": "acme-router-2"})
    files = {"product_file": ("router.yaml", product_to_yaml(product).encode(), "application/yaml")}
    response = browser.post("/o/acme/products/new", files=files)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/o/acme/products/acme-router-2"
    assert [c.id for c in _stored(web_env, "acme-router-2").components] == ["router", "app", "cloud"]


def test_bad_product_file_is_refused_with_its_place_and_nothing_stored(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    text = "format: iotprofile/product/v1\nid: acme-bad\nname: Bad\nmanufacturer: A\nmodel: B\n" \
        "product_type: toaster\ncomponents: []\n"  # fmt: skip
    response = browser.post("/o/acme/products/new", files={"product_file": ("bad.yaml", text.encode(), "text/yaml")})
    assert response.status_code == 422
    assert "bad.yaml:6" in response.text
    assert "/tmp" not in response.text
    assert _stored(web_env, "acme-bad") is None
    broken = browser.post("/o/acme/products/new", files={"product_file": ("x.yaml", b"a: [", "text/yaml")})
    assert broken.status_code == 422
    assert "invalid YAML" in broken.text


def test_invalid_form_rerenders_with_the_error(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    response = browser.post("/o/acme/products/new", {**NEW_FORM, "id": "Not An ID"})
    assert response.status_code == 422
    assert "id:" in response.text
    assert 'value="Acme C1 camera"' in response.text  # the form keeps what was typed
    assert _stored(web_env, "Not An ID") is None


def test_taken_id_is_409(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    response = browser.post("/o/acme/products/new", {**NEW_FORM, "id": PLUG})
    assert response.status_code == 409
    assert _stored(web_env, PLUG).name != "Acme C1 camera"


def test_viewer_cannot_create_or_edit(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["viewer"])
    page = browser.client.get(f"/o/acme/products/{ROUTER}")
    assert page.status_code == 200
    assert "Add a component" not in page.text
    assert "Edit basics" not in page.text
    assert browser.post("/o/acme/products/new", NEW_FORM).status_code == 403
    before = _stored(web_env, ROUTER)
    assert browser.post(f"/o/acme/products/{ROUTER}/basics", {"name": "Hacked"}).status_code == 403
    assert browser.post(f"/o/acme/products/{ROUTER}/connections/1/remove").status_code == 403
    assert browser.post(f"/o/acme/products/{ROUTER}/components/app/remove").status_code == 403
    assert _stored(web_env, ROUTER) == before
    assert _stored(web_env, "acme-cam-c1") is None


def test_other_organisations_products_are_404(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["admin"])
    assert browser.client.get(f"/o/acme/products/{PLUG}").status_code == 404
    assert browser.client.get("/o/other/products/" + PLUG).status_code == 404
    assert browser.post(f"/o/acme/products/{PLUG}/basics", {"name": "Mine now"}).status_code == 404
    assert browser.client.get(f"/o/acme/products/{PLUG}/product.yaml").status_code == 404
    assert _stored(web_env, PLUG).name != "Mine now"


def test_edit_basics(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    product = _stored(web_env, ROUTER)
    data = {"name": "Acme AX3000 (rev C)", "manufacturer": product.manufacturer, "model": product.model,
            "version": "1.5.0", "product_type": product.product_type.value, "profile": "",
            "description": ""}  # fmt: skip
    response = browser.post(f"/o/acme/products/{ROUTER}/basics", data)
    assert response.status_code == 303, response.text
    stored = _stored(web_env, ROUTER)
    assert (stored.name, stored.version, stored.description) == ("Acme AX3000 (rev C)", "1.5.0", None)
    assert "product.edit" in _audit_actions(web_env, ROUTER)
    bad = browser.post(f"/o/acme/products/{ROUTER}/basics", {**data, "name": ""})
    assert bad.status_code == 422
    assert "name" in bad.text
    assert _stored(web_env, ROUTER).name == "Acme AX3000 (rev C)"
    unknown = browser.post(f"/o/acme/products/{ROUTER}/basics", {**data, "profile": "no-such-profile"})
    assert unknown.status_code == 422
    assert "profile" in unknown.text
    assert _stored(web_env, ROUTER).profile is None


def test_add_edit_and_remove_a_component_with_interfaces(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    added = browser.post(f"/o/acme/products/{ROUTER}/components", {
        "component_id": "extender", "component_name": "Mesh extender", "component_kind": "device",
        "component_updatable": "on"})  # fmt: skip
    assert added.status_code == 303, added.text
    assert _stored(web_env, ROUTER).component("extender").updatable is True
    form = browser.client.get(f"/o/acme/products/{ROUTER}/components/extender/edit")
    assert form.status_code == 200
    assert 'name="interfaces-0-name"' in form.text
    edited = browser.post(f"/o/acme/products/{ROUTER}/components/extender", {
        "component_name": "Mesh extender E1", "component_kind": "device", "component_version": "2.0",
        "component_data_stored": "Wi-Fi passphrase\nclient list",
        "interfaces-0-name": "web admin", "interfaces-0-kind": "network", "interfaces-0-protocols": "https, http",
        "interfaces-0-exposure": "lan", "interfaces-0-authenticated": "yes"})  # fmt: skip
    assert edited.status_code == 303, edited.text
    component = _stored(web_env, ROUTER).component("extender")
    assert component.name == "Mesh extender E1"
    assert component.updatable is False
    assert component.data_stored == ("Wi-Fi passphrase", "client list")
    assert [(i.name, i.protocols, [e.value for e in i.exposure], i.authenticated) for i in component.interfaces] == [
        ("web admin", ("https", "http"), ["lan"], True)]  # fmt: skip
    page = browser.client.get(f"/o/acme/products/{ROUTER}")
    assert "web admin (network; https, http; exposed to lan)" in page.text
    # remove the interface row
    removed_row = browser.post(f"/o/acme/products/{ROUTER}/components/extender", {
        "component_name": "Mesh extender E1", "component_kind": "device",
        "interfaces-0-name": "web admin", "interfaces-0-kind": "network", "interfaces-0-remove": "on",
        "interfaces-1-name": ""})  # fmt: skip
    assert removed_row.status_code == 303
    assert _stored(web_env, ROUTER).component("extender").interfaces == ()
    bad = browser.post(
        f"/o/acme/products/{ROUTER}/components/extender",
        {"component_name": "E1", "component_kind": "device", "interfaces-0-name": "x", "interfaces-0-kind": "radio"},
    )
    assert bad.status_code == 422
    assert "interfaces" in bad.text
    removed = browser.post(f"/o/acme/products/{ROUTER}/components/extender/remove")
    assert removed.status_code == 303
    assert _stored(web_env, ROUTER).component("extender") is None
    actions = _audit_actions(web_env, ROUTER)
    for action in ("component.add", "component.update", "component.remove", "product.update"):
        assert action in actions


def test_removing_a_connected_component_is_refused(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    response = browser.post(f"/o/acme/products/{ROUTER}/components/app/remove")
    assert response.status_code == 422
    assert "cannot remove component &#39;app&#39;: connections[0]: unknown component &#39;app&#39;" in response.text
    assert _stored(web_env, ROUTER).component("app") is not None


def test_add_and_remove_a_connection(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    before = _stored(web_env, ROUTER).connections
    removed = browser.post(f"/o/acme/products/{ROUTER}/connections/1/remove")
    assert removed.status_code == 303
    assert _stored(web_env, ROUTER).connections == before[1:]
    added = browser.post(
        f"/o/acme/products/{ROUTER}/connections",
        {"source": "app", "target": "cloud", "protocols": "https", "data": "sign-in", "encrypted": "yes"},
    )
    assert added.status_code == 303, added.text
    assert _stored(web_env, ROUTER).connections[-1].data == ("sign-in",)
    bad = browser.post(f"/o/acme/products/{ROUTER}/connections", {"source": "app", "target": "nowhere"})
    assert bad.status_code == 422
    assert "unknown component" in bad.text
    assert browser.post(f"/o/acme/products/{ROUTER}/connections/99/remove").status_code == 422
    assert len(_stored(web_env, ROUTER).connections) == len(before)


def test_upload_a_new_version_and_export_yaml(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    exported = browser.client.get(f"/o/acme/products/{ROUTER}/product.yaml")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    product = load_product(ROOT / "examples" / "router" / "product.yaml").model_copy(update={"version": "9.9"})
    files = {"product_file": ("router.json", product_to_json(product).encode(), "application/json")}
    assert browser.post(f"/o/acme/products/{ROUTER}/file", files=files).status_code == 303
    assert _stored(web_env, ROUTER).version == "9.9"
    other = product.model_copy(update={"id": "acme-other-id"})
    files = {"product_file": ("router.json", product_to_json(other).encode(), "application/json")}
    assert browser.post(f"/o/acme/products/{ROUTER}/file", files=files).status_code == 422
    assert _stored(web_env, "acme-other-id") is None


def test_api_create_read_replace(api: Any, web_env: WebEnv) -> None:
    editor = {"Authorization": f"Bearer {web_env.token(USERS['editor'])}"}
    viewer = {"Authorization": f"Bearer {web_env.token(USERS['viewer'])}"}
    product = load_product(ROOT / "examples" / "router" / "product.yaml")
    body = product.model_copy(update={"id": "acme-api-router"}).model_dump(mode="json")
    created = api.post("/api/v1/orgs/acme/products", json=body, headers=editor)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "acme-api-router"
    assert api.post("/api/v1/orgs/acme/products", json=body, headers=editor).status_code == 409
    assert api.post("/api/v1/orgs/acme/products", json={**body, "id": "acme-v"}, headers=viewer).status_code == 403
    assert _stored(web_env, "acme-v") is None
    bad = api.post("/api/v1/orgs/acme/products", json={**body, "id": "acme-bad", "components": []}, headers=editor)
    assert bad.status_code == 422
    assert _stored(web_env, "acme-bad") is None
    read = api.get("/api/v1/orgs/acme/products/acme-api-router", headers=viewer)
    assert read.status_code == 200
    assert read.json()["name"] == product.name
    replaced = api.put("/api/v1/orgs/acme/products/acme-api-router", json={**body, "version": "2.0"}, headers=editor)
    assert replaced.status_code == 200, replaced.text
    assert _stored(web_env, "acme-api-router").version == "2.0"
    assert api.put("/api/v1/orgs/acme/products/acme-api-router", json={**body, "version": "3"},
                   headers=viewer).status_code == 403  # fmt: skip
    assert api.get(f"/api/v1/orgs/acme/products/{PLUG}", headers=editor).status_code == 404
    plug = _stored(web_env, PLUG).model_dump(mode="json")
    assert api.put(f"/api/v1/orgs/acme/products/{PLUG}", json=plug, headers=editor).status_code == 404
    other = {"Authorization": f"Bearer {web_env.token(OTHER_ADMIN, 'other')}"}
    assert api.get("/api/v1/orgs/acme/products/acme-api-router", headers=other).status_code == 404
