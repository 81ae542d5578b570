"""Group: candidates best first, a profile offers its base's elements plus its own, abstention, explanations,
feedback from review, and an honest quality floor (leave one standard out, against plain TF-IDF)."""

from __future__ import annotations

import pytest
from tests.factories import requirement

from iotprofile.profiles.build.evaluation import leave_one_standard_out, pooled, sub_outcome
from iotprofile.profiles.build.group import Grouper, GroupSettings, tfidf_baseline
from iotprofile.profiles.build.labels import Label, Target, without_standard

PRESERVE_CONFIG = requirement("R1", "Configuration settings must be preserved when a software update is applied.")
LED = requirement("R2", "The LED should be blue.")
PASSWORD = requirement("R3", "Administrator passwords must be at least 12 characters long.")


def elements(grouper: Grouper, text: str, *, top: int = 3) -> list[str]:
    (suggestion,) = grouper.suggest([requirement("Q", text)], top=top, explain=False)
    return [candidate.element for candidate in suggestion.candidates]


def test_candidates_are_best_first_and_at_most_top(grouper_8425: Grouper, target_8425: Target) -> None:
    leaves = {leaf.id for leaf in target_8425.leaves}
    for top in (1, 3, 5):
        for suggestion in grouper_8425.suggest([PRESERVE_CONFIG, PASSWORD], top=top):
            scores = [candidate.score for candidate in suggestion.candidates]
            assert 1 <= len(scores) <= top
            assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)
            assert {candidate.element for candidate in suggestion.candidates} <= leaves
    assert elements(grouper_8425, PASSWORD.text)[0] == "IAC-1b"


def test_a_profile_offers_its_own_sub_outcomes_beside_its_base(grouper_8425: Grouper, grouper_8425a: Grouper) -> None:
    assert "SU-3" in elements(grouper_8425a, PRESERVE_CONFIG.text)
    # NIST IR 8425 has no SU-3: it is never offered, however many candidates are asked for.
    under_8425 = elements(grouper_8425, PRESERVE_CONFIG.text, top=20)
    assert under_8425 and "SU-3" not in under_8425 and "CSA-2" not in under_8425
    # 8425A still offers every 8425 leaf.
    assert set(elements(grouper_8425a, PASSWORD.text)) == set(elements(grouper_8425, PASSWORD.text))


def test_target_of_a_profile_has_its_base_leaves_and_its_own(target_8425: Target, target_8425a: Target) -> None:
    base = {leaf.id for leaf in target_8425.leaves}
    assert {leaf.id for leaf in target_8425a.leaves} == base | {"SU-3", "CSA-2"}
    assert target_8425a.lineage == ("nist-ir-8425a", "nist-ir-8425")
    assert target_8425a.outcome_of["SU-3"] == "SU" and target_8425a.outcome_of["IAC-1b"] == "IAC"


def test_abstains_on_an_out_of_scope_requirement(grouper_8425: Grouper) -> None:
    led, password = grouper_8425.suggest([LED, PASSWORD])
    assert led.abstained and led.candidates == ()
    assert led.best_score < GroupSettings().threshold
    assert not password.abstained


def test_a_lower_threshold_proposes_where_the_default_abstains(target_8425: Target, labels_8425: list[Label]) -> None:
    text = "The router's LEDs should be dimmable from the app and switched off at night."
    strict = Grouper(target_8425, labels_8425, GroupSettings(threshold=0.9))
    assert strict.suggest([requirement("Q", text)])[0].abstained
    assert elements(Grouper(target_8425, labels_8425, GroupSettings(threshold=0.0)), text)


def test_raw_scores_ignore_the_threshold(target_8425: Target, labels_8425: list[Label]) -> None:
    strict = Grouper(target_8425, labels_8425, GroupSettings(threshold=0.9))
    (suggestion,) = strict.suggest([PRESERVE_CONFIG])
    assert suggestion.abstained
    raw = strict.raw_scores([PRESERVE_CONFIG], top=4)[PRESERVE_CONFIG.key]
    assert 1 <= len(raw) <= 4 and max(raw.values()) == pytest.approx(suggestion.best_score, abs=1e-4)


