"""Expand: requirements that fit no sub-outcome become proposals for new sub-outcomes.

NIST's router profile gained Software Update 3 (configuration preserved across updates) and Cybersecurity State
Awareness 2 (informing about or responding to changes) this way. Here the requirements Group abstained on, and
those a reviewer rejected every suggestion for, are clustered by their terms; each cluster becomes a proposal:

* placed under the outcome whose elements score highest for its members together (Group's scores, even below the
  threshold), numbered after that outcome's last sub-outcome (``SU-3`` after ``SU-2``);
* with a draft statement, generated from the cluster's dominant concept and terms and marked as such: a person
  writes the final wording when reviewing the proposal;
* listing its member requirements, so the proposal is traceable to them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iotprofile.profiles.build.consolidate import CONCEPT_NAMES
from iotprofile.profiles.build.labels import Target
from iotprofile.profiles.build.requirements import Requirement
from iotprofile.profiles.build.text import concepts, terms, words


@dataclass(frozen=True)
class Proposal:
    """A proposed new sub-outcome."""

    id: str
    parent: str
    statement: str
    #: The requirement keys behind it.
    members: tuple[str, ...]
    #: The concept and terms the statement was drafted from.
    topic: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class ExpandSettings:
    """Clustering of the left-over requirements."""

    #: Cosine distance below which clusters merge.
    cluster_distance: float = 0.8
    #: A cluster needs this many requirements to become a proposal; smaller ones are listed as unplaced.
    min_members: int = 2


def _next_id(target: Target, outcome: str, taken: set[str]) -> str:
    numbers = [
        int(match.group(1))
        for element in target.document.elements
        if (match := re.fullmatch(rf"{re.escape(outcome)}-(\d+)", element.id))
    ]
    number = max(numbers, default=0) + 1
    while f"{outcome}-{number}" in taken:
        number += 1
    return f"{outcome}-{number}"


def _outcome_for(members: Sequence[str], scores: Mapping[str, Mapping[str, float]], target: Target) -> str:
    totals: dict[str, float] = {}
    for key in members:
        for element, score in scores.get(key, {}).items():
            outcome = target.outcome_of.get(element, element)
            totals[outcome] = totals.get(outcome, 0.0) + score
    if totals:
        return max(totals.items(), key=lambda item: item[1])[0]
    return target.outcome_of[target.leaves[0].id]


def _statement(topic: str | None, central: str) -> str:
    """A draft to be rewritten by a person: the topic, and the member requirement closest to the others."""
    first = re.split(r"(?<=[.;])\s", central.strip(), maxsplit=1)[0].rstrip(".;")
    if len(first) > 200:
        first = first[:197].rsplit(" ", 1)[0] + "..."
    if topic is None:
        return f"The IoT product meets requirements such as: {first}."
    return f"The IoT product addresses {topic}, as in: {first}."


def _central(matrix: Any, rows: Sequence[int]) -> int:
    """The member most similar to the others (the first, for one or two members)."""
    if len(rows) < 3:
        return rows[0]
    block = matrix[list(rows)]
    totals = (block @ block.T).toarray().sum(axis=1)
    return rows[int(totals.argmax())]


def expand(
    target: Target,
    leftovers: Sequence[Requirement],
    scores: Mapping[str, Mapping[str, float]],
    *,
    settings: ExpandSettings | None = None,
) -> list[Proposal]:
    """Proposals for ``leftovers`` (requirements no element took), most members first.

    ``scores`` holds Group's scores per requirement and element (unthresholded) to place each proposal under
    the outcome its members lean to.
    """
    if not leftovers:
        return []
    settings = settings or ExpandSettings()
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [requirement.text for requirement in leftovers]
    vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    if len(leftovers) == 1:
        labels = [0]
    else:
        dense = matrix.toarray()
        empty = [row for row in range(len(leftovers)) if not dense[row].any()]
        if empty:
            dense[empty, 0] = 1e-9
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=settings.cluster_distance
        )
        labels = [int(label) for label in model.fit_predict(dense)]
    clusters: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        clusters.setdefault(label, []).append(row)
    display = TfidfVectorizer(analyzer=words)
    try:
        word_matrix = display.fit_transform(texts)
        word_features = display.get_feature_names_out()
    except ValueError:  # texts without any content word
        word_matrix, word_features = None, []
    taken: set[str] = set()
    proposals: list[Proposal] = []
    for rows in sorted(clusters.values(), key=lambda rows: (-len(rows), rows[0])):
        if len(rows) < settings.min_members:
            continue
        members = tuple(leftovers[row].key for row in rows)
        top_terms: tuple[str, ...] = ()
        if word_matrix is not None:
            weights = word_matrix[rows].sum(axis=0).A1
            top_terms = tuple(str(word_features[i]) for i in weights.argsort()[::-1][:3] if weights[i] > 0)
        shared = Counter(concept for row in rows for concept in concepts(leftovers[row].text))
        topic = CONCEPT_NAMES.get(shared.most_common(1)[0][0], "") if shared else ""
        central = leftovers[_central(matrix, rows)].text
        statement = _statement(topic or None, central)
        if not topic:
            opening = central.split()[:6]
            topic = " ".join(opening).rstrip(".,;:") + ("..." if len(central.split()) > len(opening) else "")
        outcome = _outcome_for(members, scores, target)
        proposal_id = _next_id(target, outcome, taken)
        taken.add(proposal_id)
        proposals.append(
            Proposal(
                id=proposal_id,
                parent=outcome,
                statement=statement,
                members=members,
                topic=topic,
                terms=top_terms,
            )
        )
    return proposals
