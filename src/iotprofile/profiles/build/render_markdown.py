"""The built profile as Markdown, laid out like NIST's profiles (IR 8425A): outcomes, sub-outcomes, requirements.

Each outcome shows its tailored statement, then each sub-outcome and item with the source requirements grouped
under it, in a SHALL group and a SHOULD group (the seed slides' Define step). A profile with placements that are
only Group's suggestions is marked DRAFT at the top.
"""

from __future__ import annotations

import re

from iotprofile.profiles.build.render_view import (
    ElementView,
    ProfileView,
    decision_words,
    strength_words,
)
from iotprofile.profiles.build.trace import TraceRow

_SPECIAL = re.compile(r"([\\`*_<>\[\]|])")
PROCESS_NOTE = (
    "Derived with the process NIST used for the consumer-grade router profile (NIST IR 8425A): Group the "
    "standards' requirements under the base's outcomes, Define each one's strength (SHALL or SHOULD), Consolidate "
    "them into concept groups, Expand the base with sub-outcomes where requirements fit none, and Tailor the "
    "outcomes' wording."
)
STRENGTH_GROUPS_NOTE = (
    "Under each element the source requirements are listed in two groups: SHALL (SHALL and SHALL NOT) and SHOULD "
    "(SHOULD, SHOULD NOT, MAY, and requirements whose strength the source does not state)."
)
NO_REQUIREMENT = "No source requirement grouped here."


def md(text: str | None) -> str:
    """Text safe in Markdown prose, lists and table cells: one line, markup characters escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def strength_cell(row: TraceRow) -> str:
    """``SHALL NOT: "must not" (keyword)``: the strength, the words that decided it and how Define read it."""
    text = strength_words(row.strength)
    if row.strength_phrase:
        text += f': "{row.strength_phrase}"'
    # Basis "none" says only that no strength was found, which "none stated" already says.
    return text if row.strength_basis == "none" else f"{text} ({row.strength_basis})"


def decision_cell(row: TraceRow) -> str:
    """``accepted by alice, score 0.82``; a suggestion says it is not reviewed."""
    text = "suggested, not reviewed" if row.decision.value == "suggested" else row.decision.value
    if row.reviewer:
        text += f" by {row.reviewer}"
    if row.score is not None:
        text += f", score {row.score:.2f}"
    return text


def draft_notice(view: ProfileView) -> str:
    """The sentence that explains the DRAFT marker."""
    total = len(view.rows)
    verb = "is" if view.suggested == 1 else "are"
    return (
        f"{view.suggested} of {total} requirement placements {verb} only Group's suggestion, not yet reviewed; "
        "review them before using this profile."
    )


def _front(view: ProfileView) -> list[str]:
    profile = view.profile
    lines = [f"# {md(profile.title)}", ""]
    if view.draft:
        lines += [f"> **DRAFT.** {md(draft_notice(view))}", ""]
    facts = [
        ("Profile", profile.id),
        ("Based on", f"{view.base_name} ({view.base.id}): {view.base.title}"),
        ("Product type", view.product_type),
        ("Publisher", profile.publisher),
        ("Version", profile.version),
        ("Date", profile.date),
    ]
    lines += [f"- **{name}:** {md(value)}" for name, value in facts if value]
    lines += ["", "## How this profile was built", "", PROCESS_NOTE, "", "### Standards drawn on", ""]
    if view.standards:
        requirements = sum(count.requirements for count in view.standards)
        lines += [
            f"{requirements} requirements of {len(view.standards)} standards, placed {len(view.rows)} times.",
            "",
            "| Standard | Requirements | Placements | SHALL | SHOULD |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {md(c.standard)} | {c.requirements} | {c.placements} | {c.shall} | {c.should} |" for c in view.standards
        ]
    else:
        lines.append("No standard's requirements are placed in this profile.")
    lines += ["", "### Tailoring rules", ""]
    if view.rules:
        lines += [
            f'- "{md(rule.replace)}" becomes "{md(rule.with_)}"'
            + (f" ({md(rule.provenance.source)})" if rule.provenance.source else "")
            for rule in view.rules
        ]
    else:
        lines.append(f"None: the outcomes keep the {md(view.base_name)} wording.")
    count = len(view.added)
    lines += ["", "### Sub-outcomes added", "", f"{count} sub-outcome{'' if count == 1 else 's'} added."]
    if view.added:
        lines.append("")
        lines += [
            f"- {md(added.heading)} under {md(added.element.parent)}: {md(added.status_note)}" for added in view.added
        ]
    lines += ["", "### Review status", "", "| Decision | Placements | Meaning |", "| --- | ---: | --- |"]
    lines += [f"| {decision.value} | {n} | {md(decision_words(decision))} |" for decision, n in view.decisions]
    lines += ["", STRENGTH_GROUPS_NOTE]
    return lines


def _requirements(title: str, rows: tuple[TraceRow, ...]) -> list[str]:
    if not rows:
        return [f"**{title}:** none.", ""]
    lines = [
        f"**{title}** ({len(rows)})",
        "",
        "| Standard | Requirement | Strength | Text | Concept group | Decision |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {md(row.standard)} | {md(row.requirement_id)} | {md(strength_cell(row))} | {md(row.text)} "
        f"| {md(row.concept_group) or '-'} | {md(decision_cell(row))} |"
        for row in rows
    ]
    return [*lines, ""]


def _element(view: ElementView) -> list[str]:
    heading = "#" * min(view.depth + 2, 6)
    lines = [f"{heading} {md(view.heading)}{' (new)' if view.added else ''}", ""]
    if view.element.title and view.element.label and view.depth > 0:
        lines += [f"*{md(view.element.title)}*", ""]
    if view.text:
        lines += [md(view.text), ""]
    if view.status_note:
        lines += [f"_Text: {md(view.status_note)}._", ""]
    if view.concept_groups:
        lines += [f"Concept groups: {'; '.join(md(group) for group in view.concept_groups)}.", ""]
    if view.shall or view.should:
        lines += _requirements("SHALL", view.shall) + _requirements("SHOULD", view.should)
    elif not view.has_children:
        lines += [f"_{NO_REQUIREMENT}_", ""]
    if view.element.lead_in:
        # Last: it introduces the items that follow ("At a minimum, the IoT product component shall:").
        lines += [md(view.element.lead_in), ""]
    return lines


def render_markdown(view: ProfileView) -> str:
    """The profile document in Markdown."""
    lines = _front(view)
    for outcome in view.outcomes:
        lines.append("")
        lines += _element(outcome.outcome)
        for part in outcome.parts:
            lines += _element(part)
    return "\n".join(lines).rstrip("\n") + "\n"
