"""Score-sheet arithmetic: sheet totals, per-entry aggregates, pass or fail, and ranks within a product group.

Pure functions over plain values (no database, no Flask): every figure of a result table is computed
here and nowhere else, so the rules below can be read, tested and changed in one place.

Rules, stated once for the whole module:

- **Decimal only.** All arithmetic is :class:`decimal.Decimal` in a private context of 28 significant
  digits, whatever the caller's current context is. Never float: a binary rounding error must not
  decide who passes.
- **Points are non-negative multiples of 0.5** (Phụ lục 4 gives half points at most); anything else
  raises ValueError. Sheet totals, sums and medians are therefore exact.
- **Rounding happens once, at the end, to 2 decimal places, ROUND_HALF_UP.** Every figure shown
  (mean, median, standard deviation, trimmed mean, z-score mean, aggregate) is computed from the
  exact juror totals and rounded only when it is stored in the result. Why 2 decimals: the
  regulation's result tables show 2 decimals and round half up, as people do by hand. Why once:
  rounding an intermediate value (a partial mean, a z-score) would make ties appear or disappear
  depending on the order of the steps.
- **Pass and rank use the rounded figures**, the ones printed in the table. A raw average of 69.995
  is printed 70.00 and passes a threshold of 70; 69.99 does not. Two entries printed with the same
  aggregate are equal on it, and the tie-breaks of :func:`aggregate` decide.

The figures of one entry, from its jurors' sheet totals x1..xn:

- ``mean``: the average (bình quân) of the totals, the regulation's rule and the default aggregate.
- ``median``: the middle total, or the average of the two middle ones when n is even.
- ``std_dev``: the *sample* standard deviation (divisor n - 1), because a jury is a sample of the
  jurors who could have scored; 0 when n < 2. ``disagreement`` is set when the rounded standard
  deviation is strictly greater than ``AggregateSettings.disagreement_sd`` (a setting, default 10).
- ``trimmed_mean``: the mean after dropping one highest and one lowest total, computed when
  n >= ``trim_min_jurors`` (a setting, default 5), otherwise None.
- ``zscore_mean``: computed when the method is ``"zscore_mean"`` or ``with_zscore`` is set. Each
  juror's totals are standardised over all the entries that juror scored in the same call,
  z = (x - juror mean) / juror sample SD (0 for a juror with one sheet or no spread); the entry's
  mean z is mapped back to the points scale as ``M + mean_z * S``, where M and S are the mean and
  sample SD of every sheet total in the call, so it can be shown beside the raw points. It corrects
  harsh and lenient jurors and is therefore *not* bounded by the entry's own lowest and highest
  totals. Pass ``aggregate`` the whole round, never one group at a time, or the jurors' scales differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Literal, get_args

Method = Literal["mean", "trimmed_mean", "zscore_mean"]
METHODS: tuple[str, ...] = get_args(Method)

# 28 digits hold exact sums of any realistic round (2.25e9 for 25,000 entries x 9 sheets x 100^2)
# and make the inexact quotients and square roots far finer than the 2 decimals that are kept.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_ZERO_CENTS = Decimal("0.00")


def round_score(value: Decimal) -> Decimal:
    """Round a figure for display and comparison: 2 decimal places, ROUND_HALF_UP (69.995 -> 70.00)."""
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)
    # A tiny negative z-score mean would print "-0.00".
    return rounded if rounded else _ZERO_CENTS


def _check_points(value: object, what: str, entry_code: str | None = None, juror: int | None = None) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what}{_where(entry_code, juror)} must be a Decimal, not {type(value).__name__}: {value!r}")
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what}{_where(entry_code, juror)} must be a finite number >= 0: {value}")
    double = value + value
    if double != double.to_integral_value():
        raise ValueError(f"{what}{_where(entry_code, juror)} must be a multiple of 0.5: {value}")
    return value


def _where(entry_code: str | None, juror: int | None) -> str:
    return "" if entry_code is None else f" of juror {juror} for entry {entry_code}"


def sheet_total(points: Iterable[Decimal]) -> Decimal:
    """The exact sum of one juror's points on one score sheet.

    :raise ValueError: a point is negative, not finite or not a multiple of 0.5.
    :raise TypeError: a point is not a Decimal (a float would carry binary rounding errors).
    """
    with localcontext(_CONTEXT):
        total = _ZERO
        for value in points:
            total += _check_points(value, "a point")
        return total


@dataclass(frozen=True)
class EntryScores:
    """The input for one entry: its product group, its code and each juror's sheet total."""

    entry_id: int
    group: str
    code: str
    juror_totals: Mapping[int, Decimal]  # juror id -> sheet total


