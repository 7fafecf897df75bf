"""Automatic juror assignment: which jurors score which entry, and a check of hand-made changes.

Pure functions over plain values (no database, no Flask). A *pair* is ``(juror_id, entry_id)``.

Vocabulary:

- A juror is **eligible** for an entry when appointed to the entry's product group (``groups`` is
  None: appointed to every group). A pair is **available** when it is eligible, not a conflict of
  interest and not forbidden (removed by the organizer). ``a_e`` is the number of available jurors
  of entry e.
- ``fixed`` pairs were set by hand and are kept when available; they count toward k and the loads.
  A fixed pair that is a conflict, forbidden, or not eligible (or names an unknown juror or entry)
  is dropped and reported (``fixed_conflict``, ``fixed_forbidden``, ``fixed_ineligible``).
- A juror's **load** is the number of entries they score; the **spread** is max load − min load
  over *all* jurors passed in, including one who can score nothing (their load is 0).

What :func:`assign` guarantees, for every input:

1. **Hard rules, never broken.** Every pair is available (no conflict, nothing forbidden, group
   eligibility respected). Every kept fixed pair is in the result.
2. **Jurors per entry.** With ``k`` set, entry e gets exactly ``max(f_e, min(k, a_e))`` jurors,
   where f_e is its number of kept fixed pairs: k when it can, every available juror when a_e < k
   (reported as ``too_few_jurors``, with ``available`` = a_e and ``required`` = k), and all its
   fixed pairs when the organizer fixed more than k (reported as ``too_many_fixed``). With
   ``k=None`` every available pair is assigned, loads are whatever they come to and no balance is
   attempted; an entry with no available juror is reported as ``too_few_jurors`` (required 1).
3. **Balance (k set).** Among all assignments meeting 1 and 2, the loads minimise the sum of
   squared loads. Because the achievable load vectors form an M-convex set (they are the juror-side
   degrees of a bipartite b-matching, i.e. of a flow; Murota, *Discrete Convex Analysis*, 2003, ch. 9), a
   square-sum minimiser is decreasingly minimal (Frank & Murota, *Discrete decreasing
   minimization*, Part I, 2022). Consequently, at the same time: the largest load is as small as it
   can be, the smallest load is as large as it can be, and the spread is the least achievable.
   So max load − min load ≤ 1 whenever any assignment achieves it (always the case when every juror
   may score every group and nothing is conflicted, forbidden, fixed or short of jurors, e.g.
   40 entries × k=3 over 5 jurors gives 24 each). When it cannot be achieved — jurors appointed to
   groups of different sizes, a juror conflicted with many entries, fixed pairs — the result is
   still optimal and a single ``unbalanced`` problem carries ``spread`` = ``best_spread`` = the
   least achievable spread. Locally this means: no juror a can hand one of their non-fixed entries
   to a juror b whose load is at least 2 lower and who is available for it and not yet on it.
4. **Determinism.** The result depends only on the values passed, not their order: inputs are
   sorted by id, ties go to the lower juror id, and no randomness is used. Problems come in a fixed
   order: the ``fixed_*`` ones by pair, then those of each entry by entry id, then ``unbalanced``.

Algorithm: "greedy with repair". Entries with fewer available jurors go first and each takes its
least-loaded available jurors; then, while some juror a reaches (through a chain of hand-overs along
a breadth-first search of the residual graph, one entry per step) a juror b with load[a] ≥ load[b] + 2,
the chain is applied, moving one unit of load from a to b and lowering the sum of squares by at
least 2. When no such chain exists the loads are a local, hence global, minimum of the sum of
squares (the M-optimality criterion, Murota 2003, ch. 6): a chain a → b exists exactly when moving
one unit of load from a to b is achievable. Each search is linear in the number of available pairs.
The brute-force property test in tests/judging/test_assignment.py checks all of point 3 on small
instances.

:func:`validate` checks a hand-adjusted assignment against the same rules and returns the problems
(``conflict``, ``ineligible``, ``too_few_jurors``, ``missing_jurors``, ``too_many_jurors``,
``unbalanced``), an empty list when there are none.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Pair = tuple[int, int]
"""``(juror_id, entry_id)``."""

ProblemKind = Literal[
    "too_few_jurors",
    "too_many_fixed",
    "fixed_conflict",
    "fixed_forbidden",
    "fixed_ineligible",
    "unbalanced",
    "conflict",
    "ineligible",
    "missing_jurors",
    "too_many_jurors",
]


@dataclass(frozen=True)
class EntryInfo:
    """An entry to be scored and its product group."""

    entry_id: int
    group: str


@dataclass(frozen=True)
class JurorInfo:
    """A juror and the product groups they are appointed to (None: every group)."""

    juror_id: int
    groups: frozenset[str] | None = None

    def can_score(self, group: str) -> bool:
        """True when the juror is appointed to ``group``."""
        return self.groups is None or group in self.groups


@dataclass(frozen=True)
class Problem:
    """One rule that could not be met; the fields that do not apply are None.

    ``available``: jurors available for the entry; ``required``: jurors the entry needs;
    ``assigned``: jurors it has; ``spread``: max − min load; ``best_spread``: the least achievable.
    """

    kind: ProblemKind
    entry_id: int | None = None
    juror_id: int | None = None
    available: int | None = None
    required: int | None = None
    assigned: int | None = None
    spread: int | None = None
    best_spread: int | None = None


@dataclass(frozen=True)
class Assignment:
    """The pairs chosen, every juror's load (0 included) and the problems met on the way."""

    pairs: frozenset[Pair]
    loads: dict[int, int]
    problems: list[Problem]

    @property
    def spread(self) -> int:
        """Max load − min load over all jurors (0 without jurors)."""
        return _spread(self.loads)


