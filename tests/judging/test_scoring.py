"""Scoring arithmetic: exact figures, the pass boundary, tie-breaks, and properties checked with hypothesis."""

from __future__ import annotations

import itertools
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcvote.judging.scoring import (
    METHODS,
    AggregateSettings,
    EntryResult,
    EntryScores,
    aggregate,
    round_score,
    sheet_total,
    zscores,
)

D = Decimal
MEAN = AggregateSettings()
_ids = itertools.count(1000)


def entry(code: str, totals: list[str | int], *, group: str = "1", entry_id: int | None = None) -> EntryScores:
    """An entry scored by jurors 1..n with the given totals."""
    return EntryScores(
        entry_id=entry_id if entry_id is not None else next(_ids),
        group=group,
        code=code,
        juror_totals={juror: D(str(total)) for juror, total in enumerate(totals, start=1)},
    )


def only(entries: list[EntryScores], config: AggregateSettings = MEAN) -> EntryResult:
    [result] = aggregate(entries, config)
    return result


# --- sheet totals ---------------------------------------------------------------------------------


def test_sheet_total_sums_half_points_exactly() -> None:
    assert sheet_total([D("10"), D("7.5"), D("0.5"), D("0"), D("32")]) == D("50.0")


def test_sheet_total_of_no_points_is_zero() -> None:
    assert sheet_total([]) == D(0)


@pytest.mark.parametrize("bad", [D("0.3"), D("7.25"), D("-0.5"), D("-1"), D("NaN"), D("Infinity")])
def test_sheet_total_invalid_point_raises_value_error(bad: Decimal) -> None:
    with pytest.raises(ValueError):
        sheet_total([D("10"), bad])


def test_sheet_total_float_point_raises_type_error() -> None:
    with pytest.raises(TypeError):
        sheet_total([D("10"), 0.5])  # type: ignore[list-item]


def test_aggregate_invalid_juror_total_raises_value_error() -> None:
    with pytest.raises(ValueError):
        aggregate([entry("A", ["70.3", 70])], MEAN)


# --- figures of one entry -----------------------------------------------------------------------


def test_aggregate_three_jurors_gives_exact_figures() -> None:
    result = only([entry("A", [80, 70, 60])])

    assert (result.mean, result.median, result.std_dev) == (D("70.00"), D("70.00"), D("10.00"))
    assert (result.min_total, result.n_jurors, result.trimmed_mean, result.zscore_mean) == (D("60.00"), 3, None, None)
    assert (result.aggregate, result.method, result.passed, result.disagreement) == (D("70.00"), "mean", True, False)
    assert result.juror_totals == ((1, D(80)), (2, D(70)), (3, D(60)))


def test_aggregate_figures_have_exactly_two_decimals() -> None:
    result = only([entry("A", [70, 70, "70.5"])])  # 210.5 / 3 = 70.1666...

    assert [str(value) for value in (result.mean, result.median, result.std_dev, result.min_total)] == [
        "70.17",
        "70.00",
        "0.29",
        "70.00",
    ]


def test_aggregate_median_of_even_count_averages_the_middle_two() -> None:
    assert only([entry("A", [60, 71, "72.5", 90])]).median == D("71.75")


def test_aggregate_single_juror_has_zero_std_dev() -> None:
    result = only([entry("A", [85])])

    assert (result.std_dev, result.disagreement, result.rank) == (D("0.00"), False, 1)


def test_aggregate_std_dev_above_setting_flags_disagreement() -> None:
    spread = [entry("A", [90, 70, 50])]  # sample SD 20

    assert only(spread).disagreement is True
    assert only(spread, AggregateSettings(disagreement_sd=D("20"))).disagreement is False  # strictly greater
    assert only(spread, AggregateSettings(disagreement_sd=D("19.99"))).disagreement is True


def test_trimmed_mean_five_jurors_drops_highest_and_lowest() -> None:
    totals = [90, 80, 70, 60, 10]

    by_mean = only([entry("A", totals)])
    by_trimmed = only([entry("A", totals)], AggregateSettings(method="trimmed_mean"))

    assert (by_mean.mean, by_mean.trimmed_mean, by_mean.aggregate, by_mean.passed) == (
        D("62.00"),
        D("70.00"),
        D("62.00"),
        False,
    )
    assert (by_trimmed.mean, by_trimmed.aggregate, by_trimmed.method, by_trimmed.passed) == (
        D("62.00"),
        D("70.00"),
        "trimmed_mean",
        True,
    )


def test_trimmed_mean_fewer_than_five_jurors_falls_back_to_mean() -> None:
    result = only([entry("A", [90, 80, 70, 10])], AggregateSettings(method="trimmed_mean"))

    assert (result.trimmed_mean, result.aggregate, result.method) == (None, D("62.50"), "mean")


