"""OSCAL at the edge: our catalogs to and from OSCAL 1.x catalogs, and profiles to OSCAL profiles.

Built with compliance-trestle's models, so every document written is valid against them. The mapping is exact:
an exported catalog imports back to an equal :class:`Document`. Elements of kind ``group`` become OSCAL groups;
every other element (outcome, sub-outcome, item, requirement) becomes a control, so that a profile can alter
any statement. Fields OSCAL has no place for are kept as properties in the iotprofile namespace
(:data:`NAMESPACE`), long texts as parts and back-matter resources. The original element ID is the standard
``label`` property, since OSCAL IDs must be tokens ("5.1-1" and "(4.2)[3]" are not).

compliance-trestle takes about half a second to import, so this module is imported only by the commands that
need it.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from trestle.oscal import OSCAL_VERSION, common
from trestle.oscal import catalog as oscal_catalog
from trestle.oscal import profile as oscal_profile

from iotprofile.catalog.model import Document, Element, ElementKind, Provenance, TextStatus
from iotprofile.catalog.source import Located, describe_loc, first_error
from iotprofile.errors import CatalogError, ExportError

NAMESPACE = "urn:iotprofile:oscal"
_UUID_NAMESPACE = uuid.UUID("3e2c4b6a-8f1d-5c7e-9a0b-1d2e3f4a5b6c")
_TOKEN_START = re.compile(r"[_A-Za-z]")
_TOKEN_INVALID = re.compile(r"[^_A-Za-z0-9.\-]")
#: Timestamp used when a document has no date, so exports stay deterministic.
_DEFAULT_TIMESTAMP = datetime(2026, 11, 22, tzinfo=UTC)

_SCALAR_DOC_FIELDS = (
    "id",
    "kind",
    "short_title",
    "publisher",
    "version",
    "date",
    "url",
    "licence",
    "content",
    "based_on",
    "product_type",
)
_LONG_DOC_FIELDS = ("licence_note", "attribution")
_LIST_DOC_FIELDS = ("known_gaps", "notes", "built_from", "component_kinds")
_SCALAR_ELEMENT_FIELDS = ("kind", "nature", "strength", "strength_source", "level", "scope")
_PROVENANCE_FIELDS = ("provenance", "title_provenance", "lead_in_provenance")


def oscal_id(element_id: str) -> str:
    """An OSCAL token for an element ID: invalid characters become ``_``; a leading digit gets a ``_``."""
    token = _TOKEN_INVALID.sub("_", element_id)
    return token if _TOKEN_START.match(token) else f"_{token}"


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUID_NAMESPACE, "/".join(parts)))


def _prop(name: str, value: str, *, ns: str | None = NAMESPACE) -> common.Property:
    if value != value.strip() or "\n" in value or not value:
        raise ExportError(f"property {name!r} cannot hold {value!r}: OSCAL properties are single trimmed lines")
    return common.Property(name=name, value=value, ns=ns)


def _timestamp(date: str | None) -> datetime:
    if not date:
        return _DEFAULT_TIMESTAMP
    year, month, day = ([*date.split("-"), "01", "01"])[:3]
    return datetime(int(year), int(month), int(day), tzinfo=UTC)


def _provenance_props(prefix: str, provenance: Provenance | None) -> list[common.Property]:
    if provenance is None:
        return []
    props = [_prop(f"{prefix}-status", provenance.status.value)]
    if provenance.source:
        props.append(_prop(f"{prefix}-source", provenance.source))
    if provenance.note:
        props.append(_prop(f"{prefix}-note", " ".join(provenance.note.split())))
    return props


def _name(field: str) -> str:
    return field.replace("_", "-")


# ------------------------------------------------------------------------------------------------------- export


def _element_props(element: Element) -> list[common.Property]:
    props = [_prop("label", element.id, ns=None)]
    if element.title is None:
        props.append(_prop("title-absent", "true"))
    if element.label:
        props.append(_prop("source-label", element.label))
    for field in _SCALAR_ELEMENT_FIELDS:
        value = getattr(element, field)
        if value is not None:
            props.append(_prop(_name(field), str(getattr(value, "value", value))))
    props += [_prop("applies-to", kind.value) for kind in element.applies_to]
    props += [_prop("condition", condition) for condition in element.conditions]
    for field in _PROVENANCE_FIELDS:
        props += _provenance_props(_name(field), getattr(element, field))
    return props


def _element_parts(element: Element) -> list[common.Part]:
    parts = []
    oid = oscal_id(element.id)
    if element.text is not None:
        parts.append(common.Part(id=f"{oid}_smt", name="statement", prose=element.text))
    if element.guidance is not None:
        parts.append(common.Part(id=f"{oid}_gdn", name="guidance", prose=element.guidance))
    for name, value in (("summary", element.summary), ("lead-in", element.lead_in)):
        if value is not None:
            parts.append(common.Part(name=name, ns=NAMESPACE, prose=value))
    parts += [common.Part(name="note", ns=NAMESPACE, prose=note) for note in element.notes]
    return parts


def _node(doc: Document, element: Element) -> Any:
    children = doc.children(element.id)
    fields: dict[str, Any] = {
        "id": oscal_id(element.id),
        "title": element.title or element.label or element.id,
        "props": _element_props(element),
        "parts": _element_parts(element) or None,
    }
    if element.kind is ElementKind.GROUP:
        child_groups = [child for child in children if child.kind is ElementKind.GROUP]
        if child_groups and len(child_groups) != len(children):
            raise ExportError(
                f"group {element.id!r} mixes groups and controls, which OSCAL models as two kinds of "
                "group; iotprofile cannot export it"
            )
        if child_groups:
            return oscal_catalog.Group1(**fields, groups=[_node(doc, child) for child in children])
        return oscal_catalog.Group2(**fields, controls=[_node(doc, child) for child in children] or None)
    if any(child.kind is ElementKind.GROUP for child in children):
        raise ExportError(f"element {element.id!r} is a control with a group below it; OSCAL does not allow that")
    return oscal_catalog.Control(**fields, controls=[_node(doc, child) for child in children] or None)


def _metadata(doc: Document, *, title: str | None = None) -> common.Metadata:
    props = [
        _prop(_name(field), str(getattr(getattr(doc, field), "value", getattr(doc, field))))
        for field in _SCALAR_DOC_FIELDS
        if getattr(doc, field) is not None
    ]
    for field in _LIST_DOC_FIELDS:
        props += [_prop(_name(field), str(getattr(item, "value", item))) for item in getattr(doc, field)]
    props += _provenance_props("provenance", doc.provenance)
    links = [common.Link(href=doc.url, rel="reference")] if doc.url else None
    return common.Metadata(
        title=title or doc.title,
        last_modified=_timestamp(doc.date),
        version=doc.version or doc.date or "unversioned",
        oscal_version=OSCAL_VERSION,
        props=props,
        links=links,
    )


def _back_matter(doc: Document) -> common.BackMatter | None:
    resources = []
    texts: list[tuple[str, str, str]] = [
        (field, field, getattr(doc, field)) for field in _LONG_DOC_FIELDS if getattr(doc, field) is not None
    ]
    texts += [("source", key, value) for key, value in doc.sources.items()]
    if doc.tailoring is not None:
        texts.append(("tailoring", "tailoring", doc.tailoring.model_dump_json(by_alias=True, exclude_defaults=True)))
    for kind, title, text in texts:
        resources.append(
            common.Resource(
                uuid=_uuid(doc.id, kind, title),
                title=title,
                description=text,
                props=[_prop("iotprofile-field", kind)],
            )
        )
    return common.BackMatter(resources=resources) if resources else None


def to_oscal_catalog(doc: Document) -> oscal_catalog.Catalog:
    """The document as an OSCAL catalog (a profile should be resolved first)."""
    top = doc.children(None)
    groups = [_node(doc, element) for element in top if element.kind is ElementKind.GROUP]
    controls = [_node(doc, element) for element in top if element.kind is not ElementKind.GROUP]
    return oscal_catalog.Catalog(
        uuid=_uuid("catalog", doc.id),
        metadata=_metadata(doc),
        groups=groups or None,
        controls=controls or None,
        back_matter=_back_matter(doc),
    )


def to_oscal_profile(
    profile: Document, resolved: Document, *, base_href: str, additions_href: str | None
) -> oscal_profile.Profile:
    """An OSCAL profile: imports its base catalog (and a catalog of its added elements), alters tailored statements.

    ``resolved`` is the profile resolved against its base; every statement it rewords becomes an alteration.
    """
    imports = [oscal_profile.Import1(href=base_href, include_all={})]
    if additions_href is not None:
        imports.append(oscal_profile.Import1(href=additions_href, include_all={}))
    alters = []
    own = {element.id for element in profile.elements}
    stated = set(profile.tailoring.texts) if profile.tailoring else set()
    for element in resolved.elements:
        reworded = element.id in stated or element.provenance.status is TextStatus.GENERATED
        if element.id in own or element.text is None or not reworded or element.kind is ElementKind.GROUP:
            continue
        part = common.Part(
            id=f"{oscal_id(element.id)}_smt",
            name="statement",
            prose=element.text,
            props=_provenance_props("provenance", element.provenance),
        )
        alters.append(
            oscal_profile.Alter(
                control_id=oscal_id(element.id),
                removes=[oscal_profile.Remove(by_name="statement")],
                adds=[oscal_profile.Add(position="ending", parts=[part])],
            )
        )
    return oscal_profile.Profile(
        uuid=_uuid("profile", profile.id),
        metadata=_metadata(profile),
        imports=imports,
        merge=oscal_profile.Merge2(as_is=True),
        modify=oscal_profile.Modify(alters=alters) if alters else None,
        back_matter=_back_matter(profile),
    )


def additions_catalog(profile: Document) -> oscal_catalog.Catalog:
    """The profile's own elements (e.g. 8425A's SU-3 and CSA-2) as a catalog its OSCAL profile imports.

    OSCAL profiles cannot add controls, only alter imported ones, so added sub-outcomes travel in their own
    catalog; each keeps its parent's ID in the ``parent`` property.
    """
    doc = profile.model_copy(update={"based_on": None, "tailoring": None})
    controls = []
    for element in profile.elements:
        node = _node(doc, element)
        if element.parent is not None:
            node.props = [*(node.props or []), _prop("parent", element.parent)]
        controls.append(node)
    return oscal_catalog.Catalog(
        uuid=_uuid("catalog", profile.id, "additions"),
        metadata=_metadata(profile, title=f"{profile.title}: sub-outcomes added to {profile.based_on}"),
        controls=controls or None,
    )


# ------------------------------------------------------------------------------------------------------- import


def _props(node: Any) -> list[tuple[str, str]]:
    return [(prop.name, prop.value) for prop in (node.props or []) if str(prop.ns or "") in {NAMESPACE, "None", ""}]


def _provenance_from(prefix: str, props: list[tuple[str, str]]) -> dict[str, Any] | None:
    values = dict(props)
    if f"{prefix}-status" not in values:
        return None
    return {
        "status": values[f"{prefix}-status"],
        "source": values.get(f"{prefix}-source"),
        "note": values.get(f"{prefix}-note"),
    }


def _element_from(node: Any, parent: str | None, kind_default: str, out: list[dict[str, Any]]) -> None:
    props = _props(node)
    values = dict(props)
    element_id = values.get("label", node.id)
    element: dict[str, Any] = {
        "id": element_id,
        "parent": parent or values.get("parent"),
        "order": len(out),
        "kind": values.get("kind", kind_default),
        "title": None if values.get("title-absent") == "true" else node.title,
        "label": values.get("source-label"),
        "applies_to": [value for name, value in props if name == "applies-to"],
        "conditions": [value for name, value in props if name == "condition"],
        "notes": [],
    }
    for field in _SCALAR_ELEMENT_FIELDS:
        if _name(field) in values:
            element[field] = values[_name(field)]
    for field in _PROVENANCE_FIELDS:
        provenance = _provenance_from(_name(field), props)
        if provenance is not None:
            element[field] = provenance
    # A catalog iotprofile did not write: its texts are the user's import.
    element.setdefault("provenance", {"status": "user", "source": "OSCAL import"})
    for part in node.parts or []:
        if part.name == "statement":
            element["text"] = _prose(part)
        elif part.name == "guidance":
            element["guidance"] = _prose(part)
        elif part.name == "summary":
            element["summary"] = part.prose
        elif part.name == "lead-in":
            element["lead_in"] = part.prose
        elif part.name == "note":
            element["notes"].append(part.prose)
    out.append(element)
    for child in getattr(node, "groups", None) or []:
        _element_from(child, element_id, "group", out)
    for child in getattr(node, "controls", None) or []:
        _element_from(child, element_id, "requirement", out)


def _prose(part: Any) -> str | None:
    """A part's prose with its sub-parts' (labelled items, as in NIST SP 800-53) on the lines below."""
    lines = [part.prose] if part.prose else []
    for child in part.parts or []:
        label = next((prop.value for prop in child.props or [] if prop.name == "label"), None)
        text = _prose(child)
        if text:
            lines.append(f"{label} {text}" if label else text)
    return "\n".join(lines) or None


def document_from_oscal(located: Located) -> Document:
    """A user's OSCAL catalog file (``{"catalog": ...}``) as a document; errors name the file and the path."""
    from pydantic import ValidationError

    try:
        catalog = oscal_catalog.Catalog.model_validate(located.data["catalog"])
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise located.error(CatalogError, ("catalog", *loc), f"not a valid OSCAL catalog: {message}") from None
    try:
        return from_oscal_catalog(catalog)
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise CatalogError(
            f"the OSCAL catalog does not make a valid iotprofile catalog: {describe_loc(loc)}: {message}",
            where=str(located.path),
        ) from None