def assign(
    entries: Sequence[EntryInfo],
    jurors: Sequence[JurorInfo],
    k: int | None = None,
    conflicts: Collection[Pair] = (),
    *,
    fixed: Collection[Pair] = (),
    forbidden: Collection[Pair] = (),
) -> Assignment:
    """Assign k jurors to every entry (all available ones when k is None), balancing the loads.

    :raise ValueError: k < 1, or an entry or juror id appears twice.
    """
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    entry_by_id, juror_by_id = _index(entries, jurors)
    conflict_set, forbidden_set = set(conflicts), set(forbidden)
    available = _available(entry_by_id, juror_by_id, conflict_set | forbidden_set)

    problems: list[Problem] = []
    kept: dict[int, list[int]] = {entry_id: [] for entry_id in entry_by_id}
    for pair in sorted(set(fixed)):
        juror_id, entry_id = pair
        entry, juror = entry_by_id.get(entry_id), juror_by_id.get(juror_id)
        if entry is None or juror is None:
            problems.append(Problem("fixed_ineligible", entry_id=entry_id, juror_id=juror_id))
        elif pair in conflict_set:
            problems.append(Problem("fixed_conflict", entry_id=entry_id, juror_id=juror_id))
        elif pair in forbidden_set:
            problems.append(Problem("fixed_forbidden", entry_id=entry_id, juror_id=juror_id))
        elif not juror.can_score(entry.group):
            problems.append(Problem("fixed_ineligible", entry_id=entry_id, juror_id=juror_id))
        else:
            kept[entry_id].append(juror_id)

    if k is None:
        for entry_id, juror_ids in available.items():
            if not juror_ids:
                problems.append(Problem("too_few_jurors", entry_id=entry_id, available=0, required=1))
        pairs = frozenset((juror_id, entry_id) for entry_id, ids in available.items() for juror_id in ids)
        loads = dict.fromkeys(juror_by_id, 0)
        for juror_id, _ in pairs:
            loads[juror_id] += 1
        return Assignment(pairs=pairs, loads=loads, problems=problems)

    need: dict[int, int] = {}
    for entry_id, juror_ids in available.items():
        n_available, n_fixed = len(juror_ids), len(kept[entry_id])
        if n_available < k:
            problems.append(Problem("too_few_jurors", entry_id=entry_id, available=n_available, required=k))
        if n_fixed > k:
            problems.append(Problem("too_many_fixed", entry_id=entry_id, assigned=n_fixed, required=k))
        need[entry_id] = max(0, min(k, n_available) - n_fixed)

    balancer = _Balancer(available, kept, list(juror_by_id))
    balancer.greedy(need)
    balancer.repair()
    pairs = frozenset(balancer.pairs())
    loads = dict(balancer.load)
    spread = _spread(loads)
    if spread > 1:
        problems.append(Problem("unbalanced", spread=spread, best_spread=spread))
    return Assignment(pairs=pairs, loads=loads, problems=problems)