def test_trimmed_mean_min_jurors_is_a_setting() -> None:
    result = only([entry("A", [90, 80, 70, 10])], AggregateSettings(method="trimmed_mean", trim_min_jurors=4))

    assert (result.trimmed_mean, result.aggregate, result.method) == (D("75.00"), D("75.00"), "trimmed_mean")


# --- the pass boundary --------------------------------------------------------------------------


def test_pass_mean_of_exactly_70_passes() -> None:
    assert only([entry("A", [70, 75, 65])]).passed is True


def test_pass_mean_of_69_99_fails() -> None:
    result = only([entry("A", [70] * 49 + ["69.5"])])  # 3499.5 / 50 = 69.99 exactly

    assert (result.aggregate, result.passed) == (D("69.99"), False)


def test_pass_raw_69_995_rounds_to_70_00_and_passes() -> None:
    # The rounded figure is the one printed and compared (module docstring): 6999.5 / 100 = 69.995 -> 70.00.
    result = only([entry("A", [70] * 99 + ["69.5"])])

    assert (result.aggregate, result.passed) == (D("70.00"), True)


def test_round_score_rounds_half_up_to_two_decimals() -> None:
    assert [round_score(D(value)) for value in ("69.995", "69.994999", "70.005", "-0.001", "62")] == [
        D("70.00"),
        D("69.99"),
        D("70.01"),
        D("0.00"),
        D("62.00"),
    ]


def test_pass_threshold_is_a_setting() -> None:
    result = only([entry("A", [80, 80])], AggregateSettings(threshold=D("80.5")))

    assert result.passed is False


# --- z-scores -------------------------------------------------------------------------------------


def harsh_and_lenient() -> list[EntryScores]:
    """Juror 1 is harsh and scored A and B; juror 2 is lenient and scored C and D."""
    return [
        EntryScores(1, "1", "A", {1: D(60)}),
        EntryScores(2, "1", "B", {1: D(50)}),
        EntryScores(3, "1", "C", {2: D(90)}),
        EntryScores(4, "1", "D", {2: D(80)}),
    ]


def test_zscores_standardise_each_juror_separately() -> None:
    z = zscores({entry.entry_id: entry.juror_totals for entry in harsh_and_lenient()})

    assert {entry_id: round_score(row[next(iter(row))]) for entry_id, row in z.items()} == {
        1: D("0.71"),
        2: D("-0.71"),
        3: D("0.71"),
        4: D("-0.71"),
    }


def test_zscores_juror_with_one_sheet_or_no_spread_gets_zero() -> None:
    z = zscores({1: {1: D(70), 2: D(80)}, 2: {2: D(80)}})

    assert z == {1: {1: D(0), 2: D(0)}, 2: {2: D(0)}}


def test_zscore_shown_beside_raw_figures_when_asked() -> None:
    results = {result.code: result for result in aggregate(harsh_and_lenient(), AggregateSettings(with_zscore=True))}

    # M = 70, S = sqrt(1000 / 3); A and C are each their juror's better entry: 70 + S / sqrt(2) = 82.91.
    assert {code: (r.mean, r.zscore_mean, r.aggregate) for code, r in results.items()} == {
        "A": (D("60.00"), D("82.91"), D("60.00")),
        "B": (D("50.00"), D("57.09"), D("50.00")),
        "C": (D("90.00"), D("82.91"), D("90.00")),
        "D": (D("80.00"), D("57.09"), D("80.00")),
    }
    assert [code for code, r in results.items() if r.passed] == ["C", "D"]


def test_zscore_method_corrects_the_harsh_juror() -> None:
    results = aggregate(harsh_and_lenient(), AggregateSettings(method="zscore_mean"))

    # A and C tie on 82.91; C wins tie-break (1), the higher median.
    assert [(r.code, r.rank, r.aggregate, r.mean, r.passed) for r in results] == [
        ("C", 1, D("82.91"), D("90.00"), True),
        ("A", 2, D("82.91"), D("60.00"), True),
        ("D", 3, D("57.09"), D("80.00"), False),
        ("B", 4, D("57.09"), D("50.00"), False),
    ]


# --- ranking ----------------------------------------------------------------------------------------


