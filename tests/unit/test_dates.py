from datetime import date

import pytest
from werkzeug.exceptions import BadRequest

from registry.web.dates import parse_at

from ..clock import on

FORMAT = "'at' must be a date written as YYYY-MM-DD, e.g. 2026-01-31; got '{}'."
TOO_EARLY = "'at' must be 1990-01-01 or later: the GDPR registry holds nothing earlier."


def test_a_well_formed_day_is_read():
    assert parse_at("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "raw,message",
    [
        ("2026-13-01", FORMAT.format("2026-13-01")),
        ("2023-02-29", FORMAT.format("2023-02-29")),
        ("yesterday", FORMAT.format("yesterday")),
        ("2026-1-1", FORMAT.format("2026-1-1")),
        ("20261101", FORMAT.format("20261101")),
        ("2026-11-01T00:00", FORMAT.format("2026-11-01T00:00")),
        ("' OR 1=1 --", FORMAT.format("' OR 1=1 --")),
        ("x" * 60, FORMAT.format("x" * 40)),  # the echo is cut short
        ("0001-01-01", TOO_EARLY),
        ("1989-12-31", TOO_EARLY),
    ],
)
def test_a_malformed_day_is_a_bad_request_that_says_why(raw, message):
    with pytest.raises(BadRequest) as info:
        parse_at(raw)
    assert info.value.description == message


def test_the_first_day_the_registry_holds_is_accepted():
    assert parse_at("1990-01-01") == date(1990, 1, 1)


@pytest.mark.parametrize("raw", [None, ""])
def test_no_day_means_today_in_amsterdam(raw):
    # Half past midnight in Amsterdam on 1 December 2026 is still 30 November in UTC: the contracts' calendar counts.
    with on(date(2026, 12, 1), hour=0):
        assert parse_at(raw) == date(2026, 12, 1)
    with on(date(2026, 11, 30), hour=23):
        assert parse_at(raw) == date(2026, 11, 30)
