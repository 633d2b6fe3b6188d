"""The dashboard's figures against values computed by hand from the fixture's dates (numpy for percentiles)."""

import numpy as np
import pytest
from django.apps import apps

from continuum.metrics import figures
from continuum.metrics.figures import Period

from .conftest import END, EVIL_TOPIC, MARKUP_TOPIC, SPECS, START


@pytest.fixture
def board(program):
    return figures.dashboard(Period(START, END))


def test_requests_received_and_decided_by_month(board):
    months = [(m.month.month, m.received, m.decided) for m in board.months]
    # Decided counts accepted, declined and referred (r8 was submitted before the period but decided in it);
    # r7's withdrawal is the requester's, not a decision.
    assert months == [(1, 2, 2), (2, 1, 2), (3, 2, 2), (4, 1, 0), (5, 1, 0), (6, 1, 1)]
    assert (board.received, board.decided) == (8, 7)


def _days(a: str, b: str) -> int:
    import datetime

    return (datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a)).days


def test_times_from_request_median_and_90th_percentile(board):
    cohort = [s for s in SPECS.values() if "2026-01-01" <= s.submitted <= "2026-06-30"]
    decided = [s for s in cohort if s.status in ("accepted", "declined", "referred")]
    delivered = [s for s in cohort if s.activity or s.delivery]
    reports = [s for s in cohort if s.report] if apps.is_installed("continuum.reports") else []
    expected = {
        "decision": [_days(s.submitted, s.decided) for s in decided],
        "plan": [_days(s.submitted, s.plan) for s in cohort if s.plan],
        "delivery": [
            _days(s.submitted, min([*s.activity, *([s.delivery] if s.delivery else [])])) for s in delivered
        ],
        "report": [_days(s.submitted, s.report) for s in reports],
    }
    assert sorted(expected["decision"]) == [2, 4, 5, 10, 14, 20]
    assert sorted(expected["delivery"]) == [30, 35, 60]
    got = {d.key: d for d in board.durations}
    for key, values in expected.items():
        assert sorted(got[key].days) == sorted(values), key
        if values:
            assert got[key].median == pytest.approx(np.percentile(values, 50)), key
            assert got[key].p90 == pytest.approx(np.percentile(values, 90)), key
        else:
            assert got[key].median is None and got[key].p90 is None
    assert got["decision"].median == 7.5 and got["decision"].p90 == pytest.approx(17.0)


def test_a_step_dated_before_its_request_is_counted_apart(program, users):
    from continuum.delivery.models import ActivityDone

    ActivityDone.objects.create(site=program["r1"].site, title="Back-filled", done_on="2025-12-01",
                                participants="Team", logged_by=users["staff"])  # fmt: skip
    delivery = next(d for d in figures.dashboard(Period(START, END)).durations if d.key == "delivery")
    assert sorted(delivery.days) == [35, 60] and delivery.inconsistent == 1 and delivery.median == 47.5


def test_agencies_served_by_state_type_and_size(board):
    agencies = board.agencies
    assert agencies.total == 4  # a (r1, r8), b (r2), c (r9), d (r4): sites opened in the period
    assert dict(agencies.by_state) == {"Ohio": 1, "North Dakota": 1, "South Dakota": 1, "Utah": 1}
    assert dict(agencies.by_type) == {"Local (municipal)": 2, "Tribal": 1, "Campus": 1}
    assert agencies.by_size == [
        ("Fewer than 50", 1),
        ("100 to 249", 1),
        ("1,000 or more", 1),
        ("Not known", 1),
    ]
    assert (agencies.small, agencies.known_size) == (1, 3) and agencies.small_share == pytest.approx(1 / 3)


def test_topics_sites_and_feedback(board):
    assert board.topics[:3] == [
        ("De-escalation", "Use of force and de-escalation", 2),
        ("Rural policing", "Public sector coordination and partnerships", 2),
        ("Use of force", "Use of force and de-escalation", 2),
    ]
    assert {name for name, _, n in board.topics if n == 1} == {
        "Officer safety and wellness",
        EVIL_TOPIC,
        MARKUP_TOPIC,
    }
    rows = {label: (cells, total) for label, cells, total in board.sites.rows}
    statuses = [value for value, _ in board.sites.statuses]
    assert rows["CRI-TAC"][1] == 4 and rows["CRI-TAC"][0][statuses.index("work_plan")] == 4
    assert rows["Critical Response"][0][statuses.index("published")] == 1 and board.sites.total == 5
    results = {r.program: r for r in board.feedback}
    assert (results["cri_tac"].invited, results["cri_tac"].responded, results["cri_tac"].satisfaction) == (
        2,
        1,
        5,
    )
    assert results["cri_tac"].response_rate == 0.5 and results["critical_response"].usefulness == 3


def test_the_program_filter(program):
    board = figures.dashboard(Period(START, END, "cri_tac"))
    # A request's program is its site's once accepted, else the one it asked for: r2 is Critical Response, r5
    # (not sure, referred) belongs to none.
    assert [m.received for m in board.months] == [1, 1, 1, 1, 1, 1]
    decision = next(d for d in board.durations if d.key == "decision")
    assert sorted(decision.days) == [2, 4, 5, 20] and decision.median == 4.5
    assert board.agencies.total == 3 and [label for label, _, _ in board.sites.rows] == ["CRI-TAC"]
    assert [r.program for r in board.feedback] == ["cri_tac"]


def test_the_period_filter(program):
    board = figures.dashboard(Period(START.replace(month=3), END.replace(month=4)))
    assert [(m.month.month, m.received, m.decided) for m in board.months] == [(3, 2, 2), (4, 1, 0)]
    assert board.agencies.total == 1 and board.feedback == []


def test_percentiles_of_nothing_and_of_one():
    assert figures.percentile([], 0.5) is None
    assert figures.percentile([7], 0.9) == 7
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    assert figures.percentile(values, 0.9) == pytest.approx(np.percentile(values, 90))


def test_the_default_period_is_the_last_twelve_months():
    import datetime

    period = figures.default_period(datetime.date(2026, 11, 23))
    assert (period.start, period.end) == (datetime.date(2025, 12, 1), datetime.date(2026, 11, 23))
    assert len(period.months()) == 12