def test_rank_competition_ranking_with_ties_listed_by_code() -> None:
    entries = [
        entry("TN-2025-TCMN-004", [70, 70, 70], entry_id=4),
        entry("TN-2025-TCMN-003", [80, 80, 80], entry_id=3),
        entry("TN-2025-TCMN-001", [90, 90, 90], entry_id=1),
        entry("TN-2025-TCMN-002", [80, 80, 80], entry_id=2),
    ]

    results = aggregate(entries, MEAN)

    assert [(r.code, r.rank, r.tied) for r in results] == [
        ("TN-2025-TCMN-001", 1, False),
        ("TN-2025-TCMN-002", 2, True),
        ("TN-2025-TCMN-003", 2, True),
        ("TN-2025-TCMN-004", 4, False),
    ]


def test_rank_tie_break_1_higher_median() -> None:
    # Both average 70; Z has median 75, A only 65. The code would favour A.
    results = aggregate([entry("A", [65, 65, 80]), entry("Z", [60, 75, 75])], MEAN)

    assert [(r.code, r.rank, r.tied) for r in results] == [("Z", 1, False), ("A", 2, False)]


def test_rank_tie_break_2_higher_lowest_total() -> None:
    # Both average 70 with median 70; Z's least favourable juror gave 65, A's gave 60.
    results = aggregate([entry("A", [60, 70, 80]), entry("Z", [65, 70, 75])], MEAN)

    assert [(r.code, r.rank, r.tied) for r in results] == [("Z", 1, False), ("A", 2, False)]


def test_rank_tie_break_3_more_jurors() -> None:
    # Average 70, median 70, lowest 60 for both; Z was scored by 3 jurors, A by 2.
    results = aggregate([entry("A", [60, 80]), entry("Z", [60, 70, 80])], MEAN)

    assert [(r.code, r.rank, r.tied) for r in results] == [("Z", 1, False), ("A", 2, False)]


def test_rank_tie_break_4_code_orders_but_shares_the_rank() -> None:
    results = aggregate([entry("B", [60, 70, 80]), entry("A", [80, 60, 70])], MEAN)

    assert [(r.code, r.rank, r.tied) for r in results] == [("A", 1, True), ("B", 1, True)]


def test_rank_compares_rounded_aggregates() -> None:
    # Raw 772 / 11 = 70.1818... and 982.5 / 14 = 70.1785... both print 70.18: equal on the aggregate
    # and on median and lowest total, so Z's 14 jurors beat A's 11 although its raw average is lower.
    results = aggregate([entry("A", [70] * 10 + [72]), entry("Z", [70] * 13 + ["72.5"])], MEAN)

    assert [(r.code, r.aggregate, r.n_jurors, r.rank, r.tied) for r in results] == [
        ("Z", D("70.18"), 14, 1, False),
        ("A", D("70.18"), 11, 2, False),
    ]


def test_rank_restarts_in_each_group_and_groups_are_sorted() -> None:
    entries = [
        entry("C", [60], group="2"),
        entry("A", [90], group="1"),
        entry("D", [95], group="2"),
        entry("B", [80], group="1"),
    ]

    results = aggregate(entries, MEAN)

    assert [(r.group, r.code, r.rank) for r in results] == [("1", "A", 1), ("1", "B", 2), ("2", "D", 1), ("2", "C", 2)]


def test_entry_without_sheets_is_not_ranked_and_listed_last() -> None:
    entries = [entry("A", []), entry("B", [75]), entry("C", [])]

    results = aggregate(entries, AggregateSettings(with_zscore=True))

    assert [(r.code, r.rank, r.aggregate, r.passed, r.n_jurors) for r in results] == [
        ("B", 1, D("75.00"), True, 1),
        ("A", None, None, False, 0),
        ("C", None, None, False, 0),
    ]


def test_aggregate_no_entries_returns_empty_list() -> None:
    assert aggregate([], AggregateSettings(method="zscore_mean")) == []


def test_aggregate_duplicate_entry_id_raises_value_error() -> None:
    with pytest.raises(ValueError, match="entry id"):
        aggregate([entry("A", [70], entry_id=1), entry("B", [70], entry_id=1)], MEAN)


def test_aggregate_duplicate_code_raises_value_error() -> None:
    with pytest.raises(ValueError, match="code"):
        aggregate([entry("A", [70], entry_id=1), entry("A", [70], entry_id=2, group="2")], MEAN)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "median"},
        {"trim_min_jurors": 2},
        {"threshold": D("-1")},
        {"threshold": 70},
        {"disagreement_sd": D("NaN")},
    ],
)
def test_settings_invalid_value_raises_value_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        AggregateSettings(**kwargs)  # type: ignore[arg-type]


def test_aggregate_ignores_the_callers_decimal_context() -> None:
    entries = [entry("A", [70, 70, "70.5"]), entry("B", [90, 80, 70, 60, 10])]
    expected = aggregate(entries, AggregateSettings(with_zscore=True))

    with localcontext() as ctx:
        ctx.prec = 3
        assert aggregate(entries, AggregateSettings(with_zscore=True)) == expected


