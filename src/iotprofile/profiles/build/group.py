"""Group: rank the target's sub-outcomes for each requirement, with scores and the reasons behind them.

The scorer is a small, explainable model that runs on a CPU with the core install (scikit-learn's TF-IDF over
the terms of :mod:`.text`). Three signals are mixed for each requirement ``q`` and leaf element ``e``:

* *definition*: cosine of ``q`` with what ``e`` says (its text, its sub-outcome's and its outcome's);
* *centroid*: cosine of ``q`` with the mean of every requirement labeled ``e`` (crosswalks, accepted reviews);
* *neighbours*: the labels of the ``k`` most similar labeled requirements, weighted by similarity.

Labels "nothing fits" take part as neighbours too, so a requirement that resembles known unmapped ones (pure
functionality, resilience) loses score and may fall below the threshold, where Group abstains: it proposes
nothing rather than a guess. The weights were chosen by leave-one-standard-out over the labeled mappings the
project ships (``benchmarks/grouping.py``) and are not fitted to any one standard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iotprofile.profiles.build.labels import Label, Target
from iotprofile.profiles.build.requirements import Requirement
from iotprofile.profiles.build.text import terms

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Label used for "nothing fits" inside the model.
_NONE = "\x00none"


@dataclass(frozen=True)
class GroupSettings:
    """The scorer's weights and the abstention threshold."""

    #: Weight of the similarity with the element's own definition.
    definition: float = 0.5
    #: Weight of the similarity with the centroid of the element's labeled requirements.
    centroid: float = 0.15
    #: Weight of the similarity-weighted vote of the nearest labeled requirements.
    neighbours: float = 1.0
    #: How many labeled neighbours vote.
    k: int = 20
    #: Weight of the evidence for the element's whole outcome (the sum of its leaves' scores).
    outcome: float = 0.25
    #: Below this best score, Group abstains (proposes no element).
    threshold: float = 0.05
    #: Group also abstains when at least this share of the neighbours' vote says "nothing fits".
    nothing_share: float = 0.4


@dataclass(frozen=True)
class Neighbour:
    """A labeled requirement that resembles the one being grouped."""

    key: str
    similarity: float
    origin: str


