"""Resolving a profile against its base: the base's elements, tailored, plus the profile's own.

Mirrors the seed slides' Tailor and Expand steps: a profile rewords its base's statements (by stated rules and
by texts its source gives) and adds sub-outcomes under the base's outcomes. Texts the profile's source states win
over the rules; a rule-made text is marked ``generated`` so nobody mistakes it for the publisher's wording.
"""

from __future__ import annotations

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.catalog.model import Document, Element, Provenance, Tailoring, TextStatus
from iotprofile.errors import ProfileError


def resolve(library: CatalogLibrary, doc_id: str) -> Document:
    """The document with its base resolved in (a document without a base is returned as stored)."""
    doc = library.get(doc_id)
    if doc.based_on is None:
        return doc
    return resolve_profile(doc, resolve(library, doc.based_on))


def apply_rules(text: str | None, tailoring: Tailoring) -> str | None:
    """``text`` with every tailoring rule applied in order (None stays None)."""
    if text is None:
        return None
    for rule in tailoring.rules:
        text = text.replace(rule.replace, rule.with_)
    return text


def _tailor(element: Element, tailoring: Tailoring, base: Document) -> Element:
    if element.id in tailoring.texts:
        stated = tailoring.texts_provenance or Provenance(status=TextStatus.USER)
        return element.model_copy(
            update={
                "text": tailoring.texts[element.id],
                "provenance": stated,
                "lead_in": apply_rules(element.lead_in, tailoring),
            }
        )
    text = apply_rules(element.text, tailoring)
    lead_in = apply_rules(element.lead_in, tailoring)
    if text == element.text and lead_in == element.lead_in:
        return element
    update: dict[str, object] = {"text": text, "lead_in": lead_in}
    if text != element.text:
        base_status = element.provenance.status.value
        update["provenance"] = Provenance(
            status=TextStatus.GENERATED,
            source=f"tailoring rule applied to {base.short_title or base.id}",
            note=f"iotprofile applied the profile's tailoring rule to the {base.short_title or base.id} text "
            f"(whose status is {base_status}); not the publisher's wording.",
        )
    if lead_in != element.lead_in:
        update["lead_in_provenance"] = Provenance(
            status=TextStatus.GENERATED, source=f"tailoring rule applied to {base.short_title or base.id}"
        )
    return element.model_copy(update=update)


def resolve_profile(profile: Document, base: Document) -> Document:
    """Merge ``profile`` into its already-resolved ``base`` and return the resulting document."""
    tailoring = profile.tailoring or Tailoring()
    unknown = [element_id for element_id in (*tailoring.texts, *tailoring.removed) if element_id not in base]
    if unknown:
        raise ProfileError(
            f"profile {profile.id!r} tailors element(s) its base {base.id!r} lacks: {', '.join(unknown)}"
        )
    removed = set(tailoring.removed)
    merged: list[Element] = [
        _tailor(element, tailoring, base)
        for element in base.elements
        if element.id not in removed and not {a.id for a in base.ancestors(element.id)} & removed
    ]
    for own in profile.elements:
        if own.id in {element.id for element in merged}:
            raise ProfileError(f"profile {profile.id!r} adds {own.id!r}, which its base {base.id!r} already has")
        position = len(merged)
        if own.parent is not None:
            family = {own.parent}
            indices = [
                i
                for i, element in enumerate(merged)
                if element.id in family
                or element.parent in family
                or (element.parent is not None and _under(merged, element, own.parent))
            ]
            if not indices:
                raise ProfileError(f"profile {profile.id!r}: element {own.id!r} has unknown parent {own.parent!r}")
            position = indices[-1] + 1
        merged.insert(position, own)
    elements = tuple(element.model_copy(update={"order": index}) for index, element in enumerate(merged))
    return profile.model_copy(update={"elements": elements})


def _under(elements: list[Element], element: Element, ancestor: str) -> bool:
    index = {item.id: item for item in elements}
    parent = element.parent
    while parent is not None:
        if parent == ancestor:
            return True
        node = index.get(parent)
        parent = node.parent if node is not None else None
    return False
