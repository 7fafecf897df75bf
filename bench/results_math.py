"""Ranking arithmetic without a database: sheet totals and `aggregate` for a large round.

The target is 2,500 entries x 9 jurors x a 12-criterion rubric ranked in under 1 s; 25,000 entries
shows how it scales. The scores are seeded random half points around each entry's quality, with
harsh and lenient jurors drawn from a pool of 45, so ties and z-scores look like a real round.
Writes its results to bench/README.md.

Run: .venv/bin/python bench/results_math.py [RUNS]
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from _readme import write_results  # bench/ is on sys.path when a script runs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kcvote.judging.scoring import METHODS, AggregateSettings, EntryScores, aggregate, sheet_total

SIZES = (2_500, 25_000)
JURORS_PER_ENTRY = 9
JUROR_POOL = 45
# Phụ lục 4's four groups (40 / 40 / 10 / 10) split into 12 sub-criteria.
CRITERIA_MAX = (10, 10, 10, 10, 10, 10, 10, 10, 5, 5, 5, 5)
GROUPS = ("1", "2", "3", "4")
HALVES = [Decimal(halves) / 2 for halves in range(2 * max(CRITERIA_MAX) + 1)]

Sheets = list[tuple[int, str, str, dict[int, list[Decimal]]]]  # (entry id, group, code, juror -> points)


def make_round(n_entries: int, seed: int = 2025) -> Sheets:
    rng = random.Random(seed)
    bias = {juror: rng.uniform(-0.08, 0.08) for juror in range(1, JUROR_POOL + 1)}
    sheets: Sheets = []
    for entry_id in range(1, n_entries + 1):
        quality = rng.uniform(0.45, 0.95)
        by_juror: dict[int, list[Decimal]] = {}
        for juror in rng.sample(range(1, JUROR_POOL + 1), JURORS_PER_ENTRY):
            by_juror[juror] = [
                HALVES[min(2 * top, max(0, round((quality + bias[juror] + rng.gauss(0, 0.06)) * top * 2)))]
                for top in CRITERIA_MAX
            ]
        group = GROUPS[entry_id % len(GROUPS)]
        sheets.append((entry_id, group, f"TN-2025-N{group}-{entry_id:05d}", by_juror))
    return sheets


def totals(sheets: Sheets) -> list[EntryScores]:
    return [
        EntryScores(entry_id, group, code, {juror: sheet_total(points) for juror, points in by_juror.items()})
        for entry_id, group, code, by_juror in sheets
    ]


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(runs: int = 5) -> str:
    rows = []
    for size in SIZES:
        sheets = make_round(size)
        entries = totals(sheets)
        totals_ms = median_ms(lambda sheets=sheets: totals(sheets), runs)
        by_method = {
            method: median_ms(
                lambda entries=entries, method=method: aggregate(entries, AggregateSettings(method=method)), runs
            )
            for method in METHODS
        }
        results = aggregate(entries, AggregateSettings())
        tied = sum(result.tied for result in results)
        passed = sum(result.passed for result in results)
        points = size * JURORS_PER_ENTRY * len(CRITERIA_MAX)
        rows.append(
            f"| {size:,} | {size * JURORS_PER_ENTRY:,} | {points:,} | {totals_ms:,.0f} ms | "
            + " | ".join(f"{by_method[method]:,.0f} ms" for method in METHODS)
            + f" | **{totals_ms + by_method['mean']:,.0f} ms** | {passed:,} / {tied:,} |"
        )

    lines = [
        f"- command: `.venv/bin/python bench/results_math.py {runs}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "pure Python `decimal` (C `_decimal`), no database",
        f"- seeded random half points, {JURORS_PER_ENTRY} jurors per entry out of a pool of {JUROR_POOL}, "
        f"{len(CRITERIA_MAX)} criteria (40 / 40 / 10 / 10), 4 product groups; median of {runs} runs",
        "- sheet totals = `sheet_total` on every sheet (validates each point); aggregate = `aggregate(...)` "
        "with that method (all figures, pass, ranks in each group)",
        "",
        "| entries | sheets | points | sheet totals | aggregate: mean | trimmed_mean | zscore_mean "
        "| totals + mean | passed / tied (mean) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Target: 2,500 entries x 9 jurors x 12 criteria ranked in under 1 s (the first row's totals + mean). "
        "Loading the sheets from the database is not included.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(result)
    write_results("results_math.py — ranking arithmetic (no database)", result)