def validate(
    pairs: Iterable[Pair],
    entries: Sequence[EntryInfo],
    jurors: Sequence[JurorInfo],
    k: int | None = None,
    conflicts: Collection[Pair] = (),
) -> list[Problem]:
    """Check an assignment (typically after the organizer's edits) against the rules of :func:`assign`.

    Pairs that are conflicts or ineligible (unknown juror or entry included) are reported and not
    counted. Then per entry, with r = min(k, available) (all available when k is None):
    ``too_few_jurors`` when available < k (< 1 when k is None), ``missing_jurors`` when it has fewer
    than r, ``too_many_jurors`` when it has more than k. With k set, ``unbalanced`` when the spread
    of the counted loads exceeds 1; ``best_spread`` then says what :func:`assign` would achieve, so
    ``spread > best_spread`` means the edits can be improved.

    :raise ValueError: k < 1, or an entry or juror id appears twice.
    """
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    entry_by_id, juror_by_id = _index(entries, jurors)
    conflict_set = set(conflicts)
    available = _available(entry_by_id, juror_by_id, conflict_set)

    problems: list[Problem] = []
    counted = dict.fromkeys(entry_by_id, 0)
    loads = dict.fromkeys(juror_by_id, 0)
    for pair in sorted(set(pairs)):
        juror_id, entry_id = pair
        entry, juror = entry_by_id.get(entry_id), juror_by_id.get(juror_id)
        if entry is None or juror is None or not juror.can_score(entry.group):
            problems.append(Problem("ineligible", entry_id=entry_id, juror_id=juror_id))
        elif pair in conflict_set:
            problems.append(Problem("conflict", entry_id=entry_id, juror_id=juror_id))
        else:
            counted[entry_id] += 1
            loads[juror_id] += 1

    for entry_id, juror_ids in available.items():
        n_available, n_assigned = len(juror_ids), counted[entry_id]
        required = n_available if k is None else min(k, n_available)
        if n_available < (k or 1):
            problems.append(Problem("too_few_jurors", entry_id=entry_id, available=n_available, required=k or 1))
        if n_assigned < required:
            problems.append(
                Problem(
                    "missing_jurors", entry_id=entry_id, available=n_available, required=required, assigned=n_assigned
                )
            )
        if k is not None and n_assigned > k:
            problems.append(Problem("too_many_jurors", entry_id=entry_id, required=k, assigned=n_assigned))

    spread = _spread(loads)
    if k is not None and spread > 1:
        best = assign(entries, jurors, k, conflict_set).spread
        problems.append(Problem("unbalanced", spread=spread, best_spread=best))
    return problems


def _index(
    entries: Sequence[EntryInfo], jurors: Sequence[JurorInfo]
) -> tuple[dict[int, EntryInfo], dict[int, JurorInfo]]:
    """Entries and jurors by id, in id order."""
    entry_by_id = {entry.entry_id: entry for entry in sorted(entries, key=lambda entry: entry.entry_id)}
    juror_by_id = {juror.juror_id: juror for juror in sorted(jurors, key=lambda juror: juror.juror_id)}
    if len(entry_by_id) != len(entries):
        raise ValueError("an entry id appears twice")
    if len(juror_by_id) != len(jurors):
        raise ValueError("a juror id appears twice")
    return entry_by_id, juror_by_id


