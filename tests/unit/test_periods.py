"""Reg. 1182/71 art. 3: periods in days and months, and the roll-forward of deadlines to act."""

from datetime import UTC, date, datetime

import pytest

from registry.law import periods


@pytest.mark.parametrize(
    "start,months,end",
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
        (date(2026, 8, 30), 6, date(2027, 2, 28)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # added at once, not month by month (that would give 28 March)
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_a_notice_period_in_months_ends_on_the_same_date_or_the_months_last_day(start, months, end):
    result = periods.termination_end(start, months)
    assert result.day == end and result.rolled_from is None


def test_a_notice_period_does_not_move_off_a_weekend(words):
    result = periods.termination_end(date(2026, 1, 28), 1)
    assert (result.day, result.rolled_from) == (date(2026, 2, 28), None)  # a Saturday
    assert "This is the day the contract ends, not a deadline to act" in words(result.explanation)


def test_the_day_of_the_event_does_not_count(words):
    result = periods.deadline_to_act(date(2026, 11, 2), 30)  # Wednesday 2 December 2026, a working day
    assert (result.day, result.rolled_from) == (date(2026, 12, 2), None)
    assert "would have ended" not in words(result.explanation)


def test_a_notice_period_in_days_ends_on_its_last_day_and_never_moves():
    # 30 days from Tuesday 1 December 2026 end on Thursday 31 December; 45 days on Friday 15 January 2027;
    # 4 days from Tuesday 22 December 2026 on Saturday 26 December (Second Day of Christmas): it stays there.
    assert periods.notice_period(date(2026, 12, 1), 30).day == date(2026, 12, 31)
    assert periods.notice_period(date(2026, 12, 1), 45).day == date(2027, 1, 15)
    stays = periods.notice_period(date(2026, 12, 22), 4)
    assert (stays.day, stays.rolled_from) == (date(2026, 12, 26), None)


def test_a_deadline_ending_on_a_saturday_runs_to_monday(words):
    result = periods.deadline_to_act(date(2026, 11, 5), 30)  # 5 Dec 2026 is a Saturday
    assert (result.rolled_from, result.day) == (date(2026, 12, 5), date(2026, 12, 7))
    assert words(result.explanation) == (
        "Computed by analogy with Reg. (EEC, Euratom) No 1182/71 art. 3; the contract does not say how periods are "
        "counted. Art. 3(1): the day of the event does not count; the period ends at the end of its last day. "
        "Art. 3(4): a period to act that ends on a Saturday, Sunday or public holiday (Algemene termijnenwet art. 3) "
        "ends at the end of the next working day. The period would have ended on December 5, 2026 (Saturday)."
    )


def test_the_weekday_a_deadline_would_have_ended_on_is_named_in_the_readers_language(words):
    result = periods.deadline_to_act(date(2026, 11, 6), 30)  # 6 Dec 2026 is a Sunday
    assert (result.rolled_from, result.day) == (date(2026, 12, 6), date(2026, 12, 7))
    assert words(result.explanation, "nl").endswith(" De termijn zou zijn geëindigd op 6 december 2026 (zondag).")
    assert words(result.explanation, "en").endswith(" The period would have ended on December 6, 2026 (Sunday).")


def test_a_deadline_ending_on_easter_monday_runs_to_tuesday(words):
    result = periods.deadline_to_act(date(2026, 3, 7), 30)  # 6 April 2026 is Easter Monday
    assert result.rolled_from == date(2026, 4, 6) and result.day == date(2026, 4, 7)
    assert words(result.explanation).endswith(" The period would have ended on April 6, 2026 (Easter Monday).")


def test_a_deadline_ending_on_kings_day_runs_to_the_next_working_day(words):
    result = periods.deadline_to_act(date(2027, 3, 28), 30)  # 27 April 2027 is King's Day (a Tuesday)
    assert result.rolled_from == date(2027, 4, 27) and result.day == date(2027, 4, 28)
    assert words(result.explanation).endswith(" The period would have ended on April 27, 2027 (King's Day).")


def test_christmas_and_a_weekend_roll_together():
    result = periods.deadline_to_act(date(2027, 11, 25), 30)  # 25 Dec 2027 Saturday, 26 Sunday (both holidays)
    assert (result.rolled_from, result.day) == (date(2027, 12, 25), date(2027, 12, 27))


def test_end_of_day_is_amsterdam_midnight_in_utc_across_daylight_saving():
    winter = periods.end_of_day(date(2026, 3, 28))  # CET, UTC+1
    summer = periods.end_of_day(date(2026, 3, 29))  # the clocks went forward that night: CEST, UTC+2
    assert winter == datetime(2026, 3, 28, 22, 59, 59, 999999, tzinfo=UTC)
    assert summer == datetime(2026, 3, 29, 21, 59, 59, 999999, tzinfo=UTC)
    autumn = periods.end_of_day(date(2026, 10, 25))  # back to CET
    assert autumn == datetime(2026, 10, 25, 22, 59, 59, 999999, tzinfo=UTC)


def test_working_days():
    assert periods.is_working_day(date(2026, 11, 23))  # a Monday
    assert not periods.is_working_day(date(2026, 11, 22))  # a Sunday
    assert not periods.is_working_day(date(2026, 12, 25))
