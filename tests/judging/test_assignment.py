"""Automatic juror assignment: hard rules, balance (against brute force), determinism, validate()."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcvote.judging.assignment import Assignment, EntryInfo, JurorInfo, Problem, assign, validate

GROUPS = ("g1", "g2", "g3", "g4")


@dataclass(frozen=True)
class Instance:
    entries: list[EntryInfo]
    jurors: list[JurorInfo]
    k: int | None
    conflicts: frozenset[tuple[int, int]]
    fixed: frozenset[tuple[int, int]]
    forbidden: frozenset[tuple[int, int]]

    def run(self) -> Assignment:
        return assign(self.entries, self.jurors, self.k, self.conflicts, fixed=self.fixed, forbidden=self.forbidden)

    def eligible(self, juror_id: int, entry_id: int) -> bool:
        juror = next(juror for juror in self.jurors if juror.juror_id == juror_id)
        entry = next(entry for entry in self.entries if entry.entry_id == entry_id)
        return juror.can_score(entry.group)

    def available(self, entry: EntryInfo) -> list[int]:
        return [
            juror.juror_id
            for juror in self.jurors
            if juror.can_score(entry.group)
            and (juror.juror_id, entry.entry_id) not in self.conflicts
            and (juror.juror_id, entry.entry_id) not in self.forbidden
        ]

    def kept_fixed(self, entry: EntryInfo) -> list[int]:
        available = self.available(entry)
        return [juror_id for juror_id, entry_id in self.fixed if entry_id == entry.entry_id and juror_id in available]


@st.composite
def instances(
    draw: st.DrawFn,
    max_entries: int = 60,
    max_jurors: int = 15,
    all_groups: bool | None = None,
    hand_edits: bool = True,
) -> Instance:
    """Entries in 1–4 groups, jurors appointed to all or some groups, conflicts up to 20 %."""
    groups = GROUPS[: draw(st.integers(1, 4))]
    n_entries = draw(st.integers(0, max_entries))
    n_jurors = draw(st.integers(1, max_jurors))
    # One seeded generator for the many per-pair coin flips: drawing each through hypothesis is slow.
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    entry_ids = rnd.sample(range(1, 10 * max_entries + 1), n_entries)
    juror_ids = rnd.sample(range(1, 10 * max_jurors + 1), n_jurors)
    entries = [EntryInfo(entry_id, rnd.choice(groups)) for entry_id in entry_ids]
    everyone = draw(st.booleans()) if all_groups is None else all_groups
    jurors = [
        JurorInfo(
            juror_id,
            None if everyone or rnd.random() < 0.3 else frozenset(rnd.sample(groups, rnd.randint(1, len(groups)))),
        )
        for juror_id in juror_ids
    ]
    k = draw(st.none() | st.integers(1, n_jurors))
    everything = [(juror_id, entry_id) for juror_id in juror_ids for entry_id in entry_ids]
    rate = draw(st.sampled_from([0.0, 0.05, 0.2]))
    conflicts = frozenset(pair for pair in everything if rnd.random() < rate)
    fixed: frozenset[tuple[int, int]] = frozenset()
    forbidden: frozenset[tuple[int, int]] = frozenset()
    if hand_edits and draw(st.booleans()):
        # Some fixed pairs land on conflicts, forbidden or ineligible pairs on purpose.
        fixed = frozenset(pair for pair in everything if rnd.random() < 0.05)
        forbidden = frozenset(pair for pair in everything if rnd.random() < 0.05)
    return Instance(entries, jurors, k, conflicts, fixed, forbidden)


def kinds(result: Assignment) -> Counter[str]:
    return Counter(problem.kind for problem in result.problems)


def entry_counts(result: Assignment) -> Counter[int]:
    return Counter(entry_id for _, entry_id in result.pairs)


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(instances())
def test_assign_never_breaks_a_hard_rule(instance: Instance) -> None:
    result = instance.run()

    bad = [
        pair
        for pair in result.pairs
        if pair in instance.conflicts or pair in instance.forbidden or not instance.eligible(*pair)
    ]
    assert bad == []
    assert result.loads == {
        juror.juror_id: sum(1 for juror_id, _ in result.pairs if juror_id == juror.juror_id)
        for juror in instance.jurors
    }


@settings(max_examples=200, deadline=None)
@given(instances())
def test_assign_gives_each_entry_k_or_every_available_juror(instance: Instance) -> None:
    result = instance.run()
    counts = entry_counts(result)

    expected_counts, expected_short, expected_over = {}, set(), set()
    for entry in instance.entries:
        available, kept = len(instance.available(entry)), len(instance.kept_fixed(entry))
        if instance.k is None:
            expected_counts[entry.entry_id] = available
            if available == 0:
                expected_short.add((entry.entry_id, available, 1))
        else:
            expected_counts[entry.entry_id] = max(kept, min(instance.k, available))
            if available < instance.k:
                expected_short.add((entry.entry_id, available, instance.k))
            if kept > instance.k:
                expected_over.add(entry.entry_id)
    short = {
        (problem.entry_id, problem.available, problem.required)
        for problem in result.problems
        if problem.kind == "too_few_jurors"
    }
    over = {problem.entry_id for problem in result.problems if problem.kind == "too_many_fixed"}

    assert {entry.entry_id: counts[entry.entry_id] for entry in instance.entries} == expected_counts
    assert short == expected_short
    assert kinds(result)["too_few_jurors"] == len(expected_short)
    assert over == expected_over


@settings(max_examples=200, deadline=None)
@given(instances())
def test_assign_keeps_fixed_pairs_or_reports_them(instance: Instance) -> None:
    result = instance.run()
    entry_ids = {entry.entry_id for entry in instance.entries}

    expected = {}
    for pair in instance.fixed:
        if pair in instance.conflicts:
            expected[pair] = "fixed_conflict"
        elif pair in instance.forbidden:
            expected[pair] = "fixed_forbidden"
        elif pair[1] not in entry_ids or not instance.eligible(*pair):
            expected[pair] = "fixed_ineligible"
    reported = {
        (problem.juror_id, problem.entry_id): problem.kind
        for problem in result.problems
        if problem.kind.startswith("fixed_")
    }

    assert reported == expected
    assert instance.fixed - set(expected) <= result.pairs


@settings(max_examples=200, deadline=None)
@given(instances(all_groups=True, hand_edits=False))
def test_assign_balances_within_one_when_everyone_can_score_everything(instance: Instance) -> None:
    instance = Instance(instance.entries, instance.jurors, instance.k, frozenset(), frozenset(), frozenset())

    result = instance.run()

    assert result.spread <= 1
    assert "unbalanced" not in kinds(result)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_assign_leaves_no_improving_hand_over(instance: Instance) -> None:
    result = instance.run()
    if instance.k is None:
        return
    on_entry: dict[int, set[int]] = {entry.entry_id: set() for entry in instance.entries}
    for juror_id, entry_id in result.pairs:
        on_entry[entry_id].add(juror_id)

    improving = [
        (giver, entry_id, taker)
        for giver, entry_id in result.pairs
        if (giver, entry_id) not in instance.fixed
        for taker in instance.available(next(e for e in instance.entries if e.entry_id == entry_id))
        if taker not in on_entry[entry_id] and result.loads[giver] >= result.loads[taker] + 2
    ]
    assert improving == []
    unbalanced = [problem for problem in result.problems if problem.kind == "unbalanced"]
    expected = [Problem("unbalanced", spread=result.spread, best_spread=result.spread)] if result.spread > 1 else []
    assert unbalanced == expected


@settings(max_examples=200, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_assign_is_deterministic_whatever_the_input_order(instance: Instance, rnd: random.Random) -> None:
    first = instance.run()
    entries, jurors = list(instance.entries), list(instance.jurors)
    conflicts, fixed = sorted(instance.conflicts), sorted(instance.fixed)
    rnd.shuffle(entries)
    rnd.shuffle(jurors)
    rnd.shuffle(conflicts)
    rnd.shuffle(fixed)

    again = instance.run()
    reordered = assign(entries, jurors, instance.k, conflicts, fixed=fixed, forbidden=list(instance.forbidden))

    assert again == first
    assert reordered == first


def brute_force(instance: Instance) -> list[dict[int, int]]:
    """Every load vector of every assignment meeting the hard rules and the per-entry counts."""
    assert instance.k is not None
    choices = []
    for entry in instance.entries:
        kept = instance.kept_fixed(entry)
        free = [juror_id for juror_id in instance.available(entry) if juror_id not in kept]
        need = max(0, min(instance.k, len(instance.available(entry))) - len(kept))
        choices.append([tuple(kept) + combo for combo in itertools.combinations(free, need)])
    vectors = []
    for choice in itertools.product(*choices):
        loads = {juror.juror_id: 0 for juror in instance.jurors}
        for juror_ids in choice:
            for juror_id in juror_ids:
                loads[juror_id] += 1
        vectors.append(loads)
    return vectors


@settings(max_examples=500, deadline=None)  # tiny instances: cheap, and more of them find rare misses
@given(instances(max_entries=5, max_jurors=4).filter(lambda instance: instance.k is not None))
def test_assign_loads_are_optimal_against_brute_force(instance: Instance) -> None:
    vectors = brute_force(instance)

    result = instance.run()

    loads = result.loads
    assert sum(v * v for v in loads.values()) == min(sum(v * v for v in vec.values()) for vec in vectors)
    assert max(loads.values()) == min(max(vec.values()) for vec in vectors)
    assert min(loads.values()) == max(min(vec.values()) for vec in vectors)
    assert result.spread == min(max(vec.values()) - min(vec.values()) for vec in vectors)


# --- tables ------------------------------------------------------------------------------------


def test_assign_forty_entries_five_jurors_k3_gives_24_each() -> None:
    entries = [EntryInfo(entry_id, "g1") for entry_id in range(1, 41)]
    jurors = [JurorInfo(juror_id) for juror_id in range(1, 6)]

    result = assign(entries, jurors, 3)

    assert result.loads == {1: 24, 2: 24, 3: 24, 4: 24, 5: 24}
    assert entry_counts(result) == Counter(dict.fromkeys(range(1, 41), 3))
    assert result.problems == []


def test_assign_k_none_gives_every_available_juror() -> None:
    entries = [EntryInfo(1, "g1"), EntryInfo(2, "g2"), EntryInfo(3, "g3")]
    jurors = [JurorInfo(10), JurorInfo(11, frozenset({"g1"})), JurorInfo(12, frozenset({"g2"}))]

    result = assign(entries, jurors, None, [(10, 3)])

    assert result.pairs == {(10, 1), (11, 1), (10, 2), (12, 2)}
    assert result.loads == {10: 2, 11: 1, 12: 1}
    assert result.problems == [Problem("too_few_jurors", entry_id=3, available=0, required=1)]


def test_assign_juror_conflicted_with_a_whole_group_scores_the_others() -> None:
    entries = [EntryInfo(entry_id, "g1" if entry_id <= 10 else "g2") for entry_id in range(1, 21)]
    jurors = [JurorInfo(juror_id) for juror_id in range(1, 5)]
    conflicts = [(1, entry_id) for entry_id in range(1, 11)]

    result = assign(entries, jurors, 2, conflicts)

    assert {entry_id for juror_id, entry_id in result.pairs if juror_id == 1} <= set(range(11, 21))
    assert result.loads == {1: 10, 2: 10, 3: 10, 4: 10}
    assert result.problems == []


def test_assign_repair_moves_a_unit_greedy_left_behind() -> None:
    # Greedy gives entry 1 jurors 1 and 2, then entry 2 jurors 1 and 3 (juror 3 is conflicted with
    # entry 1, juror 4 may not score g1): loads 2, 1, 1, 0. Handing entry 1 from juror 1 to 4 fixes it.
    entries = [EntryInfo(1, "g3"), EntryInfo(2, "g1")]
    jurors = [
        JurorInfo(1),
        JurorInfo(2, frozenset({"g1", "g3"})),
        JurorInfo(3, frozenset({"g1", "g2", "g3"})),
        JurorInfo(4, frozenset({"g2", "g3"})),
    ]

    result = assign(entries, jurors, 2, [(3, 1)])

    assert result.loads == {1: 1, 2: 1, 3: 1, 4: 1}
    assert result.problems == []


def test_assign_impossible_balance_reports_the_best_spread() -> None:
    # Juror 3 may score only group g2, which has 2 entries: the others share 8 + 2 - 2 entries.
    entries = [EntryInfo(entry_id, "g1") for entry_id in range(1, 9)] + [EntryInfo(9, "g2"), EntryInfo(10, "g2")]
    jurors = [JurorInfo(1), JurorInfo(2), JurorInfo(3, frozenset({"g2"}))]

    result = assign(entries, jurors, 1)

    assert result.loads == {1: 4, 2: 4, 3: 2}
    assert result.problems == [Problem("unbalanced", spread=2, best_spread=2)]


def test_assign_too_few_jurors_for_k_takes_all_available() -> None:
    entries = [EntryInfo(1, "g1"), EntryInfo(2, "g1")]
    jurors = [JurorInfo(1), JurorInfo(2), JurorInfo(3, frozenset({"g2"}))]

    result = assign(entries, jurors, 3, [(2, 2)])

    assert result.pairs == {(1, 1), (2, 1), (1, 2)}
    assert result.problems == [
        Problem("too_few_jurors", entry_id=1, available=2, required=3),
        Problem("too_few_jurors", entry_id=2, available=1, required=3),
        Problem("unbalanced", spread=2, best_spread=2),
    ]


def test_assign_reports_and_drops_bad_fixed_pairs() -> None:
    entries = [EntryInfo(1, "g1"), EntryInfo(2, "g2")]
    jurors = [JurorInfo(1), JurorInfo(2), JurorInfo(3, frozenset({"g1"}))]
    fixed = [(1, 1), (2, 1), (1, 2), (3, 2), (9, 1)]

    result = assign(entries, jurors, 1, [(1, 2)], fixed=fixed, forbidden=[(2, 1)])

    assert result.pairs == {(1, 1), (2, 2)}
    assert result.problems == [
        Problem("fixed_conflict", entry_id=2, juror_id=1),
        Problem("fixed_forbidden", entry_id=1, juror_id=2),
        Problem("fixed_ineligible", entry_id=2, juror_id=3),
        Problem("fixed_ineligible", entry_id=1, juror_id=9),
    ]


def test_assign_keeps_more_fixed_pairs_than_k_and_says_so() -> None:
    entries = [EntryInfo(1, "g1"), EntryInfo(2, "g1")]
    jurors = [JurorInfo(1), JurorInfo(2), JurorInfo(3)]

    result = assign(entries, jurors, 1, fixed=[(1, 1), (2, 1)])

    assert result.pairs == {(1, 1), (2, 1), (3, 2)}
    assert result.problems == [Problem("too_many_fixed", entry_id=1, assigned=2, required=1)]


def test_assign_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        assign([], [JurorInfo(1)], 0)
    with pytest.raises(ValueError, match="juror id appears twice"):
        assign([], [JurorInfo(1), JurorInfo(1)], 1)
    with pytest.raises(ValueError, match="entry id appears twice"):
        validate([], [EntryInfo(1, "g1"), EntryInfo(1, "g2")], [JurorInfo(1)], 1)


def test_validate_accepts_what_assign_produced() -> None:
    entries = [EntryInfo(entry_id, "g1" if entry_id % 3 else "g2") for entry_id in range(1, 31)]
    jurors = [JurorInfo(juror_id, None if juror_id % 2 else frozenset({"g1"})) for juror_id in range(1, 8)]
    conflicts = [(juror_id, juror_id * 4) for juror_id in range(1, 8)]
    result = assign(entries, jurors, 3, conflicts)

    problems = validate(result.pairs, entries, jurors, 3, conflicts)

    assert result.problems == []
    assert problems == []


def test_validate_finds_each_kind_of_problem() -> None:
    entries = [EntryInfo(1, "g1"), EntryInfo(2, "g1"), EntryInfo(3, "g1"), EntryInfo(4, "g2")]
    jurors = [JurorInfo(1), JurorInfo(2), JurorInfo(3, frozenset({"g1"})), JurorInfo(4, frozenset({"g1"}))]
    conflicts = [(1, 1)]
    pairs = [
        (1, 1),  # conflict
        (3, 4),  # ineligible: juror 3 scores only g1
        (9, 2),  # ineligible: unknown juror
        (2, 1),  # entry 1 lacks a second juror
        (1, 2),
        (2, 2),
        (3, 2),  # entry 2 has 3 jurors
        (1, 3),
        (2, 3),
        (1, 4),
        # entry 4 (g2) has only jurors 1 and 2 available, juror 2 missing
    ]

    problems = validate(pairs, entries, jurors, 2, conflicts)

    assert problems == [
        Problem("conflict", entry_id=1, juror_id=1),
        Problem("ineligible", entry_id=4, juror_id=3),
        Problem("ineligible", entry_id=2, juror_id=9),
        Problem("missing_jurors", entry_id=1, available=3, required=2, assigned=1),
        Problem("too_many_jurors", entry_id=2, required=2, assigned=3),
        Problem("missing_jurors", entry_id=4, available=2, required=2, assigned=1),
        Problem("unbalanced", spread=3, best_spread=0),
    ]


def test_validate_reports_too_few_jurors_and_k_none() -> None:
    entries = [EntryInfo(1, "g1"), EntryInfo(2, "g2")]
    jurors = [JurorInfo(1, frozenset({"g1"})), JurorInfo(2, frozenset({"g1"}))]

    with_k = validate([(1, 1), (2, 1)], entries, jurors, 2)
    every = validate([(1, 1)], entries, jurors, None)

    assert with_k == [Problem("too_few_jurors", entry_id=2, available=0, required=2)]
    assert every == [
        Problem("missing_jurors", entry_id=1, available=2, required=2, assigned=1),
        Problem("too_few_jurors", entry_id=2, available=0, required=1),
    ]