def test_explanations_name_terms_and_labeled_neighbours(grouper_8425: Grouper, labels_8425: list[Label]) -> None:
    (explained,) = grouper_8425.suggest([PASSWORD], explain=True)
    best = explained.candidates[0]
    assert best.terms and any("password" in term for term in best.terms)
    assert best.neighbours
    labeled = {(label.key, label.element) for label in labels_8425}
    assert all((n.key, best.element) in labeled for n in best.neighbours)
    assert [n.similarity for n in best.neighbours] == sorted((n.similarity for n in best.neighbours), reverse=True)
    (plain,) = grouper_8425.suggest([PASSWORD], explain=False)
    assert plain.candidates[0].terms == () and plain.candidates[0].neighbours == ()
    assert [c.element for c in plain.candidates] == [c.element for c in explained.candidates]


def test_suggestions_are_deterministic(target_8425: Target, labels_8425: list[Label], grouper_8425: Grouper) -> None:
    again = Grouper(target_8425, labels_8425)
    reqs = [PRESERVE_CONFIG, LED, PASSWORD]
    assert again.suggest(reqs) == grouper_8425.suggest(reqs)


def test_a_reviewed_label_pulls_a_near_identical_requirement(target_8425: Target, labels_8425: list[Label]) -> None:
    reviewed = "The router must log administrator logins and configuration changes."
    similar = "The router shall log administrator logins and changes to its configuration."
    before = elements(Grouper(target_8425, labels_8425), similar)
    assert before[0] != "CSA-1"  # without the decision, Group would put it elsewhere first
    decision = Label("t-std:X", "t-std", reviewed, "CSA-1", "review")
    assert elements(Grouper(target_8425, [*labels_8425, decision]), similar)[0] == "CSA-1"


def test_a_rejection_lowers_the_score_of_similar_requirements(target_8425: Target, labels_8425: list[Label]) -> None:
    query = [requirement("Q", "The router's LEDs should be dimmable from the app.")]
    (before,) = Grouper(target_8425, labels_8425).suggest(query)
    rejected = Label("t-std:X", "t-std", "The router LEDs should be dimmable from the mobile app.", None, "review")
    (after,) = Grouper(target_8425, [*labels_8425, rejected]).suggest(query)
    assert after.best_score < before.best_score


# ------------------------------------------------------------------------------------------------ quality floor


def test_group_beats_plain_tfidf_leaving_each_standard_out(target_8425: Target, labels_8425: list[Label]) -> None:
    model = pooled(leave_one_standard_out(target_8425, labels_8425))
    baseline = pooled(leave_one_standard_out(target_8425, labels_8425, baseline=tfidf_baseline))
    assert model.requirements == baseline.requirements > 0
    assert model.top3_sub_outcome > baseline.top3_sub_outcome
    assert model.top1_outcome > baseline.top1_outcome


def test_a_held_out_standard_is_never_its_own_neighbour(target_8425: Target, labels_8425: list[Label]) -> None:
    standard = "etsi-en-303-645"
    own = [label for label in labels_8425 if label.standard == standard]
    assert own
    grouper = Grouper(target_8425, without_standard(labels_8425, standard))
    queries = [requirement(label.key.partition(":")[2], label.text, standard=standard) for label in own[:40]]
    for suggestion in grouper.suggest(queries, explain=True):
        for candidate in suggestion.candidates:
            assert not [n.key for n in candidate.neighbours if n.key.startswith(f"{standard}:")]


def test_sub_outcome_of_leaves() -> None:
    assert [sub_outcome(e) for e in ("IAC-1b", "PEA-1.3", "DP-1", "SU-3")] == ["IAC-1", "PEA-1", "DP-1", "SU-3"]