def from_oscal_catalog(catalog: oscal_catalog.Catalog) -> Document:
    """A catalog back into a :class:`Document` (exact for catalogs iotprofile wrote; best effort otherwise)."""
    metadata = catalog.metadata
    props = _props(metadata)
    values = dict(props)
    raw: dict[str, Any] = {"title": metadata.title, "elements": []}
    for field in _SCALAR_DOC_FIELDS:
        if _name(field) in values:
            raw[field] = values[_name(field)]
    for field in _LIST_DOC_FIELDS:
        raw[field] = [value for name, value in props if name == _name(field)]
    raw.setdefault("id", re.sub(r"[^a-z0-9.\-]+", "-", metadata.title.lower()).strip("-.") or "imported")
    raw.setdefault("kind", "standard")
    raw.setdefault("publisher", "(unknown)")
    raw.setdefault("licence", "unknown")
    if "id" not in values and metadata.version != "unversioned":
        # Not written by iotprofile: take OSCAL's own version field.
        raw["version"] = metadata.version
    if "url" not in raw and metadata.links:
        raw["url"] = str(metadata.links[0].href)
    raw["provenance"] = _provenance_from("provenance", props) or {"status": "user", "source": "OSCAL import"}
    for resource in (catalog.back_matter.resources or []) if catalog.back_matter else []:
        kind = dict(_props(resource)).get("iotprofile-field")
        if kind in _LONG_DOC_FIELDS:
            raw[kind] = resource.description
        elif kind == "source":
            raw.setdefault("sources", {})[resource.title] = resource.description
        elif kind == "tailoring" and resource.description:
            raw["tailoring"] = json.loads(resource.description)
    elements: list[dict[str, Any]] = []
    for control in catalog.controls or []:
        _element_from(control, None, "requirement", elements)
    for group in catalog.groups or []:
        _element_from(group, None, "group", elements)
    raw["elements"] = elements
    return Document.model_validate(raw)


def serialize(model: oscal_catalog.Catalog | oscal_profile.Profile) -> str:
    """OSCAL JSON with its root wrapper (``{"catalog": ...}``), two-space indented, newline-terminated."""
    return json.dumps(json.loads(model.oscal_serialize_json()), indent=2, ensure_ascii=False) + "\n"


def parse_catalog(text: str) -> oscal_catalog.Catalog:
    """An OSCAL catalog from JSON text (with or without its ``catalog`` root wrapper)."""
    data = json.loads(text)
    return oscal_catalog.Catalog.model_validate(data.get("catalog", data) if isinstance(data, dict) else data)
