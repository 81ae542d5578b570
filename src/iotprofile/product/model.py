"""The product model: an IoT product is a system of components, each with its interfaces and data.

NIST IR 8425 and the seed slides ("IoT Products Are Systems and Components Of Systems"): the device plus companion
apps, backends, hubs and other components, connected to each other.

Products live in YAML/JSON files (a published JSON Schema: :func:`product_json_schema`) so that a product can sit
in git and be assessed statelessly in CI, and in the database for teams.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from iotprofile.catalog.model import DOCUMENT_ID_PATTERN, ComponentKind, Frozen

#: Component and product IDs: like document IDs (lower-case words, digits, dots and dashes).
ID_PATTERN = DOCUMENT_ID_PATTERN
#: Version of the product file format; bumped when a field's meaning changes.
PRODUCT_FORMAT = "iotprofile/product/v1"


class ProductType(StrEnum):
    """Product types with a NIST profile; the type picks the default profile."""

    CONSUMER_IOT_PRODUCT = "consumer_iot_product"
    CONSUMER_GRADE_ROUTER = "consumer_grade_router"

    @property
    def default_profile(self) -> str:
        """The NIST profile written for this product type."""
        match self:
            case ProductType.CONSUMER_IOT_PRODUCT:
                return "nist-ir-8425"
            case ProductType.CONSUMER_GRADE_ROUTER:
                return "nist-ir-8425a"


class InterfaceKind(StrEnum):
    """NIST IR 8259A / 8425: local interfaces (physical, debug) and network interfaces."""

    LOCAL = "local"
    NETWORK = "network"


class Exposure(StrEnum):
    """Who can reach an interface."""

    #: Physical access to the component (buttons, USB, UART, JTAG).
    PHYSICAL = "physical"
    #: The home network (LAN, Wi-Fi, Bluetooth in range).
    LAN = "lan"
    #: The Internet side (a router's WAN port, a public endpoint).
    WAN = "wan"
    #: Only the product's own cloud backend.
    CLOUD = "cloud"


class Interface(Frozen):
    """One interface of a component, with the protocols and services it offers."""

    name: str = Field(
        min_length=1, max_length=200, description="What the interface is, e.g. 'web admin', 'UART', 'cloud API'."
    )
    kind: InterfaceKind
    protocols: tuple[str, ...] = Field(default=(), description="Protocols, e.g. https, mqtt, ble, ssh, upnp.")
    services: tuple[str, ...] = Field(default=(), description="Services behind it, e.g. admin-ui, telnetd.")
    exposure: tuple[Exposure, ...] = Field(default=(), description="Who can reach it.")
    authenticated: bool | None = Field(default=None, description="Whether access requires authentication.")
    enabled_by_default: bool = True


class Component(Frozen):
    """One product component: a device, an app, a backend, a hub or a third-party service."""

    id: str = Field(pattern=ID_PATTERN, description="Stable ID within the product, e.g. 'router', 'app'.")
    name: str = Field(min_length=1, max_length=200)
    kind: ComponentKind
    version: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=10_000)
    updatable: bool = Field(description="Whether the component's software can be updated (Software Update rules).")
    onboards: bool = Field(
        default=False, description="Whether it takes part in onboarding or reconnection (Interface Access Control 2c)."
    )
    stores_customer_data: bool = Field(
        default=False, description="Whether it stores data collected from or about the customer (Data Protection 2)."
    )
    data_stored: tuple[str, ...] = Field(default=(), description="Kinds of data it stores.")
    data_transmitted: tuple[str, ...] = Field(default=(), description="Kinds of data it sends or receives.")
    interfaces: tuple[Interface, ...] = ()
    sbom: str | None = Field(default=None, description="Path (relative to the product file) or URL of its SBOM.")


class Connection(Frozen):
    """A data flow between two components (or a component and the outside, with ``target: external``)."""

    source: str = Field(description="Component ID.")
    target: str = Field(description="Component ID, or 'external' for parties outside the product.")
    protocols: tuple[str, ...] = ()
    data: tuple[str, ...] = Field(default=(), description="Kinds of data that flow.")
    encrypted: bool | None = None


class ApplicabilityOverride(Frozen):
    """A stated exception to the applicability rules for one cell, with the reason (Documentation 1c)."""

    element: str = Field(min_length=1, description="Sub-outcome or item ID, e.g. 'SU-1'.")
    component: str | None = Field(default=None, description="Component ID; None: the product as a whole.")
    applies: bool
    reason: str = Field(min_length=3, description="Why the rule is overridden.")


class Product(Frozen):
    """An IoT product: the device and every other component necessary to use it."""

    format: str = Field(default=PRODUCT_FORMAT, description="Product file format version.")
    id: str = Field(pattern=ID_PATTERN, description="Stable product ID, e.g. 'acme-router-ax3000'.")
    name: str = Field(min_length=1, max_length=200)
    manufacturer: str = Field(min_length=1, max_length=200)
    model: str = Field(min_length=1, max_length=200)
    version: str | None = Field(default=None, max_length=100, description="Product (firmware or release) version.")
    product_type: ProductType
    profile: str | None = Field(default=None, description="Profile to assess against; default from the type.")
    description: str | None = Field(default=None, max_length=10_000)
    components: tuple[Component, ...] = Field(min_length=1)
    connections: tuple[Connection, ...] = ()
    applicability: tuple[ApplicabilityOverride, ...] = ()

    @property
    def profile_id(self) -> str:
        """The profile this product is assessed against."""
        return self.profile or self.product_type.default_profile

    def component(self, component_id: str) -> Component | None:
        """The component with this ID, or None."""
        return next((component for component in self.components if component.id == component_id), None)

    @model_validator(mode="after")
    def _consistent(self) -> Product:
        ids: set[str] = set()
        for index, component in enumerate(self.components):
            if component.id in ids:
                msg = f"components[{index}]: duplicate component ID {component.id!r}"
                raise ValueError(msg)
            ids.add(component.id)
        for index, connection in enumerate(self.connections):
            for end in (connection.source, connection.target):
                if end not in ids and not (end == "external" and end is connection.target):
                    msg = f"connections[{index}]: unknown component {end!r}"
                    raise ValueError(msg)
        for index, override in enumerate(self.applicability):
            if override.component is not None and override.component not in ids:
                msg = f"applicability[{index}]: unknown component {override.component!r}"
                raise ValueError(msg)
        return self


def product_json_schema() -> dict[str, Any]:
    """The JSON Schema of product files (published as ``schemas/product.schema.json``)."""
    schema = Product.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:iotprofile:schema:product:v1"
    return schema