@dataclass(frozen=True)
class AggregateSettings:
    """A round's aggregation settings; the defaults are the regulation's rule (mean >= 70)."""

    method: Method = "mean"
    trim_min_jurors: int = 5
    disagreement_sd: Decimal = Decimal("10")
    threshold: Decimal = Decimal("70")
    with_zscore: bool = False  # compute zscore_mean beside the raw figures even when it is not the method

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown aggregation method {self.method!r}; expected one of {METHODS}")
        if self.trim_min_jurors < 3:
            raise ValueError("trim_min_jurors must be at least 3: a trimmed mean drops two totals")
        for name in ("disagreement_sd", "threshold"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a finite Decimal >= 0: {value!r}")


@dataclass(frozen=True)
class EntryResult:
    """One row of the result table; every figure is rounded to 2 decimals (None when not computed).

    ``method`` is the method actually used for ``aggregate``: ``"mean"`` when a trimmed mean was asked
    for but the entry has fewer than ``trim_min_jurors`` jurors. ``min_total`` is the least favourable
    juror's total (tie-break 2). An entry without any sheet has no figures, ``rank`` None and
    ``passed`` False.
    """

    entry_id: int
    group: str
    code: str
    juror_totals: tuple[tuple[int, Decimal], ...]  # (juror id, total), by juror id
    n_jurors: int
    mean: Decimal | None
    median: Decimal | None
    min_total: Decimal | None
    std_dev: Decimal | None
    trimmed_mean: Decimal | None
    zscore_mean: Decimal | None
    aggregate: Decimal | None
    method: Method | None
    passed: bool
    disagreement: bool
    rank: int | None
    tied: bool


# What a rank is decided on: the aggregate and tie-breaks (1) to (3) of aggregate(), negated so that
# an ascending sort puts the best first.
_Standing = tuple[Decimal, Decimal, Decimal, int]


def _sample_sd(count: int, total: Decimal, squares: Decimal) -> Decimal:
    """Sample standard deviation from n, sum and sum of squares; exact up to the final division and root."""
    if count < 2:
        return _ZERO
    # n * sum(x^2) - (sum x)^2 is exact for half points, so the variance is never a negative rounding artefact.
    return ((count * squares - total * total) / (count * (count - 1))).sqrt()


def _zscores(totals_by_entry: Mapping[int, Sequence[tuple[int, Decimal]]]) -> dict[int, dict[int, Decimal]]:
    """z-scores per entry and juror; call inside the module context with validated totals."""
    counts: dict[int, int] = defaultdict(int)
    sums: dict[int, Decimal] = defaultdict(Decimal)
    squares: dict[int, Decimal] = defaultdict(Decimal)
    for totals in totals_by_entry.values():
        for juror, value in totals:
            counts[juror] += 1
            sums[juror] += value
            squares[juror] += value * value
    scale = {
        juror: (sums[juror] / count, _sample_sd(count, sums[juror], squares[juror])) for juror, count in counts.items()
    }
    result: dict[int, dict[int, Decimal]] = {}
    for entry_id, totals in totals_by_entry.items():
        row: dict[int, Decimal] = {}
        for juror, value in totals:
            mean, sd = scale[juror]
            row[juror] = (value - mean) / sd if sd else _ZERO
        result[entry_id] = row
    return result


def zscores(juror_totals_by_entry: Mapping[int, Mapping[int, Decimal]]) -> dict[int, dict[int, Decimal]]:
    """Each sheet total standardised against its juror's other sheets: entry id -> juror id -> z (unrounded).

    :raise ValueError: a total is negative, not finite or not a multiple of 0.5.
    """
    with localcontext(_CONTEXT):
        prepared = {
            entry_id: tuple((juror, _check_points(value, "a sheet total")) for juror, value in sorted(totals.items()))
            for entry_id, totals in juror_totals_by_entry.items()
        }
        return _zscores(prepared)


def _zscore_means(totals_by_entry: Mapping[int, Sequence[tuple[int, Decimal]]]) -> dict[int, Decimal]:
    """Each entry's mean z-score mapped back to points as M + mean_z * S (unrounded)."""
    count = 0
    total = squares = _ZERO
    for totals in totals_by_entry.values():
        for _, value in totals:
            count += 1
            total += value
            squares += value * value
    if not count:
        return {}
    overall_mean = total / count
    overall_sd = _sample_sd(count, total, squares)
    means: dict[int, Decimal] = {}
    for entry_id, row in _zscores(totals_by_entry).items():
        if row:
            # Summed in juror-id order so that the inexact z-scores add up the same for any input order.
            means[entry_id] = overall_mean + sum(row.values(), _ZERO) / len(row) * overall_sd
    return means


def aggregate(entries: Sequence[EntryScores], settings: AggregateSettings) -> list[EntryResult]:
    """Compute every entry's figures, pass or fail, and rank within its product group.

    Ranking rule (the tie-break, applied deterministically):

    Within a product group, entries are ordered by the rounded aggregate, highest first. Equal
    aggregates are broken by, in turn: (1) the higher median; (2) the higher lowest juror total (the
    least favourable juror); (3) more jurors scored; (4) the entry code, ascending (plain string
    order). Ranks are standard competition ranks ("1, 2, 2, 4"): entries equal on the aggregate and
    on tie-breaks (1) to (3) share the same rank and are marked ``tied``; the next entry's rank skips
    the shared places. Tie-break (4) only fixes the order in which tied entries are listed, so the
    order is total and does not depend on the input order. Entries without any sheet are not ranked
    (rank None, passed False) and are listed after the ranked entries of their group, by code.

    Returns the results sorted by (group, rank, code).

    :raise ValueError: duplicate entry id or code, or a total that is not a non-negative multiple of 0.5.
    """
    with localcontext(_CONTEXT):
        return _aggregate(entries, settings)


def _aggregate(entries: Sequence[EntryScores], settings: AggregateSettings) -> list[EntryResult]:
    seen_ids: set[int] = set()
    seen_codes: set[str] = set()
    totals_by_entry: dict[int, tuple[tuple[int, Decimal], ...]] = {}
    for entry in entries:
        if entry.entry_id in seen_ids:
            raise ValueError(f"entry id {entry.entry_id} appears twice")
        if entry.code in seen_codes:
            raise ValueError(f"entry code {entry.code!r} appears twice")
        seen_ids.add(entry.entry_id)
        seen_codes.add(entry.code)
        totals_by_entry[entry.entry_id] = tuple(
            (juror, _check_points(value, "the sheet total", entry.code, juror))
            for juror, value in sorted(entry.juror_totals.items())
        )

    z_means: dict[int, Decimal] = {}
    if settings.method == "zscore_mean" or settings.with_zscore:
        z_means = _zscore_means(totals_by_entry)

    by_group: dict[str, list[tuple[_Standing | None, EntryResult]]] = defaultdict(list)
    for entry in entries:
        figures = _figures(entry, totals_by_entry[entry.entry_id], z_means.get(entry.entry_id), settings)
        by_group[entry.group].append(figures)

    ordered: list[EntryResult] = []
    for group in sorted(by_group):
        ordered.extend(_rank_group(by_group[group]))
    return ordered


def _figures(
    entry: EntryScores,
    totals: tuple[tuple[int, Decimal], ...],
    z_mean: Decimal | None,
    settings: AggregateSettings,
) -> tuple[_Standing | None, EntryResult]:
    """The entry's rounded figures, not yet ranked, and its standing (None when it has no sheet)."""
    n = len(totals)
    if not n:
        unscored = EntryResult(
            entry_id=entry.entry_id,
            group=entry.group,
            code=entry.code,
            juror_totals=totals,
            n_jurors=0,
            mean=None,
            median=None,
            min_total=None,
            std_dev=None,
            trimmed_mean=None,
            zscore_mean=None,
            aggregate=None,
            method=None,
            passed=False,
            disagreement=False,
            rank=None,
            tied=False,
        )
        return None, unscored
    values = sorted(value for _, value in totals)
    total = squares = _ZERO
    for value in values:
        total += value
        squares += value * value
    mean = round_score(total / n)
    middle = n // 2
    median = round_score(values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2)
    std_dev = round_score(_sample_sd(n, total, squares))
    trimmed = round_score((total - values[0] - values[-1]) / (n - 2)) if n >= settings.trim_min_jurors else None
    zscore_mean = round_score(z_mean) if z_mean is not None else None

    method: Method = settings.method
    if method == "trimmed_mean" and trimmed is not None:
        figure = trimmed
    elif method == "zscore_mean" and zscore_mean is not None:
        figure = zscore_mean
    else:
        method, figure = "mean", mean
    result = EntryResult(
        entry_id=entry.entry_id,
        group=entry.group,
        code=entry.code,
        juror_totals=totals,
        n_jurors=n,
        mean=mean,
        median=median,
        min_total=round_score(values[0]),
        std_dev=std_dev,
        trimmed_mean=trimmed,
        zscore_mean=zscore_mean,
        aggregate=figure,
        method=method,
        passed=figure >= settings.threshold,
        disagreement=std_dev > settings.disagreement_sd,
        rank=None,
        tied=False,
    )
    return (-figure, -median, -values[0], -n), result


def _rank_group(rows: list[tuple[_Standing | None, EntryResult]]) -> list[EntryResult]:
    """Competition ranks within one group, in the order of aggregate()'s docstring."""
    scored = sorted(
        ((standing, result.code, result) for standing, result in rows if standing is not None),
        key=lambda item: item[:2],
    )
    unscored = sorted((result for standing, result in rows if standing is None), key=lambda result: result.code)
    counts: dict[_Standing, int] = defaultdict(int)
    for standing, _, _ in scored:
        counts[standing] += 1

    ranked: list[EntryResult] = []
    rank = 0
    previous: _Standing | None = None
    for position, (standing, _, result) in enumerate(scored, start=1):
        if standing != previous:
            rank, previous = position, standing
        ranked.append(replace(result, rank=rank, tied=counts[standing] > 1))
    return ranked + unscored
