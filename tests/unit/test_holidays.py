"""The public holidays of the Algemene termijnenwet art. 3, with every date worked out by hand from a calendar."""

from datetime import date

import pytest

from registry.law import periods
from registry.law.holidays import public_holiday

# Easter Sunday: 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16, 2029-04-01, 2030-04-21, 2031-04-13.
# Good Friday is two days before it, Easter Monday the day after, Ascension Day 39 days after (a Thursday),
# Whit Monday 50 days after; King's Day is 27 April, or Saturday 26 April when the 27th is a Sunday
# (2025, 2031).
HOLIDAYS = {
    2025: {
        "New Year's Day": date(2025, 1, 1),
        "Good Friday": date(2025, 4, 18),
        "Easter Monday": date(2025, 4, 21),
        "King's Day": date(2025, 4, 26),
        "Liberation Day": date(2025, 5, 5),
        "Ascension Day": date(2025, 5, 29),
        "Whit Monday": date(2025, 6, 9),
        "Christmas Day": date(2025, 12, 25),
        "Second Day of Christmas": date(2025, 12, 26),
    },
    2026: {
        "New Year's Day": date(2026, 1, 1),
        "Good Friday": date(2026, 4, 3),
        "Easter Monday": date(2026, 4, 6),
        "King's Day": date(2026, 4, 27),
        "Liberation Day": date(2026, 5, 5),
        "Ascension Day": date(2026, 5, 14),
        "Whit Monday": date(2026, 5, 25),
        "Christmas Day": date(2026, 12, 25),
        "Second Day of Christmas": date(2026, 12, 26),
    },
    2027: {
        "New Year's Day": date(2027, 1, 1),
        "Good Friday": date(2027, 3, 26),
        "Easter Monday": date(2027, 3, 29),
        "King's Day": date(2027, 4, 27),
        "Liberation Day": date(2027, 5, 5),
        "Ascension Day": date(2027, 5, 6),
        "Whit Monday": date(2027, 5, 17),
        "Christmas Day": date(2027, 12, 25),
        "Second Day of Christmas": date(2027, 12, 26),
    },
    2028: {
        "New Year's Day": date(2028, 1, 1),
        "Good Friday": date(2028, 4, 14),
        "Easter Monday": date(2028, 4, 17),
        "King's Day": date(2028, 4, 27),
        "Liberation Day": date(2028, 5, 5),
        "Ascension Day": date(2028, 5, 25),
        "Whit Monday": date(2028, 6, 5),
        "Christmas Day": date(2028, 12, 25),
        "Second Day of Christmas": date(2028, 12, 26),
    },
    2029: {
        "New Year's Day": date(2029, 1, 1),
        "Good Friday": date(2029, 3, 30),
        "Easter Monday": date(2029, 4, 2),
        "King's Day": date(2029, 4, 27),
        "Liberation Day": date(2029, 5, 5),
        "Ascension Day": date(2029, 5, 10),
        "Whit Monday": date(2029, 5, 21),
        "Christmas Day": date(2029, 12, 25),
        "Second Day of Christmas": date(2029, 12, 26),
    },
    2030: {
        "New Year's Day": date(2030, 1, 1),
        "Good Friday": date(2030, 4, 19),
        "Easter Monday": date(2030, 4, 22),
        "King's Day": date(2030, 4, 27),
        "Liberation Day": date(2030, 5, 5),
        "Ascension Day": date(2030, 5, 30),
        "Whit Monday": date(2030, 6, 10),
        "Christmas Day": date(2030, 12, 25),
        "Second Day of Christmas": date(2030, 12, 26),
    },
    2031: {
        "New Year's Day": date(2031, 1, 1),
        "Good Friday": date(2031, 4, 11),
        "Easter Monday": date(2031, 4, 14),
        "King's Day": date(2031, 4, 26),
        "Liberation Day": date(2031, 5, 5),
        "Ascension Day": date(2031, 5, 22),
        "Whit Monday": date(2031, 6, 2),
        "Christmas Day": date(2031, 12, 25),
        "Second Day of Christmas": date(2031, 12, 26),
    },
}
DUTCH = {
    "New Year's Day": "Nieuwjaarsdag",
    "Good Friday": "Goede Vrijdag",
    "Easter Monday": "Tweede Paasdag",
    "King's Day": "Koningsdag",
    "Liberation Day": "Bevrijdingsdag",
    "Ascension Day": "Hemelvaartsdag",
    "Whit Monday": "Tweede Pinksterdag",
    "Christmas Day": "Eerste Kerstdag",
    "Second Day of Christmas": "Tweede Kerstdag",
}
EVERY_HOLIDAY = [(name, day) for year in HOLIDAYS.values() for name, day in year.items()]


