"""Group and Consolidate, measured honestly: ``python benchmarks/grouping.py`` (also part of ``make bench``).

Group: leave one standard out over every labeled mapping the project ships (train on all standards but one,
score the one left out), against IR 8425A; top-1 / top-3 accuracy at outcome, sub-outcome and exact-element level,
abstention precision and recall; the same for a plain TF-IDF cosine baseline (element texts only, nothing
learned). Throughput: requirements per second once the model is fitted, and whole ``profile group`` processes.

Consolidate: pair-relation accuracy on ``benchmarks/data/pairs.csv``, hand-labeled pairs written for this
benchmark from generic IoT security wording (not taken from any standard's test data).
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TARGET_TOP3_SUB_OUTCOME = 0.85
TARGET_TOP1_OUTCOME = 0.85
TARGET_PAIRS = 0.80
TARGET_PER_SECOND = 500
PAIRS = Path(__file__).parent / "data" / "pairs.csv"


def _line(name: str, score: object) -> str:
    from iotprofile.profiles.build.evaluation import GroupScore

    assert isinstance(score, GroupScore)
    precision = "   -  " if score.abstention_precision is None else f"{score.abstention_precision:6.2f}"
    recall = "   -  " if score.abstention_recall is None else f"{score.abstention_recall:6.2f}"
    return (
        f"  {name:<24} {score.requirements:5d}  {score.top1_outcome:6.2f} {score.top3_sub_outcome:6.2f} "
        f"{score.top1_element:6.2f} {score.top3_element:6.2f} {precision} {recall}"
    )


def group_accuracy() -> None:
    """Leave-one-standard-out figures for the model and the baseline."""
    from iotprofile.profiles.build.evaluation import leave_one_standard_out, pooled
    from iotprofile.profiles.build.group import tfidf_baseline
    from iotprofile.profiles.build.labels import crosswalk_labels, target_of
    from iotprofile.services import Workspace

    workspace = Workspace.open()
    target = target_of(workspace.catalogs, "nist-ir-8425a")
    labels = crosswalk_labels(workspace.crosswalks, target)
    print(f"Group: leave one standard out, {len(labels)} labels from the shipped crosswalks, target nist-ir-8425a")
    header = "  held-out standard        reqs   top1-o top3-s top1-e top3-e abst-p abst-r"
    model = leave_one_standard_out(target, labels)
    baseline = leave_one_standard_out(target, labels, baseline=tfidf_baseline)
    print("  model (definitions + glosses + labeled centroids + neighbours)")
    print(header)
    for score in model:
        print(_line(score.standard, score))
    all_model = pooled(model)
    print(_line("all (pooled)", all_model))
    print("  baseline (plain TF-IDF cosine with each element's text)")
    print(header)
    for score in baseline:
        print(_line(score.standard, score))
    all_baseline = pooled(baseline)
    print(_line("all (pooled)", all_baseline))
    print(
        f"  ratio model/baseline: top-1 outcome {all_model.top1_outcome / all_baseline.top1_outcome:4.2f}x, "
        f"top-3 sub-outcome {all_model.top3_sub_outcome / all_baseline.top3_sub_outcome:4.2f}x"
    )
    for name, value, target_value in (
        ("top-3 sub-outcome", all_model.top3_sub_outcome, TARGET_TOP3_SUB_OUTCOME),
        ("top-1 outcome", all_model.top1_outcome, TARGET_TOP1_OUTCOME),
    ):
        verdict = "meets" if value >= target_value else "MISSES"
        print(f"  target {name} >= {target_value:.2f}: {value:.3f} {verdict}")


def group_throughput(runs: int) -> None:
    """Requirements per second, in process (fitted model) and as whole `profile group` processes."""
    from iotprofile.profiles.build.group import Grouper
    from iotprofile.profiles.build.ingest import RequirementSource, read_all
    from iotprofile.profiles.build.labels import crosswalk_labels, target_of
    from iotprofile.services import Workspace

    workspace = Workspace.open()
    target = target_of(workspace.catalogs, "nist-ir-8425a")
    sources = [RequirementSource(catalog=name) for name in ("owasp-asvs-5.0", "etsi-en-303-645", "bbf-tr-124-i8")]
    requirements = list(read_all(sources, catalogs=workspace.catalogs))
    start = time.perf_counter()
    grouper = Grouper(target, crosswalk_labels(workspace.crosswalks, target))
    fit = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        grouper.suggest(requirements, top=3, explain=True)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    rate = len(requirements) / median
    verdict = "meets" if rate >= TARGET_PER_SECOND else "MISSES"
    print(
        f"Group throughput: {len(requirements)} requirements with explanations in {median * 1000:.0f} ms (median of "
        f"{runs}) = {rate:,.0f} requirements/s on {os.cpu_count()} CPUs; model fit {fit * 1000:.0f} ms; "
        f"target >= {TARGET_PER_SECOND}/s: {verdict}"
    )
    work = Path(tempfile.mkdtemp(prefix="iotprofile-group-"))
    reqs = work / "requirements.csv"
    with reqs.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([requirement.key, requirement.text] for requirement in requirements)
    script = Path(sys.executable).parent / "iotprofile"
    command = [str(script), "profile", "group", str(reqs), "--profile", "nist-ir-8425a", "--format", "jsonl"]
    whole = []
    for _ in range(max(3, runs // 3)):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        whole.append(time.perf_counter() - start)
    median = statistics.median(whole)
    print(
        f"  whole process `profile group` on the same {len(requirements)} requirements: {median:.2f} s "
        f"= {len(requirements) / median:,.0f} requirements/s including start-up and model fit"
    )


def pair_accuracy() -> None:
    """Consolidate's pair relations against the hand-labeled pairs."""
    from iotprofile.profiles.build.consolidate import Consolidator
    from iotprofile.profiles.build.define import define_all
    from iotprofile.profiles.build.requirements import Requirement, RequirementSet

    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8")))
    hits = 0
    confusion: Counter[tuple[str, str]] = Counter()
    consolidator = Consolidator()
    for number, row in enumerate(rows, start=2):
        first = Requirement(standard="a", id="a", text=row["a"], location=f"{PAIRS.name} row {number}")
        second = Requirement(standard="b", id="b", text=row["b"], location=f"{PAIRS.name} row {number}")
        strengths = {key: finding.strength for key, finding in define_all(RequirementSet.of([first, second])).items()}
        result = consolidator.consolidate({"X": [first, second]}, strengths)
        relation = result[0].pairs[0].relation.value
        hits += relation == row["relation"]
        confusion[(row["relation"], relation)] += 1
    accuracy = hits / len(rows)
    verdict = "meets" if accuracy >= TARGET_PAIRS else "MISSES"
    print(f"Consolidate: pair relation accuracy {accuracy:.3f} on {len(rows)} hand-labeled pairs "
          f"(target >= {TARGET_PAIRS:.2f}: {verdict})")  # fmt: skip
    for (expected, got), count in sorted(confusion.items()):
        if expected != got:
            print(f"  labeled {expected:<14} classified {got:<14} x{count}")


def main(runs: int = 9) -> None:
    """Every grouping and consolidation figure."""
    group_accuracy()
    group_throughput(runs)
    pair_accuracy()


if __name__ == "__main__":
    main()