# --- properties ---------------------------------------------------------------------------------------

half_points = st.integers(min_value=0, max_value=200).map(lambda halves: Decimal(halves) / 2)
# A narrow set makes equal aggregates, medians and minimums, so every tie-break level is exercised.
close_totals = st.sampled_from([D(60), D("69.5"), D(70), D("70.5"), D(80)])
juror_totals = st.dictionaries(st.integers(1, 9), st.one_of(half_points, close_totals), max_size=9)
all_settings = st.builds(
    AggregateSettings,
    method=st.sampled_from(METHODS),
    trim_min_jurors=st.integers(3, 6),
    threshold=st.sampled_from([D(0), D("69.99"), D(70), D("70.17"), D(100)]),
    with_zscore=st.booleans(),
)


@st.composite
def rounds(draw: st.DrawFn) -> list[EntryScores]:
    sheets = draw(st.lists(juror_totals, max_size=25))
    groups = draw(st.lists(st.sampled_from(["1", "2", "3"]), min_size=len(sheets), max_size=len(sheets)))
    codes = draw(st.permutations(range(len(sheets))))
    return [
        EntryScores(entry_id=index, group=group, code=f"TN-2025-{code:03d}", juror_totals=totals)
        for index, (totals, group, code) in enumerate(zip(sheets, groups, codes, strict=True))
    ]


def standing(result: EntryResult) -> tuple[Decimal | None, Decimal | None, Decimal | None, int]:
    return (result.aggregate, result.median, result.min_total, result.n_jurors)


@given(rounds(), all_settings)
def test_property_figures_lie_between_lowest_and_highest_total(
    entries: list[EntryScores], config: AggregateSettings
) -> None:
    for result in aggregate(entries, config):
        if not result.n_jurors:
            continue
        totals = [total for _, total in result.juror_totals]
        for figure in (result.mean, result.median, result.trimmed_mean):
            assert figure is None or min(totals) <= figure <= max(totals)
        if result.method != "zscore_mean":
            assert result.aggregate is not None
            assert min(totals) <= result.aggregate <= max(totals)


@given(rounds(), all_settings)
def test_property_figures_are_rounded_to_two_decimals(entries: list[EntryScores], config: AggregateSettings) -> None:
    for result in aggregate(entries, config):
        figures = (
            result.mean,
            result.median,
            result.std_dev,
            result.trimmed_mean,
            result.zscore_mean,
            result.aggregate,
        )
        assert all(figure.as_tuple().exponent == -2 for figure in figures if figure is not None)


@given(rounds(), all_settings)
def test_property_passed_iff_aggregate_reaches_threshold(entries: list[EntryScores], config: AggregateSettings) -> None:
    for result in aggregate(entries, config):
        expected = result.aggregate is not None and result.aggregate >= config.threshold
        assert result.passed == expected


@given(rounds(), all_settings)
def test_property_ranks_are_consistent_with_aggregates(entries: list[EntryScores], config: AggregateSettings) -> None:
    results = aggregate(entries, config)

    for group in {result.group for result in results}:
        scored = [r for r in results if r.group == group and r.aggregate is not None]
        for a in scored:
            assert a.rank is not None
            better = [b for b in scored if standing_key(b) > standing_key(a)]
            assert a.rank == 1 + len(better)  # competition ranking
            assert a.tied == any(b is not a and standing(b) == standing(a) for b in scored)
            for b in scored:
                assert b.rank is not None and b.aggregate is not None and a.aggregate is not None
                if a.aggregate > b.aggregate:
                    assert a.rank < b.rank
                if a.rank == b.rank:
                    assert standing(a) == standing(b)
        assert all(r.rank is None for r in results if r.group == group and r.aggregate is None)

    listed = [(r.group, r.rank is None, r.rank or 0, r.code) for r in results]
    assert listed == sorted(listed)


def standing_key(result: EntryResult) -> tuple[Decimal, Decimal, Decimal, int]:
    assert result.aggregate is not None and result.median is not None and result.min_total is not None
    return (result.aggregate, result.median, result.min_total, result.n_jurors)


@settings(max_examples=50)
@given(st.data(), rounds(), all_settings)
def test_property_result_is_independent_of_input_order(
    data: st.DataObject, entries: list[EntryScores], config: AggregateSettings
) -> None:
    shuffled = data.draw(st.permutations(entries))
    shuffled_jurors = [
        EntryScores(e.entry_id, e.group, e.code, dict(reversed(list(e.juror_totals.items())))) for e in shuffled
    ]

    assert aggregate(shuffled_jurors, config) == aggregate(entries, config)