@pytest.mark.parametrize("english,day", EVERY_HOLIDAY)
def test_every_holiday_of_atw_article_3_is_named_in_english_and_dutch(english, day):
    assert periods.holiday_name(day) == english
    assert periods.holiday_name(day, "en") == english
    assert periods.holiday_name(day, "nl") == DUTCH[english]
    assert not periods.is_working_day(day)


@pytest.mark.parametrize("year", range(2025, 2032))
def test_liberation_day_is_a_holiday_every_year_not_only_in_lustrum_years(year):
    # Atw art. 3(1) names "de vijfde mei" without condition; python-holidays had it only every fifth year.
    assert periods.holiday_name(date(year, 5, 5), "nl") == "Bevrijdingsdag"


@pytest.mark.parametrize("day", [date(2026, 5, 5), date(2027, 5, 5), date(2028, 5, 5)])
def test_liberation_day_on_a_weekday_is_not_a_working_day(day):  # Tuesday, Wednesday, Friday
    assert not periods.is_working_day(day)


def test_kings_day_moves_to_saturday_only_when_27_april_is_a_sunday():
    assert periods.holiday_name(date(2025, 4, 26)) == "King's Day"  # 27 April 2025 is a Sunday
    assert periods.holiday_name(date(2025, 4, 27)) is None
    assert periods.holiday_name(date(2026, 4, 26)) is None  # a Sunday; King's Day is Monday the 27th
    assert periods.holiday_name(date(2031, 4, 27)) is None  # a Sunday again; King's Day is the 26th


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 4),  # Remembrance of the Dead, not a holiday (a Monday)
        date(2026, 12, 24),  # Christmas Eve (a Thursday)
        date(2026, 12, 31),  # New Year's Eve (a Thursday)
        date(2026, 5, 26),  # the Tuesday after Whit Monday
        date(2027, 3, 30),  # the Tuesday after Easter Monday
        date(2028, 6, 6),  # the Tuesday after Whit Monday
    ],
)
def test_days_the_law_does_not_name_are_working_days(day):
    assert periods.holiday_name(day) is None and periods.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 4, 5), date(2026, 5, 24), date(2027, 3, 28)])
def test_easter_and_whit_sunday_are_not_named_holidays_but_sundays(day):
    assert periods.holiday_name(day) is None and not periods.is_working_day(day)


@pytest.mark.parametrize("day", [date(2027, 5, 7), date(2028, 4, 28), date(2028, 5, 26)])
def test_a_day_made_equal_to_a_holiday_by_decree_is_not_a_working_day(day):
    # "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een
    # algemeen erkende feestdag" (Atw art. 3(3)); the days are read from the decree's title.
    assert not periods.is_working_day(day)
    assert "3(3)" in periods.holiday_name(day, "en") and "lid 3" in periods.holiday_name(day, "nl")
    assert "7 mei 2027" in public_holiday(date(2027, 5, 7)).source


def test_a_decree_of_2016_made_two_mondays_in_december_2018_equal_to_holidays():
    # Besluit van 24 oktober 2016, nr. 2016001827, art. 1: 24 and 31 December 2018 (both Mondays).
    assert not periods.is_working_day(date(2018, 12, 24)) and not periods.is_working_day(date(2018, 12, 31))
    assert periods.is_working_day(date(2018, 12, 27))


def test_the_next_working_day_rolls_over_christmas_and_the_weekend():
    # Friday 25 and Saturday 26 December 2026, Sunday 27: Monday 28 December is the next working day.
    assert periods.next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)
    assert periods.next_working_day(date(2026, 12, 26)) == date(2026, 12, 28)
    assert periods.next_working_day(date(2026, 12, 28)) == date(2026, 12, 28)


def test_the_next_working_day_rolls_over_ascension_the_decreed_friday_and_the_weekend():
    # Thursday 14 May 2026 Ascension Day, Friday 15 May equal by decree: Monday 18 May.
    assert periods.next_working_day(date(2026, 5, 14)) == date(2026, 5, 18)


def test_a_deadline_ending_on_liberation_day_2026_runs_to_wednesday():
    result = periods.deadline_to_act(date(2026, 4, 5), 30)  # 5 May 2026 is a Tuesday
    assert (result.rolled_from, result.day) == (date(2026, 5, 5), date(2026, 5, 6))