def _available(
    entry_by_id: dict[int, EntryInfo], juror_by_id: dict[int, JurorInfo], excluded: set[Pair]
) -> dict[int, list[int]]:
    """Each entry's eligible jurors minus the excluded pairs, in juror id order."""
    return {
        entry_id: [
            juror_id
            for juror_id, juror in juror_by_id.items()
            if juror.can_score(entry.group) and (juror_id, entry_id) not in excluded
        ]
        for entry_id, entry in entry_by_id.items()
    }


def _spread(loads: dict[int, int]) -> int:
    return max(loads.values()) - min(loads.values()) if loads else 0


class _Balancer:
    """The mutable state of one assignment: who is on each entry, and the loads.

    ``movable[j]`` holds the entries juror j scores that were not fixed by hand (a dict used as an
    insertion-ordered set, so that every run visits them in the same order).
    """

    def __init__(self, available: dict[int, list[int]], kept: dict[int, list[int]], juror_ids: list[int]) -> None:
        self.available = available
        self.on_entry: dict[int, set[int]] = {entry_id: set(ids) for entry_id, ids in kept.items()}
        self.movable: dict[int, dict[int, None]] = {juror_id: {} for juror_id in juror_ids}
        self.load: dict[int, int] = dict.fromkeys(juror_ids, 0)
        for ids in kept.values():
            for juror_id in ids:
                self.load[juror_id] += 1

    def pairs(self) -> Iterable[Pair]:
        return ((juror_id, entry_id) for entry_id, ids in self.on_entry.items() for juror_id in ids)

    def greedy(self, need: dict[int, int]) -> None:
        """Most constrained entries first, each takes its least-loaded available jurors."""
        for entry_id in sorted(need, key=lambda entry_id: (len(self.available[entry_id]), entry_id)):
            holders = self.on_entry[entry_id]
            candidates = [juror_id for juror_id in self.available[entry_id] if juror_id not in holders]
            for juror_id in heapq.nsmallest(need[entry_id], candidates, key=lambda j: (self.load[j], j)):
                holders.add(juror_id)
                self.movable[juror_id][entry_id] = None
                self.load[juror_id] += 1

    def repair(self) -> None:
        """Apply improving hand-over chains until none is left (then the square sum is minimal)."""
        while (chain := self._improving_chain()) is not None:
            for giver, entry_id, taker in chain:
                self.on_entry[entry_id].remove(giver)
                self.on_entry[entry_id].add(taker)
                del self.movable[giver][entry_id]
                self.movable[taker][entry_id] = None
                self.load[giver] -= 1
                self.load[taker] += 1

    def _improving_chain(self) -> list[tuple[int, int, int]] | None:
        """A shortest chain of hand-overs ``(giver, entry_id, taker)`` from a juror to one at least 2 lower.

        For each load level v, lowest first, search from every juror loaded v + 2 or more; targets
        below v were already shown unreachable from a superset of these sources.
        """
        for level in sorted(set(self.load.values())):
            sources = sorted(
                (juror_id for juror_id, load in self.load.items() if load >= level + 2),
                key=lambda juror_id: (-self.load[juror_id], juror_id),
            )
            if not sources:
                return None
            parent: dict[int, tuple[int, int] | None] = dict.fromkeys(sources)
            # An entry's takers do not depend on which holder reached it: expand each entry once.
            # This also makes the entries of a chain distinct, so its hand-overs do not interfere.
            expanded: set[int] = set()
            queue = deque(sources)
            while queue:
                giver = queue.popleft()
                for entry_id in self.movable[giver]:
                    if entry_id in expanded:
                        continue
                    expanded.add(entry_id)
                    holders = self.on_entry[entry_id]
                    for taker in self.available[entry_id]:
                        if taker in parent or taker in holders:
                            continue
                        parent[taker] = (giver, entry_id)
                        if self.load[taker] <= level:
                            return _trace(parent, taker)
                        queue.append(taker)
        return None


def _trace(parent: dict[int, tuple[int, int] | None], end: int) -> list[tuple[int, int, int]]:
    chain = []
    taker = end
    while (step := parent[taker]) is not None:
        giver, entry_id = step
        chain.append((giver, entry_id, taker))
        taker = giver
    return chain
