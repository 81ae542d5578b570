"""Consolidate: within each sub-outcome, find the concept groups and how each pair of requirements relates.

NIST's router analysis found four concept groups under Data Protection 1 (encryption or hashing, storage
capabilities, cryptographic agility, physical security) and checked whether requirements "complement or
contradict" each other. Here, for the requirements grouped under one element:

* **concept groups**: requirements are clustered by their terms (agglomerative clustering, cosine distance) and
  each cluster is named after the concept most of its members share (:data:`CONCEPT_NAMES`), or its top terms;
* **pairs**: every pair is classified, first rule that holds wins:

  1. ``contradictory``: one forbids what the other requires (same subject, opposite polarity), or the two set
     values of the same parameter that no product can meet at once (a floor above a ceiling);
  2. ``stricter``: both set the same parameter and one sets the stricter value (the reason names the parameter
     and the stricter side); a floor and a compatible ceiling of one parameter set a range (``complementary``);
  3. ``equivalent``: they say the same thing (high similarity, same polarity, no differing values);
  4. ``complementary``: same concept group, or a shared concept or enough shared terms: together they say more;
  5. ``unrelated``: nothing in common beyond the sub-outcome.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from iotprofile.catalog.vocabulary import Strength
from iotprofile.profiles.build.parameters import Bound, Parameter, bounds, incompatible, stricter_of
from iotprofile.profiles.build.requirements import Requirement
from iotprofile.profiles.build.text import concepts, normalise, readable, stems, terms, words


class Relation(StrEnum):
    """How two requirements under the same sub-outcome relate."""

    EQUIVALENT = "equivalent"
    COMPLEMENTARY = "complementary"
    STRICTER = "stricter"
    CONTRADICTORY = "contradictory"
    UNRELATED = "unrelated"


#: Human names of the concepts of :mod:`.text`, used to name concept groups.
CONCEPT_NAMES: dict[str, str] = {
    "@authenticator": "passwords and credentials",
    "@authentication": "authentication",
    "@default_credentials": "default credentials",
    "@privilege": "privileges",
    "@authorization": "authorisation and access control",
    "@interface_minimization": "unneeded interfaces and services",
    "@network_filtering": "network filtering and isolation",
    "@input_validation": "input validation",
    "@onboarding": "onboarding and pairing",
    "@cryptography": "encryption or hashing",
    "@storage": "storage capabilities",
    "@physical": "physical security",
    "@web_headers": "browser security mechanisms",
    "@transit": "protection in transit",
    "@deletion": "data deletion",
    "@factory_reset": "reset to secure defaults",
    "@configuration": "configuration",
    "@update_integrity": "update integrity and authenticity",
    "@update": "software updates",
    "@update_timeliness": "timely updates",
    "@logging": "logging and monitoring",
    "@alerting": "alerts and notices",
    "@identification": "identification",
    "@inventory": "component inventory",
    "@vulnerability_reporting": "vulnerability reporting",
    "@vulnerability_notice": "vulnerability and incident notices",
    "@support_period": "support period",
    "@user_information": "information for users",
    "@documentation": "documentation and process",
    "@disposal": "disposal and transfer",
    "@resilience": "resilience",
    "@remote_management": "remote management",
}

#: Words that make a requirement forbid (negative) or require/enable (positive) its subject.
_NEGATIVE = re.compile(
    r"\b(must not|shall not|should not|may not|do not|does not|don't|not be|never|no longer|"
    r"disabled?|disallow\w*|prohibit\w*|forbid\w*|"
    r"prevent\w*|block\w*|den(y|ies|ied)|reject\w*|refuse\w*|remov\w*|turn(ed)? off|switch(ed)? off|off by default|"
    r"not (enable|allow|permit|support|use|expose|activate)\w*)\b"
)
_POSITIVE = re.compile(r"\b(enabled?|allow\w*|permit\w*|support\w*|activat\w*|on by default|turn(ed)? on|provide\w*)\b")
#: Features a product switches on or off: requirements that name the same one with opposite polarity conflict.
_SWITCHABLE = re.compile(
    r"\b(telnet|t?ftp|upnp|wps|ssh|snmp|debug\w*|remote (?:management|access|administration)|port forwarding|"
    r"guest (?:network|access)|dmz|tr-?069|usb|bluetooth|wep|wpa2?|jtag|uart|serial console)\b"
)
#: An insecure way of doing something: a requirement that forbids it ("not stored in plain text") asks for the
#: secure way, which complements, not contradicts, one requiring that way ("stored hashed with a salt").
_INSECURE_MANNER = re.compile(
    r"\b(in (?:plain|clear) ?text|plain-?text|clear-?text|in the clear|unencrypted|unprotected|hard-?coded|"
    r"unauthenticated|without (?:authentication|encryption)|insecure\w*|in an? (?:insecure|unsafe) (?:way|manner))\b"
)
#: Words that only carry polarity; left out when comparing what two requirements are about.
_POLARITY_STEMS = frozenset(
    stems(
        "disable disabled disallow prohibit forbid prevent block deny reject refuse remove turn off switch "
        "enable enabled allow permit activate default never longer"
    )
)


@dataclass(frozen=True)
class ConceptGroup:
    """Requirements under one element that are about the same thing."""

    name: str
    requirements: tuple[str, ...]
    #: The terms its members share most, for the reader.
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    """How two requirements under one element relate, and why."""

    element: str
    a: str
    b: str
    relation: Relation
    reason: str
    #: For ``stricter`` and value conflicts: the parameter compared.
    parameter: str | None = None
    #: For ``stricter``: which requirement is stricter (``a`` or ``b``'s ID).
    stricter: str | None = None


@dataclass(frozen=True)
class ElementConsolidation:
    """Consolidate's result for one element."""

    element: str
    requirements: tuple[str, ...]
    groups: tuple[ConceptGroup, ...]
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class ConsolidateSettings:
    """Thresholds of the pair rules and the clustering."""

    #: Term similarity at or above which two requirements say the same thing.
    equivalent: float = 0.6
    #: Term similarity at or above which two requirements share a subject (for contradictions).
    same_subject: float = 0.3
    #: Term similarity at or above which two requirements complement each other even across concept groups.
    related: float = 0.08
    #: Cosine distance below which clusters merge into one concept group.
    cluster_distance: float = 0.85


