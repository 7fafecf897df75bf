"""Automatic juror assignment: time of ``assign`` on the largest rounds the product expects.

A national round has a few hundred entries (441 dossiers in 2023) and 9 to 11 jurors; the figures
below go further (2,500 entries) and add a 60-juror council appointed per product group. Conflicts
of interest hit 5 % of the pairs at random. Writes its results to bench/README.md.

Run: .venv/bin/python bench/assignment.py [RUNS]
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from _readme import write_results  # bench/ is on sys.path when a script runs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kcvote.judging.assignment import EntryInfo, JurorInfo, assign, validate

GROUPS = ("thu-cong-my-nghe", "che-bien", "co-khi", "khac")
EVEN = (25, 25, 25, 25)
SKEWED = (70, 10, 10, 10)
CASES = [
    # entries, jurors, k, jurors appointed per group, % of entries in each group
    (2500, 9, 3, False, EVEN),
    (2500, 9, 9, False, EVEN),
    (500, 60, 5, False, EVEN),
    (500, 60, 5, True, EVEN),
    (500, 60, 5, True, SKEWED),
    (2500, 60, 5, True, EVEN),
]


def instance(
    n_entries: int, n_jurors: int, per_group: bool, weights: tuple[int, ...], seed: int = 2025
) -> tuple[list[EntryInfo], list[JurorInfo], list[tuple[int, int]]]:
    rnd = random.Random(seed)
    entries = [EntryInfo(entry_id, rnd.choices(GROUPS, weights)[0]) for entry_id in range(1, n_entries + 1)]
    jurors = [
        JurorInfo(juror_id, frozenset(rnd.sample(GROUPS, rnd.randint(1, 2))) if per_group else None)
        for juror_id in range(1, n_jurors + 1)
    ]
    conflicts = [(juror.juror_id, entry.entry_id) for juror in jurors for entry in entries if rnd.random() < 0.05]
    return entries, jurors, conflicts


def main(runs: int = 5) -> str:
    rows = []
    for n_entries, n_jurors, k, per_group, weights in CASES:
        entries, jurors, conflicts = instance(n_entries, n_jurors, per_group, weights)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = assign(entries, jurors, k, conflicts)
            times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        checked = validate(result.pairs, entries, jurors, k, conflicts)
        validate_ms = (time.perf_counter() - start) * 1000
        assert checked == [p for p in checked if p.kind in {"too_few_jurors", "unbalanced"}], checked
        kinds = Counter(problem.kind for problem in result.problems)
        loads = result.loads.values()
        rows.append(
            f"| {n_entries:,} × {n_jurors} | {'/'.join(map(str, weights))} "
            f"| {'1–2 groups each' if per_group else 'all groups'} | {k} "
            f"| {len(conflicts):,} | {statistics.median(times):.0f} ms | {max(times):.0f} ms | {validate_ms:.0f} ms "
            f"| {len(result.pairs):,} | {min(loads)}–{max(loads)} "
            f"| {', '.join(f'{kind} {count}' for kind, count in sorted(kinds.items())) or 'none'} |"
        )

    lines = [
        f"- command: `.venv/bin/python bench/assignment.py {runs}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "- input: entries spread at random over 4 product groups, 5 % of juror–entry pairs in conflict "
        "(seeded); times are the median and worst of "
        f"{runs} runs of `assign`, then one `validate` of its result (which runs `assign` again when the "
        "loads differ by more than one)",
        "",
        "| entries × jurors | % per group | jurors appointed to | k | conflicts | assign median | assign worst | validate "
        "| pairs | loads | problems |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|",
        *rows,
        "",
        "With k = 9 and 9 jurors every conflict leaves its entry short of a juror (`too_few_jurors`: it "
        "gets every juror not in conflict with it) and a juror's load is 2,500 minus their own conflicts, so the loads cannot be "
        "even. When jurors are appointed per group and one group holds 70 % of the entries, its jurors "
        "must score more than the others; the spread reported as `unbalanced` is the least any "
        "assignment can reach. With even groups, jurors appointed per group still end within one of each "
        "other.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(result)
    write_results("assignment.py — automatic juror assignment", result)
