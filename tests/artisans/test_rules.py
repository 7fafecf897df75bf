"""Eligibility at each criterion's edge; quorum and the pass threshold at every boundary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcvote.artisans.enums import Check, PrizeLevel, Title
from kcvote.artisans.rules import (
    DossierFacts,
    PrizeFact,
    TitleCriteria,
    WorkFact,
    evaluate,
    needed_for,
    overall,
    passes,
    quorum_met,
    rule_in_force,
    years_in_craft,
)

NNND = TitleCriteria(
    title=Title.NNND,
    effective_from=date(2024, 6, 6),
    min_years_in_craft=20,
    min_works=2,
    national_max_rank=2,
    regional_max_rank=3,
    international_max_rank=3,
    provincial_max_rank=0,
    requires_state_sending=True,
    min_people_taught=150,
    special_craft_min_taught=50,
    requires_title=Title.NNUT,
)
TITLE_DATE = date(2015, 9, 1)
GOOD = DossierFacts(
    title=Title.NNND,
    periods=[(1995, None)],
    works=[WorkFact(1, "Bình gốm men lam", date(2018, 3, 1)), WorkFact(2, "Tượng gỗ", date(2020, 5, 1))],
    prizes=[
        PrizeFact(PrizeLevel.NATIONAL, 2, 2019, False, 1),
        PrizeFact(PrizeLevel.INTERNATIONAL, 3, 2021, True, 2),
    ],
    people_taught=150,
    has_teaching_evidence=True,
    current_title=Title.NNUT,
    current_title_date=TITLE_DATE,
    as_of=date(2025, 6, 1),
)


def _status(facts: DossierFacts, code: str) -> Check:
    return next(r.status for r in evaluate(facts, NNND) if r.code == code)


def test_a_complete_nnnd_dossier_meets_everything_but_what_the_council_judges() -> None:
    results = evaluate(GOOD, NNND)
    assert {r.code: r.status for r in results} == {
        "prior_title": Check.MET,
        "loyalty": Check.COUNCIL,
        "years": Check.MET,
        "ethics": Check.COUNCIL,
        "works": Check.MET,
        "taught": Check.MET,
    }
    assert overall(results) == Check.COUNCIL


@pytest.mark.parametrize(
    ("facts", "code", "expected"),
    [
        # 20 years in the craft: 2006–2025 is 20 years, 2007–2025 is 19.
        (replace(GOOD, periods=[(2006, None)]), "years", Check.MET),
        (replace(GOOD, periods=[(2007, None)]), "years", Check.NOT_MET),
        # cumulative periods, overlaps counted once: 1990–1999 and 1995–2004 are 15 years
        (replace(GOOD, periods=[(1990, 1999), (1995, 2004)]), "years", Check.NOT_MET),
        (replace(GOOD, periods=[(1980, 1989), (2000, 2009)]), "years", Check.MET),
        # 150 people taught, 149 not; a special craft needs 50
        (replace(GOOD, people_taught=149), "taught", Check.NOT_MET),
        (replace(GOOD, people_taught=49, special_craft=True), "taught", Check.NOT_MET),
        (replace(GOOD, people_taught=50, special_craft=True), "taught", Check.MET),
        (replace(GOOD, has_teaching_evidence=False), "taught", Check.COUNCIL),
        # must hold NNƯT
        (replace(GOOD, current_title=None, current_title_date=None), "prior_title", Check.NOT_MET),
        (replace(GOOD, current_title=Title.NNND), "prior_title", Check.NOT_MET),
        # national: 2nd prize counts, 3rd does not
        (
            replace(GOOD, prizes=[PrizeFact(PrizeLevel.NATIONAL, 3, 2019, False, 1), GOOD.prizes[1]]),
            "works",
            Check.NOT_MET,
        ),
        # international 3rd counts only when sent by the State
        (
            replace(GOOD, prizes=[GOOD.prizes[0], PrizeFact(PrizeLevel.INTERNATIONAL, 3, 2021, False, 2)]),
            "works",
            Check.NOT_MET,
        ),
        # regional: 3rd counts, consolation does not
        (
            replace(GOOD, prizes=[GOOD.prizes[0], PrizeFact(PrizeLevel.REGIONAL, 3, 2021, True, 2)]),
            "works",
            Check.MET,
        ),
        (
            replace(GOOD, prizes=[GOOD.prizes[0], PrizeFact(PrizeLevel.REGIONAL, 4, 2021, True, 2)]),
            "works",
            Check.NOT_MET,
        ),
        # provincial prizes never count for NNND
        (
            replace(GOOD, prizes=[GOOD.prizes[0], PrizeFact(PrizeLevel.PROVINCIAL, 1, 2021, True, 2)]),
            "works",
            Check.NOT_MET,
        ),
        # only works made after becoming NNƯT: one made on the very day does not count
        (
            replace(GOOD, works=[WorkFact(1, "Bình", TITLE_DATE), GOOD.works[1]]),
            "works",
            Check.NOT_MET,
        ),
        (
            replace(GOOD, works=[WorkFact(1, "Bình", date(2015, 9, 2)), GOOD.works[1]]),
            "works",
            Check.MET,
        ),
        # a prize won before the title year does not count either
        (
            replace(GOOD, prizes=[PrizeFact(PrizeLevel.NATIONAL, 1, 2014, False, 1), GOOD.prizes[1]]),
            "works",
            Check.NOT_MET,
        ),
        # two prizes of one work are still one work
        (
            replace(
                GOOD,
                prizes=[
                    PrizeFact(PrizeLevel.NATIONAL, 1, 2019, False, 1),
                    PrizeFact(PrizeLevel.NATIONAL, 2, 2020, False, 1),
                ],
            ),
            "works",
            Check.NOT_MET,
        ),
        # a declared disciplinary record goes to the council, with the text as the reason
        (replace(GOOD, discipline_record="Cảnh cáo năm 2010"), "loyalty", Check.COUNCIL),
    ],
)
def test_eligibility_at_each_edge(facts: DossierFacts, code: str, expected: Check) -> None:
    assert _status(facts, code) == expected


def test_not_met_wins_over_council() -> None:
    assert overall(evaluate(replace(GOOD, people_taught=10), NNND)) == Check.NOT_MET


def test_years_in_craft_stop_at_the_judging_year() -> None:
    assert years_in_craft([(2020, 2030)], 2025) == 6
    assert years_in_craft([], 2025) == 0


def test_the_rule_in_force_on_the_filing_day_applies() -> None:
    old = replace(NNND, effective_from=date(2024, 6, 6), min_people_taught=150)
    new = replace(NNND, effective_from=date(2026, 1, 1), min_people_taught=200)
    assert rule_in_force([old, new], date(2025, 12, 31)) == old
    assert rule_in_force([old, new], date(2026, 1, 1)) == new
    assert rule_in_force([old, new], date(2024, 6, 5)) is None


@pytest.mark.parametrize(("listed", "needed"), [(10, 9), (11, 10), (9, 9), (5, 5), (15, 14), (20, 18)])
def test_pass_needs_90_percent_of_all_listed_members(listed: int, needed: int) -> None:
    assert needed_for(listed, Decimal(90)) == needed
    assert passes(yes=needed, listed=listed, percent=Decimal(90))
    assert not passes(yes=needed - 1, listed=listed, percent=Decimal(90))


@given(st.integers(min_value=5, max_value=15), st.data())
def test_pass_threshold_boundary_for_every_council_size(listed: int, data: st.DataObject) -> None:
    yes = data.draw(st.integers(min_value=0, max_value=listed))
    assert passes(yes=yes, listed=listed, percent=Decimal(90)) == (10 * yes >= 9 * listed)
    assert passes(yes=yes, listed=listed, percent=Decimal(90)) == (yes >= needed_for(listed, Decimal(90)))


@given(st.integers(min_value=5, max_value=15), st.data())
def test_quorum_boundary_for_every_council_size(listed: int, data: st.DataObject) -> None:
    present = data.draw(st.integers(min_value=0, max_value=listed))
    expected = 4 * present >= 3 * listed
    assert quorum_met(listed=listed, present=present, presiding_present=True, percent=Decimal(75)) == expected
    assert not quorum_met(listed=listed, present=present, presiding_present=False, percent=Decimal(75))
    assert needed_for(listed, Decimal(75)) == min(p for p in range(listed + 1) if 4 * p >= 3 * listed)


def test_quorum_examples() -> None:
    assert quorum_met(listed=10, present=8, presiding_present=True, percent=Decimal(75))
    assert not quorum_met(listed=10, present=7, presiding_present=True, percent=Decimal(75))
    assert quorum_met(listed=11, present=9, presiding_present=True, percent=Decimal(75))
    assert not quorum_met(listed=11, present=8, presiding_present=True, percent=Decimal(75))