def polarity(text: str, strength: Strength | None) -> int:
    """-1 if the requirement forbids its subject, 1 if it requires or enables it."""
    if strength in {Strength.SHALL_NOT, Strength.SHOULD_NOT}:
        return -1
    lowered = normalise(text)
    negative = len(_NEGATIVE.findall(lowered))
    positive = len(_POSITIVE.findall(lowered))
    return -1 if negative > positive else 1


def _subject_terms(text: str) -> list[str]:
    return [term for term in terms(text) if not set(term.split("_")) & _POLARITY_STEMS]


class Consolidator:
    """Concept groups and pair relations for requirements already grouped under elements."""

    def __init__(self, settings: ConsolidateSettings | None = None) -> None:
        self.settings = settings or ConsolidateSettings()

    def consolidate(
        self,
        grouped: Mapping[str, Sequence[Requirement]],
        strengths: Mapping[str, Strength | None],
        *,
        name: Mapping[str, str] | None = None,
    ) -> list[ElementConsolidation]:
        """One result per element, in the order of ``grouped``. ``name`` maps a key to how pairs cite it."""
        cite = dict(name or {})
        return [
            self._element(element, requirements, strengths, cite)
            for element, requirements in grouped.items()
            if requirements
        ]

    def _element(
        self,
        element: str,
        requirements: Sequence[Requirement],
        strengths: Mapping[str, Strength | None],
        cite: dict[str, str],
    ) -> ElementConsolidation:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [requirement.text for requirement in requirements]
        vectorizer = TfidfVectorizer(analyzer=_subject_terms, sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # no terms at all (texts of stop words only)
            matrix = None
        similarity = (matrix @ matrix.T).toarray() if matrix is not None else None
        labels = self._clusters(matrix, len(requirements))
        groups = self._name_groups(requirements, labels, vectorizer if matrix is not None else None, matrix)
        group_of = {key: group.name for group in groups for key in group.requirements}
        found = [bounds(text) for text in texts]
        kinds = [set(concepts(text)) for text in texts]
        pairs: list[Pair] = []
        for i, j in itertools.combinations(range(len(requirements)), 2):
            first, second = requirements[i], requirements[j]
            sim = float(similarity[i, j]) if similarity is not None else 0.0
            pairs.append(
                self._pair(
                    element,
                    (cite.get(first.key, first.key), first, strengths.get(first.key), found[i], kinds[i]),
                    (cite.get(second.key, second.key), second, strengths.get(second.key), found[j], kinds[j]),
                    sim,
                    same_group=group_of.get(first.key) == group_of.get(second.key),
                )
            )
        return ElementConsolidation(
            element=element,
            requirements=tuple(cite.get(requirement.key, requirement.key) for requirement in requirements),
            groups=tuple(
                ConceptGroup(group.name, tuple(cite.get(key, key) for key in group.requirements), group.terms)
                for group in groups
            ),
            pairs=tuple(pairs),
        )

    def _clusters(self, matrix: Any, count: int) -> list[int]:
        if matrix is None or count < 2:
            return [0] * count
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=self.settings.cluster_distance,
        )
        dense = matrix.toarray()
        # Rows without any term have no direction; give them their own cluster instead of a cosine of 0/0.
        empty = [row for row in range(count) if not dense[row].any()]
        if empty:
            dense[empty, 0] = 1e-9
        return [int(label) for label in model.fit_predict(dense)]

    def _name_groups(
        self, requirements: Sequence[Requirement], labels: list[int], vectorizer: Any, matrix: Any
    ) -> list[ConceptGroup]:
        members: dict[int, list[int]] = {}
        for row, label in enumerate(labels):
            members.setdefault(label, []).append(row)
        # Clusters that share a dominant concept form one group: the name is the group.
        named: dict[str, tuple[list[int], list[str]]] = {}
        # Ties go to the concept rarer among the element's requirements: the more specific one names the group.
        frequency = Counter(concept for requirement in requirements for concept in concepts(requirement.text))
        for rows in sorted(members.values(), key=lambda rows: rows[0]):
            shared = Counter(concept for row in rows for concept in concepts(requirements[row].text))
            top_terms: list[str] = []
            if vectorizer is not None:
                weights = matrix[rows].sum(axis=0).A1
                features = vectorizer.get_feature_names_out()
                top_terms = [
                    readable(str(features[i]))
                    for i in weights.argsort()[::-1][:4]
                    if weights[i] > 0 and not str(features[i]).startswith("@")
                ]
            if shared:
                best = max(shared.items(), key=lambda item: (item[1], -frequency[item[0]], item[0]))[0]
                name = CONCEPT_NAMES.get(best, best.lstrip("@"))
            else:
                name = ", ".join(words(" ".join(requirements[row].text for row in rows))[:2]) or "other"
            entry = named.setdefault(name, ([], []))
            entry[0].extend(rows)
            entry[1].extend(term for term in top_terms if term not in entry[1])
        return [
            ConceptGroup(name, tuple(requirements[row].key for row in sorted(rows)), tuple(found[:4]))
            for name, (rows, found) in named.items()
        ]

    def _pair(
        self,
        element: str,
        first: tuple[str, Requirement, Strength | None, list[Bound], set[str]],
        second: tuple[str, Requirement, Strength | None, list[Bound], set[str]],
        sim: float,
        *,
        same_group: bool,
    ) -> Pair:
        decided = self._conflict_or_stricter(element, first, second, sim)
        if decided is not None:
            return decided
        a, b = first[0], second[0]
        kinds_a, kinds_b = first[4], second[4]
        settings = self.settings
        if sim >= settings.equivalent:
            return Pair(element, a, b, Relation.EQUIVALENT, f"they say the same thing (term similarity {sim:.2f})")
        shared = sorted(kinds_a & kinds_b)
        if same_group or shared or sim >= settings.related:
            if shared:
                topics = ", ".join(CONCEPT_NAMES.get(kind, kind) for kind in shared[:3])
                reason = f"different requirements on a shared topic ({topics}); together they ask for more"
            else:
                reason = f"same concept group, different requirements (term similarity {sim:.2f})"
            return Pair(element, a, b, Relation.COMPLEMENTARY, reason)
        return Pair(
            element,
            a,
            b,
            Relation.UNRELATED,
            f"no shared topic or terms beyond the sub-outcome (term similarity {sim:.2f})",
        )

    def _conflict_or_stricter(
        self,
        element: str,
        first: tuple[str, Requirement, Strength | None, list[Bound], set[str]],
        second: tuple[str, Requirement, Strength | None, list[Bound], set[str]],
        sim: float,
    ) -> Pair | None:
        """Rules 1 and 2: contradictory (values, polarity) and stricter; None when neither holds."""
        a, req_a, strength_a, bounds_a, _ = first
        b, req_b, strength_b, bounds_b, _ = second
        settings = self.settings
        for bound_a in bounds_a:
            for bound_b in bounds_b:
                if bound_a.comparable(bound_b) and incompatible(bound_a, bound_b):
                    return Pair(
                        element,
                        a,
                        b,
                        Relation.CONTRADICTORY,
                        f"incompatible values of {bound_a.parameter.value}: {a} sets {bound_a.describe()} "
                        f"('{bound_a.phrase}'), {b} sets {bound_b.describe()} ('{bound_b.phrase}')",
                        parameter=bound_a.parameter.value,
                    )
        polarity_a, polarity_b = polarity(req_a.text, strength_a), polarity(req_b.text, strength_b)
        features = set(_SWITCHABLE.findall(normalise(req_a.text))) & set(_SWITCHABLE.findall(normalise(req_b.text)))
        if polarity_a != polarity_b and features:
            forbids, requires = (a, b) if polarity_a < 0 else (b, a)
            return Pair(
                element,
                a,
                b,
                Relation.CONTRADICTORY,
                f"{forbids} forbids or disables {', '.join(sorted(features))}, which {requires} requires or allows",
            )
        forbidding = req_a.text if polarity_a < 0 else req_b.text
        # Both set compatible TLS floors ("disable TLS 1.0 and 1.1" / "TLS 1.2 or higher"): forbidding old versions
        # is how a floor is worded, so the values decide (rule 2 below), not the wording.
        same_quantity = any(
            bound_a.parameter is Parameter.TLS_VERSION and bound_a.comparable(bound_b)
            for bound_a in bounds_a
            for bound_b in bounds_b
        )
        if (
            polarity_a != polarity_b
            and sim >= settings.same_subject
            and not same_quantity
            and not _INSECURE_MANNER.search(normalise(forbidding))
        ):
            forbids, requires = (a, b) if polarity_a < 0 else (b, a)
            return Pair(
                element,
                a,
                b,
                Relation.CONTRADICTORY,
                f"{forbids} forbids or disables what {requires} requires or enables (same subject, "
                f"term similarity {sim:.2f})",
            )
        ranges: list[tuple[Bound, Bound]] = []
        for bound_a in bounds_a:
            for bound_b in bounds_b:
                if bound_a.comparable(bound_b) and bound_a.value != bound_b.value:
                    side = stricter_of(bound_a, bound_b)
                    if side == 0:  # a floor beside a ceiling: a range, neither stricter
                        ranges.append((bound_a, bound_b))
                        continue
                    stricter = a if side < 0 else b
                    return Pair(
                        element,
                        a,
                        b,
                        Relation.STRICTER,
                        f"{stricter} is stricter on {bound_a.parameter.value}: {a} sets {bound_a.describe()}, "
                        f"{b} sets {bound_b.describe()}",
                        parameter=bound_a.parameter.value,
                        stricter=stricter,
                    )
        if ranges:
            # Different values are never "the same thing": a floor and a ceiling together set a range.
            low, high = ranges[0]
            return Pair(
                element,
                a,
                b,
                Relation.COMPLEMENTARY,
                f"together they set a range of {low.parameter.value}: {a} sets {low.describe()}, "
                f"{b} sets {high.describe()}",
                parameter=low.parameter.value,
            )
        return None