@dataclass(frozen=True)
class Candidate:
    """One suggested element for a requirement, with why."""

    element: str
    score: float
    #: The terms shared with the element's definition and labeled requirements, strongest first.
    terms: tuple[str, ...] = ()
    #: The labeled requirements with this element that most resemble the requirement.
    neighbours: tuple[Neighbour, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """Group's answer for one requirement: candidates best first; empty means it abstains."""

    requirement: str
    candidates: tuple[Candidate, ...]
    #: The best score seen, even when it abstains (below the threshold).
    best_score: float = 0.0

    @property
    def abstained(self) -> bool:
        """Whether Group proposes nothing for this requirement."""
        return not self.candidates


@dataclass
class Grouper:
    """A Group model for one target, fitted on labeled requirements."""

    target: Target
    labels: Sequence[Label]
    settings: GroupSettings = field(default_factory=GroupSettings)

    def __post_init__(self) -> None:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._elements = [leaf.id for leaf in self.target.leaves]
        self._index = {element: position for position, element in enumerate(self._elements)}
        self._outcome_matrix = np.zeros((len(self._elements), len(self._elements)))
        for i, first in enumerate(self._elements):
            for j, second in enumerate(self._elements):
                if self.target.outcome_of[first] == self.target.outcome_of[second]:
                    self._outcome_matrix[i, j] = 1.0
        usable = [label for label in self.labels if label.element is None or label.element in self._index]
        definitions = [self.target.describe(element) for element in self._elements]
        self._vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True)
        self._vectorizer.fit([*definitions, *(label.text for label in usable)])
        self._features = self._vectorizer.get_feature_names_out()
        self._definitions = self._vectorizer.transform(definitions)
        self._examples = self._vectorizer.transform([label.text for label in usable]) if usable else None
        self._example_labels = [label.element or _NONE for label in usable]
        self._example_keys = [label.key for label in usable]
        self._example_origins = [label.origin for label in usable]
        centroids = np.zeros((len(self._elements), len(self._features)))
        if self._examples is not None:
            for element, position in self._index.items():
                rows = [i for i, label in enumerate(self._example_labels) if label == element]
                if rows:
                    mean = np.asarray(self._examples[rows].mean(axis=0)).ravel()
                    norm = np.linalg.norm(mean)
                    centroids[position] = mean / norm if norm else mean
        self._centroids = centroids

    def _scores(self, texts: Sequence[str]) -> tuple[Any, NDArray[Any], NDArray[Any], NDArray[Any]]:
        """(query matrix, element scores n x E, example similarities n x m, "nothing fits" share of the vote)."""
        import numpy as np

        queries = self._vectorizer.transform(texts)
        settings = self.settings
        definition = (queries @ self._definitions.T).toarray()
        centroid = np.asarray(queries @ self._centroids.T)
        scores = settings.definition * definition + settings.centroid * centroid
        if self._examples is None:
            return queries, scores, np.zeros((len(texts), 0)), np.zeros(len(texts))
        similarity = (queries @ self._examples.T).toarray()
        k = min(settings.k, similarity.shape[1])
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        votes = np.zeros_like(scores)
        nothing = np.zeros(len(texts))
        for row, columns in enumerate(nearest):
            weights = similarity[row, columns]
            total = weights.sum()
            if total <= 0:
                continue
            # The vote is as strong as the closest neighbour that names an element: a close "nothing fits"
            # neighbour (a rejection) must not lend its similarity to the others' votes.
            labeled = [w for c, w in zip(columns, weights, strict=True) if self._example_labels[c] != _NONE]
            strength = max(labeled, default=0.0)
            for column, weight in zip(columns, weights, strict=True):
                label = self._example_labels[column]
                if label == _NONE:
                    nothing[row] += weight / total
                else:
                    votes[row, self._index[label]] += strength * weight / total
        scores = scores + settings.neighbours * votes
        if settings.outcome:
            scores = scores + settings.outcome * (scores @ self._outcome_matrix)
        return queries, scores, similarity, nothing

    def suggest(self, requirements: Sequence[Requirement], *, top: int = 3, explain: bool = True) -> list[Suggestion]:
        """Candidates for each requirement, best first, at most ``top``; none where the best is below threshold."""
        import numpy as np

        if not requirements:
            return []
        queries, scores, similarity, nothing = self._scores([_query_text(requirement) for requirement in requirements])
        suggestions: list[Suggestion] = []
        for row, requirement in enumerate(requirements):
            order = np.argsort(-scores[row], kind="stable")[:top]
            best = float(scores[row, order[0]])
            if best < self.settings.threshold or nothing[row] >= self.settings.nothing_share:
                suggestions.append(Suggestion(requirement.key, (), round(best, 4)))
                continue
            candidates = tuple(
                self._candidate(queries[row], similarity[row], int(column), float(scores[row, column]), explain)
                for column in order
                if scores[row, column] > 0
            )
            suggestions.append(Suggestion(requirement.key, candidates, round(best, 4)))
        return suggestions

    def raw_scores(self, requirements: Sequence[Requirement], *, top: int = 5) -> dict[str, dict[str, float]]:
        """The ``top`` scores of each requirement, thresholds ignored (Expand places proposals with them)."""
        import numpy as np

        if not requirements:
            return {}
        _, scores, _, _ = self._scores([_query_text(requirement) for requirement in requirements])
        table: dict[str, dict[str, float]] = {}
        for row, requirement in enumerate(requirements):
            order = np.argsort(-scores[row], kind="stable")[:top]
            table[requirement.key] = {self._elements[i]: float(scores[row, i]) for i in order if scores[row, i] > 0}
        return table

    def _candidate(self, query: Any, similarity: NDArray[Any], column: int, score: float, explain: bool) -> Candidate:
        import numpy as np

        element = self._elements[column]
        if not explain:
            return Candidate(element, round(score, 4))
        dense = np.asarray(query.toarray()).ravel()
        weight = dense * (self._definitions[column].toarray().ravel() + self._centroids[column])
        shared = [int(i) for i in np.argsort(-weight)[:6] if weight[i] > 0]
        neighbours = sorted(
            (
                Neighbour(self._example_keys[i], round(float(similarity[i]), 4), self._example_origins[i])
                for i, label in enumerate(self._example_labels)
                if label == element and similarity[i] > 0
            ),
            key=lambda item: -item.similarity,
        )[:3]
        return Candidate(
            element, round(score, 4), tuple(_readable(self._features[i]) for i in shared), tuple(neighbours)
        )


def _query_text(requirement: Requirement) -> str:
    return " ".join(part for part in (requirement.title, requirement.section, requirement.text) if part)


def _readable(feature: str) -> str:
    from iotprofile.profiles.build.text import readable

    return readable(feature)


def tfidf_baseline(target: Target, requirements: Sequence[Requirement], *, top: int = 3) -> list[Suggestion]:
    """The plain baseline the benchmark compares with: TF-IDF cosine with each element's text, nothing learned."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from iotprofile.profiles.build.text import plain_terms

    elements = [leaf.id for leaf in target.leaves]
    vectorizer = TfidfVectorizer(analyzer=plain_terms)
    definitions = vectorizer.fit_transform([_text_of(leaf.id, target) for leaf in target.leaves])
    scores = (vectorizer.transform([requirement.text for requirement in requirements]) @ definitions.T).toarray()
    out: list[Suggestion] = []
    for row, requirement in enumerate(requirements):
        order = np.argsort(-scores[row], kind="stable")[:top]
        out.append(
            Suggestion(
                requirement.key,
                tuple(Candidate(elements[i], round(float(scores[row, i]), 4)) for i in order if scores[row, i] > 0),
                float(scores[row, order[0]]),
            )
        )
    return out


def _text_of(element_id: str, target: Target) -> str:
    element = target.document.get(element_id)
    return (element.text or element.summary or element.title or element_id) if element else element_id
